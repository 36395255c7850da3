/**
 * kafkajs through the gateway against the 3-broker cluster: a 6-partition topic (RF 3), 10,000 keyed
 * messages, a group of 3 consumers; every message must arrive exactly once.
 */
import { Partitioners } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  createTopicsAndWait,
  gatewayAddresses,
  openGatewaySession,
  subscribeWhenKnown,
  uniqueName,
  waitUntil,
  type GatewaySession,
} from "../harness/clients.js";

const MESSAGES = 10_000;
const PARTITIONS = 6;
const CONSUMERS = 3;
const PRODUCE_BATCH = 1_000;

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
      what: `all ${MESSAGES} keys consumed (have ${received.size})`,
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

  it("never told a client an upstream broker address", () => {
    expect(session.gateway.upstreamLeaks()).toEqual([]);
  });
});
