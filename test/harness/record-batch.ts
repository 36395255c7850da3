/**
 * Builds small, valid (CRC-checked) v2 record batches for raw Produce requests in tests, so a probe that
 * wrongly reached a topic would really write there instead of failing on a corrupt batch; and legacy (magic 1)
 * message sets for Produce v0-2, which Kafka 3.9 brokers still accept.
 */
import { crc32 } from "node:zlib";
import { crc32c } from "../../src/protocol/crc32c.js";
import { Writer } from "../../src/protocol/writer.js";

/** One uncompressed, non-transactional batch (magic 2) holding one record per value, without keys. */
export function recordBatch(values: readonly string[], timestamp = Date.now()): Buffer {
  const records = new Writer();
  values.forEach((value, offsetDelta) => {
    const record = new Writer();
    record.writeInt8(0); // attributes
    record.writeVarlong(0n); // timestamp delta
    record.writeVarint(offsetDelta);
    record.writeVarint(-1); // null key
    const bytes = Buffer.from(value);
    record.writeVarint(bytes.length);
    record.writeRaw(bytes);
    record.writeVarint(0); // no headers
    const body = Buffer.concat(record.toChunks());
    records.writeVarint(body.length);
    records.writeRaw(body);
  });
  const afterCrc = new Writer();
  afterCrc.writeInt16(0); // attributes: no compression, not transactional
  afterCrc.writeInt32(values.length - 1); // last offset delta
  afterCrc.writeInt64(BigInt(timestamp));
  afterCrc.writeInt64(BigInt(timestamp));
  afterCrc.writeInt64(-1n); // producer id
  afterCrc.writeInt16(-1); // producer epoch
  afterCrc.writeInt32(-1); // base sequence
  afterCrc.writeInt32(values.length);
  const checked = Buffer.concat([...afterCrc.toChunks(), ...records.toChunks()]);
  const head = Buffer.alloc(21);
  head.writeBigInt64BE(0n, 0); // base offset
  head.writeInt32BE(checked.length + 9, 8); // batch length: from the leader epoch on
  head.writeInt32BE(-1, 12); // partition leader epoch
  head.writeInt8(2, 16); // magic
  head.writeUInt32BE(crc32c(checked), 17);
  return Buffer.concat([head, checked]);
}

/** A legacy message set (magic 1, uncompressed, CRC-32) with one message per value, for Produce v0-2. */
export function legacyMessageSet(values: readonly string[], timestamp = Date.now()): Buffer {
  return Buffer.concat(values.map((value, offset) => {
    const body = new Writer();
    body.writeInt8(1); // magic
    body.writeInt8(0); // attributes
    body.writeInt64(BigInt(timestamp));
    body.writeNullableBytes(null); // key
    body.writeBytes(Buffer.from(value));
    const checked = Buffer.concat(body.toChunks());
    const head = Buffer.alloc(16);
    head.writeBigInt64BE(BigInt(offset), 0);
    head.writeInt32BE(checked.length + 4, 8);
    head.writeUInt32BE(crc32(checked) >>> 0, 12);
    return Buffer.concat([head, checked]);
  }));
}
