/**
 * Peeks at Kafka record batches inside a RECORDS field without copying or decompressing them:
 * only each batch's fixed header (61 bytes for magic v2) is read, the records are skipped.
 *
 * Magic v2 batch header (offsets in bytes):
 *   0 baseOffset int64 | 8 batchLength int32 (bytes after this field) | 12 partitionLeaderEpoch int32
 *   16 magic int8 | 17 crc uint32 | 21 attributes int16 | 23 lastOffsetDelta int32
 *   27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16
 *   53 baseSequence int32 | 57 recordCount int32 | 61 records...
 * Legacy message sets (magic 0/1: Produce v0-2, which the codec covers for Kafka 3.x brokers) share the
 * first 17 bytes' layout (offset, size, crc, magic), then attributes int8, [timestamp int64 if magic 1],
 * key bytes, value bytes; for them only offset, size, magic and compression are known without
 * decompressing (a compressed wrapper message counts as one record). A magic above 2 is reported as
 * compression "unknown" with no records and skipped whole, never read with another magic's layout.
 */
import { ProtocolError } from "./errors.js";
import { Reader } from "./reader.js";

/** Bytes before `batchLength` starts counting (baseOffset + batchLength). */
export const LOG_OVERHEAD = 12;
export const RECORD_BATCH_V2_HEADER_SIZE = 61;
/** Where a v2 batch's recordCount is: its header's last field. */
const RECORD_COUNT_OFFSET = RECORD_BATCH_V2_HEADER_SIZE - 4;
/** Smallest legacy message on the wire (offset, size, crc, magic, attributes, [timestamp], key and value lengths). */
const LEGACY_MESSAGE_MIN_SIZE = [LOG_OVERHEAD + 14, LOG_OVERHEAD + 22] as const;

export const COMPRESSION_CODECS = ["none", "gzip", "snappy", "lz4", "zstd"] as const;
export type CompressionCodec = (typeof COMPRESSION_CODECS)[number] | "unknown";

export interface RecordBatchHeader {
  baseOffset: bigint;
  /** Kafka's batchLength: bytes after the length field. */
  batchLength: number;
  /** Whole batch on the wire: LOG_OVERHEAD + batchLength. */
  sizeInBytes: number;
  magic: number;
  attributes: number;
  compression: CompressionCodec;
  isTransactional: boolean;
  isControl: boolean;
  /** The fields below are only in magic v2 batches (-1 / 0 for legacy message sets). */
  partitionLeaderEpoch: number;
  crc: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  /** Records in the batch (1 for a legacy message: its wrapper's contents are compressed). */
  recordCount: number;
}

function codecOf(attributes: number): CompressionCodec {
  return COMPRESSION_CODECS[attributes & 0x07] ?? "unknown";
}

/**
 * Walks the batches of a RECORDS field. Allocation-light: the current batch's fields live on the
 * cursor, so hot paths (quota byte counting) can read them without building objects.
 */
export class RecordBatchCursor {
  private readonly r: Reader;
  /** Bytes of an incomplete batch at the end (Fetch responses may cut the last batch). */
  trailingBytes = 0;
  readonly current = {} as RecordBatchHeader;

  constructor(
    slices: Buffer | readonly Buffer[],
    /**
     * Read only what counting needs (batchLength, sizeInBytes, magic, recordCount; the rest of `current` is left
     * unset): the int64 fields are BigInts, and reading them is most of a batch's cost.
     */
    private readonly countsOnly = false,
  ) {
    this.r = new Reader(slices);
  }

  /** Starts over on other slices (a cursor reused allocates nothing). */
  reset(slices: Buffer | readonly Buffer[]): this {
    this.r.reset(slices);
    this.trailingBytes = 0;
    return this;
  }

