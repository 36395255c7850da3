import { describe, expect, it } from "vitest";
import { API_BY_KEY, APIS, ApiKey, CODEC_KAFKA_VERSION, type ApiDescriptor } from "../../../src/protocol/messages/index.js";
import { decodeMetadataResponse, encodeMetadataResponse } from "../../../src/protocol/messages/metadata.js";
import { decodeFetchResponse, encodeFetchResponse, type FetchResponse } from "../../../src/protocol/messages/fetch.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { ProtocolError } from "../../../src/protocol/errors.js";
import { inVersionRange, type FieldSchema } from "../../../src/protocol/schema.js";
import { clientsJar, loadSpecs, parseRange, validVersionsOf, VALID_VERSIONS_LOWERED } from "../../../scripts/codegen/spec.js";
import { sampleMessage, versionsOf } from "./sample-message.js";

const SEEDS = [1, 2, 3];

type Direction = "request" | "response";

function codec(api: ApiDescriptor, dir: Direction) {
  return dir === "request"
    ? { decode: api.decodeRequest, encode: api.encodeRequest, schema: api.requestSchema }
    : { decode: api.decodeResponse, encode: api.encodeResponse, schema: api.responseSchema };
}

function encode(api: ApiDescriptor, dir: Direction, version: number, msg: object): Buffer {
  const w = new Writer(16);
  codec(api, dir).encode(w, version, msg);
  const bytes = Buffer.concat(w.toChunks());
  expect(w.length).toBe(bytes.length);
  return bytes;
}

/** Cuts a frame into chunks of `size` bytes, so that values straddle chunk boundaries. */
function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** Record slices decoded from several chunks come back split; compare their bytes. */
function joinRecords(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => Buffer.isBuffer(v))) return Buffer.concat(value as Buffer[]);
    return value.map(joinRecords);
  }
  if (value !== null && typeof value === "object" && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, joinRecords(v)]));
  }
  return value;
}

const cases = [...API_BY_KEY.values()].flatMap((api) =>
  (["request", "response"] as const).flatMap((dir) =>
    versionsOf([api.minVersion, api.maxVersion]).map((version) => ({ name: api.name, api, dir, version })),
  ),
);

describe("every API, every version, both directions: encode → decode → re-encode", () => {
  it.each(cases)("$name $dir v$version", ({ api, dir, version }) => {
    const { decode, schema } = codec(api, dir);
    for (const seed of SEEDS) {
      const msg = sampleMessage(schema, version, seed);
      const bytes = encode(api, dir, version, msg);
      const r = new Reader(bytes);
      const decoded = decode(r, version);
      expect(r.remaining).toBe(0);
      expect(decoded).toEqual(msg);
      expect(encode(api, dir, version, decoded).equals(bytes)).toBe(true);
      // Same frame delivered in 3-byte chunks: every multi-byte value straddles somewhere.
      const fromChunks = decode(new Reader(chunked(bytes, 3)), version);
      expect(joinRecords(fromChunks)).toEqual(joinRecords(msg));
    }
  });
});

