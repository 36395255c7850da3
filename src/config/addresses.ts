// Parsers for the address notations used in config: "host:port", "[ipv6]:port" and "first-last" port ranges.
// Each returns the parsed value or a reason string, so the schema can report the reason at the right path.
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Inclusive port range, parsed from "first-last". */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= MIN_PORT && value <= MAX_PORT;
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return isPort(port) ? port : undefined;
}

export function parseHostPort(text: string): HostPort | string {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]\s]+):(\d+)$/.exec(text);
  const port = match ? parsePort(match[2]!) : undefined;
  if (!match) return `expected "host:port" (or "[ipv6]:port"), got "${text}"`;
  if (port === undefined) return `port in "${text}" must be ${MIN_PORT}-${MAX_PORT}`;
  return { host: match[1]!, port };
}

export function parsePortRange(text: string): PortRange | string {
  const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  if (!match) return `expected a port range "first-last", got "${text}"`;
  const first = parsePort(match[1]!);
  const last = parsePort(match[2]!);
  if (first === undefined || last === undefined) return `ports in "${text}" must be ${MIN_PORT}-${MAX_PORT}`;
  if (first > last) return `first port ${first} is above last port ${last}`;
  return { first, last };
}

export function formatRange({ first, last }: PortRange): string {
  return first === last ? `port ${first}` : `ports ${first}-${last}`;
}
