// The caps of a virtual cluster (src/limits/, src/filters/caps.ts) against the real cluster, each tripped by a real
// client: kafkajs, kcat and Kafka's Java tools. Two tenants share one gateway: "capped", whose caps each test sets by a
// reload (so every test also shows that a reload applies at once), and "free", which has none and must never notice
// the other's caps.
import { Kafka, logLevel, type Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { GatewayConfig, VirtualClusterConfig, VirtualClusterLimits } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { metrics } from "../../src/observe/metrics.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { assertSucceeded, runProcess, uniqueName } from "../harness/clients.js";
import { parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { runKafkaTool } from "../harness/java-tools.js";
import { runKcat } from "../harness/kcat.js";
import { RawKafkaConnection } from "../harness/raw-client.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const TOOL_TIMEOUT_MS = 100_000;
const API_VERSIONS = { clientSoftwareName: "caps-test", clientSoftwareVersion: "1.0" };

/** A kafkajs client that reports the first failure instead of retrying it away. */
function impatientClient(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: bootstrap.split(","), logLevel: logLevel.NOTHING, connectionTimeout: 10_000, requestTimeout: 30_000, retry: { retries: 0 } });
}

async function refusals(virtualCluster: string, limit: string): Promise<number> {
  const { values } = await metrics.limitRefusals.get();
  return values.find((v) => v.labels.virtual_cluster === virtualCluster && v.labels.limit === limit)?.value ?? 0;
}

async function refusalsOf(virtualCluster: string): Promise<number> {
  const { values } = await metrics.limitRefusals.get();
  return values.filter((v) => v.labels.virtual_cluster === virtualCluster).reduce((sum, v) => sum + v.value, 0);
}

