// A response's top-level error code, peeked (two bytes) instead of decoded, for the per-API error metric. Many
// responses start with [throttle_time_ms] error_code; for those the offset follows from the generated schema and is
// memoised per (key, version). Errors inside lists (a Produce's partitions, a Metadata's topics) are not peeked:
// finding them means decoding the response, which the metric must not cost.
import { ProtocolError } from "../protocol/errors.js";
import type { Frame } from "../protocol/frame-splitter.js";
import { peekInt16 } from "../protocol/frame-peek.js";
import { responseHeaderVersion } from "../protocol/headers.js";
import { API_BY_KEY } from "../protocol/messages/index.js";
import { inVersionRange } from "../protocol/schema.js";

/** correlation id int32 + an empty tagged-field count + throttle_time_ms int32 + error_code int16. */
export const ERROR_CODE_PEEK_BYTES = 11;
/** Where a response's body starts after a v1 header whose tagged-field count is 0 (the byte that says so). */
const FLEXIBLE_HEADER_BYTES = 5;
/** Memoised for real api keys at versions below this; a broker never answers other versions. */
const MEMO_VERSIONS = 64;

/** Where the error code is; null: the response has no top-level error code. */
interface ErrorCodePlace {
  readonly offset: number;
  /** A v1 header: the offset holds only when its tagged-field count (a varint) is the single byte 0. */
  readonly flexibleHeader: boolean;
}

const places = new Map<number, ErrorCodePlace | null>();

function errorCodePlace(apiKey: number, apiVersion: number): ErrorCodePlace | null {
  const memo = apiVersion >= 0 && apiVersion < MEMO_VERSIONS;
  const key = apiKey * MEMO_VERSIONS + apiVersion;
  const known = memo ? places.get(key) : undefined;
  if (known !== undefined) return known;
  const place = findPlace(apiKey, apiVersion);
  if (memo && API_BY_KEY.has(apiKey)) places.set(key, place);
  return place;
}

function findPlace(apiKey: number, apiVersion: number): ErrorCodePlace | null {
  const api = API_BY_KEY.get(apiKey);
  if (api === undefined) return null;
  const fields = api.responseSchema.fields.filter((f) => inVersionRange(f.versions, apiVersion) && !inVersionRange(f.taggedVersions, apiVersion));
  const flexibleHeader = responseHeaderVersion(apiKey, apiVersion) === 1;
  let offset = flexibleHeader ? FLEXIBLE_HEADER_BYTES : 4;
  let index = 0;
  if (fields[0]?.name === "throttleTimeMs") {
    offset += 4;
    index = 1;
  }
  const field = fields[index];
  return field?.name === "errorCode" && field.type === "int16" ? { offset, flexibleHeader } : null;
}

/**
 * The top-level error code of a response of (`apiKey`, `apiVersion`) whose first body bytes are `head` (at least
 * ERROR_CODE_PEEK_BYTES of them, or the whole response): 0 when it has none, when it can't be read without decoding
 * (a header with tagged fields), or when the response is too short for it.
 */
export function peekResponseErrorCode(apiKey: number, apiVersion: number, head: Frame): number {
  const place = errorCodePlace(apiKey, apiVersion);
  if (place === null || place.offset + 2 > head.size) return 0;
  try {
    if (place.flexibleHeader && (peekInt16(head, 4) & 0xff00) !== 0) return 0;
    return peekInt16(head, place.offset);
  } catch (err) {
    if (err instanceof ProtocolError) return 0; // chunks shorter than `size` says: not this metric's to report
    throw err;
  }
}
