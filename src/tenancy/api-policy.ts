// Default deny: the APIs a tenant may use, each up to the highest version the tenancy layer fully understands
// (every name, topic id and free-text field of it rewritten, or confined by an irregular case in rewrite.ts).
// Anything else is answered by the gateway itself (CLUSTER_AUTHORIZATION_FAILED) and never reaches a broker:
// cluster admin (ACLs, SCRAM, quotas, reassignments, log dirs, leader election, features, delegation tokens),
// raft/controller and broker-internal APIs (the share-group state APIs among them), telemetry, SASL (the
// gateway authenticates upstream with its own credentials; a tenant's handshake must never reach a broker), and
// unknown keys. The versions are explicit on purpose: a newer codec must not widen what tenants can do unseen.
import { API_BY_KEY, ApiKey } from "../protocol/messages/index.js";

export interface ApiPolicy {
  /** The highest version of the API the tenancy layer handles. */
  readonly maxVersion: number;
}

const allow = (maxVersion: number): ApiPolicy => Object.freeze({ maxVersion });

/** The allowlist: api key → the highest version a tenant may use (each key has an isolation probe row). */
export const TENANT_API_ALLOWLIST: ReadonlyMap<number, ApiPolicy> = new Map<number, ApiPolicy>([
  // data
  [ApiKey.Produce, allow(13)], // v0-2 (legacy message sets, Kafka 3.x only) rewritten like v3-12; v13: topic ids (Kafka 4.1)
  [ApiKey.Fetch, allow(18)], // v13+: topic ids
  [ApiKey.ListOffsets, allow(11)],
  [ApiKey.OffsetForLeaderEpoch, allow(4)],
  [ApiKey.DeleteRecords, allow(2)],
  // cluster view, versions
  [ApiKey.ApiVersions, allow(5)],
  [ApiKey.Metadata, allow(13)], // v10+: topic ids; v12+: lookups by id
  [ApiKey.DescribeCluster, allow(2)],
  [ApiKey.DescribeTopicPartitions, allow(0)],
  // classic consumer groups (names inside the consumer protocol's bytes are rewritten too)
  [ApiKey.FindCoordinator, allow(6)], // key types other than group/transaction are refused
  [ApiKey.JoinGroup, allow(9)],
  [ApiKey.SyncGroup, allow(5)],
  [ApiKey.Heartbeat, allow(4)],
  [ApiKey.LeaveGroup, allow(5)],
  [ApiKey.OffsetCommit, allow(10)], // v10: topic ids
  [ApiKey.OffsetFetch, allow(10)], // v10: topic ids
  [ApiKey.OffsetDelete, allow(0)],
  [ApiKey.DescribeGroups, allow(6)],
  [ApiKey.ListGroups, allow(5)],
  [ApiKey.DeleteGroups, allow(3)],
  // KIP-848 consumer groups (subscribed regexes confined to the namespace)
  [ApiKey.ConsumerGroupHeartbeat, allow(1)],
  [ApiKey.ConsumerGroupDescribe, allow(1)],
  // KIP-932 share groups (topics by id in ShareFetch/ShareAcknowledge and assignments: guarded like Fetch's)
  [ApiKey.ShareGroupHeartbeat, allow(1)],
  [ApiKey.ShareGroupDescribe, allow(1)],
  [ApiKey.ShareFetch, allow(2)],
  [ApiKey.ShareAcknowledge, allow(2)],
  [ApiKey.DescribeShareGroupOffsets, allow(1)],
  [ApiKey.AlterShareGroupOffsets, allow(0)],
  [ApiKey.DeleteShareGroupOffsets, allow(0)],
  // KIP-1071 streams groups (topology topic names and source-topic regexes confined to the namespace)
  [ApiKey.StreamsGroupHeartbeat, allow(1)],
  [ApiKey.StreamsGroupDescribe, allow(1)],
  // idempotence and transactions
  [ApiKey.InitProducerId, allow(6)],
  [ApiKey.AddPartitionsToTxn, allow(5)],
  [ApiKey.AddOffsetsToTxn, allow(4)],
  [ApiKey.EndTxn, allow(5)],
  [ApiKey.TxnOffsetCommit, allow(6)], // v6: topic ids
  [ApiKey.DescribeProducers, allow(0)],
  [ApiKey.DescribeTransactions, allow(0)],
  [ApiKey.ListTransactions, allow(2)], // v2's transactional id pattern is confined to the namespace
  // topic admin and topic configs (other resource types are refused; alterable configs from the allowlist)
  [ApiKey.CreateTopics, allow(7)],
  [ApiKey.DeleteTopics, allow(6)], // v6: topic ids
  [ApiKey.CreatePartitions, allow(3)],
  [ApiKey.DescribeConfigs, allow(4)],
  [ApiKey.AlterConfigs, allow(2)],
  [ApiKey.IncrementalAlterConfigs, allow(1)],
]);

export interface VersionRange {
  readonly minVersion: number;
  readonly maxVersion: number;
}

/**
 * The versions the gateway serves a tenant, per allowed api key: the codec's range (it can decode and encode them)
 * cut at the policy's maximum, less the APIs the virtual cluster's config denies. A client is offered these
 * intersected with the broker's own ranges.
 */
export function tenantVersionRanges(deniedApis: readonly number[] = []): ReadonlyMap<number, VersionRange> {
  const ranges = new Map<number, VersionRange>();
  for (const [apiKey, policy] of TENANT_API_ALLOWLIST) {
    const api = API_BY_KEY.get(apiKey);
    if (api === undefined || deniedApis.includes(apiKey)) continue;
    const maxVersion = Math.min(api.maxVersion, policy.maxVersion);
    if (api.minVersion <= maxVersion) ranges.set(apiKey, Object.freeze({ minVersion: api.minVersion, maxVersion }));
  }
  return ranges;
}

/** The ranges with nothing denied by config: the most a tenant can be given. */
export const TENANT_VERSION_RANGES: ReadonlyMap<number, VersionRange> = tenantVersionRanges();

/**
 * The API names a virtual cluster's config may deny: the allowlist's (denying anything else means nothing), except
 * ApiVersions, without which no client can start.
 */
export const DENIABLE_API_NAMES: readonly string[] = [...TENANT_API_ALLOWLIST.keys()]
  .filter((key) => key !== ApiKey.ApiVersions)
  .map((key) => API_BY_KEY.get(key)!.name);

/**
 * How the gateway treats one request of a tenant, from its header alone: "allowed" (rewrite and forward), "denied"
 * (not on the allowlist: CLUSTER_AUTHORIZATION_FAILED) or "unsupported-version" (allowed API at a version the tenancy
 * layer doesn't handle: UNSUPPORTED_VERSION).
 */
export type Admission = "allowed" | "denied" | "unsupported-version";

export function admission(apiKey: number, apiVersion: number, ranges: ReadonlyMap<number, VersionRange> = TENANT_VERSION_RANGES): Admission {
  const range = ranges.get(apiKey);
  if (range === undefined) return "denied";
  return apiVersion >= range.minVersion && apiVersion <= range.maxVersion ? "allowed" : "unsupported-version";
}
