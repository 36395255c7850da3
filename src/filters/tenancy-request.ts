// Tenancy on the request side: default deny, then the tenant's namespace. Every request of a tenant is one of
//  - not on the allowlist (src/tenancy/api-policy.ts): answered by the gateway with CLUSTER_AUTHORIZATION_FAILED in
//    every error code of the API's response, never forwarded;
//  - an allowed API at a version the tenancy layer doesn't handle: UNSUPPORTED_VERSION, likewise (ApiVersions gets
//    Kafka's fallback instead: a v0 body listing the ApiVersions range, so the client retries lower);
//  - allowed: forwarded with the upstream client id `<tenant>/<client id>`, and with the message itself rewritten
//    (decoded and re-encoded around the original record slices) only where the tenancy layer wants it.
// When no response can be built (unknown key, version outside the codec, an acks=0 Produce) or the response has no
// error code to carry the refusal (a request that names nothing), the connection closes.
import type { Logger } from "pino";
import { apiLabel, metrics } from "../control/metrics.js";
import { ErrorCode } from "../protocol/error-codes.js";
import type { Frame } from "../protocol/frame-splitter.js";
import { decodeRequestHeader, encodeRequestHeader, encodeResponseHeader, responseHeaderVersion, type RequestHeader } from "../protocol/headers.js";
import { API_BY_KEY, APIS, ApiKey } from "../protocol/messages/index.js";
import type { ApiDescriptor } from "../protocol/api-descriptor.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";
import { TENANT_VERSION_RANGES, admission } from "../tenancy/api-policy.js";
import { FORWARD_UNCHANGED, buildErrorResponse, rewriteRequest, wantsTenancy, type RequestOutcome, type TenantContext } from "../tenancy/rewrite.js";
import type { RequestFilter, RequestKey, RequestVerdict } from "./request-filter.js";

/** A request header re-encoded with a new client id: api key, version, correlation id, client id, tags. */
const HEADER_BYTES_HINT = 64;

export class TenancyRequestFilter implements RequestFilter {
  constructor(
    private readonly tenant: TenantContext,
    private readonly log: Logger,
  ) {}

  /** Every request: at the very least its client id is rewritten. */
  wantsRequest(): boolean {
    return true;
  }

  onRequest(key: RequestKey, frame: Frame): RequestVerdict {
    const { apiKey, apiVersion } = key;
    const admitted = admission(apiKey, apiVersion);
    if (admitted !== "allowed") {
      if (admitted === "unsupported-version" && apiKey === ApiKey.ApiVersions) return { respond: apiVersionsFallback(key.correlationId) };
      return this.refuse(key, frame, admitted === "denied" ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED : ErrorCode.UNSUPPORTED_VERSION);
    }
    const reader = new Reader(frame.chunks);
    const header = decodeRequestHeader(reader);
    header.clientId = this.tenant.ns.upstreamClientId(header.clientId);
    // The message needs nothing: a new header, then the original body bytes.
    if (!wantsTenancy(apiKey, apiVersion).request) return { forward: withHeader(header, reader) };
    const bodyStart = reader.offset;
    const api = API_BY_KEY.get(apiKey)!;
    const request = api.decodeRequest(reader, apiVersion);
    const outcome = rewriteRequest(this.tenant, apiKey, apiVersion, request);
    if (outcome instanceof Promise) return { pending: outcome.then((settled) => this.settle(header, api, request, settled)) };
    if (outcome === FORWARD_UNCHANGED) {
      // Nothing in the message changed (a Produce v13 by the tenant's own topic ids): no re-encode.
      const body = new Reader(frame.chunks);
      body.skip(bodyStart);
      return { forward: withHeader(header, body) };
    }
    return this.settle(header, api, request, outcome);
  }

  private settle(header: RequestHeader, api: ApiDescriptor, request: object, outcome: RequestOutcome): RequestVerdict {
    if (outcome.kind === "respond") {
      if (isAcksZeroProduce(header.apiKey, request)) return { close: "an acks=0 Produce the gateway refuses can't be answered" };
      return { respond: encodeResponse(api, header.apiVersion, header.correlationId, outcome.response) };
    }
    // Records fields are written as the decoded slices themselves: the record bytes are never copied.
    const writer = new Writer();
    encodeRequestHeader(writer, header);
    api.encodeRequest(writer, header.apiVersion, request);
    return outcome.state === undefined ? { forward: writer.toChunks() } : { forward: writer.toChunks(), state: outcome.state };
  }

