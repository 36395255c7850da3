// Per-topic configs a tenant may set by default (CreateTopics configs, AlterConfigs, IncrementalAlterConfigs).
// The set covers what a team tunes for its own data: retention, compaction, segment rolling, compression, size
// and timestamp limits, durability. Left out on purpose: anything that acts on the broker or the whole cluster
// (replication throttles, unclean leader election, tiered storage, flush and preallocation, index sizing,
// compression levels that cost broker CPU) and configs Kafka 4 removed. The allowlist checks names only; the
// broker's own range checks (and any CreateTopicPolicy/AlterConfigPolicy) still apply to the values.
export const DEFAULT_TOPIC_CONFIG_ALLOWLIST: readonly string[] = Object.freeze([
  "cleanup.policy",
  "compression.type",
  "delete.retention.ms",
  "max.compaction.lag.ms",
  "max.message.bytes",
  "message.timestamp.after.max.ms",
  "message.timestamp.before.max.ms",
  "message.timestamp.type",
  "min.cleanable.dirty.ratio",
  "min.compaction.lag.ms",
  "min.insync.replicas",
  "retention.bytes",
  "retention.ms",
  "segment.bytes",
  "segment.ms",
]);
