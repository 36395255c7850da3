// A null must stay null through the tenancy rewrite, in both directions: a null transactional id is an idempotent
// producer, a null topic list is "all topics", a null group instance id is a dynamic member... If the rewrite turned
// one into a prefixed string (the bare prefix), the request would mean something else upstream. Swept over every
// allowlisted API and version with schema-driven sample messages: all nullables null, and random mixes.
import { describe, expect, it } from "vitest";
import { API_BY_KEY } from "../../../src/protocol/messages/index.js";
import type { FieldSchema } from "../../../src/protocol/schema.js";
import { inVersionRange } from "../../../src/protocol/schema.js";
import { TENANT_API_ALLOWLIST } from "../../../src/tenancy/api-policy.js";
import { rewriteRequest, rewriteResponse } from "../../../src/tenancy/rewrite.js";
import { sampleMessage } from "../protocol/sample-message.js";
import { tenant } from "./tenant-fixture.js";

type Obj = Record<string, unknown>;
const SEEDS = 6;

/** Nulls the rewrite fills on purpose. */
const FILLED: Record<string, string> = {
  // Listing all topics (no topics, no cursor): the listing starts at the namespace (describe-topic-partitions.ts).
  "DescribeTopicPartitions request.cursor": "the namespace's first name",
};

/** structuredClone, but Buffers stay Buffers (the consumer protocol bytes are read with a Reader). */
function clone<T>(value: T): T {
  if (Buffer.isBuffer(value)) return Buffer.from(value) as T;
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)])) as T;
  return value;
}

/** Every nullable field of this version set to null (the fields below a nulled array or struct are gone with it). */
function nullify(fields: readonly FieldSchema[], version: number, obj: Obj): Obj {
  for (const f of fields) {
    if (!(f.name in obj)) continue;
    if (inVersionRange(f.nullableVersions, version)) obj[f.name] = null;
    else if (f.fields !== undefined) for (const item of [obj[f.name]].flat()) nullify(f.fields, version, item as Obj);
  }
  return obj;
}

/** The paths of the nulls of `before` that are not null in `after` (arrays whose length changed are not compared). */
function lostNulls(fields: readonly FieldSchema[], before: Obj, after: Obj, path: string, out: string[]): void {
  for (const f of fields) {
    if (!(f.name in before)) continue;
    const b = before[f.name];
    const a = after[f.name];
    if (b === null) {
      if (a !== null) out.push(`${path}.${f.name} = ${JSON.stringify(a)}`);
    } else if (f.fields !== undefined && a !== null && a !== undefined) {
      const bs = [b].flat() as Obj[];
      const as = [a].flat() as Obj[];
      if (bs.length === as.length) bs.forEach((item, i) => lostNulls(f.fields!, item, as[i]!, `${path}.${f.name}[${i}]`, out));
    }
  }
}

const cases = [...TENANT_API_ALLOWLIST].flatMap(([apiKey, { maxVersion }]) => {
  const api = API_BY_KEY.get(apiKey)!;
  const out: [string, number, number][] = [];
  for (let v = api.minVersion; v <= Math.min(maxVersion, api.maxVersion); v++) out.push([api.name, apiKey, v]);
  return out;
});

function samples(schema: Parameters<typeof sampleMessage>[0], version: number): Obj[] {
  const out = [nullify(schema.fields, version, sampleMessage(schema, version, 0))];
  for (let seed = 1; seed <= SEEDS; seed++) out.push(sampleMessage(schema, version, seed));
  return out;
}

describe("nulls stay null", () => {
  const t = tenant(); // shared: a topic id map is not cheap to build
  it.each(cases)("%s (key %i) v%i request", async (name, apiKey, version) => {
    const schema = API_BY_KEY.get(apiKey)!.requestSchema;
    const lost: string[] = [];
    for (const before of samples(schema, version)) {
      const request = clone(before);
      const outcome = await rewriteRequest(t, apiKey, version, request);
      if (outcome.kind === "forward") lostNulls(schema.fields, before, request, "request", lost);
    }
    expect(lost.filter((path) => FILLED[`${name} ${path.split(" = ")[0]!}`] === undefined)).toEqual([]);
  });

  it.each(cases)("%s (key %i) v%i response", (_name, apiKey, version) => {
    const schema = API_BY_KEY.get(apiKey)!.responseSchema;
    const lost: string[] = [];
    for (const before of samples(schema, version)) {
      const response = clone(before);
      rewriteResponse(t, apiKey, version, response, undefined);
      lostNulls(schema.fields, before, response, "response", lost);
    }
    expect(lost).toEqual([]);
  });
});
