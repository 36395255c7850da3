// Reads the few fields the data plane needs without decoding a message: the request header's api key,
// version and correlation id, the response's correlation id (fixed offsets), and Produce's acks (after the header).
import { ProtocolError } from "./errors.js";
import type { Frame } from "./frame-splitter.js";
import type { Reader } from "./reader.js";

/** api key int16 + api version int16 + correlation id int32: every request header starts with them. */
export const REQUEST_KEY_BYTES = 8;

/** Byte `offset` of a frame's body: the slow path for the rare header that straddles chunks. */
function byteAt(chunks: readonly Buffer[], offset: number): number {
  for (const chunk of chunks) {
    if (offset < chunk.length) return chunk[offset]!;
    offset -= chunk.length;
  }
  throw new ProtocolError("ERR_PROTOCOL_TRUNCATED", "frame too short for its header");
}

export function peekInt16(frame: Frame, offset: number): number {
  const first = frame.chunks[0];
  if (first !== undefined && first.length >= offset + 2) return first.readInt16BE(offset);
  return ((byteAt(frame.chunks, offset) << 24) | (byteAt(frame.chunks, offset + 1) << 16)) >> 16;
}

export function peekInt32(frame: Frame, offset: number): number {
  const first = frame.chunks[0];
  if (first !== undefined && first.length >= offset + 4) return first.readInt32BE(offset);
  const b = (i: number) => byteAt(frame.chunks, offset + i);
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

/** First Produce version with a flexible (compact) body. */
const PRODUCE_FLEXIBLE_FROM = 9;
/** First Produce version with transactional_id, which sits before acks. */
const PRODUCE_TRANSACTIONAL_ID_FROM = 3;

/**
 * A Produce request's acks, read from `body` positioned at the start of the message (just after the header) without
 * moving it: 0 means the broker sends no response.
 */
export function peekProduceAcks(body: Reader, apiVersion: number): number {
  const start = body.offset;
  if (apiVersion >= PRODUCE_TRANSACTIONAL_ID_FROM) {
    if (apiVersion >= PRODUCE_FLEXIBLE_FROM) body.readCompactNullableString();
    else body.readNullableString();
  }
  const acks = body.readInt16();
  body.seek(start);
  return acks;
}
