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

/**
 * Deliberate exceptions to a spec's validVersions, by message name: the version the codec starts at instead.
 *
 * Produce v0-2 were removed from the specs in Kafka 4.0 (KIP-896: validVersions "3-13"), yet brokers still advertise
 * Produce from v0, because librdkafka turns compression off otherwise (KAFKA-18659), so the gateway offers v0 too, and
 * Kafka 3.x brokers really serve v0-2. The 4.x files still describe those versions field by field ("0+" fields,
 * TransactionalId "3+", ThrottleTimeMs "1+", LogAppendTimeMs "2+"; identical to 3.9's, whose range is "0-11"), and
 * none of them is flexible ("9+"), so the codec covers them: a gateway can rewrite v0-2 for a 3.x broker and pass a
 * 4.x broker's own answer on instead of closing.
 */
export const VALID_VERSIONS_LOWERED: ReadonlyMap<string, { removedBelow: number; codecFrom: number }> = new Map([
  ["ProduceRequest", { removedBelow: 3, codecFrom: 0 }],
  ["ProduceResponse", { removedBelow: 3, codecFrom: 0 }],
]);

/** The versions the codec covers for a message: its validVersions, or the exception above. */
export function validVersionsOf(spec: MessageSpec): Range | null {
  const valid = parseRange(spec.validVersions);
  const lowered = VALID_VERSIONS_LOWERED.get(spec.name);
  if (valid === null || lowered === undefined || valid.lo === lowered.codecFrom) return valid;
  // Anything else than the expected removal (a new jar moving the minimum again) needs a fresh look, not a silent widening.
  if (valid.lo !== lowered.removedBelow) {
    throw new Error(`${spec.name}: validVersions ${spec.validVersions}, expected to start at ${lowered.removedBelow} or ${lowered.codecFrom}`);
  }
  return { lo: lowered.codecFrom, hi: valid.hi };
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
