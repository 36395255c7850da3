/**
 * Kafka's own command-line tools (the Java client) through the gateway: TopicCommand, the console
 * producer and consumer, ConsumerGroupCommand and ProducerPerformance, checked on their real output.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { assertSucceeded, openGatewaySession, uniqueName, upstreamAddressesIn, type GatewaySession } from "../harness/clients.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import type { TestGateway } from "../harness/gateway.js";
import { runKafkaTool, type KafkaTool } from "../harness/java-tools.js";
import { brokerAddresses, waitUntilEveryBrokerKnows } from "../harness/topic-propagation.js";

const PARTITIONS = 3;
const CONSOLE_MESSAGES = 500;
const PERF_RECORDS = 100_000;
const TOOL_TIMEOUT_MS = 100_000;
/** Room for two tool runs on a loaded 2-core machine (JVM start-up alone takes seconds). */
const TEST_TIMEOUT_MS = 2 * TOOL_TIMEOUT_MS + 20_000;

// "	Topic: t	Partition: 0	Leader: 2	Replicas: 2,3,1	Isr: 2,3,1 ..."
const DESCRIBED_PARTITION = /Partition: (\d+)\s+Leader: (-?\d+)\s+Replicas: ([\d,]+)/;
// The final line, with percentiles (progress lines every 5 s have none):
// "100000 records sent, 82508.25 records/sec (7.87 MB/sec), 339.21 ms avg latency, 522.00 ms max latency, 373 ms 50th, ..."
const PERF_SUMMARY = /^(\d+) records sent, ([\d.]+) records\/sec .* ms 50th/m;

