// A tenant's topics as control-plane operations: list (partitions, replication factor, bytes on disk, throughput),
// create, add partitions, describe and alter configs, delete. Every request goes through the virtual cluster's chain
// (tenant-client.ts): the topic config allowlist, the caps and the ACLs apply as they do to the tenant's clients.
import { ErrorCode } from "../protocol/error-codes.js";
import { ZERO_UUID } from "../tenancy/topic-ids.js";
import { AdminError, check } from "./admin-error.js";
import type { TenantClient, TopicThroughput } from "./tenant-client.js";
import { fetchBrokerIds, fetchTopics, topicOnBroker, type TopicInfo } from "./topic-metadata.js";

/** Versions: flexible ones that Kafka 3.x and 4.x both serve. */
const CREATE_TOPICS_VERSION = 7;
const CREATE_PARTITIONS_VERSION = 3;
const DESCRIBE_CONFIGS_VERSION = 4;
const INCREMENTAL_ALTER_CONFIGS_VERSION = 1;
const DELETE_TOPICS_VERSION = 6;
/** ConfigResource.Type.TOPIC */
const TOPIC_RESOURCE = 2;
/** How old a log-dir size snapshot may be for a listing (the caps' poll shares it). */
const SIZES_MAX_AGE_MS = 30_000;
/** How long the brokers may take to create, grow or delete a topic (the request's own timeout). */
const ADMIN_TIMEOUT_MS = 10_000;
/**
 * How long a create, grow or delete waits, after the controller said done, for every broker to show it. KRaft brokers
 * learn a change from the metadata log one by one, so without this the next page (or the tenant's client) may ask a
 * broker that still answers UNKNOWN_TOPIC_OR_PARTITION or the old partition count.
 */
const PROPAGATION_TIMEOUT_MS = 10_000;
const PROPAGATION_POLL_MS = 50;

/** Record bytes and messages per second through the gateway come from the gateway's own counters. */
export interface TopicSummary extends TopicThroughput {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Bytes on the brokers' disks, every replica counted; null when the sizes could not be read. */
  readonly sizeBytes: number | null;
}

/** A topic's throughput when idle or not yet measured. */
const IDLE: TopicThroughput = { produceBytesPerSecond: 0, fetchBytesPerSecond: 0, produceMessagesPerSecond: 0, fetchMessagesPerSecond: 0 };

export interface TopicSpec {
  readonly name: string;
  /** Default: the broker's num.partitions. */
  readonly partitions?: number;
  /** Default: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** Topic configs; only those of the virtual cluster's allowlist are accepted. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface CreatedTopic {
  readonly name: string;
  readonly topicId: string | undefined;
  readonly partitions: number;
  readonly replicationFactor: number;
}

/** Where a config's value comes from (DescribeConfigs' config source, by Kafka's name for it). */
const CONFIG_SOURCES = ["UNKNOWN", "DYNAMIC_TOPIC_CONFIG", "DYNAMIC_BROKER_CONFIG", "DYNAMIC_DEFAULT_BROKER_CONFIG", "STATIC_BROKER_CONFIG", "DEFAULT_CONFIG", "DYNAMIC_BROKER_LOGGER_CONFIG", "CLIENT_METRICS_CONFIG", "GROUP_CONFIG"] as const;
const TOPIC_CONFIG_SOURCE = 1;

export interface TopicConfig {
  readonly name: string;
  /** Null for a sensitive config (the broker never sends its value). */
  readonly value: string | null;
  readonly source: string;
  /**
   * What the topic falls back to without a setting of its own: the first synonym DescribeConfigs lists below the
   * topic's (a broker setting or Kafka's default, under its broker name, e.g. log.cleanup.policy); null when it lists none.
   */
  readonly default: { readonly name: string; readonly value: string | null; readonly source: string } | null;
  readonly readOnly: boolean;
  readonly sensitive: boolean;
}

export interface ConfigChanges {
  /** Configs to set on the topic. */
  readonly set?: Readonly<Record<string, string>>;
  /** Configs to remove from the topic (back to the default). */
  readonly delete?: readonly string[];
}

/** The tenant's topics the principal may describe, by name. */
export async function listTopics(client: TenantClient): Promise<TopicSummary[]> {
  const [topics, sizes, throughput] = await Promise.all([
    fetchTopics(client),
    client.options.topicSizes(SIZES_MAX_AGE_MS).catch(() => undefined),
    client.options.topicThroughput(),
  ]);
  return topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.length,
    replicationFactor: Math.max(0, ...topic.partitions.map((p) => p.replicas.length)),
    sizeBytes: sizes === undefined ? null : (sizes.get(topic.name) ?? 0),
    ...(throughput.get(topic.name) ?? IDLE),
  }));
}

export async function createTopic(client: TenantClient, spec: TopicSpec): Promise<CreatedTopic> {
  const response = await client.send("CreateTopics", CREATE_TOPICS_VERSION, {
    topics: [
      {
        name: spec.name,
        numPartitions: spec.partitions ?? -1,
        replicationFactor: spec.replicationFactor ?? -1,
        assignments: [],
        configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
      },
    ],
    timeoutMs: ADMIN_TIMEOUT_MS,
    validateOnly: false,
  });
  const result = only(response.topics, `create topic ${spec.name}`);
  check(result.errorCode, `create topic ${spec.name}`, result.errorMessage);
  const partitions = result.numPartitions ?? -1;
  await untilEveryBrokerShows(client, spec.name, (errorCode, topic) => isReady(errorCode, topic, partitions));
  return { name: spec.name, topicId: result.topicId, partitions, replicationFactor: result.replicationFactor ?? -1 };
}

