// Reads the records of magic v2 record batches (a Fetch response's RECORDS field) for the control plane: offsets,
// timestamps, keys, values and headers. Gzip batches are decompressed with node:zlib; snappy, lz4 and zstd batches
// are reported by codec with their offsets and no records (the gateway carries no decompressor for them). Control
// batches (transaction markers) and legacy message sets (magic 0/1) are skipped. This copies and decompresses: the
// data path never calls it (record-batch.ts peeks at headers only).
import { gunzipSync } from "node:zlib";
import { ProtocolError } from "./errors.js";
import { COMPRESSION_CODECS, LOG_OVERHEAD, RECORD_BATCH_V2_HEADER_SIZE, type CompressionCodec } from "./record-batch.js";
import type { RecordHeader } from "./record-batch-writer.js";
import { Reader } from "./reader.js";

export interface DecodedRecord {
  readonly offset: bigint;
  /** Ms since the epoch (create or log-append time, as the batch says). */
  readonly timestamp: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

/** A batch whose records are not shown: compressed with a codec the gateway can't read. */
export interface UndecodedBatch {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly compression: CompressionCodec;
}

export interface DecodedRecords {
  readonly records: DecodedRecord[];
  readonly undecoded: UndecodedBatch[];
  /** The offset after the last complete batch, control batches included; undefined when there is none. */
  nextOffset: bigint | undefined;
}

const MAGIC_OFFSET = 16;
const ATTRIBUTES_OFFSET = 21;
/** Bits of the attributes: compression codec, and the control-batch flag. */
const CODEC_MASK = 0x07;
const LOG_APPEND_TIME_FLAG = 0x08;
const CONTROL_FLAG = 0x20;
/** A decompressed batch larger than this is refused rather than held (a zip bomb would otherwise fill memory). */
const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** Every record of the complete batches in `records` (a cut trailing batch is ignored). */
export function decodeRecords(records: Buffer | readonly Buffer[] | null): DecodedRecords {
  const out: DecodedRecords = { records: [], undecoded: [], nextOffset: undefined };
  if (records === null) return out;
  const r = new Reader(records);
  while (r.remaining >= LOG_OVERHEAD) {
    const start = r.offset;
    r.skip(8);
    const batchLength = r.readInt32();
    if (batchLength > r.remaining) break; // the broker cut the last batch at the fetch's byte limit
    r.seek(start);
    const batch = r.readRaw(LOG_OVERHEAD + batchLength);
    if (batch.length < MAGIC_OFFSET + 1 || batch.readInt8(MAGIC_OFFSET) !== 2) continue;
    if (batch.length < RECORD_BATCH_V2_HEADER_SIZE) {
      throw new ProtocolError("ERR_PROTOCOL_INVALID_LENGTH", `record batch at byte ${start}: ${batch.length} bytes, shorter than its header`);
    }
    decodeBatch(batch, out);
  }
  return out;
}

function decodeBatch(batch: Buffer, out: DecodedRecords): void {
  const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
  const baseOffset = batch.readBigInt64BE(0);
  const lastOffsetDelta = batch.readInt32BE(23);
  out.nextOffset = baseOffset + BigInt(lastOffsetDelta) + 1n;
  if ((attributes & CONTROL_FLAG) !== 0) return;
  const baseTimestamp = batch.readBigInt64BE(27);
  // Log-append time: the broker stamped the batch, and every record has its max timestamp.
  const appendTime = (attributes & LOG_APPEND_TIME_FLAG) !== 0 ? batch.readBigInt64BE(35) : undefined;
  const count = batch.readInt32BE(57);
  const compression = COMPRESSION_CODECS[attributes & CODEC_MASK] ?? "unknown";
  let body = batch.subarray(RECORD_BATCH_V2_HEADER_SIZE);
  if (compression === "gzip") body = gunzipSync(body, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
  else if (compression !== "none") {
    out.undecoded.push({ baseOffset, lastOffset: baseOffset + BigInt(lastOffsetDelta), compression });
    return;
  }
  const r = new Reader(body);
  for (let i = 0; i < count; i++) {
    const length = r.readVarint();
    const end = r.offset + length;
    r.readInt8(); // record attributes: unused
    const timestampDelta = r.readVarlong();
    const offsetDelta = r.readVarint();
    const key = readVarintBytes(r);
    const value = readVarintBytes(r);
    const headers: RecordHeader[] = [];
    for (let h = r.readVarint(); h > 0; h--) {
      const headerKey = readVarintBytes(r);
      headers.push({ key: headerKey?.toString("utf8") ?? "", value: readVarintBytes(r) });
    }
    r.expectOffset(end, "record");
    out.records.push({ offset: baseOffset + BigInt(offsetDelta), timestamp: appendTime ?? baseTimestamp + timestampDelta, key, value, headers });
  }
}

function readVarintBytes(r: Reader): Buffer | null {
  const length = r.readVarint();
  return length < 0 ? null : r.readRaw(length);
}
