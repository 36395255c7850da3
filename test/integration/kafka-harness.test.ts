// The harness itself: the shared cluster is real, complete, and usable from kafkajs and Kafka's own tools.
import kafkajs from "kafkajs";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runKafkaTool } from "../harness/java-tools.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { processesMentioning, startKafka } from "../harness/kafka.js";
import "../harness/provided.js";

describe("Kafka test cluster", () => {
  const kafka = inject("kafka");
  const client = new kafkajs.Kafka({ clientId: "harness-test", brokers: kafka.bootstrap.split(","), logLevel: kafkajs.logLevel.NOTHING });
  const admin = client.admin();
  const topic = `harness-${randomUUID()}`;
  // The console tools get a topic of their own: what other tests wrote (or a client's retried send) can't crowd
  // the two stdin lines out of the consumer's --max-messages.
  const stdinTopic = `harness-stdin-${randomUUID()}`;

  beforeAll(async () => {
    await admin.connect();
    await createTopicsAndWait(admin, [
      { topic, numPartitions: 3, replicationFactor: 3 },
      { topic: stdinTopic, numPartitions: 1, replicationFactor: 3 },
    ]);
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic, stdinTopic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it("has three brokers in its metadata, at the provided addresses", async () => {
    const { brokers } = await admin.describeCluster();
    expect(brokers.map((b) => `${b.host}:${b.port}`).sort()).toEqual(kafka.bootstrap.split(",").sort());
    expect(brokers.map((b) => b.nodeId).sort()).toEqual(kafka.brokers.map((b) => b.nodeId).sort());
    expect(kafka.brokers).toHaveLength(3);
  });

  it("round-trips messages with kafkajs", async () => {
    // Idempotent: kafkajs retries a whole send when one partition fails, duplicating the rest otherwise.
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();

    const consumer = client.consumer({ groupId: `harness-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { key: string; value: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer.run({
        eachMessage: async ({ message }) => {
          received.push({ key: String(message.key), value: String(message.value) });
          if (received.length === sent.length) resolve();
        },
      }).catch(reject);
    });
    await consumer.disconnect();
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(received.sort(byKey)).toEqual(sent.sort(byKey));
  });

  it("runs Kafka's TopicCommand against it", async () => {
    const result = await runKafkaTool("topics", ["--bootstrap-server", kafka.bootstrap, "--describe", "--topic", topic], { timeoutMs: 60_000 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Topic: ${topic}`);
    expect(result.stdout).toMatch(/PartitionCount: 3\s+ReplicationFactor: 3/);
  });

  it("feeds stdin to the console producer and reads it back with the console consumer", async () => {
    const produced = await runKafkaTool("console-producer", ["--bootstrap-server", kafka.bootstrap, "--topic", stdinTopic], {
      timeoutMs: 60_000, input: "from-stdin-1\nfrom-stdin-2\n",
    });
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await runKafkaTool("console-consumer", [
      "--bootstrap-server", kafka.bootstrap, "--topic", stdinTopic, "--from-beginning", "--max-messages", "2", "--timeout-ms", "30000",
    ], { timeoutMs: 60_000 });
    expect(consumed.stdout.split("\n").filter((line) => line !== "")).toEqual(["from-stdin-1", "from-stdin-2"]);
  });
});

describe("startKafka", () => {
  it("starts a single-broker cluster that serves, and leaves no process behind when stopped", async () => {
    const cluster = await startKafka({ brokers: 1 });
    try {
      expect(cluster.brokers).toHaveLength(1);
      expect(processesMentioning(cluster.dir).length).toBeGreaterThan(0);
      // kafkajs rather than a Java tool: one JVM start less (the tools are covered above).
      const admin = new kafkajs.Kafka({ clientId: "harness-test", brokers: [cluster.bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        const { brokers } = await admin.describeCluster();
        expect(brokers.map((b) => `${b.host}:${b.port}`)).toEqual([cluster.bootstrap]);
      } finally {
        await admin.disconnect();
      }
    } finally {
      await cluster.stop();
    }
    expect(processesMentioning(cluster.dir)).toEqual([]);
  });

  it("fails with the nodes' log tails when the cluster does not serve in time", async () => {
    const failure = await startKafka({ brokers: 1, startTimeoutMs: 1 }).catch((err: Error) => err);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/did not start: not serving after 1 ms[\s\S]*--- node 0 \(.*\) ---[\s\S]*\[format\.log\]/);
  });
});