describe("caps of a virtual cluster", () => {
  const kafka = inject("kafka");
  const tag = uniqueName("caps").slice(5);
  let gateway: Gateway;
  let base: GatewayConfig;
  let capped: VirtualClusterConfig;
  let free: VirtualClusterConfig;
  let cappedBootstrap: string;
  let freeBootstrap: string;
  let physical: Admin;
  const cleanups: (() => Promise<unknown>)[] = [];

  /** Disconnects `client` at the end of the file even if the test fails. */
  const track = <T extends { disconnect(): Promise<void> }>(client: T): T => {
    cleanups.push(() => client.disconnect().catch(() => undefined));
    return client;
  };
  const raw = async (bootstrap: string) => {
    const connection = await RawKafkaConnection.connect(bootstrap, "caps-raw");
    cleanups.push(() => connection.close());
    return connection;
  };
  const setCaps = (limits: VirtualClusterLimits) => gateway.apply({ ...base, virtualClusters: [{ ...capped, limits }, free] });

  beforeAll(async () => {
    const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
    capped = { ...(await testVirtualCluster("capped", "shared", kafka.brokers.length + 2, nodeIdBase)), prefix: `capped-${tag}.` };
    free = { ...(await testVirtualCluster("free", "shared", kafka.brokers.length + 2, nodeIdBase)), prefix: `free-${tag}.` };
    base = testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [capped, free]);
    gateway = await startGateway(base);
    cappedBootstrap = gateway.endpoints.find((e) => e.virtualCluster === "capped")!.bootstrap;
    freeBootstrap = gateway.endpoints.find((e) => e.virtualCluster === "free")!.bootstrap;
    physical = impatientClient(kafka.bootstrap, "caps-physical").admin();
    await physical.connect();
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await gateway?.close(0);
    if (physical !== undefined) {
      const ours = (await physical.listTopics()).filter((t) => t.startsWith(capped.prefix) || t.startsWith(free.prefix));
      if (ours.length > 0) await physical.deleteTopics({ topics: ours, timeout: 30_000 }).catch(() => undefined);
      await physical.disconnect();
    }
  });

  it("maxConnections: a connection over the cap is closed at accept; the other tenant connects as usual", async () => {
    await setCaps({ maxConnections: 2 });
    const first = await raw(cappedBootstrap);
    const second = await raw(cappedBootstrap);
    for (const conn of [first, second]) expect((await conn.send(ApiKey.ApiVersions, 3, API_VERSIONS)).errorCode).toBe(0);

    const third = impatientClient(cappedBootstrap, "caps-third").admin();
    await expect(third.connect()).rejects.toThrow(/Connection error|Closed connection|ECONNRESET|socket hang up/i);
    expect(await refusals("capped", "connections")).toBeGreaterThanOrEqual(1);

    // The other tenant: several connections at once, none refused.
    const admins = [0, 1, 2].map((i) => track(impatientClient(freeBootstrap, `caps-free-${i}`).admin()));
    await Promise.all(admins.map((a) => a.connect()));
    await admins[0]!.listTopics();

    // Slots freed are slots to take (a client holds a connection per broker it talks to, the bootstrap one included).
    await first.close();
    await second.close();
    const fourth = track(impatientClient(cappedBootstrap, "caps-fourth").admin());
    await waitUntil(() => fourth.connect().then(() => true), { what: "a connection once the two closed", timeoutMs: 30_000 });
    await fourth.listTopics();
    await fourth.disconnect();
    expect(await refusalsOf("free")).toBe(0);
  });

  it("connectionsPerSecond: connections over the rate wait, then the excess is closed; the other tenant is not slowed", async () => {
    await setCaps({ connectionsPerSecond: 1 });
    // The bucket holds one second's worth (one connection): this one takes it.
    const opener = await raw(cappedBootstrap);
    expect((await opener.send(ApiKey.ApiVersions, 3, API_VERSIONS)).errorCode).toBe(0);
    // The next waits until the rate allows it (up to 1 s), with nothing read meanwhile.
    const started = performance.now();
    const waited = await raw(cappedBootstrap);
    expect((await waited.send(ApiKey.ApiVersions, 3, API_VERSIONS)).errorCode).toBe(0);
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);

    // A burst of real clients: the rate lets about one a second through and closes the rest after a 1 s wait.
    const refusedBefore = await refusals("capped", "connection_rate");
    const burst = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => track(impatientClient(cappedBootstrap, `caps-burst-${i}`).admin()).connect()));
    const rejected = burst.filter((r) => r.status === "rejected");
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(String((rejected[0] as PromiseRejectedResult).reason)).toMatch(/Connection error|Closed connection|ECONNRESET|socket hang up|timeout/i);
    expect(await refusals("capped", "connection_rate")).toBeGreaterThan(refusedBefore);

    // The other tenant's burst, meanwhile: all admitted at once.
    const freeBurst = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => track(impatientClient(freeBootstrap, `caps-free-burst-${i}`).admin()).connect()));
    expect(freeBurst.filter((r) => r.status === "rejected")).toEqual([]);
    expect(await refusalsOf("free")).toBe(0);
  });

  it("requestsPerSecond: clients are throttled (throttle_time_ms and a muted socket), nothing is dropped", async () => {
    await setCaps({ requestsPerSecond: 20 });
    const topic = "requests";
    const admin = track(impatientClient(cappedBootstrap, "caps-requests-admin").admin());
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic, numPartitions: 1, replicationFactor: 3 }]);

    // The protocol: a burst of Metadata requests runs into debt; the answers carry the throttle time.
    const conn = await raw(cappedBootstrap);
    const throttles: number[] = [];
    for (let i = 0; i < 40; i++) throttles.push((await conn.send(ApiKey.Metadata, 9, { topics: [] })).throttleTimeMs as number);
    expect(Math.max(...throttles)).toBeGreaterThan(0);
    const other = await raw(freeBootstrap);
    for (let i = 0; i < 40; i++) expect((await other.send(ApiKey.Metadata, 9, { topics: [] })).throttleTimeMs).toBe(0);

    // A real client: the Java producer sees the throttling in its own metric, and every record arrives.
    const records = 100;
    const perf = assertSucceeded(
      "producer-perf",
      await runKafkaTool(
        "producer-perf",
        [
          "--topic", topic, "--num-records", `${records}`, "--record-size", "100", "--throughput", "-1", "--print-metrics",
          "--producer-props", `bootstrap.servers=${cappedBootstrap}`, "acks=all", "linger.ms=0", "batch.size=200", "max.in.flight.requests.per.connection=1",
        ],
        { timeoutMs: TOOL_TIMEOUT_MS },
      ),
    );
    const throttleAvg = /producer-metrics:produce-throttle-time-avg:\{client-id=[^}]*\}\s*:\s*([\d.]+)/.exec(perf.stdout);
    expect(throttleAvg, perf.stdout.slice(-3000)).not.toBeNull();
    expect(Number(throttleAvg![1])).toBeGreaterThan(0);
    const offsets = await physical.fetchTopicOffsets(capped.prefix + topic);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(records);
  }, 2 * TOOL_TIMEOUT_MS);

  it("maxTopics and maxPartitions: creations past a cap are refused per topic with POLICY_VIOLATION and a clear message", async () => {
    const admin = track(impatientClient(cappedBootstrap, "caps-topics-admin").admin());
    await admin.connect();
    // Earlier tests' topics count too: the caps leave room for two more topics and five more partitions.
    await setCaps({});
    const existing = await admin.fetchTopicMetadata();
    const topics = existing.topics.length;
    const partitions = existing.topics.reduce((sum, t) => sum + t.partitions.length, 0);
    await setCaps({ maxTopics: topics + 2, maxPartitions: partitions + 5 });
    // waitForLeaders: false throughout: kafkajs gives up on the UNKNOWN_TOPIC_OR_PARTITION a 3.9 broker answers while
    // it learns of a new topic (test/harness/topic-propagation.ts); the listings below wait instead.
    await admin.createTopics({ topics: [{ topic: "t1", numPartitions: 2, replicationFactor: 3 }], waitForLeaders: false });

    // One request, two topics: the first fits, the second would be one topic too many.
    const both = admin.createTopics({ topics: [{ topic: "t2", numPartitions: 1, replicationFactor: 3 }, { topic: "t3", numPartitions: 1, replicationFactor: 3 }], waitForLeaders: false });
    await expect(both).rejects.toMatchObject({ errors: [expect.objectContaining({ type: "POLICY_VIOLATION", topic: "t3" })] });
    await waitUntil(async () => (await admin.listTopics()).filter((t) => /^t\d$/.test(t)).sort().join() === "t1,t2", { what: "t1 and t2, and not t3", timeoutMs: 30_000 });
    expect(await refusals("capped", "topics")).toBeGreaterThanOrEqual(1);

    // Kafka's own tool prints the gateway's reason.
    const create = await runKafkaTool("topics", ["--bootstrap-server", cappedBootstrap, "--create", "--topic", "t4", "--partitions", "1"], { timeoutMs: TOOL_TIMEOUT_MS });
    expect(create.code).not.toBe(0);
    expect(create.stdout + create.stderr).toContain(
      `PolicyViolationException: topic "t4" would exceed this virtual cluster's cap of ${topics + 2} topics (${topics + 2} exist)`,
    );

    // Partitions: 3 of the 5 more are used; growing t1 to 4 fits, growing t2 to 2 then doesn't.
    await admin.createPartitions({ topicPartitions: [{ topic: "t1", count: 4 }] });
    await expect(admin.createPartitions({ topicPartitions: [{ topic: "t2", count: 2 }] })).rejects.toMatchObject({ type: "POLICY_VIOLATION" });
    expect(await refusals("capped", "partitions")).toBeGreaterThanOrEqual(1);
    // A 3.9 broker learns of new partitions a moment after the controller made them: wait for them upstream.
    const counts = async () => (await physical.fetchTopicMetadata({ topics: [capped.prefix + "t1", capped.prefix + "t2"] })).topics.map((t) => t.partitions.length).sort().join();
    await waitUntil(async () => (await counts()) === "1,4", { what: "t1 with 4 partitions and t2 with 1, upstream" });

    // The other tenant has no caps: it creates what it likes.
    const freeAdmin = track(impatientClient(freeBootstrap, "caps-free-topics").admin());
    await freeAdmin.connect();
    await freeAdmin.createTopics({ topics: ["a", "b", "c"].map((topic) => ({ topic, numPartitions: 3, replicationFactor: 3 })), waitForLeaders: false });
    expect(await refusalsOf("free")).toBe(0);
  }, 2 * TOOL_TIMEOUT_MS);

  it("maxRetainedBytes: over the cap, Produce fails with POLICY_VIOLATION and reads keep working; a reload lifts it at once", async () => {
    await setCaps({});
    const topic = "disk";
    const admin = track(impatientClient(cappedBootstrap, "caps-disk-admin").admin());
    await admin.connect();
    await createTopicsAndWait(admin, [{ topic, numPartitions: 1, replicationFactor: 3 }]);
    const producer = track(impatientClient(cappedBootstrap, "caps-disk-producer").producer({ allowAutoTopicCreation: false }));
    await producer.connect();
    const value = "x".repeat(10_000);
    await producer.send({ topic, messages: [{ value }] });

    // ~10 KB in each of three replicas is over a 10,000-byte cap.
    await setCaps({ maxRetainedBytes: 10_000, retainedBytesPollMs: 200 });
    let accepted = 0; // sent before the first measurement came in
    const refused = await waitUntil(() => producer.send({ topic, messages: [{ value: "more" }] }).then(() => void accepted++, (err: unknown) => err as Error), {
      what: "a produce refused for the retained bytes",
      timeoutMs: 30_000,
    });
    expect(refused).toMatchObject({ type: "POLICY_VIOLATION" });
    expect(await refusals("capped", "retained_bytes")).toBeGreaterThanOrEqual(1);

    // librdkafka reports it per message, with the broker error's name, and stops.
    const kcat = await runProcess("kcat", ["-b", cappedBootstrap, "-P", "-t", topic, "-X", "message.send.max.retries=1000"], { input: "via-kcat\n" });
    expect(kcat.code).not.toBe(0);
    expect(kcat.stdout + kcat.stderr).toMatch(/Policy violation/i);

    // So does the Java producer: the send fails with the gateway's reason long before its delivery timeout (2 min).
    const java = await runKafkaTool("console-producer", ["--bootstrap-server", cappedBootstrap, "--topic", topic], { input: "via-java\n", timeoutMs: 60_000 });
    expect(java.stdout + java.stderr).toMatch(/PolicyViolationException: this virtual cluster holds \d+ bytes on disk/);

    // Reads keep working: what was written is still there to consume.
    const read = assertSucceeded("kcat -C", await runKcat(["-b", cappedBootstrap, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%S\n"]));
    expect(read.stdout.trim().split("\n")).toEqual(["10000", ...Array<string>(accepted).fill("4")]);

    // The other tenant produces as usual.
    const freeProducer = track(impatientClient(freeBootstrap, "caps-disk-free").producer());
    await freeProducer.connect();
    const freeAdmin = track(impatientClient(freeBootstrap, "caps-disk-free-admin").admin());
    await freeAdmin.connect();
    await createTopicsAndWait(freeAdmin, [{ topic, numPartitions: 1, replicationFactor: 3 }]);
    await freeProducer.send({ topic, messages: [{ value }] });

    // A reload that raises the cap applies to the producer's open connection at once.
    await setCaps({ maxRetainedBytes: 1024 ** 3, retainedBytesPollMs: 200 });
    await producer.send({ topic, messages: [{ value: "after the reload" }] });
  }, 2 * TOOL_TIMEOUT_MS);
});