describe("Kafka's Java tools through the gateway", () => {
  const upstream = inject("kafka");
  const nodeIds = new Set(upstream.brokers.map((b) => b.nodeId));
  const topic = uniqueName("java-tools");
  const perfTopic = uniqueName("java-perf");
  const group = uniqueName("java-console-group");
  let session: GatewaySession;
  let gateway: TestGateway;

  function tool(name: KafkaTool, args: string[], input?: string) {
    return runKafkaTool(name, args, { input, timeoutMs: TOOL_TIMEOUT_MS });
  }

  beforeAll(async () => {
    // kafkajs (through the same gateway) double-checks what the tools report.
    session = await openGatewaySession(upstream, "java-tools-check");
    gateway = session.gateway;
    await createTopicsAndWait(session.admin, [{ topic: perfTopic, numPartitions: PARTITIONS, replicationFactor: 3 }]);
  });

  afterAll(async () => {
    await session?.close();
  });

  it("TopicCommand creates a topic and describes it with node-id leaders and no upstream address", async () => {
    const bootstrap = ["--bootstrap-server", gateway.bootstrap];
    const created = assertSucceeded(
      "topics --create",
      await tool("topics", [...bootstrap, "--create", "--topic", topic, "--partitions", `${PARTITIONS}`, "--replication-factor", "3"]),
    );
    expect(created.stdout).toContain(`Created topic ${topic}.`);
    // --describe fails at once if the broker it asks hasn't learned of the topic yet (seen on 3.9).
    await waitUntilEveryBrokerKnows(await brokerAddresses(session.admin), [{ name: topic, partitions: PARTITIONS }]);

    const described = assertSucceeded("topics --describe", await tool("topics", [...bootstrap, "--describe", "--topic", topic]));
    expect(described.stdout).toMatch(new RegExp(`Topic: ${topic}\\s+TopicId: \\S+\\s+PartitionCount: ${PARTITIONS}\\s+ReplicationFactor: 3`));
    const partitions = described.stdout
      .split("\n")
      .map((line) => line.match(DESCRIBED_PARTITION))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => ({ partition: Number(m[1]), leader: Number(m[2]), replicas: m[3].split(",").map(Number) }));
    expect(partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    for (const p of partitions) {
      expect(nodeIds).toContain(p.leader);
      expect(new Set(p.replicas)).toEqual(nodeIds);
    }
    expect(upstreamAddressesIn(described.stdout + described.stderr, upstream.brokers)).toEqual([]);

    // By topic id (AdminClient describeTopics(TopicCollection.ofTopicIds(...))): Kafka 4's client names each topic by
    // id with "" as its name, which must not be taken for a (refused) empty topic name.
    const topicId = described.stdout.match(/TopicId: (\S+)/)![1]!;
    const byId = assertSucceeded("topics --describe --topic-id", await tool("topics", [...bootstrap, "--describe", "--topic-id", topicId]));
    expect(byId.stdout).toMatch(new RegExp(`Topic: ${topic}\\s+TopicId: ${topicId}\\s+PartitionCount: ${PARTITIONS}`));
  }, TEST_TIMEOUT_MS);

  // Uses the topic TopicCommand created above; the group it consumes with is described next.
  it("console producer to console consumer: every keyed message makes the round trip", async () => {
    const lines = Array.from({ length: CONSOLE_MESSAGES }, (_, n) => `key-${n}:value-${n}-${"x".repeat(n % 97)}`);
    assertSucceeded(
      "console-producer",
      await tool(
        "console-producer",
        ["--bootstrap-server", gateway.bootstrap, "--topic", topic, "--property", "parse.key=true", "--property", "key.separator=:", "--producer-property", "acks=all"],
        lines.map((l) => `${l}\n`).join(""),
      ),
    );

    const consumed = assertSucceeded(
      "console-consumer",
      await tool("console-consumer", [
        "--bootstrap-server", gateway.bootstrap, "--topic", topic, "--group", group, "--from-beginning",
        "--max-messages", `${CONSOLE_MESSAGES}`, "--timeout-ms", "60000",
        "--property", "print.key=true", "--property", "key.separator=:",
      ]),
    );
    const received = consumed.stdout.split("\n").filter((l) => l.startsWith("key-"));
    expect(received).toHaveLength(CONSOLE_MESSAGES);
    expect([...received].sort()).toEqual([...lines].sort());
  }, TEST_TIMEOUT_MS);

  it("consumer-groups --describe shows the consumed group at the log end of every partition", async () => {
    const described = assertSucceeded(
      "consumer-groups --describe",
      await tool("consumer-groups", ["--bootstrap-server", gateway.bootstrap, "--describe", "--group", group]),
    );
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
    const rows = described.stdout
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[0] === group && cols[1] === topic)
      .map((cols) => ({ partition: Number(cols[2]), current: Number(cols[3]), end: Number(cols[4]), lag: Number(cols[5]) }));
    expect(rows.map((r) => r.partition).sort()).toEqual([0, 1, 2]);
    for (const row of rows) {
      expect(row.current).toBe(row.end);
      expect(row.lag).toBe(0);
    }
    expect(rows.reduce((sum, r) => sum + r.end, 0)).toBe(CONSOLE_MESSAGES);
    expect(upstreamAddressesIn(described.stdout + described.stderr, upstream.brokers)).toEqual([]);
  }, TEST_TIMEOUT_MS);

  it("ProducerPerformance sends 100,000 small records", async () => {
    const perf = assertSucceeded(
      "producer-perf",
      await tool("producer-perf", [
        "--topic", perfTopic, "--num-records", `${PERF_RECORDS}`, "--record-size", "100", "--throughput", "-1",
        "--producer-props", `bootstrap.servers=${gateway.bootstrap}`, "acks=all", "linger.ms=5",
      ]),
    );
    const summary = perf.stdout.match(PERF_SUMMARY);
    expect(summary, `no summary line in:\n${perf.stdout.slice(-2000)}`).not.toBeNull();
    expect(Number(summary?.[1])).toBe(PERF_RECORDS);
    expect(Number(summary?.[2])).toBeGreaterThan(0);

    const offsets = await session.admin.fetchTopicOffsets(perfTopic);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(PERF_RECORDS);
  }, TEST_TIMEOUT_MS);

  it("never told a client an upstream broker address", () => {
    expect(gateway.upstreamLeaks()).toEqual([]);
  });
});
