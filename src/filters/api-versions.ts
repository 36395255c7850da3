// ApiVersions: clients are offered only the versions both the broker and the gateway serve (the codec's
// ranges, cut to the tenant allowlist), so a client never picks a version the gateway can't decode and rewrite.
import { API_BY_KEY, ApiKey } from "../protocol/messages/index.js";
import type { InFlightRequest } from "../proxy/in-flight.js";
import type { ResponseMessageFilter } from "./message-filter.js";

interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

interface CodecRange {
  readonly minVersion: number;
  readonly maxVersion: number;
}

/**
 * The intersection of the broker's ranges with the gateway's; keys the gateway lacks or ranges that
 * don't overlap are dropped. Produce's minimum is never raised: librdkafka turns compression off
 * unless Produce v0 is advertised (KAFKA-18659). The codec covers Produce from v0 on purpose (the
 * Kafka 4 specs dropped v0-2, KIP-896; see VALID_VERSIONS_LOWERED in scripts/codegen/spec.ts), so the
 * offered v0-2 are decoded and rewritten like any version: a Kafka 3.x broker serves them, and a
 * Kafka 4 broker, which advertises 0 yet rejects v0-2 by closing the connection, gives its own answer
 * (the gateway then closes the client's connection too). The explicit rule keeps the minimum even if
 * a codec ever started above the broker's again.
 */
export function intersectApiVersions(
  broker: readonly ApiVersionRange[],
  codec: ReadonlyMap<number, CodecRange>,
): ApiVersionRange[] {
  const out: ApiVersionRange[] = [];
  for (const range of broker) {
    const ours = codec.get(range.apiKey);
    if (ours === undefined) continue;
    const minVersion = range.apiKey === ApiKey.Produce ? range.minVersion : Math.max(range.minVersion, ours.minVersion);
    const maxVersion = Math.min(range.maxVersion, ours.maxVersion);
    if (minVersion > maxVersion) continue;
    if (minVersion === range.minVersion && maxVersion === range.maxVersion) out.push(range);
    else out.push({ ...range, minVersion, maxVersion });
  }
  return out;
}

export class ApiVersionsFilter implements ResponseMessageFilter {
  /** `served`: the versions the gateway handles per api key (the codec's, or a tenant's allowlist within it). */
  constructor(private readonly served: ReadonlyMap<number, CodecRange> = API_BY_KEY) {}

  wants(apiKey: number): boolean {
    return apiKey === ApiKey.ApiVersions;
  }

  apply(_request: InFlightRequest, response: unknown): boolean {
    const r = response as { apiKeys: ApiVersionRange[] };
    const intersected = intersectApiVersions(r.apiKeys, this.served);
    const changed = intersected.length !== r.apiKeys.length || intersected.some((range, i) => range !== r.apiKeys[i]);
    r.apiKeys = intersected;
    return changed;
  }
}
