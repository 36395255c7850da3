/**
 * Loading Kafka's JSON message definitions (common/message/*.json) from the kafka-clients jar and
 * the small model the emitter works on: version ranges and field kinds.
 */
import { execFileSync } from "node:child_process";

/** Kafka's "open ended" upper bound (Short.MAX_VALUE). */
export const OPEN = 0x7fff;

/** An inclusive version range; `null` means "none". */
export interface Range {
  lo: number;
  hi: number;
}

export interface FieldSpec {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  flexibleVersions?: string;
  tag?: number;
  ignorable?: boolean;
  default?: string;
  entityType?: string;
  mapKey?: boolean;
  zeroCopy?: boolean;
  about?: string;
  fields?: FieldSpec[];
}

export interface StructSpec {
  name: string;
  versions: string;
  fields: FieldSpec[];
}

export interface MessageSpec {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions: string;
  latestVersionUnstable?: boolean;
  listeners?: string[];
  fields: FieldSpec[];
  commonStructs?: StructSpec[];
}

export function parseRange(spec: string | undefined): Range | null {
  if (spec === undefined || spec === "none" || spec === "") return null;
  const plus = /^(\d+)\+$/.exec(spec);
  if (plus) return { lo: Number(plus[1]), hi: OPEN };
  const span = /^(\d+)-(\d+)$/.exec(spec);
  if (span) return { lo: Number(span[1]), hi: Number(span[2]) };
  if (/^\d+$/.test(spec)) return { lo: Number(spec), hi: Number(spec) };
  throw new Error(`bad version range ${JSON.stringify(spec)}`);
}

export function intersect(a: Range | null, b: Range | null): Range | null {
  if (a === null || b === null) return null;
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { lo, hi } : null;
}

/** Smallest range holding both (struct contexts are unions of their usages). */
export function hull(a: Range | null, b: Range | null): Range | null {
  if (a === null) return b;
  if (b === null) return a;
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

export function covers(outer: Range | null, inner: Range | null): boolean {
  if (inner === null) return true;
  if (outer === null) return false;
  return outer.lo <= inner.lo && outer.hi >= inner.hi;
}

export const PRIMITIVES = new Set([
  "bool",
  "int8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "float64",
  "string",
  "uuid",
  "bytes",
  "records",
]);

/** Strips `//` comments (outside strings) from Kafka's commented JSON. */
export function stripComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") out += text[++i] ?? "";
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else {
      out += ch;
    }
  }
  return out;
}

export function kafkaVersion(): string {
  return process.env.BULKHEAD_KAFKA_VERSION ?? "4.4.0";
}

export function clientsJar(root: string, version: string): string {
  return `${root}/.cache/kafka/${version}/libs/kafka-clients-${version}.jar`;
}

/** Every common/message/*.json in the jar, parsed, sorted by file name. */
export function loadSpecs(jar: string): { file: string; spec: MessageSpec }[] {
  const listing = execFileSync("unzip", ["-Z1", jar, "common/message/*.json"], { encoding: "utf8" });
  const entries = listing.split("\n").filter((l) => l.endsWith(".json")).sort();
  return entries.map((entry) => {
    const text = execFileSync("unzip", ["-p", jar, entry], { encoding: "utf8", maxBuffer: 16 << 20 });
    return { file: entry, spec: JSON.parse(stripComments(text)) as MessageSpec };
  });
}