describe("generated index", () => {
  it(`covers every API of kafka-clients ${CODEC_KAFKA_VERSION} with its version ranges`, () => {
    const root = new URL("../../..", import.meta.url).pathname;
    const specs = loadSpecs(clientsJar(root, CODEC_KAFKA_VERSION)).map((s) => s.spec);
    const requests = specs.filter((s) => s.type === "request" && s.validVersions !== "none");
    expect(requests.length).toBeGreaterThan(80);
    for (const spec of requests) {
      const api = API_BY_KEY.get(spec.apiKey!);
      expect(api, spec.name).toBeDefined();
      // The spec's range, except where the generator widens it on purpose (Produce v0-2, KAFKA-18659).
      const valid = validVersionsOf(spec)!;
      expect([api!.minVersion, api!.maxVersion], spec.name).toEqual([valid.lo, valid.hi]);
      if (!VALID_VERSIONS_LOWERED.has(spec.name)) expect(valid, spec.name).toEqual(parseRange(spec.validVersions));
      expect(api!.requestFlexibleFrom, spec.name).toBe(parseRange(spec.flexibleVersions)?.lo ?? null);
      expect(api!.requestSchema.name).toBe(spec.name);
    }
    expect(API_BY_KEY.size).toBe(requests.length);
  });

  it("widens only Produce, and only down to v0 (the versions brokers advertise for librdkafka, KAFKA-18659)", () => {
    expect([...VALID_VERSIONS_LOWERED.keys()].sort()).toEqual(["ProduceRequest", "ProduceResponse"]);
    expect(APIS.Produce.minVersion).toBe(0);
    expect(validVersionsOf({ name: "ProduceRequest", validVersions: "3-14" } as never)).toEqual({ lo: 0, hi: 14 });
    expect(validVersionsOf({ name: "ProduceRequest", validVersions: "0-11" } as never)).toEqual({ lo: 0, hi: 11 }); // a 3.x jar
    expect(() => validVersionsOf({ name: "ProduceRequest", validVersions: "4-14" } as never)).toThrow(/expected to start at 3 or 0/);
    expect(validVersionsOf({ name: "FetchRequest", validVersions: "4-18" } as never)).toEqual({ lo: 4, hi: 18 });
  });

  it("names APIs and keys consistently", () => {
    expect(ApiKey.Metadata).toBe(3);
    expect(ApiKey.ApiVersions).toBe(18);
    expect(APIS.Produce.apiKey).toBe(0);
    for (const [key, api] of API_BY_KEY) expect(api.apiKey).toBe(key);
  });

  it("keeps entity annotations in the schema for generic rewriting", () => {
    const topics = APIS.Metadata.responseSchema.fields.find((f) => f.name === "topics")!;
    expect(topics.fields!.find((f) => f.name === "name")!.entityType).toBe("topicName");
    const brokers = APIS.Metadata.responseSchema.fields.find((f) => f.name === "brokers")!;
    expect(brokers.fields!.find((f) => f.name === "nodeId")!.entityType).toBe("brokerId");
    const txn = APIS.InitProducerId.requestSchema.fields.find((f) => f.name === "transactionalId")!;
    expect(txn.entityType).toBe("transactionalId");
  });
});

describe("generated codec details", () => {
  it("matches Kafka's wire bytes for a Metadata v12 response (flexible, nullable topic name)", () => {
    const w = new Writer();
    encodeMetadataResponse(w, 12, {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: "h", port: 9092, rack: null }],
      clusterId: "c",
      controllerId: 1,
      topics: [{ errorCode: 3, name: null, topicId: "AAAAAAAAAAAAAAAAAAAAAA", isInternal: false, partitions: [], topicAuthorizedOperations: 0 }],
    });
    const expected = Buffer.concat([
      Buffer.from([0, 0, 0, 0]), // throttle
      Buffer.from([2]), // 1 broker (compact: n+1)
      Buffer.from([0, 0, 0, 1, 2, 0x68, 0, 0, 0x23, 0x84, 0, 0]), // nodeId, host "h", port, rack null, no tags
      Buffer.from([2, 0x63]), // clusterId "c"
      Buffer.from([0, 0, 0, 1]), // controllerId
      Buffer.from([2, 0, 3, 0]), // 1 topic: errorCode 3, name null
      Buffer.alloc(16), // zero topic id
      Buffer.from([0, 1, 0, 0, 0, 0]), // isInternal, 0 partitions, authorized ops
      Buffer.from([0, 0]), // topic tags, top-level tags
    ]);
    expect(Buffer.concat(w.toChunks())).toEqual(expected);
    expect(decodeMetadataResponse(new Reader(expected), 12).topics[0]!.name).toBeNull();
  });

  it("rejects a version outside the API's range", () => {
    expect(() => decodeMetadataResponse(new Reader(Buffer.alloc(0)), 14)).toThrow(ProtocolError);
    expect(() => encodeMetadataResponse(new Writer(), -1, { brokers: [], topics: [] })).toThrow(ProtocolError);
  });

  it("refuses to drop a non-ignorable field that the target version lacks", () => {
    const msg = { brokers: [], topics: [], clusterAuthorizedOperations: 5 };
    expect(() => encodeMetadataResponse(new Writer(), 11, msg)).toThrow(/clusterAuthorizedOperations/);
    expect(() => encodeMetadataResponse(new Writer(), 10, msg)).not.toThrow();
  });

  it("writes known and unknown tagged fields in ascending tag order, and passes records through", () => {
    const records = Buffer.from("record-batch-bytes");
    const msg: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topicId: "AAECAwQFBgcICQoLDA0ODw",
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 10n,
              lastStableOffset: 10n,
              logStartOffset: 0n,
              currentLeader: { leaderId: 1, leaderEpoch: 2 },
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: [records],
              unknownTaggedFields: [{ tag: 5, data: Buffer.from([9]) }, { tag: 7, data: Buffer.from([8]) }],
            },
          ],
        },
      ],
    };
    const w = new Writer();
    encodeFetchResponse(w, 16, msg);
    const chunks = w.toChunks();
    expect(chunks).toContain(records); // appended as-is, not copied
    const frame = Buffer.concat(chunks);
    const decoded = decodeFetchResponse(new Reader(frame), 16);
    // Decoded records are views into the received frame, not copies.
    const slice = decoded.responses[0]!.partitions[0]!.records![0]!;
    expect(slice.buffer).toBe(frame.buffer);
    expect(slice.equals(records)).toBe(true);
    const p = decoded.responses[0]!.partitions[0]!;
    expect(p.currentLeader).toEqual({ leaderId: 1, leaderEpoch: 2 });
    expect(p.unknownTaggedFields).toEqual(msg.responses[0]!.partitions[0]!.unknownTaggedFields);
    // After the records: 3 tags in ascending order (known 1 = currentLeader, unknown 5 and 7),
    // then the topic's and the response's empty tag sections.
    const tail = [3, 1, 9, 0, 0, 0, 1, 0, 0, 0, 2, 0, 5, 1, 9, 7, 1, 8, 0, 0];
    expect([...frame.subarray(-tail.length)]).toEqual(tail);
  });
});

