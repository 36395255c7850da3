/**
 * Creating a topic and waiting until every broker knows it. After CreateTopics, KRaft brokers learn of a topic one
 * by one (slowly on 3.9), and answer UNKNOWN_TOPIC_OR_PARTITION or NOT_LEADER_OR_FOLLOWER meanwhile. A client that
 * asks the wrong broker too soon fails at once (TopicCommand --describe, a librdkafka produce) or retries a whole
 * kafkajs send, writing the partitions that had succeeded twice. So tests wait until every broker, asked through
 * the address the client itself uses for it (a gateway port, where topic names are the tenant's own), knows it.
 */
import type { Admin, ITopicConfig } from "kafkajs";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { RawKafkaConnection } from "./raw-client.js";
import { waitUntil } from "./wait.js";

/**
 * Creates topics and waits until every broker knows each with a leader for every partition. Not kafkajs's
 * `waitForLeaders`: it gives up on UNKNOWN_TOPIC_OR_PARTITION, the answer of a broker that hasn't caught up yet.
 */
export async function createTopicsAndWait(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  await admin.createTopics({ topics, waitForLeaders: false });
  const wanted = topics.map((t) => ({ name: t.topic, partitions: t.numPartitions ?? 1 }));
  await waitUntilEveryBrokerKnows(await brokerAddresses(admin), wanted, 60_000);
}

/** One topic (RF 3 unless told), as createTopicsAndWait. */
export function createReadyTopic(admin: Admin, topic: string, numPartitions: number, replicationFactor = 3): Promise<void> {
  return createTopicsAndWait(admin, [{ topic, numPartitions, replicationFactor }]);
}

/** Every broker's "host:port" as `admin`'s client sees it (through a gateway: its per-broker ports). */
export async function brokerAddresses(admin: Admin): Promise<string[]> {
  return (await admin.describeCluster()).brokers.map((b) => `${b.host}:${b.port}`);
}

interface TopicPartitions {
  name: string;
  partitions: number;
}

/** True when the broker at `address` lists every topic with all its partitions, each with a leader. */
async function brokerKnows(address: string, topics: readonly TopicPartitions[]): Promise<boolean> {
  const conn = await RawKafkaConnection.connect(address, "bulkhead-test-propagation", 10_000);
  try {
    // Metadata v9: flexible, by name, served by 3.9 and 4.x alike.
    const response = await conn.send(ApiKey.Metadata, 9, { topics: topics.map((t) => ({ name: t.name })), allowAutoTopicCreation: false });
    const listed = response.topics as { name: string; errorCode: number; partitions: { leaderId: number }[] }[];
    return topics.every((t) => {
      const known = listed.find((l) => l.name === t.name);
      return known?.errorCode === 0 && known.partitions.length === t.partitions && known.partitions.every((p) => p.leaderId >= 0);
    });
  } finally {
    await conn.close();
  }
}

/** Waits until every broker at `addresses` knows every topic in `topics` (fails after `timeoutMs`). */
export async function waitUntilEveryBrokerKnows(
  addresses: readonly string[],
  topics: readonly TopicPartitions[],
  timeoutMs = 30_000,
): Promise<void> {
  for (const address of addresses) {
    await waitUntil(() => brokerKnows(address, topics).catch(() => false), {
      what: `${address} to know ${topics.map((t) => t.name).join(", ")}`,
      timeoutMs,
      intervalMs: 300,
    });
  }
}
