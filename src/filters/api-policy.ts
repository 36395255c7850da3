// Default deny, per virtual cluster. Every request of a tenant is one of
//  - an API the gateway answers itself (another filter of the chain handles it; e.g. SASL): passed on;
//  - allowed (on the virtual cluster's allowlist, at a version the tenancy layer handles): passed on;
//  - not allowed: answered by the gateway with CLUSTER_AUTHORIZATION_FAILED in every error code of the API's
//    response, never forwarded;
//  - an allowed API at a version the tenancy layer doesn't handle: UNSUPPORTED_VERSION, likewise (ApiVersions gets
//    Kafka's fallback instead: a v0 body listing the ApiVersions range, so the client retries lower).
// When no response can be built (unknown key, version outside the codec, an acks=0 Produce) or the response has no
// error code to carry the refusal (a request that names nothing), the connection closes.
// On the way back, ApiVersions offers (what the broker offers ∩ what may be forwarded) ∪ what the gateway answers.
import { ErrorCode } from "../protocol/error-codes.js";
import { API_BY_KEY, ApiKey } from "../protocol/messages/index.js";
import { admission } from "../tenancy/api-policy.js";
import { buildErrorResponse } from "../tenancy/error-response.js";
import { CONTINUE, Interest, isResponse, type Filter, type FilterRequest, type FilterResponse, type RequestVerdict, type VersionRange } from "./filter.js";

interface ApiVersionRange extends VersionRange {
  apiKey: number;
}

/**
 * The intersection of the broker's ranges with the gateway's; keys the gateway lacks or ranges that don't overlap
 * are dropped. Produce's minimum is never raised: librdkafka turns compression off unless Produce v0 is advertised
 * (KAFKA-18659). The codec covers Produce from v0 on purpose (the Kafka 4 specs dropped v0-2, KIP-896; see
 * VALID_VERSIONS_LOWERED in scripts/codegen/spec.ts), so the offered v0-2 are decoded and rewritten like any version:
 * a Kafka 3.x broker serves them, and a Kafka 4 broker, which advertises 0 yet rejects v0-2 by closing the
 * connection, gives its own answer (the gateway then closes the client's connection too).
 */
export function intersectApiVersions(broker: readonly ApiVersionRange[], served: ReadonlyMap<number, VersionRange>): ApiVersionRange[] {
  const out: ApiVersionRange[] = [];
  for (const range of broker) {
    const ours = served.get(range.apiKey);
    if (ours === undefined) continue;
    const minVersion = range.apiKey === ApiKey.Produce ? range.minVersion : Math.max(range.minVersion, ours.minVersion);
    const maxVersion = Math.min(range.maxVersion, ours.maxVersion);
    if (minVersion > maxVersion) continue;
    if (minVersion === range.minVersion && maxVersion === range.maxVersion) out.push(range);
    else out.push({ ...range, minVersion, maxVersion });
  }
  return out;
}

/** The ranges a client is offered: the broker's cut to what may be forwarded, plus what the gateway answers. */
export function offeredApiVersions(
  broker: readonly ApiVersionRange[],
  forwardable: ReadonlyMap<number, VersionRange>,
  answered: ReadonlyMap<number, VersionRange>,
): ApiVersionRange[] {
  const out = intersectApiVersions(
    broker.filter((range) => !answered.has(range.apiKey)),
    forwardable,
  );
  for (const [apiKey, { minVersion, maxVersion }] of answered) out.push({ apiKey, minVersion, maxVersion });
  return out.sort((a, b) => a.apiKey - b.apiKey);
}

export class ApiPolicyFilter implements Filter {
  readonly name = "api-policy";

  constructor(
    /** What may reach a broker: api key → versions (the virtual cluster's allowlist within the codec). */
    private readonly forwardable: ReadonlyMap<number, VersionRange>,
    /** What the chain's own filters answer (never forwarded, always offered). */
    private readonly answered: ReadonlyMap<number, VersionRange> = new Map(),
  ) {}

  requestInterest(apiKey: number, apiVersion: number): Interest {
    if (this.answered.has(apiKey)) return Interest.None;
    switch (admission(apiKey, apiVersion, this.forwardable)) {
      case "allowed":
        return Interest.None;
      case "unsupported-version":
        if (apiKey === ApiKey.ApiVersions) return Interest.Header;
    }
    return Interest.Message; // refusals are answered per item of the request (the chain caps this at what it can decode)
  }

  onRequest(request: FilterRequest): RequestVerdict {
    const { apiKey, apiVersion } = request;
    const admitted = admission(apiKey, apiVersion, this.forwardable);
    if (admitted === "allowed") return CONTINUE;
    if (admitted === "unsupported-version" && apiKey === ApiKey.ApiVersions) return this.apiVersionsFallback();
    const denied = admitted === "denied";
    const errorCode = denied ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED : ErrorCode.UNSUPPORTED_VERSION;
    const refusal = denied ? "denied" : "unsupported_version";
    const api = API_BY_KEY.get(apiKey);
    const what = `${api?.name ?? `unknown api key ${apiKey}`} v${apiVersion}: ${denied ? "not allowed for tenants" : "version not supported for tenants"}`;
    if (api === undefined || apiVersion < api.minVersion || apiVersion > api.maxVersion) {
      return { kind: "close", reason: `${what}, and the gateway can't build its response`, refusal };
    }
    const response = buildErrorResponse(apiKey, apiVersion, request.message, errorCode);
    if (response === undefined) return { kind: "close", reason: `${what}, and the gateway can't build its response`, refusal };
    // A request naming nothing (e.g. WriteTxnMarkers with no markers) gets a response with nowhere to say "no":
    // an empty answer would read as success, so the connection is closed instead.
    if (!carriesErrorCode(response, errorCode)) return { kind: "close", reason: `${what}, and its response has no error code to say so`, refusal };
    return { kind: "respond", message: response, refusal };
  }

  /**
   * Kafka's answer to an ApiVersions request newer than it knows: UNSUPPORTED_VERSION with a v0 body listing the
   * ApiVersions range it does support, so the client retries at a version both sides know.
   */
  private apiVersionsFallback(): RequestVerdict {
    const range = this.forwardable.get(ApiKey.ApiVersions) ?? API_BY_KEY.get(ApiKey.ApiVersions)!;
    const apiKeys = [{ apiKey: ApiKey.ApiVersions, minVersion: range.minVersion, maxVersion: range.maxVersion }];
    return { kind: "respond", message: { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys }, version: 0 };
  }

  wantsResponse(apiKey: number): boolean {
    return apiKey === ApiKey.ApiVersions;
  }

  onResponse(response: FilterResponse): boolean {
    if (!isResponse(response, "ApiVersions")) return false;
    const r = response.message;
    const offered = offeredApiVersions(r.apiKeys, this.forwardable, this.answered);
    const changed = offered.length !== r.apiKeys.length || offered.some((range, i) => range !== r.apiKeys[i]);
    r.apiKeys = offered;
    return changed;
  }
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
