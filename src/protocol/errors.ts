import { BulkheadError } from "../errors.js";

/**
 * Errors raised by the codec. One class, with a stable machine-readable `code`, so that callers
 * (the proxy) can map a malformed frame to a clear answer (close, or a Kafka error code) without
 * parsing messages.
 */
export type ProtocolErrorCode =
  /** The frame ended before the value was complete. */
  | "ERR_PROTOCOL_TRUNCATED"
  /** A length prefix is negative (other than the null marker) or larger than what is left. */
  | "ERR_PROTOCOL_INVALID_LENGTH"
  /** A null was read or written where the schema does not allow it in this version. */
  | "ERR_PROTOCOL_NULL_NOT_ALLOWED"
  /** A varint/varlong has more continuation bytes than its type allows. */
  | "ERR_PROTOCOL_VARINT_TOO_LONG"
  /** A UUID string is not the 22-character base64url form of 16 bytes. */
  | "ERR_PROTOCOL_INVALID_UUID"
  /** A value does not fit its wire type (e.g. a 40000-byte classic string, an int16 out of range). */
  | "ERR_PROTOCOL_VALUE_OUT_OF_RANGE"
  /** A known tagged field's declared size disagrees with the bytes its value used. */
  | "ERR_PROTOCOL_TAGGED_FIELD_SIZE"
  /** An API key or version the codec has no schema for. */
  | "ERR_PROTOCOL_UNSUPPORTED_VERSION"
  /** A response arrived while no request was waiting for one. */
  | "ERR_PROTOCOL_UNEXPECTED_RESPONSE"
  /** A response's correlation id is not the one of the oldest request in flight (a broker answers in order). */
  | "ERR_PROTOCOL_CORRELATION_MISMATCH";

export class ProtocolError extends BulkheadError {
  override name = "ProtocolError";
  declare readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string) {
    super(code, message);
  }
}

export function truncated(what: string, needed: number, remaining: number): ProtocolError {
  return new ProtocolError(
    "ERR_PROTOCOL_TRUNCATED",
    `truncated frame: ${what} needs ${needed} byte(s), ${remaining} left`,
  );
}

export function nullNotAllowed(what: string): ProtocolError {
  return new ProtocolError("ERR_PROTOCOL_NULL_NOT_ALLOWED", `${what} is null but not nullable in this version`);
}

export function invalidLength(what: string, length: number, remaining: number): ProtocolError {
  return new ProtocolError(
    "ERR_PROTOCOL_INVALID_LENGTH",
    `invalid length ${length} for ${what} (${remaining} byte(s) left)`,
  );
}

export function outOfRange(what: string, detail: string): ProtocolError {
  return new ProtocolError("ERR_PROTOCOL_VALUE_OUT_OF_RANGE", `${what}: ${detail}`);
}

/** Narrows away null, failing with the field's name (for fields nullable only in some versions). */
export function requireNonNull<T>(v: T | null, what: string): T {
  if (v === null) throw nullNotAllowed(what);
  return v;
}

/**
 * A field that matters (not `ignorable` in Kafka's schema) holds a non-default value, but the
 * version being written has no such field: writing would silently change the message's meaning.
 */
export function fieldNotInVersion(what: string, version: number): ProtocolError {
  return new ProtocolError(
    "ERR_PROTOCOL_UNSUPPORTED_VERSION",
    `${what} has a non-default value but does not exist in version ${version}`,
  );
}

export function unsupportedVersion(message: string, version: number): ProtocolError {
  return new ProtocolError("ERR_PROTOCOL_UNSUPPORTED_VERSION", `${message} has no version ${version}`);
}
