// ApiVersions: clients are offered only the versions both the broker and the gateway's codec know,
// so a client never picks a version the gateway can't decode.
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
 * The intersection of the broker's ranges with the codec's; keys the codec lacks or ranges that
 * don't overlap are dropped. Produce's minimum is never raised: librdkafka turns compression off
 * unless Produce v0 is advertised (KAFKA-18659; Kafka 4 advertises 0 and rejects v0-2 itself), and the
 * gateway never decodes Produce requests, it only peeks acks, which it can do in every version.
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
  wants(apiKey: number): boolean {
    return apiKey === ApiKey.ApiVersions;
  }

  apply(_request: InFlightRequest, response: unknown): boolean {
    const r = response as { apiKeys: ApiVersionRange[] };
    const intersected = intersectApiVersions(r.apiKeys, API_BY_KEY);
    const changed = intersected.length !== r.apiKeys.length || intersected.some((range, i) => range !== r.apiKeys[i]);
    r.apiKeys = intersected;
    return changed;
  }
}