describe("the samples exercise the interesting cases", () => {
  it("contain nulls, known and unknown tagged fields, records, int64, uuid and float64 values", () => {
    const seen = { nulls: 0, unknownTags: 0, knownTags: 0, records: 0, bigints: 0, uuids: 0, floats: 0 };
    const walk = (schemaFields: readonly FieldSchema[], value: Record<string, unknown>, version: number): void => {
      if (value.unknownTaggedFields) seen.unknownTags++;
      for (const f of schemaFields) {
        const v = value[f.name];
        if (v === undefined) continue;
        if (v === null) seen.nulls++;
        if (f.taggedVersions && inVersionRange(f.taggedVersions, version)) seen.knownTags++;
        if (f.type === "records" && Array.isArray(v) && v.length > 0) seen.records++;
        if (typeof v === "bigint") seen.bigints++;
        if (f.type === "uuid") seen.uuids++;
        if (f.type === "float64") seen.floats++;
        if (f.fields && v !== null) {
          for (const item of Array.isArray(v) ? v : [v]) walk(f.fields, item as Record<string, unknown>, version);
        }
      }
    };
    for (const { api, dir, version } of cases) {
      const schema = codec(api, dir).schema;
      for (const seed of SEEDS) walk(schema.fields, sampleMessage(schema, version, seed), version);
    }
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(10);
  });
});

describe("malformed input gets a ProtocolError, never a crash", () => {
  it.each([...API_BY_KEY.values()].map((api) => ({ name: api.name, api })))("$name: truncated and corrupted frames", ({ api }) => {
    for (const dir of ["request", "response"] as const) {
      const { decode, schema } = codec(api, dir);
      for (const version of versionsOf([api.minVersion, api.maxVersion])) {
        const bytes = encode(api, dir, version, sampleMessage(schema, version, 11));
        // Every proper prefix is a truncated frame.
        for (let cut = 0; cut < bytes.length; cut++) {
          expect(() => decode(new Reader(bytes.subarray(0, cut)), version)).toThrow(ProtocolError);
        }
        // Corrupt one byte at a time (deterministically): either it still decodes or it fails cleanly.
        for (let i = 0; i < bytes.length; i++) {
          const bad = Buffer.from(bytes);
          bad[i] = bad[i]! ^ (0x80 | (i * 37) & 0x7f);
          try {
            decode(new Reader(bad), version);
          } catch (e) {
            expect(e).toBeInstanceOf(ProtocolError);
          }
        }
      }
    }
  });

  it("rejects a known tagged field whose declared size disagrees with its value", () => {
    // ApiVersions v3 response: error 0, no apis, throttle 0, one tag: FinalizedFeaturesEpoch (int64) declared as 9 bytes.
    const frame = Buffer.from([0, 0, 1, 0, 0, 0, 0, 1, 1, 9, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(() => APIS.ApiVersions.decodeResponse(new Reader(frame), 3)).toThrow(/declared size/);
  });
});
