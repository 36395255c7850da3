/**
 * kafkajs through the gateway against the 3-broker cluster: a 6-partition topic (RF 3), 10,000 keyed
 * messages, a group of 3 consumers; every message must arrive exactly once. Also near-1 MB messages,
 * whose frames span many socket reads on both sides of the gateway.
 */
import { createHash, randomBytes } from "node:crypto";
import { Partitioners } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { gatewayAddresses, openGatewaySession, subscribeWhenKnown, uniqueName, type GatewaySession } from "../harness/clients.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const MESSAGES = 10_000;
const PARTITIONS = 6;
const CONSUMERS = 3;
const PRODUCE_BATCH = 1_000;
/** Random (incompressible) values just under the broker's default 1 MiB batch limit. */
const LARGE_MESSAGES = 12;
const LARGE_SIZE = 900 * 1024;

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

describe("kafkajs through the gateway", () => {
  const upstream = inject("kafka");
  const topic = uniqueName("kafkajs-keys");
  const groupId = uniqueName("kafkajs-group");
  let session: GatewaySession;

  beforeAll(async () => {
    session = await openGatewaySession(upstream, "kafkajs");
  });

  afterAll(async () => {
    await session?.close();
  });

  it("sees the cluster's brokers at gateway addresses only", async () => {
    const cluster = await session.admin.describeCluster();
    const allowed = gatewayAddresses(session.gateway.config);
    const upstreamAddresses = new Set(upstream.brokers.map((b) => `${b.host}:${b.port}`));
    expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual(upstream.brokers.map((b) => b.nodeId).sort());
    for (const broker of cluster.brokers) {
      expect(allowed).toContain(`${broker.host}:${broker.port}`);
      expect(upstreamAddresses).not.toContain(`${broker.host}:${broker.port}`);
    }
  });

  it("delivers 10,000 keyed messages to a group of 3 consumers exactly once", async () => {
    const { client, admin } = session;
    await createTopicsAndWait(admin, [{ topic, numPartitions: PARTITIONS, replicationFactor: 3 }]);

    // Join the whole group before producing, so no rebalance can replay messages and the
    // exactly-once assertion is about the gateway, not about a consumer joining late.
    const assignments = new Map<number, number[]>();
    const received = new Map<string, number>();
    const perConsumer = new Array<number>(CONSUMERS).fill(0);
    const wrongValues: string[] = [];
    for (let i = 0; i < CONSUMERS; i++) {
      const consumer = session.track(client.consumer({
        groupId,
        sessionTimeout: 30_000,
        rebalanceTimeout: 60_000,
        heartbeatInterval: 3_000,
        maxWaitTimeInMs: 500,
      }));
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        assignments.set(i, event.payload.memberAssignment[topic] ?? []);
      });
      await consumer.connect();
      await subscribeWhenKnown(consumer, topic);
      await consumer.run({
        autoCommitInterval: 500,
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? "<null>";
          if (message.value?.toString() !== `value-of-${key}`) wrongValues.push(key);
          received.set(key, (received.get(key) ?? 0) + 1);
          perConsumer[i]++;
        },
      });
    }
    await waitUntil(
      () => {
        if (assignments.size < CONSUMERS) return false;
        const all = [...assignments.values()];
        const distinct = new Set(all.flat());
        // Only the final generation gives every member its equal share and covers every partition once.
        return distinct.size === PARTITIONS && all.every((p) => p.length === PARTITIONS / CONSUMERS);
      },
      { what: "a stable group of 3 consumers with 2 partitions each", timeoutMs: 90_000 },
    );

    const producer = session.track(client.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true }));
    await producer.connect();
    for (let start = 0; start < MESSAGES; start += PRODUCE_BATCH) {
      const messages = [];
      for (let n = start; n < Math.min(start + PRODUCE_BATCH, MESSAGES); n++) {
        messages.push({ key: `k${n}`, value: `value-of-k${n}` });
      }
      await producer.send({ topic, acks: -1, messages });
    }

    const endOffsets = await admin.fetchTopicOffsets(topic);
    expect(endOffsets).toHaveLength(PARTITIONS);
    expect(endOffsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(MESSAGES);
    // Keys are hashed over all partitions: every partition holds some.
    expect(endOffsets.every((p) => Number(p.high) > 0)).toBe(true);

    await waitUntil(() => received.size === MESSAGES, {
      what: () => `all ${MESSAGES} keys consumed (have ${received.size})`,
      timeoutMs: 60_000,
    });
    // Wait until the group has committed everything, so a late duplicate would have arrived by now.
    await waitUntil(
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const byPartition = new Map(committed.partitions.map((p) => [p.partition, p.offset]));
        return endOffsets.every((p) => byPartition.get(p.partition) === p.high);
      },
      { what: "group offsets committed up to the end of every partition", timeoutMs: 60_000 },
    );

    const duplicates = [...received].filter(([, count]) => count !== 1);
    expect(duplicates).toEqual([]);
    expect(wrongValues).toEqual([]);
    const missing = Array.from({ length: MESSAGES }, (_, n) => `k${n}`).filter((key) => !received.has(key));
    expect(missing).toEqual([]);
    expect(perConsumer.reduce((a, b) => a + b, 0)).toBe(MESSAGES);
    // Every member of the group did its share.
    expect(perConsumer.every((count) => count > 0)).toBe(true);
  });

  it("carries near-1 MB messages intact in both directions", async () => {
    const { client, admin } = session;
    const bigTopic = uniqueName("kafkajs-large");
    await createTopicsAndWait(admin, [{ topic: bigTopic, numPartitions: 1, replicationFactor: 3 }]);
    const values = Array.from({ length: LARGE_MESSAGES }, (_, n) => randomBytes(LARGE_SIZE - n * 1024));
    const producer = session.track(client.producer({ createPartitioner: Partitioners.DefaultPartitioner }));
    await producer.connect();
    // One message per request: a batch holds at most the broker's max.message.bytes (1 MiB).
    for (const [n, value] of values.entries()) {
      await producer.send({ topic: bigTopic, acks: -1, messages: [{ key: `big-${n}`, value }] });
    }

    const received = new Map<string, string>();
    // A 10 MiB fetch carries many of them at once: frames of megabytes through the gateway.
    const consumer = session.track(
      client.consumer({
        groupId: uniqueName("kafkajs-large"),
        maxBytes: 10 * 1024 * 1024,
        maxBytesPerPartition: 10 * 1024 * 1024,
        maxWaitTimeInMs: 500,
      }),
    );
    await consumer.connect();
    await subscribeWhenKnown(consumer, bigTopic);
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.set(message.key?.toString() ?? "<null>", message.value ? sha256(message.value) : "<null>");
      },
    });
    await waitUntil(() => received.size === LARGE_MESSAGES, {
      what: () => `${LARGE_MESSAGES} large messages consumed (have ${received.size})`,
      timeoutMs: 60_000,
    });
    expect(Object.fromEntries(received)).toEqual(Object.fromEntries(values.map((v, n) => [`big-${n}`, sha256(v)])));
  });

  it("never told a client an upstream broker address", () => {
    expect(session.gateway.upstreamLeaks()).toEqual([]);
  });
});
