import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../../src/protocol/errors.js";
import {
  readRecordBatchHeaders,
  RecordBatchCursor,
  recordCount,
  recordsByteLength,
  summarizeRecords,
} from "../../../src/protocol/record-batch.js";
import { Writer } from "../../../src/protocol/writer.js";
import { legacyMessageSet } from "../../harness/record-batch.js";

interface BatchSpec {
  baseOffset: bigint;
  attributes: number;
  recordCount: number;
  producerId?: bigint;
  bodyBytes: number;
}

/** A magic v2 batch: the 61-byte header, then `bodyBytes` of opaque record data. */
function batchV2(b: BatchSpec): Buffer {
  const w = new Writer();
  w.writeInt64(b.baseOffset);
  w.writeInt32(61 - 12 + b.bodyBytes);
  w.writeInt32(5); // partitionLeaderEpoch
  w.writeInt8(2);
  w.writeUint32(0xdeadbeef);
  w.writeInt16(b.attributes);
  w.writeInt32(b.recordCount - 1);
  w.writeInt64(1000n);
  w.writeInt64(2000n);
  w.writeInt64(b.producerId ?? -1n);
  w.writeInt16(3);
  w.writeInt32(7);
  w.writeInt32(b.recordCount);
  w.writeRaw(Buffer.alloc(b.bodyBytes, 0xab));
  return Buffer.concat(w.toChunks());
}

function chunkEvery(bytes: Buffer, cut: number): Buffer[] {
  return [bytes.subarray(0, cut), bytes.subarray(cut)];
}

const gzipTxn = batchV2({ baseOffset: 100n, attributes: 0x11, recordCount: 3, producerId: 42n, bodyBytes: 20 });
const zstdControl = batchV2({ baseOffset: 103n, attributes: 0x24, recordCount: 1, bodyBytes: 0 });
const twoBatches = Buffer.concat([gzipTxn, zstdControl]);

