/**
 * Waiting for a new topic to reach every broker. After CreateTopics, KRaft brokers learn of a topic one by one
 * (slowly on 3.9), and answer UNKNOWN_TOPIC_OR_PARTITION meanwhile: a tool that asks the wrong broker too soon
 * fails at once (TopicCommand --describe, a librdkafka produce). Tests that hand a fresh topic to such a tool
 * wait here first, asking each broker through its own gateway port, so the topic names are the tenant's own.
 */
import type { GatewayConfig } from "../../src/config/types.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { waitUntil } from "./clients.js";
import { RawKafkaConnection } from "./raw-client.js";

/** The gateway's per-broker address ("host:port") for each of `nodeIds`, on its first virtual cluster's first listener. */
export function gatewayBrokerAddresses(config: GatewayConfig, nodeIds: readonly number[]): string[] {
  const listener = config.virtualClusters[0]!.listeners[0]!;
  return nodeIds.map((nodeId) => `${listener.advertisedHost}:${listener.brokerPorts.first + nodeId - listener.nodeIdBase}`);
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
