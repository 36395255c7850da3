// ApiVersions: clients are offered only the versions both the broker and the gateway's codec know,
// so a client never picks a version the gateway can't decode.
import { API_BY_KEY } from "../protocol/messages/index.js";
import type { InFlightRequest } from "../proxy/in-flight.js";
import type { ResponseMessageFilter } from "./message-filter.js";

const API_VERSIONS_KEY = 18;

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
 * don't overlap are dropped. The broker's minimum is kept when it is within our range: raising
 * Produce's minimum makes librdkafka turn compression off (KAFKA-18659).
 */
export function intersectApiVersions(
  broker: readonly ApiVersionRange[],
  codec: ReadonlyMap<number, CodecRange>,
): ApiVersionRange[] {
  const out: ApiVersionRange[] = [];
  for (const range of broker) {
    const ours = codec.get(range.apiKey);
    if (ours === undefined) continue;
    const minVersion = Math.max(range.minVersion, ours.minVersion);
    const maxVersion = Math.min(range.maxVersion, ours.maxVersion);
    if (minVersion > maxVersion) continue;
    if (minVersion === range.minVersion && maxVersion === range.maxVersion) out.push(range);
    else out.push({ ...range, minVersion, maxVersion });
  }
  return out;
}

export class ApiVersionsFilter implements ResponseMessageFilter {
  wants(apiKey: number): boolean {
    return apiKey === API_VERSIONS_KEY;
  }

  apply(_request: InFlightRequest, response: unknown): boolean {
    const r = response as { apiKeys: ApiVersionRange[] };
    const intersected = intersectApiVersions(r.apiKeys, API_BY_KEY);
    const changed = intersected.length !== r.apiKeys.length || intersected.some((range, i) => range !== r.apiKeys[i]);
    r.apiKeys = intersected;
    return changed;
  }
}