/** Grows the topic to `totalPartitions` partitions (Kafka never shrinks one). */
export async function addPartitions(client: TenantClient, topic: string, totalPartitions: number): Promise<void> {
  const response = await client.send("CreatePartitions", CREATE_PARTITIONS_VERSION, {
    topics: [{ name: topic, count: totalPartitions, assignments: null }],
    timeoutMs: ADMIN_TIMEOUT_MS,
    validateOnly: false,
  });
  const result = only(response.results, `add partitions to ${topic}`);
  check(result.errorCode, `add partitions to ${topic}`, result.errorMessage);
  await untilEveryBrokerShows(client, topic, (errorCode, info) => isReady(errorCode, info, totalPartitions));
}

/** Every config of the topic with its value, its source and its default (as `broker`, else any broker, has them). */
export async function describeTopicConfigs(client: TenantClient, topic: string, broker?: number): Promise<TopicConfig[]> {
  const response = await client.send(
    "DescribeConfigs",
    DESCRIBE_CONFIGS_VERSION,
    {
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configurationKeys: null }],
      includeSynonyms: true,
      includeDocumentation: false,
    },
    broker,
  );
  const result = only(response.results, `describe configs of ${topic}`);
  check(result.errorCode, `describe configs of ${topic}`, result.errorMessage);
  return result.configs
    .map((c) => {
      // Synonyms come in precedence order: the first that is not the topic's own setting is what it falls back to.
      const fallback = c.synonyms.find((s) => s.source !== TOPIC_CONFIG_SOURCE);
      return {
        name: c.name,
        value: c.value,
        source: sourceName(c.configSource),
        default: fallback === undefined ? null : { name: fallback.name, value: fallback.value, source: sourceName(fallback.source) },
        readOnly: c.readOnly,
        sensitive: c.isSensitive,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Sets and removes topic configs in one request (only configs of the virtual cluster's allowlist are accepted). */
export async function alterTopicConfigs(client: TenantClient, topic: string, changes: ConfigChanges): Promise<void> {
  const configs = [
    ...Object.entries(changes.set ?? {}).map(([name, value]) => ({ name, configOperation: 0, value })), // SET
    ...(changes.delete ?? []).map((name) => ({ name, configOperation: 1, value: null })), // DELETE
  ];
  if (configs.length === 0) throw new AdminError("ERR_ADMIN_INVALID", `alter configs of ${topic}: no config to set or delete`);
  const response = await client.send("IncrementalAlterConfigs", INCREMENTAL_ALTER_CONFIGS_VERSION, {
    resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configs }],
    validateOnly: false,
  });
  const result = only(response.responses, `alter configs of ${topic}`);
  check(result.errorCode, `alter configs of ${topic}`, result.errorMessage);
  await untilEveryBroker(client, async (broker) => {
    const now = new Map((await describeTopicConfigs(client, topic, broker)).map((c) => [c.name, c]));
    const setShows = Object.entries(changes.set ?? {}).every(([name, value]) => now.get(name)?.sensitive === true || now.get(name)?.value === value);
    return setShows && (changes.delete ?? []).every((name) => now.get(name)?.source !== "DYNAMIC_TOPIC_CONFIG");
  });
}

export async function deleteTopic(client: TenantClient, topic: string): Promise<void> {
  const response = await client.send("DeleteTopics", DELETE_TOPICS_VERSION, {
    topics: [{ name: topic, topicId: ZERO_UUID }],
    timeoutMs: ADMIN_TIMEOUT_MS,
  });
  const result = only(response.responses, `delete topic ${topic}`);
  check(result.errorCode, `delete topic ${topic}`, result.errorMessage);
  await untilEveryBrokerShows(client, topic, (errorCode) => errorCode !== 0);
}

function untilEveryBrokerShows(client: TenantClient, topic: string, shows: (errorCode: number, info: TopicInfo | undefined) => boolean): Promise<void> {
  return untilEveryBroker(client, async (broker) => {
    const { errorCode, topic: info } = await topicOnBroker(client, topic, broker);
    return shows(errorCode, info);
  });
}

/**
 * Waits until `shows(broker)` holds for each broker, for at most PROPAGATION_TIMEOUT_MS. The change itself is done
 * by then, so a slow broker only ends the wait: the caller still succeeds, as Kafka's own tools do.
 */
async function untilEveryBroker(client: TenantClient, shows: (broker: number) => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PROPAGATION_TIMEOUT_MS;
  try {
    for (const broker of await fetchBrokerIds(client)) {
      while (!(await shows(broker)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, PROPAGATION_POLL_MS));
    }
  } catch {
    // A broker that can't be asked right now: the change is done all the same.
  }
}

/**
 * The broker shows at least `partitions` partitions (any when -1), each with a leader. Another error than "not yet"
 * (the principal may create but not describe) ends the wait too: there is nothing the caller could see.
 */
function isReady(errorCode: number, topic: TopicInfo | undefined, partitions: number): boolean {
  if (errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || errorCode === ErrorCode.LEADER_NOT_AVAILABLE) return false;
  if (errorCode !== 0 || topic === undefined) return true;
  return topic.partitions.length >= Math.max(1, partitions) && topic.partitions.every((p) => p.leader >= 0);
}

function sourceName(source: number): string {
  return CONFIG_SOURCES[source] ?? "UNKNOWN";
}

/** The one entry a single-resource request's response holds. */
function only<T>(entries: readonly T[], what: string): T {
  if (entries.length !== 1) throw AdminError.kafka(ErrorCode.UNKNOWN_SERVER_ERROR, what, `the response holds ${entries.length} entries instead of one`);
  return entries[0]!;
}