describe("record batch peek", () => {
  it("reads v2 batch headers and flags", () => {
    const [a, b] = readRecordBatchHeaders(twoBatches);
    expect(a).toMatchObject({
      baseOffset: 100n,
      batchLength: 69,
      sizeInBytes: 81,
      magic: 2,
      crc: 0xdeadbeef,
      partitionLeaderEpoch: 5,
      compression: "gzip",
      isTransactional: true,
      isControl: false,
      lastOffsetDelta: 2,
      baseTimestamp: 1000n,
      maxTimestamp: 2000n,
      producerId: 42n,
      producerEpoch: 3,
      baseSequence: 7,
      recordCount: 3,
    });
    expect(b).toMatchObject({ baseOffset: 103n, compression: "zstd", isTransactional: false, isControl: true, recordCount: 1 });
  });

  it("gives the same answer wherever the chunks are cut", () => {
    const expected = readRecordBatchHeaders(twoBatches);
    for (let cut = 0; cut <= twoBatches.length; cut++) {
      expect(readRecordBatchHeaders(chunkEvery(twoBatches, cut))).toEqual(expected);
    }
  });

  it("summarizes counts and bytes, stopping at a partial trailing batch", () => {
    expect(summarizeRecords([twoBatches])).toEqual({ batches: 2, records: 4, bytes: twoBatches.length, trailingBytes: 0 });
    for (const keep of [1, 11, 12, 40, gzipTxn.length - 1]) {
      const cutOff = Buffer.concat([zstdControl, gzipTxn.subarray(0, keep)]);
      expect(summarizeRecords(cutOff)).toEqual({ batches: 1, records: 1, bytes: cutOff.length, trailingBytes: keep });
    }
    expect(summarizeRecords(null)).toEqual({ batches: 0, records: 0, bytes: 0, trailingBytes: 0 });
    expect(summarizeRecords([])).toEqual({ batches: 0, records: 0, bytes: 0, trailingBytes: 0 });
  });

  it("reads a legacy (magic 1) message's offset, size and compression", () => {
    const w = new Writer();
    w.writeInt64(9n);
    w.writeInt32(4 + 1 + 1 + 8 + 4 + 4); // crc, magic, attributes, timestamp, key, value
    w.writeUint32(1);
    w.writeInt8(1);
    w.writeInt8(3); // lz4
    w.writeInt64(0n);
    w.writeInt32(-1);
    w.writeInt32(-1);
    const [h] = readRecordBatchHeaders(Buffer.concat(w.toChunks()));
    expect(h).toMatchObject({ baseOffset: 9n, magic: 1, compression: "lz4", recordCount: 1, sizeInBytes: 34 });
  });

  it("reads a magic 0 message (no timestamp): 14 bytes after the size at the least", () => {
    const w = new Writer();
    w.writeInt64(4n);
    w.writeInt32(4 + 1 + 1 + 4 + 4); // crc, magic, attributes, key, value
    w.writeUint32(7);
    w.writeInt8(0);
    w.writeInt8(1); // gzip
    w.writeInt32(-1);
    w.writeInt32(-1);
    const [h] = readRecordBatchHeaders(Buffer.concat(w.toChunks()));
    expect(h).toMatchObject({ baseOffset: 4n, magic: 0, crc: 7, compression: "gzip", recordCount: 1, sizeInBytes: 26, producerId: -1n });
  });

  it("walks a legacy message set (Produce v0-2) message by message, at every chunk boundary, without throwing", () => {
    const set = legacyMessageSet(["a", "bb", "a somewhat longer value"], 1_700_000_000_000);
    const expected = readRecordBatchHeaders(set);
    expect(expected.map((h) => [h.baseOffset, h.magic, h.compression, h.recordCount, h.isTransactional])).toEqual([
      [0n, 1, "none", 1, false],
      [1n, 1, "none", 1, false],
      [2n, 1, "none", 1, false],
    ]);
    expect(expected.reduce((n, h) => n + h.sizeInBytes, 0)).toBe(set.length);
    for (let cut = 1; cut < set.length; cut++) expect(readRecordBatchHeaders(chunkEvery(set, cut))).toEqual(expected);
    expect(summarizeRecords([set])).toEqual({ batches: 3, records: 3, bytes: set.length, trailingBytes: 0 });
    // Cut anywhere inside the last message: the complete ones are read, the rest is a partial trailing message.
    for (let keep = 1; keep < expected[2]!.sizeInBytes; keep++) {
      const cutOff = set.subarray(0, set.length - keep);
      expect(summarizeRecords([cutOff])).toMatchObject({ batches: 2, records: 2, bytes: cutOff.length });
    }
  });

  it("rejects a legacy message shorter than its magic's fixed fields (never reads past it)", () => {
    const short = Buffer.from(legacyMessageSet(["x"]));
    short.writeInt32BE(9, 8); // magic 1 needs 22 bytes after the size
    expect(() => readRecordBatchHeaders(short.subarray(0, 21))).toThrow(ProtocolError);
  });

  it("skips a batch of a magic it doesn't know whole, as compression \"unknown\" with no records", () => {
    const odd = Buffer.from(gzipTxn);
    odd.writeInt8(3, 16); // magic 3
    const headers = readRecordBatchHeaders(Buffer.concat([odd, zstdControl]));
    expect(headers.map((h) => [h.magic, h.compression, h.recordCount, h.sizeInBytes])).toEqual([
      [3, "unknown", 0, gzipTxn.length],
      [2, "zstd", 1, zstdControl.length],
    ]);
  });

  it("rejects a batch shorter than its own header", () => {
    const bad = Buffer.from(twoBatches);
    bad.writeInt32BE(20, 8);
    expect(() => readRecordBatchHeaders(bad)).toThrow(ProtocolError);
    bad.writeInt32BE(-3, 8);
    expect(() => readRecordBatchHeaders(bad)).toThrow(ProtocolError);
  });

  it("counts records across batches from the headers, wherever the slices are cut (mid-header too)", () => {
    const three = Buffer.concat([gzipTxn, zstdControl, batchV2({ baseOffset: 104n, attributes: 0, recordCount: 500, bodyBytes: 7 })]);
    expect(recordCount(three)).toBe(504);
    for (let cut = 0; cut <= three.length; cut++) expect(recordCount(chunkEvery(three, cut))).toBe(504);
    // Three slices, each boundary inside a header: the count field itself (bytes 57-60 of a batch) split too.
    const second = gzipTxn.length;
    expect(recordCount([three.subarray(0, 59), three.subarray(59, second + 58), three.subarray(second + 58)])).toBe(504);
    expect(recordCount(null)).toBe(0);
    expect(recordCount([])).toBe(0);
    // Legacy message sets: one record per message (a compressed wrapper counts as one).
    expect(recordCount(Buffer.from(legacyMessageSet(["a", "b", "c"])))).toBe(3);
  });

  it("counts what precedes a partial or malformed batch, and never throws or goes negative", () => {
    expect(recordCount(Buffer.concat([gzipTxn, zstdControl.subarray(0, 60)]))).toBe(3);
    const bad = Buffer.from(twoBatches);
    bad.writeInt32BE(20, gzipTxn.length + 8); // the second batch shorter than its header
    expect(recordCount(bad)).toBe(3);
    const negative = Buffer.from(twoBatches);
    negative.writeInt32BE(-9, 57);
    expect(recordCount(negative)).toBe(1);
  });

  it("walks batches one at a time with the cursor", () => {
    const cursor = new RecordBatchCursor([twoBatches]);
    expect(cursor.next()).toBe(true);
    expect(cursor.current.recordCount).toBe(3);
    expect(cursor.next()).toBe(true);
    expect(cursor.next()).toBe(false);
    expect(recordsByteLength([gzipTxn, zstdControl])).toBe(twoBatches.length);
  });
});
