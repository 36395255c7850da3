// Tenant-wide byte rates pushed down to the brokers as Kafka client quotas (KIP-546 AlterClientQuotas): the brokers
// then enforce one limit whatever the number of gateway instances. The entity is a client id: while push-down is on,
// every request of the tenant goes upstream with the one client id `bulkhead-tenant/<tenant>` (instead of
// `<tenant>/<client id>`), so the brokers see the tenant as one client. A per-tenant upstream SASL user would keep
// the clients' own ids in broker logs, but needs a service user per tenant on every cluster; a client id needs none.
//
// Kept in sync with the config: each sync sets the quotas of the tenants that push down and removes those of every
// other `bulkhead-tenant/` entity on the cluster (a tenant removed, or push-down turned off). Kafka enforces client
// quotas per broker: a tenant's rate holds for each broker's share of its traffic (the partitions it leads).
import { decodeResponseHeader, encodeRequestHeader, responseHeaderVersion } from "../protocol/headers.js";
import { APIS, ApiKey } from "../protocol/messages/index.js";
import type { OpData } from "../protocol/messages/alter-client-quotas.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";
import type { UpstreamConnector } from "../upstream/connector.js";
import { GATEWAY_CLIENT_ID } from "../upstream/metadata-fetch.js";

const CLIENT_ID_PREFIX = "bulkhead-tenant/";
/** v1: flexible; Kafka 2.8+ (KRaft clusters all serve it). */
const VERSION = 1;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** DescribeClientQuotas match types. */
const MATCH_ANY = 2;
const PRODUCE_KEY = "producer_byte_rate";
const FETCH_KEY = "consumer_byte_rate";

/** The upstream client id of a tenant whose rate is pushed down. */
export function pushDownClientId(tenant: string): string {
  return CLIENT_ID_PREFIX + tenant;
}

/** A tenant's quotas on its cluster, bytes per second; undefined = none. */
export interface PushedRates {
  readonly produce: number | undefined;
  readonly fetch: number | undefined;
}

/** Makes the cluster's `bulkhead-tenant/` client quotas exactly `wanted` (tenant name → rates). */
export async function syncClientQuotas(connector: UpstreamConnector, wanted: ReadonlyMap<string, PushedRates>): Promise<void> {
  const present = await describeOurQuotas(connector);
  const entries = [];
  for (const clientId of new Set([...present.keys(), ...[...wanted.keys()].map(pushDownClientId)])) {
    const rates = wanted.get(clientId.slice(CLIENT_ID_PREFIX.length));
    const now = present.get(clientId) ?? new Map<string, number>();
    const ops: OpData[] = [];
    for (const [key, value] of [[PRODUCE_KEY, rates?.produce], [FETCH_KEY, rates?.fetch]] as const) {
      if (value !== undefined && now.get(key) !== value) ops.push({ key, value, remove: false });
      if (value === undefined && now.has(key)) ops.push({ key, value: 0, remove: true });
    }
    if (ops.length > 0) entries.push({ entity: [{ entityType: "client-id", entityName: clientId }], ops });
  }
  if (entries.length === 0) return;
  const response = await roundTrip(connector, ApiKey.AlterClientQuotas, APIS.AlterClientQuotas, { entries, validateOnly: false });
  const failed = response.entries.filter((e) => e.errorCode !== 0);
  if (failed.length > 0) {
    const what = failed.map((e) => `${e.entity.map((x) => x.entityName).join(",")}: error ${e.errorCode} ${e.errorMessage ?? ""}`.trim());
    throw new Error(`AlterClientQuotas on cluster ${connector.name} failed for ${what.join("; ")}`);
  }
}

/** The cluster's client-id quotas whose client id is one of ours: client id → key → value. */
export async function describeOurQuotas(connector: UpstreamConnector): Promise<Map<string, Map<string, number>>> {
  const response = await roundTrip(connector, ApiKey.DescribeClientQuotas, APIS.DescribeClientQuotas, {
    components: [{ entityType: "client-id", matchType: MATCH_ANY, match: null }],
    strict: true,
  });
  if (response.errorCode !== 0) throw new Error(`DescribeClientQuotas on cluster ${connector.name}: error ${response.errorCode} ${response.errorMessage ?? ""}`);
  const ours = new Map<string, Map<string, number>>();
  for (const entry of response.entries ?? []) {
    const name = entry.entity.length === 1 && entry.entity[0]!.entityType === "client-id" ? entry.entity[0]!.entityName : null;
    if (name?.startsWith(CLIENT_ID_PREFIX)) ours.set(name, new Map(entry.values.map((v) => [v.key, v.value])));
  }
  return ours;
}

interface Api<Req, Res> {
  encodeRequest(writer: Writer, version: number, message: Req): void;
  decodeResponse(reader: Reader, version: number): Res;
}

function roundTrip<Req, Res>(connector: UpstreamConnector, apiKey: number, api: Api<Req, Res>, message: Req): Promise<Res> {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion: VERSION, correlationId: 1, clientId: GATEWAY_CLIENT_ID });
  api.encodeRequest(writer, VERSION, message);
  return connector.roundTrip(writer.toChunks(), MAX_RESPONSE_BYTES, (body) => {
    const reader = new Reader(body);
    decodeResponseHeader(reader, responseHeaderVersion(apiKey, VERSION));
    return api.decodeResponse(reader, VERSION);
  });
}
