// Byte-rate limits against the real cluster (src/limits/, src/filters/quotas.ts): the rate a throttled client
// sustains, measured by the client over a 10 s window after the first second's burst; the throttle time the client
// receives (kafkajs's Produce responses, Kafka's producer and consumer metrics); two topics of one tenant throttled
// apart; and a second tenant that never notices the first one's throttling.
import { Kafka, logLevel, type LogEntry, type Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { GatewayConfig, VirtualClusterLimits } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { metrics } from "../../src/observe/metrics.js";
import { assertSucceeded, kafkajsClient, subscribeWhenKnown, uniqueName } from "../harness/clients.js";
import { parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { runKafkaTool } from "../harness/java-tools.js";
import { runKcat } from "../harness/kcat.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const MiB = 1024 * 1024;
const VALUE = Buffer.alloc(1024, "v");
/** 32 KiB of values per send: many requests per second at 1 MiB/s, so the rate is measured finely. */
const MESSAGES_PER_SEND = 32;
const TOOL_TIMEOUT_MS = 100_000;

const PAYMENTS_LIMITS: VirtualClusterLimits = {
  topicByteRates: {
    default: { produce: MiB },
    prefixes: {},
    // Filled without a produce limit, read back at 1 MiB/s.
    topics: { history: { produce: null, fetch: MiB } },
  },
};

/** A kafkajs client that records the throttle time of every Produce response it gets (kafkajs logs it at debug). */
function throttleRecordingClient(bootstrap: string, clientId: string, throttles: number[]): Kafka {
  const logCreator = () => (entry: LogEntry) => {
    const data = (entry.log as { data?: { clientSideThrottleTime?: number } }).data;
    if (entry.log.message.startsWith("Response Produce") && typeof data?.clientSideThrottleTime === "number") throttles.push(data.clientSideThrottleTime);
  };
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.DEBUG, logCreator, requestTimeout: 60_000, retry: { retries: 8 } });
}

/** Sends 1 KiB values to `topic` until `done()`; returns the value bytes acknowledged so far, live. */
function produceUntil(producer: Producer, topic: string, done: () => boolean): { acked: () => number; finished: Promise<void> } {
  let acked = 0;
  const messages = Array.from({ length: MESSAGES_PER_SEND }, () => ({ value: VALUE }));
  const finished = (async () => {
    while (!done()) {
      await producer.send({ topic, messages, acks: -1 });
      acked += MESSAGES_PER_SEND * VALUE.length;
    }
  })();
  return { acked: () => acked, finished };
}

/** The rate over the window in which `acked()` grows from `from` to `from + bytes`: bytes per second. */
async function rateOver(acked: () => number, from: number, bytes: number, what: string): Promise<number> {
  await waitUntil(() => acked() >= from, { what: `${what}: the first ${from} bytes`, timeoutMs: 60_000, intervalMs: 20 });
  const start = performance.now();
  const startBytes = acked();
  await waitUntil(() => acked() >= startBytes + bytes, { what: `${what}: ${bytes} more bytes`, timeoutMs: 60_000, intervalMs: 20 });
  return ((acked() - startBytes) * 1000) / (performance.now() - start);
}

