// Decodes a response once for all the message filters that want it, and re-encodes it only if one
// of them changed it. Record fields stay slices of the received frame through decode and encode.
import type { Frame } from "../protocol/frame-splitter.js";
import { decodeResponseHeader, encodeResponseHeader, responseHeaderVersion } from "../protocol/headers.js";
import { API_BY_KEY, ApiKey } from "../protocol/messages/index.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { ProtocolError } from "../protocol/errors.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";
import { peekInt16 } from "../proxy/frame-peek.js";
import type { InFlightRequest } from "../proxy/in-flight.js";
import type { ResponseMessageFilter } from "./message-filter.js";
import type { ResponseFilter } from "./response-filter.js";

/** Answers for api keys/versions in this range are memoised; clients may send any int16, those aren't. */
const MEMO_KEYS = 128;
const MEMO_VERSIONS = 32;

export class DecodingResponseFilter implements ResponseFilter {
  /** wantsResponse per apiKey * MEMO_VERSIONS + apiVersion: 0 unknown, 1 no, 2 yes. */
  private readonly memo = new Uint8Array(MEMO_KEYS * MEMO_VERSIONS);

  constructor(private readonly filters: readonly ResponseMessageFilter[]) {}

  wantsResponse(apiKey: number, apiVersion: number): boolean {
    const memoised = apiKey >= 0 && apiKey < MEMO_KEYS && apiVersion >= 0 && apiVersion < MEMO_VERSIONS;
    const slot = apiKey * MEMO_VERSIONS + apiVersion;
    if (memoised && this.memo[slot] !== 0) return this.memo[slot] === 2;
    const wants = this.filters.some((f) => f.wants(apiKey, apiVersion));
    if (memoised) this.memo[slot] = wants ? 2 : 1;
    return wants;
  }

  onResponse(request: InFlightRequest, frame: Frame): Buffer[] | undefined {
    const api = API_BY_KEY.get(request.apiKey);
    if (api === undefined) throw new ProtocolError("ERR_PROTOCOL_UNSUPPORTED_VERSION", `no codec for api key ${request.apiKey}`);
    const reader = new Reader(frame.chunks);
    const headerVersion = responseHeaderVersion(request.apiKey, request.apiVersion);
    const header = decodeResponseHeader(reader, headerVersion);
    const bodyVersion = responseBodyVersion(request, frame);
    const response = api.decodeResponse(reader, bodyVersion);
    let changed = false;
    for (const filter of this.filters) {
      if (filter.wants(request.apiKey, request.apiVersion) && filter.apply(request, response)) changed = true;
    }
    if (!changed) return undefined;
    const writer = new Writer();
    encodeResponseHeader(writer, headerVersion, header.correlationId, header.unknownTaggedFields);
    api.encodeResponse(writer, bodyVersion, response as never);
    return writer.toChunks();
  }
}

/**
 * The version the response body is written in: the request's, except that a broker answers an
 * ApiVersions request it doesn't support in v0 (with UNSUPPORTED_VERSION), so the client can retry.
 */
function responseBodyVersion(request: InFlightRequest, frame: Frame): number {
  if (request.apiKey !== ApiKey.ApiVersions || request.apiVersion === 0) return request.apiVersion;
  // ApiVersions responses always use header v0 (the correlation id alone), then error_code int16.
  return peekInt16(frame, 4) === ErrorCode.UNSUPPORTED_VERSION ? 0 : request.apiVersion;
}