  /** Moves to the next complete batch; false at the end or at a partial trailing batch. */
  next(): boolean {
    const r = this.r;
    const left = r.remaining;
    if (left === 0) return false;
    if (left < LOG_OVERHEAD + 5) return this.partial(left);
    const start = r.offset;
    const h = this.current;
    if (this.countsOnly) r.skip(8);
    else h.baseOffset = r.readInt64();
    h.batchLength = r.readInt32();
    if (h.batchLength < 5) {
      throw new ProtocolError("ERR_PROTOCOL_INVALID_LENGTH", `record batch at byte ${start}: length ${h.batchLength}`);
    }
    h.sizeInBytes = LOG_OVERHEAD + h.batchLength;
    if (h.sizeInBytes > left) return this.partial(left, LOG_OVERHEAD);
    const leaderEpochOrCrc = r.readInt32();
    h.magic = r.readInt8();
    if (h.magic === 2) {
      if (h.sizeInBytes < RECORD_BATCH_V2_HEADER_SIZE) {
        throw new ProtocolError("ERR_PROTOCOL_INVALID_LENGTH", `record batch at byte ${start}: ${h.sizeInBytes} bytes, shorter than its header`);
      }
      if (this.countsOnly) {
        r.skip(RECORD_COUNT_OFFSET - (LOG_OVERHEAD + 5));
        h.recordCount = r.readInt32();
        r.skip(h.sizeInBytes - RECORD_BATCH_V2_HEADER_SIZE);
        return true;
      }
      h.partitionLeaderEpoch = leaderEpochOrCrc;
      h.crc = r.readUint32();
      h.attributes = r.readInt16();
      h.lastOffsetDelta = r.readInt32();
      h.baseTimestamp = r.readInt64();
      h.maxTimestamp = r.readInt64();
      h.producerId = r.readInt64();
      h.producerEpoch = r.readInt16();
      h.baseSequence = r.readInt32();
      h.recordCount = r.readInt32();
      h.isTransactional = (h.attributes & 0x10) !== 0;
      h.isControl = (h.attributes & 0x20) !== 0;
      r.skip(h.sizeInBytes - RECORD_BATCH_V2_HEADER_SIZE);
      h.compression = codecOf(h.attributes);
      return true;
    }
    h.partitionLeaderEpoch = -1;
    h.lastOffsetDelta = 0;
    h.baseTimestamp = h.maxTimestamp = -1n;
    h.producerId = -1n;
    h.producerEpoch = -1;
    h.baseSequence = -1;
    h.isTransactional = false;
    h.isControl = false;
    if (h.magic === 0 || h.magic === 1) {
      if (h.sizeInBytes < LEGACY_MESSAGE_MIN_SIZE[h.magic]) {
        throw new ProtocolError("ERR_PROTOCOL_INVALID_LENGTH", `message at byte ${start}: ${h.sizeInBytes} bytes, shorter than a magic ${h.magic} message`);
      }
      h.crc = leaderEpochOrCrc >>> 0;
      h.attributes = r.readInt8();
      h.recordCount = 1;
      h.compression = codecOf(h.attributes);
      r.skip(h.sizeInBytes - (LOG_OVERHEAD + 6));
      return true;
    }
    // A magic this peek doesn't know: its layout past the magic byte is unknown, so only its size is.
    h.crc = 0;
    h.attributes = 0;
    h.recordCount = 0;
    h.compression = "unknown";
    r.skip(h.sizeInBytes - (LOG_OVERHEAD + 5));
    return true;
  }

  private partial(left: number, alreadyRead = 0): false {
    this.trailingBytes = left;
    this.r.skip(left - alreadyRead);
    return false;
  }
}

/** Every complete batch header, as separate objects (tests, diagnostics; not the hot path). */
export function readRecordBatchHeaders(slices: Buffer | readonly Buffer[]): RecordBatchHeader[] {
  const cursor = new RecordBatchCursor(slices);
  const out: RecordBatchHeader[] = [];
  while (cursor.next()) out.push({ ...cursor.current });
  return out;
}

export interface RecordsSummary {
  batches: number;
  records: number;
  /** All bytes of the field, including a partial trailing batch. */
  bytes: number;
  trailingBytes: number;
}

/** Counts for quotas and metrics, from headers only. */
export function summarizeRecords(slices: Buffer | readonly Buffer[] | null): RecordsSummary {
  if (slices === null) return { batches: 0, records: 0, bytes: 0, trailingBytes: 0 };
  const cursor = new RecordBatchCursor(slices);
  let batches = 0;
  let records = 0;
  while (cursor.next()) {
    batches++;
    records += cursor.current.recordCount;
  }
  return { batches, records, bytes: recordsByteLength(slices), trailingBytes: cursor.trailingBytes };
}

const NO_SLICES: readonly Buffer[] = [];
const COUNTING = new RecordBatchCursor(NO_SLICES, true);

/**
 * Records in a RECORDS field, from its batch headers (the per-topic message counters: every Produce and Fetch). Never
 * throws: a malformed batch ends the count there, and the broker answers for it as it would without the gateway.
 */
export function recordCount(slices: Buffer | readonly Buffer[] | null): number {
  if (slices === null) return 0;
  // One cursor for every count: the walk is synchronous, and nothing is allocated per RECORDS field.
  const cursor = COUNTING.reset(slices);
  let records = 0;
  try {
    // A negative count is a malformed header, not fewer records: counters only go up.
    while (cursor.next()) if (cursor.current.recordCount > 0) records += cursor.current.recordCount;
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
  } finally {
    cursor.reset(NO_SLICES); // holds on to no request's or response's buffers
  }
  return records;
}

/** Total bytes of a RECORDS field's slices (null counts as 0). */
export function recordsByteLength(slices: Buffer | readonly Buffer[] | null): number {
  if (slices === null) return 0;
  if (Buffer.isBuffer(slices)) return slices.length;
  let n = 0;
  for (const s of slices) n += s.length;
  return n;
}