describe("byte-rate limits", () => {
  const kafka = inject("kafka");
  const tag = uniqueName("rates").slice(6);
  let gateway: Gateway;
  let payments: string;
  let analytics: string;
  const disconnect: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
    const brokerPorts = kafka.brokers.length + 2;
    const paymentsVc = { ...(await testVirtualCluster("payments", "shared", brokerPorts, nodeIdBase)), prefix: `payments-${tag}.`, limits: PAYMENTS_LIMITS };
    const analyticsVc = { ...(await testVirtualCluster("analytics", "shared", brokerPorts, nodeIdBase)), prefix: `analytics-${tag}.` };
    const config: GatewayConfig = testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [paymentsVc, analyticsVc]);
    gateway = await startGateway(config);
    payments = gateway.endpoints.find((e) => e.virtualCluster === "payments")!.bootstrap;
    analytics = gateway.endpoints.find((e) => e.virtualCluster === "analytics")!.bootstrap;
    for (const [bootstrap, topics] of [
      [payments, ["orders", "audit", "history", "perf", "kcat"]],
      [analytics, ["orders"]],
    ] as const) {
      const admin = kafkajsClient(bootstrap, "rates-admin").admin();
      await admin.connect();
      await createTopicsAndWait(admin, topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 3 })));
      await admin.disconnect();
    }
  });

  afterAll(async () => {
    for (const close of disconnect.reverse()) await close().catch(() => undefined);
    await gateway?.close(0);
  });

  async function connectedProducer(client: Kafka): Promise<Producer> {
    const producer = client.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    disconnect.push(() => producer.disconnect());
    return producer;
  }

  it("holds a kafkajs producer to 1 MiB/s of its topic over 10 s (±10 %), and tells it the throttle time", async () => {
    const throttles: number[] = [];
    const producer = await connectedProducer(throttleRecordingClient(payments, "rates-orders", throttles));
    let stop = false;
    const run = produceUntil(producer, "orders", () => stop);
    // Past the first second's burst, the bucket is in debt: measure 10 MiB from there.
    const rate = await rateOver(run.acked, 2 * MiB, 10 * MiB, "orders").finally(() => (stop = true));
    await run.finished;
    console.log(`orders: ${(rate / MiB).toFixed(3)} MiB/s of values (limit 1 MiB/s of batches); ${throttles.filter((t) => t > 0).length} of ${throttles.length} responses throttled`);
    // Values are ~99 % of the batch bytes the limit counts (record and batch headers are the rest).
    expect(rate).toBeGreaterThan(0.9 * MiB);
    expect(rate).toBeLessThan(1.1 * MiB);
    expect(Math.max(...throttles)).toBeGreaterThan(0);
  });

  it("throttles two topics of one tenant apart: a topic with room is not slowed by another in debt", async () => {
    const ordersThrottles: number[] = [];
    const auditThrottles: number[] = [];
    const orders = await connectedProducer(throttleRecordingClient(payments, "rates-orders-2", ordersThrottles));
    const audit = await connectedProducer(throttleRecordingClient(payments, "rates-audit", auditThrottles));
    let stop = false;
    const heavy = produceUntil(orders, "orders", () => stop);
    try {
      await waitUntil(() => ordersThrottles.some((t) => t > 0), { what: "orders in debt", timeoutMs: 60_000, intervalMs: 20 });
      // audit sends half its burst while orders is throttled: never throttled itself.
      let auditSent = 0;
      const light = produceUntil(audit, "audit", () => (auditSent += MESSAGES_PER_SEND * VALUE.length) > MiB / 2);
      await light.finished;
      expect(auditThrottles.length).toBeGreaterThan(0);
      expect(auditThrottles.every((t) => t === 0)).toBe(true);
      // What operators see meanwhile: orders at its limit (the busiest unnamed topic), its throttle time and bytes.
      // The gauge is the bucket's balance at scrape time: it dips while orders' producer waits out a throttle on a
      // busy machine, so wait for a scrape that finds it at the limit.
      const ordersUsage = async () => (await metrics.limitUsage.get()).values.find((v) => v.labels.virtual_cluster === "payments" && v.labels.name === "__max" && v.labels.direction === "produce")?.value ?? 0;
      await waitUntil(async () => (await ordersUsage()) > 0.9, { what: "orders' produce usage above 0.9", timeoutMs: 30_000, intervalMs: 20 });
      const throttleSeconds = (await metrics.throttleSeconds.get()).values.find((v) => v.labels.virtual_cluster === "payments" && v.labels.topic === "orders");
      expect(throttleSeconds?.value).toBeGreaterThan(0);
      const auditBytes = (await metrics.topicBytes.get()).values.find((v) => v.labels.virtual_cluster === "payments" && v.labels.topic === "audit");
      expect(auditBytes?.value).toBeGreaterThan(MiB / 2);
    } finally {
      stop = true;
      await heavy.finished;
    }
  });

  it("leaves another tenant's producer unthrottled, its throughput and p99 measured with and without the first at its limit", async () => {
    const analyticsThrottles: number[] = [];
    const client = throttleRecordingClient(analytics, "rates-analytics", analyticsThrottles);
    const producer = await connectedProducer(client);
    const measure = async () => {
      const latencies: number[] = [];
      const messages = Array.from({ length: MESSAGES_PER_SEND }, () => ({ value: VALUE }));
      const start = performance.now();
      for (let sent = 0; sent < 2 * MiB; sent += MESSAGES_PER_SEND * VALUE.length) {
        const t = performance.now();
        await producer.send({ topic: "orders", messages, acks: -1 });
        latencies.push(performance.now() - t);
      }
      latencies.sort((a, b) => a - b);
      return { rate: (2 * MiB * 1000) / (performance.now() - start), p99: latencies[Math.floor(latencies.length * 0.99)]! };
    };
    const throttled: number[] = [];
    const heavyProducer = await connectedProducer(throttleRecordingClient(payments, "rates-heavy", throttled));
    /** analytics measured while payments produces as fast as it may (held at its limit) */
    const besidePayments = async () => {
      let stop = false;
      const heavy = produceUntil(heavyProducer, "orders", () => stop);
      try {
        await waitUntil(() => throttled.some((t) => t > 0), { what: "payments in debt", timeoutMs: 60_000, intervalMs: 20 });
        return await measure();
      } finally {
        stop = true;
        await heavy.finished;
      }
    };
    await measure(); // warm-up: connections, metadata, the brokers' first appends
    // Alone, beside, alone, beside: a machine whose load drifts weighs on both alike.
    const alone = [await measure()];
    const beside = [await besidePayments()];
    alone.push(await measure());
    beside.push(await besidePayments());
    const mean = (runs: { rate: number }[]) => runs.reduce((sum, r) => sum + r.rate, 0) / runs.length;
    const show = (runs: { rate: number; p99: number }[]) => runs.map((r) => `${(r.rate / MiB).toFixed(1)} MiB/s p99 ${r.p99.toFixed(0)} ms`).join(", ");
    console.log(`analytics alone: ${show(alone)}; beside payments at its limit: ${show(beside)}`);
    expect(analyticsThrottles.length).toBeGreaterThan(0);
    expect(analyticsThrottles.every((t) => t === 0)).toBe(true);
    // analytics has no limit and shares no bucket with payments: were it held by payments' limit, it would crawl
    // at a fraction of 1 MiB/s. (2 cores shared by 3 brokers and other agents' runs: an exact ratio can't be asserted.)
    expect(mean(beside)).toBeGreaterThan(0.5 * mean(alone));
  });

  it("holds a kafkajs consumer to the topic's 1 MiB/s fetch rate (±10 %)", async () => {
    const producer = await connectedProducer(kafkajsClient(payments, "rates-history"));
    const messages = Array.from({ length: MESSAGES_PER_SEND }, () => ({ value: VALUE }));
    for (let sent = 0; sent < 12 * MiB; sent += MESSAGES_PER_SEND * VALUE.length) await producer.send({ topic: "history", messages, acks: -1 });

    const consumer = kafkajsClient(payments, "rates-history-reader").consumer({ groupId: uniqueName("history"), maxWaitTimeInMs: 200 });
    await consumer.connect();
    disconnect.push(() => consumer.disconnect());
    let received = 0;
    await subscribeWhenKnown(consumer, "history");
    await consumer.run({ eachMessage: async ({ message }) => void (received += message.value?.length ?? 0) });
    const rate = await rateOver(() => received, 1.5 * MiB, 10 * MiB, "history");
    console.log(`history: consumed at ${(rate / MiB).toFixed(3)} MiB/s of values (limit 1 MiB/s)`);
    expect(rate).toBeGreaterThan(0.9 * MiB);
    expect(rate).toBeLessThan(1.1 * MiB);
  });

  it("reports the throttling to Kafka's own producer and consumer (ProducerPerformance, ConsumerPerformance with a fetch session)", async () => {
    const records = 6 * 1024;
    const perf = assertSucceeded(
      "producer-perf",
      await runKafkaTool(
        "producer-perf",
        ["--topic", "perf", "--num-records", `${records}`, "--record-size", "1024", "--throughput", "-1", "--print-metrics",
          "--producer-props", `bootstrap.servers=${payments}`, "acks=all", "linger.ms=5"],
        { timeoutMs: TOOL_TIMEOUT_MS },
      ),
    );
    const throttleAvg = Number(/producer-metrics:produce-throttle-time-avg:\{[^}]*\}\s*:\s*([\d.]+)/.exec(perf.stdout)?.[1]);
    console.log(`ProducerPerformance: produce-throttle-time-avg ${throttleAvg} ms; ${perf.stdout.split("\n").find((l) => l.includes("records sent"))}`);
    expect(throttleAvg).toBeGreaterThan(0);

    // history holds 12 MiB: the Java consumer reads 6 MiB of it through a KIP-227 fetch session at 1 MiB/s.
    const consumed = assertSucceeded(
      "consumer-perf",
      await runKafkaTool(
        "consumer-perf",
        ["--bootstrap-server", payments, "--topic", "history", "--messages", `${6 * 1024}`, "--print-metrics", "--timeout", "60000", "--group", uniqueName("perf")],
        { timeoutMs: TOOL_TIMEOUT_MS },
      ),
    );
    const fetchThrottleAvg = Number(/consumer-fetch-manager-metrics:fetch-throttle-time-avg:\{[^}]*\}\s*:\s*([\d.]+)/.exec(consumed.stdout)?.[1]);
    console.log(`ConsumerPerformance: fetch-throttle-time-avg ${fetchThrottleAvg} ms`);
    expect(fetchThrottleAvg).toBeGreaterThan(0);
  });

  it("holds kcat (librdkafka) to the topic's rate, as `npm start` shows: 6 MiB at 1 MiB/s take about 5 s after the burst", async () => {
    const input = `${"x".repeat(1023)}\n`.repeat(6 * 1024);
    const started = performance.now();
    // 64 KiB requests: kcat exits at its last acknowledgement, so the wait that last request earned goes unserved.
    assertSucceeded("kcat -P", await runKcat(["-P", "-b", payments, "-t", "kcat", "-X", "acks=all", "-X", "batch.size=65536"], { input, timeoutMs: 60_000 }));
    const seconds = (performance.now() - started) / 1000;
    console.log(`kcat: 6 MiB to a 1 MiB/s topic in ${seconds.toFixed(1)} s`);
    // 1 MiB of burst, then 5 MiB at 1 MiB/s.
    expect(seconds).toBeGreaterThan(4.5);
    expect(seconds).toBeLessThan(20);
  });

  it("applies a reload to a producer that is already connected, at once, without closing its connection", async () => {
    const throttles: number[] = [];
    const producer = await connectedProducer(throttleRecordingClient(payments, "rates-reload", throttles));
    let stop = false;
    const run = produceUntil(producer, "orders", () => stop);
    let atReload: Set<unknown> | undefined;
    try {
      const before = await rateOver(run.acked, 2 * MiB, 2 * MiB, "orders before the reload");
      const limits: VirtualClusterLimits = { topicByteRates: { ...PAYMENTS_LIMITS.topicByteRates!, topics: { ...PAYMENTS_LIMITS.topicByteRates!.topics, orders: { produce: 4 * MiB } } } };
      const config = gateway.runtime.config;
      atReload = new Set(gateway.runtime.sessions());
      await gateway.apply({ ...config, virtualClusters: config.virtualClusters.map((vc) => (vc.name === "payments" ? { ...vc, limits } : vc)) });
      // 16 MiB (about 4 s): acks come in bursts as mutes end, so a window's edges can each gain or lose a burst.
      const after = await rateOver(run.acked, run.acked() + MiB, 16 * MiB, "orders after the reload");
      console.log(`orders: ${(before / MiB).toFixed(2)} MiB/s at 1 MiB/s, ${(after / MiB).toFixed(2)} MiB/s after a reload to 4 MiB/s`);
      expect(before).toBeLessThan(1.2 * MiB);
      // Clearly past the old limit (a loaded machine may keep the producer below the new one: accuracy is tested above).
      expect(after).toBeGreaterThan(1.5 * MiB);
      expect(after).toBeLessThan(4.6 * MiB);
    } finally {
      stop = true;
      await run.finished;
    }
    // The producer's connections are the ones it had before the reload (a reconnect would be a new session).
    const producerSessions = gateway.runtime.sessions().filter((s) => s.clientId === "rates-reload");
    expect(producerSessions.length).toBeGreaterThan(0);
    for (const session of producerSessions) expect(atReload?.has(session)).toBe(true);
  });
});