  /** The API's own error response with `errorCode` everywhere, or closing when none can be built. */
  private refuse(key: RequestKey, frame: Frame, errorCode: number): RequestVerdict {
    const { apiKey, apiVersion } = key;
    const api = API_BY_KEY.get(apiKey);
    // Operators see which tenants hit default deny, and with what (answered or closed alike).
    const reason = errorCode === ErrorCode.UNSUPPORTED_VERSION ? "unsupported_version" : "denied";
    metrics.requestsRefused.labels(this.tenant.ns.tenant, apiLabel(apiKey, API_BY_KEY), reason).inc();
    const what = `${api?.name ?? `unknown api key ${apiKey}`} v${apiVersion}`;
    const refused = errorCode === ErrorCode.UNSUPPORTED_VERSION ? "version not supported for tenants" : "not allowed for tenants";
    if (api === undefined || apiVersion < api.minVersion || apiVersion > api.maxVersion) {
      return { close: `${what}: ${refused}, and the gateway can't build its response` };
    }
    const reader = new Reader(frame.chunks);
    decodeRequestHeader(reader);
    const request = api.decodeRequest(reader, apiVersion);
    const response = buildErrorResponse(apiKey, apiVersion, request, errorCode);
    if (response === undefined) return { close: `${what}: ${refused}, and the gateway can't build its response` };
    // A request naming nothing (e.g. WriteTxnMarkers with no markers) gets a response with nowhere to say "no":
    // an empty answer would read as success, so the connection is closed instead.
    if (!carriesErrorCode(response, errorCode)) return { close: `${what}: ${refused}, and its response has no error code to say so` };
    if (isAcksZeroProduce(apiKey, request)) return { close: `${what}: ${refused} (acks=0: no response to answer with)` };
    this.log.debug({ apiKey, apiVersion, errorCode }, `${what}: ${refused}, answered by the gateway`);
    return { respond: encodeResponse(api, apiVersion, key.correlationId, response) };
  }
}

/** `header` encoded, then the rest of `body` (positioned at the message) as views of the received chunks. */
function withHeader(header: RequestHeader, body: Reader): Buffer[] {
  const writer = new Writer(HEADER_BYTES_HINT);
  encodeRequestHeader(writer, header);
  const chunks = writer.toChunks();
  for (const slice of body.slices(body.remaining)) chunks.push(slice);
  return chunks;
}

/** Whether some `…errorCode` field of a decoded message holds `code`. */
function carriesErrorCode(message: unknown, code: number): boolean {
  if (Array.isArray(message)) return message.some((item) => carriesErrorCode(item, code));
  if (message === null || typeof message !== "object" || Buffer.isBuffer(message)) return false;
  for (const [name, value] of Object.entries(message)) {
    if (ERROR_CODE_FIELD.test(name) ? value === code : carriesErrorCode(value, code)) return true;
  }
  return false;
}
const ERROR_CODE_FIELD = /(?:^e|E)rrorCode$/;

function isAcksZeroProduce(apiKey: number, request: object): boolean {
  return apiKey === ApiKey.Produce && (request as { acks?: number }).acks === 0;
}

function encodeResponse(api: ApiDescriptor, apiVersion: number, correlationId: number, response: object): Buffer[] {
  const writer = new Writer();
  encodeResponseHeader(writer, responseHeaderVersion(api.apiKey, apiVersion), correlationId);
  api.encodeResponse(writer, apiVersion, response);
  return writer.toChunks();
}

/**
 * Kafka's answer to an ApiVersions request newer than it knows: UNSUPPORTED_VERSION with a v0 body listing the
 * ApiVersions range it does support, so the client retries at a version both sides know.
 */
export function apiVersionsFallback(correlationId: number): Buffer[] {
  const range = TENANT_VERSION_RANGES.get(ApiKey.ApiVersions)!;
  const writer = new Writer(HEADER_BYTES_HINT);
  encodeResponseHeader(writer, 0, correlationId);
  APIS.ApiVersions.encodeResponse(writer, 0, {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: range.minVersion, maxVersion: range.maxVersion }],
  });
  return writer.toChunks();
}
