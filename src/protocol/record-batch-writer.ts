// Writes one record batch v2 (magic 2), uncompressed and not transactional: the control plane's test messages.
// The data path never builds batches; clients do. Layout (record-batch.ts has the header's byte offsets):
//   header (61 bytes, the CRC-32C covering attributes to the end) | records...
//   record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
//           | key (varint length, -1 = null) | value (likewise) | headers: count varint, then each
//           key (varint length + UTF-8) and value (varint length, -1 = null)
import { crc32c } from "./crc32c.js";
import { byteLength } from "./frame-write.js";
import { RECORD_BATCH_V2_HEADER_SIZE } from "./record-batch.js";
import { Writer } from "./writer.js";

export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface RecordToWrite {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: readonly RecordHeader[];
  /** Ms since the epoch; default: the batch's timestamp. */
  readonly timestamp?: number;
}

/** Bytes from the start of a batch to its CRC field, and from there to the attributes the CRC starts at. */
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;

/** One batch holding `records` in order (offset deltas 0..n-1), as a single buffer for a Produce request. */
export function writeRecordBatch(records: readonly RecordToWrite[], timestamp = Date.now()): Buffer {
  if (records.length === 0) throw new RangeError("a record batch holds at least one record");
  const times = records.map((r) => r.timestamp ?? timestamp);
  const first = Math.min(...times);
  const body = new Writer();
  records.forEach((record, offsetDelta) => writeRecord(body, record, times[offsetDelta]! - first, offsetDelta));
  const recordBytes = body.toChunks();

  const header = new Writer(RECORD_BATCH_V2_HEADER_SIZE);
  header.writeInt64(0n); // base offset: the broker assigns it
  header.writeInt32(0); // batch length, set below
  header.writeInt32(-1); // partition leader epoch
  header.writeInt8(2); // magic
  header.writeUint32(0); // CRC, set below
  header.writeInt16(0); // attributes: no compression, create time, not transactional, not control
  header.writeInt32(records.length - 1); // last offset delta
  header.writeInt64(BigInt(first));
  header.writeInt64(BigInt(Math.max(...times)));
  header.writeInt64(-1n); // producer id: not idempotent
  header.writeInt16(-1); // producer epoch
  header.writeInt32(-1); // base sequence
  header.writeInt32(records.length);
  const batch = Buffer.concat([...header.toChunks(), ...recordBytes]);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return batch;
}

function writeRecord(out: Writer, record: RecordToWrite, timestampDelta: number, offsetDelta: number): void {
  const w = new Writer();
  w.writeInt8(0); // attributes: unused
  w.writeVarlong(BigInt(timestampDelta));
  w.writeVarint(offsetDelta);
  writeVarintBytes(w, record.key);
  writeVarintBytes(w, record.value);
  const headers = record.headers ?? [];
  w.writeVarint(headers.length);
  for (const { key, value } of headers) {
    writeVarintBytes(w, Buffer.from(key, "utf8"));
    writeVarintBytes(w, value);
  }
  const chunks = w.toChunks();
  out.writeVarint(byteLength(chunks));
  for (const chunk of chunks) out.writeRaw(chunk);
}

function writeVarintBytes(w: Writer, bytes: Buffer | null): void {
  if (bytes === null) {
    w.writeVarint(-1);
    return;
  }
  w.writeVarint(bytes.length);
  w.writeRaw(bytes);
}
