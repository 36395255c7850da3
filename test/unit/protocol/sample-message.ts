/**
 * Builds a pseudo-random message of one API version from its generated schema: every field that
 * exists in that version, nulls where the version allows them, known tagged fields present or
 * absent, and unknown tagged fields on flexible versions. Deterministic for a given seed.
 */
import type { FieldSchema, MessageSchema, VersionRange } from "../../../src/protocol/schema.js";
import { inVersionRange } from "../../../src/protocol/schema.js";

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
type Obj = Record<string, unknown>;

const int = (rand: Rand, lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const TEXT = ["", "a", "topic-1", "grüße", "__consumer_offsets", "x".repeat(40), "✓ ok"];

function bytes(rand: Rand, max: number): Buffer {
  const b = Buffer.alloc(int(rand, 0, max));
  for (let i = 0; i < b.length; i++) b[i] = int(rand, 0, 255);
  return b;
}

function scalar(type: string, rand: Rand): unknown {
  switch (type) {
    case "bool":
      return rand() < 0.5;
    case "int8":
      return int(rand, -128, 127);
    case "int16":
      return int(rand, -32768, 32767);
    case "uint16":
      return int(rand, 0, 65535);
    case "int32":
      return rand() < 0.2 ? -1 : int(rand, -(2 ** 31), 2 ** 31 - 1);
    case "uint32":
      return int(rand, 0, 2 ** 32 - 1);
    case "int64":
      return BigInt.asIntN(64, (BigInt(int(rand, 0, 2 ** 32 - 1)) << 32n) | BigInt(int(rand, 0, 2 ** 32 - 1)));
    case "float64":
      return (rand() - 0.5) * 1e6 || 1.5;
    case "string":
      return TEXT[int(rand, 0, TEXT.length - 1)];
    case "uuid":
      return randomUuid(rand);
    case "bytes":
      return bytes(rand, 6);
    case "records": {
      // Decoding a single-chunk frame yields one slice, or none for empty records.
      const b = bytes(rand, 30);
      return b.length === 0 ? [] : [b];
    }
    default:
      throw new Error(`no sample for type ${type}`);
  }
}

function randomUuid(rand: Rand): string {
  const b = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) b[i] = int(rand, 0, 255);
  return b.toString("base64url");
}

function value(f: FieldSchema, version: number, flexible: boolean, rand: Rand): unknown {
  if (inVersionRange(f.nullableVersions, version) && rand() < 0.25) return null;
  if (f.type.startsWith("[]")) {
    const n = int(rand, 0, 3);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      out.push(f.fields ? struct(f.fields, version, flexible, rand) : scalar(f.type.slice(2), rand));
    }
    return out;
  }
  return f.fields ? struct(f.fields, version, flexible, rand) : scalar(f.type, rand);
}

function isTagged(f: FieldSchema, version: number): boolean {
  return f.taggedVersions !== undefined && inVersionRange(f.taggedVersions, version);
}

function struct(fields: readonly FieldSchema[], version: number, flexible: boolean, rand: Rand): Obj {
  const o: Obj = {};
  const usedTags = new Set<number>();
  for (const f of fields) {
    if (!inVersionRange(f.versions, version)) continue;
    if (isTagged(f, version)) {
      usedTags.add(f.tag!);
      if (rand() < 0.4) continue; // known tagged fields are optional
    }
    o[f.name] = value(f, version, flexible, rand);
  }
  if (flexible && rand() < 0.5) {
    // Unknown tags: numbers no known field of this version uses, in ascending order (wire order).
    const tags: number[] = [];
    for (let t = 0; t < 8; t++) if (!usedTags.has(t) && rand() < 0.3) tags.push(t);
    if (rand() < 0.3) tags.push(200 + int(rand, 0, 5000)); // a multi-byte varint tag
    if (tags.length > 0) o.unknownTaggedFields = tags.map((tag) => ({ tag, data: bytes(rand, 5) }));
  }
  return o;
}

export function sampleMessage(schema: MessageSchema, version: number, seed: number): Obj {
  const flexible = inVersionRange(schema.flexibleVersions, version);
  return struct(schema.fields, version, flexible, rng(seed * 7919 + version * 31 + schema.apiKey));
}

export function versionsOf(range: VersionRange): number[] {
  const out: number[] = [];
  for (let v = range[0]; v <= range[1]; v++) out.push(v);
  return out;
}
