// The control plane's record batches: written by record-batch-writer.ts, read back by record-decoder.ts, and checked
// against the batch header reader the data path uses and against Kafka's CRC-32C.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32c } from "../../../src/protocol/crc32c.js";
import { readRecordBatchHeaders } from "../../../src/protocol/record-batch.js";
import { writeRecordBatch } from "../../../src/protocol/record-batch-writer.js";
import { decodeRecords } from "../../../src/protocol/record-decoder.js";

const ATTRIBUTES_OFFSET = 21;
const HEADER_SIZE = 61;

/** The same batch with its records gzip-compressed, as a producer with compression.type=gzip sends it. */
function gzipped(batch: Buffer, baseOffset = 0n): Buffer {
  const records = gzipSync(batch.subarray(HEADER_SIZE));
  const out = Buffer.concat([batch.subarray(0, HEADER_SIZE), records]);
  out.writeBigInt64BE(baseOffset, 0);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt16BE(1, ATTRIBUTES_OFFSET); // gzip
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), 17);
  return out;
}

function withAttributes(batch: Buffer, attributes: number, baseOffset: bigint): Buffer {
  const out = Buffer.from(batch);
  out.writeBigInt64BE(baseOffset, 0);
  out.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_OFFSET)), 17);
  return out;
}

describe("crc32c", () => {
  it("gives the Castagnoli check value, over one buffer or several", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
    expect(crc32c([Buffer.from("1234"), Buffer.from("56789")])).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
});

describe("writeRecordBatch", () => {
  const records = [
    { key: Buffer.from("k1"), value: Buffer.from("v1"), headers: [{ key: "trace", value: Buffer.from("abc") }, { key: "empty", value: null }] },
    { key: null, value: Buffer.from("second"), timestamp: 1_700_000_000_500 },
    { key: Buffer.from(""), value: null },
  ];

  it("writes a batch whose header the data path reads, with a CRC over attributes to the end", () => {
    const batch = writeRecordBatch(records, 1_700_000_000_000);
    const [header] = readRecordBatchHeaders(batch);
    expect(header).toMatchObject({ magic: 2, recordCount: 3, lastOffsetDelta: 2, compression: "none", isTransactional: false, isControl: false, producerId: -1n });
    expect(header!.baseTimestamp).toBe(1_700_000_000_000n);
    expect(header!.maxTimestamp).toBe(1_700_000_000_500n);
    expect(header!.sizeInBytes).toBe(batch.length);
    expect(header!.crc).toBe(crc32c(batch.subarray(ATTRIBUTES_OFFSET)));
  });

  it("round-trips keys, values, headers, offsets and timestamps through the decoder", () => {
    const batch = withAttributes(writeRecordBatch(records, 1_700_000_000_000), 0, 40n);
    const { records: decoded, undecoded, nextOffset } = decodeRecords([batch.subarray(0, 30), batch.subarray(30)]);
    expect(undecoded).toEqual([]);
    expect(nextOffset).toBe(43n);
    expect(decoded.map((r) => r.offset)).toEqual([40n, 41n, 42n]);
    expect(decoded.map((r) => r.timestamp)).toEqual([1_700_000_000_000n, 1_700_000_000_500n, 1_700_000_000_000n]);
    expect(decoded[0]!.key?.toString()).toBe("k1");
    expect(decoded[0]!.value?.toString()).toBe("v1");
    expect(decoded[0]!.headers.map((h) => [h.key, h.value?.toString() ?? null])).toEqual([
      ["trace", "abc"],
      ["empty", null],
    ]);
    expect(decoded[1]!.key).toBeNull();
    expect(decoded[2]!.key).toEqual(Buffer.alloc(0));
    expect(decoded[2]!.value).toBeNull();
  });

  it("refuses an empty batch", () => {
    expect(() => writeRecordBatch([])).toThrow(RangeError);
  });
});

describe("decodeRecords", () => {
  const plain = writeRecordBatch([{ key: Buffer.from("a"), value: Buffer.from("1") }, { key: Buffer.from("b"), value: Buffer.from("2") }], 1000);

  it("decompresses gzip batches", () => {
    const { records } = decodeRecords(gzipped(plain, 7n));
    expect(records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()])).toEqual([
      [7n, "a", "1"],
      [8n, "b", "2"],
    ]);
  });

  it("reports batches of other codecs by offsets, without records", () => {
    const lz4 = withAttributes(plain, 3, 10n);
    expect(decodeRecords(lz4)).toEqual({ records: [], undecoded: [{ baseOffset: 10n, lastOffset: 11n, compression: "lz4" }], nextOffset: 12n });
  });

  it("skips control batches but moves past them", () => {
    const marker = withAttributes(plain, 0x30, 5n); // transactional control batch
    const data = withAttributes(plain, 0, 7n);
    const { records, nextOffset } = decodeRecords(Buffer.concat([marker, data]));
    expect(records.map((r) => r.offset)).toEqual([7n, 8n]);
    expect(nextOffset).toBe(9n);
  });

  it("gives log-append time batches the broker's timestamp", () => {
    const appended = withAttributes(plain, 0x08, 0n);
    appended.writeBigInt64BE(99_000n, 35); // max timestamp: set by the broker
    expect(decodeRecords(appended).records.map((r) => r.timestamp)).toEqual([99_000n, 99_000n]);
  });

  it("ignores a trailing batch the fetch cut off, and null records", () => {
    const cut = Buffer.concat([plain, plain.subarray(0, plain.length - 3)]);
    expect(decodeRecords(cut).records).toHaveLength(2);
    expect(decodeRecords(null)).toEqual({ records: [], undecoded: [], nextOffset: undefined });
  });
});
