// Produce v0-2: the Kafka 4 specs dropped them (KIP-896), the codec keeps them on purpose (brokers advertise Produce
// from v0 for librdkafka, KAFKA-18659, and 3.x brokers serve them). Frames built by hand, byte by byte, from the
// protocol's own grammar, so the generated codec is checked against the wire format, not against itself.
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeRequestHeader, requestHeaderVersion, responseHeaderVersion } from "../../../src/protocol/headers.js";
import { APIS } from "../../../src/protocol/messages/index.js";
import { decodeProduceRequest, decodeProduceResponse, encodeProduceRequest, encodeProduceResponse } from "../../../src/protocol/messages/produce.js";
import { Reader } from "../../../src/protocol/reader.js";
import { readRecordBatchHeaders } from "../../../src/protocol/record-batch.js";
import { Writer } from "../../../src/protocol/writer.js";

const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};
const str = (s: string) => Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]);

/** One magic 1 message: offset, size, crc, magic, attributes, timestamp, key (null), value. */
function legacyMessage(offset: bigint, value: string, timestamp: bigint): Buffer {
  const checked = Buffer.concat([Buffer.from([1, 0]), int64(timestamp), int32(-1), int32(Buffer.byteLength(value)), Buffer.from(value)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(checked) >>> 0);
  return Buffer.concat([int64(offset), int32(4 + checked.length), crc, checked]);
}

const messageSet = Buffer.concat([legacyMessage(0n, "first", 1_700_000_000_000n), legacyMessage(1n, "second", 1_700_000_000_001n)]);

/** Produce v0-2 request body: acks int16, timeout int32, [topic string, [partition int32, records bytes]]. */
const body = Buffer.concat([
  int16(-1), // acks
  int32(5000), // timeout
  int32(1), str("orders"), // 1 topic
  int32(1), int32(3), int32(messageSet.length), messageSet, // 1 partition: index 3, the message set
]);

/** Request header v1 (Produce below v9): api key, version, correlation id, client id. */
const header = (version: number) => Buffer.concat([int16(0), int16(version), int32(42), str("legacy-app")]);

describe("Produce v0-2 in the codec", () => {
  it("covers v0-13, none of v0-2 flexible (flexible from 9), with header v1 requests and v0 responses", () => {
    expect([APIS.Produce.minVersion, APIS.Produce.maxVersion]).toEqual([0, 13]);
    expect(APIS.Produce.requestFlexibleFrom).toBe(9);
    expect(APIS.Produce.responseFlexibleFrom).toBe(9);
    for (const version of [0, 1, 2]) {
      expect(requestHeaderVersion(0, version)).toBe(1);
      expect(responseHeaderVersion(0, version)).toBe(0);
    }
  });

  it.each([0, 1, 2])("decodes a hand-built v%i request frame: acks, timeout, topic, partition, the message set as it came", (version) => {
    const frame = Buffer.concat([header(version), body]);
    const reader = new Reader([frame.subarray(0, 7), frame.subarray(7, 40), frame.subarray(40)]); // values straddle chunks
    expect(decodeRequestHeader(reader)).toMatchObject({ apiKey: 0, apiVersion: version, correlationId: 42, clientId: "legacy-app" });
    const request = decodeProduceRequest(reader, version);
    expect(reader.remaining).toBe(0);
    expect(request).toMatchObject({ acks: -1, timeoutMs: 5000 });
    expect(request.transactionalId).toBeUndefined(); // v3+ only: no bytes for it before acks
    expect(request.topicData).toHaveLength(1);
    const topic = request.topicData[0]!;
    expect(topic.name).toBe("orders");
    expect(topic.partitionData).toHaveLength(1);
    expect(topic.partitionData[0]!.index).toBe(3);
    const records = topic.partitionData[0]!.records!;
    expect(Buffer.concat(records).equals(messageSet)).toBe(true);
    for (const slice of records) expect(slice.buffer).toBe(frame.buffer); // views of the frame, never copies
    // The peek reads the legacy messages as such (magic 1, one record each), not as v2 batches.
    expect(readRecordBatchHeaders(records).map((h) => [h.baseOffset, h.magic, h.compression, h.recordCount])).toEqual([
      [0n, 1, "none", 1],
      [1n, 1, "none", 1],
    ]);
    // Re-encoded: the same bytes.
    const w = new Writer();
    encodeProduceRequest(w, version, request);
    expect(Buffer.concat(w.toChunks()).equals(body)).toBe(true);
  });

  it("reads the v3 layout differently (a transactional id before acks): the version decides", () => {
    const v3 = Buffer.concat([int16(-1), body]); // null transactional id, then the same fields
    const request = decodeProduceRequest(new Reader(v3), 3);
    expect(request).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 5000 });
    expect(request.topicData[0]!.name).toBe("orders");
  });

  it("refuses to drop a transactional id that v0-2 can't carry", () => {
    const request = decodeProduceRequest(new Reader(body), 2);
    expect(() => encodeProduceRequest(new Writer(), 2, { ...request, transactionalId: "txn" })).toThrow(/transactionalId/);
    expect(() => encodeProduceRequest(new Writer(), 2, { ...request, transactionalId: null })).not.toThrow();
  });

  // Response: [topic string, [partition int32, error int16, base offset int64, (v2+) log append time int64]], (v1+) throttle int32.
  const partition = Buffer.concat([int32(3), int16(0), int64(17n)]);
  const responses: [number, Buffer, object][] = [
    [0, Buffer.concat([int32(1), str("orders"), int32(1), partition]), {}],
    [1, Buffer.concat([int32(1), str("orders"), int32(1), partition, int32(250)]), { throttleTimeMs: 250 }],
    [2, Buffer.concat([int32(1), str("orders"), int32(1), partition, int64(1_700_000_000_002n), int32(250)]), { throttleTimeMs: 250 }],
  ];

  it.each(responses)("decodes a hand-built v%i response and writes it back byte for byte", (version, bytes, top) => {
    const reader = new Reader(bytes);
    const response = decodeProduceResponse(reader, version);
    expect(reader.remaining).toBe(0);
    expect(response).toEqual({
      ...top,
      responses: [{
        name: "orders",
        partitionResponses: [{ index: 3, errorCode: 0, baseOffset: 17n, ...(version >= 2 ? { logAppendTimeMs: 1_700_000_000_002n } : {}) }],
      }],
    });
    const w = new Writer();
    encodeProduceResponse(w, version, response);
    expect(Buffer.concat(w.toChunks()).equals(bytes)).toBe(true);
  });

  it("writes a v0 response without the fields v0 lacks (a gateway-built answer with defaults)", () => {
    const w = new Writer();
    encodeProduceResponse(w, 0, {
      responses: [{ name: "orders", partitionResponses: [{ index: 3, errorCode: 0, baseOffset: 17n, logAppendTimeMs: -1n }] }],
      throttleTimeMs: 0,
    });
    expect(Buffer.concat(w.toChunks()).equals(responses[0]![1])).toBe(true);
  });
});
