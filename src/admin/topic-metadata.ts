// The tenant's topics as its clients see them (Metadata through the chain: the tenant's names only, and with ACLs
// only the topics the principal may describe): partitions, their leaders and replicas, and the brokers.
import { ErrorCode } from "../protocol/error-codes.js";
import type { MetadataResponse, MetadataResponseTopic } from "../protocol/messages/metadata.js";
import { AdminError, check } from "./admin-error.js";
import type { TenantClient } from "./tenant-client.js";

/** v12: flexible, topic ids in the response; Kafka 3.1 to 4.x serve it. */
const METADATA_VERSION = 12;

export interface PartitionInfo {
  readonly partition: number;
  /** Node id of the leader; -1 when there is none. */
  readonly leader: number;
  readonly replicas: readonly number[];
}

export interface TopicInfo {
  readonly name: string;
  readonly topicId: string | undefined;
  readonly partitions: readonly PartitionInfo[];
}

/** Every topic of the tenant the principal may describe (`names` undefined), or the named ones (each must exist). */
export async function fetchTopics(client: TenantClient, names?: readonly string[]): Promise<TopicInfo[]> {
  const response = await metadata(client, names === undefined ? null : names.map((name) => ({ name })));
  const topics: TopicInfo[] = [];
  for (const topic of response.topics) {
    if (names !== undefined) check(topic.errorCode, `describe topic ${topic.name ?? "?"}`);
    else if (topic.errorCode !== 0 || topic.isInternal === true) continue;
    if (topic.name === null) continue;
    topics.push(topicInfo(topic.name, topic));
  }
  return topics.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * One topic as broker `broker` knows it right now: its error code (UNKNOWN_TOPIC_OR_PARTITION while the broker has
 * not learnt of a new topic yet) and, without an error, the topic.
 */
export async function topicOnBroker(client: TenantClient, name: string, broker: number): Promise<{ errorCode: number; topic?: TopicInfo }> {
  const [topic] = (await metadata(client, [{ name }], broker)).topics;
  if (topic === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  return topic.errorCode === 0 ? { errorCode: 0, topic: topicInfo(name, topic) } : { errorCode: topic.errorCode };
}

function topicInfo(name: string, topic: MetadataResponseTopic): TopicInfo {
  return {
    name,
    topicId: topic.topicId,
    partitions: topic.partitions
      .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes }))
      .sort((a, b) => a.partition - b.partition),
  };
}

/** One topic (it must exist and be describable). */
export async function fetchTopic(client: TenantClient, name: string): Promise<TopicInfo> {
  const [topic] = await fetchTopics(client, [name]);
  if (topic === undefined) throw AdminError.kafka(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `describe topic ${name}`);
  return topic;
}

/** The node ids of the cluster's brokers. */
export async function fetchBrokerIds(client: TenantClient): Promise<number[]> {
  return (await metadata(client, [])).brokers.map((b) => b.nodeId);
}

/** The leader of one partition; an AdminError when the partition doesn't exist or has no leader right now. */
export function leaderOf(topic: TopicInfo, partition: number): number {
  const info = topic.partitions.find((p) => p.partition === partition);
  if (info === undefined) throw AdminError.kafka(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `find partition ${topic.name}-${partition}`);
  if (info.leader < 0) throw AdminError.kafka(ErrorCode.LEADER_NOT_AVAILABLE, `find the leader of ${topic.name}-${partition}`);
  return info.leader;
}

function metadata(client: TenantClient, topics: { name: string }[] | null, broker?: number): Promise<MetadataResponse> {
  return client.send(
    "Metadata",
    METADATA_VERSION,
    {
      topics: topics?.map(({ name }) => ({ name })) ?? null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    },
    broker,
  );
}
