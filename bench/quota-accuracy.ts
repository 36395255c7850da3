// How closely a 1 MiB/s topic limit holds: Kafka's ProducerPerformance and ConsumerPerformance and a kafkajs
// producer, each as fast as it can through a gateway (in this process) whose topic is limited. The rate is the
// record-batch bytes the gateway counted for the topic (bulkhead_topic_bytes_total, the quantity the limit bounds)
// over a window that starts at the topic's first throttle (its burst spent: from then on, a client as fast as it can
// be is held to the rate); the clients' own figures are printed beside it.
//   npx tsx bench/quota-accuracy.ts
// Env: BULKHEAD_BENCH_BOOTSTRAP (a running cluster instead of 3 fresh brokers), BULKHEAD_KAFKA_VERSION,
//   BULKHEAD_BENCH_WINDOW_S (30: seconds measured per client).
import { cpus, loadavg } from "node:os";
import { kafkaVersionFromEnv } from "../scripts/kafka/fetch.js";
import { startKafka } from "../scripts/kafka/launcher.js";
import type { GatewayConfig } from "../src/config/types.js";
import { startGateway } from "../src/gateway.js";
import { metrics } from "../src/observe/metrics.js";
import { kafkajsClient } from "../test/harness/clients.js";
import { parseHostPorts, testGatewayConfig, testVirtualCluster } from "../test/harness/gateway.js";
import { createTopicsAndWait } from "../test/harness/topic-propagation.js";
import { runConsumerPerf, runProducerPerf } from "./lib/perf-tools.js";

const MiB = 1024 * 1024;
const LIMIT = MiB;
const WINDOW_S = Number(process.env.BULKHEAD_BENCH_WINDOW_S ?? 30);
const RECORD = 1024;

async function counted(topic: string, direction: "produce" | "fetch"): Promise<number> {
  const { values } = await metrics.topicBytes.get();
  return values.find((v) => v.labels.virtual_cluster === "bench" && v.labels.topic === topic && v.labels.direction === direction)?.value ?? 0;
}

async function throttled(topic: string, direction: "produce" | "fetch"): Promise<number> {
  const { values } = await metrics.throttleSeconds.get();
  return values.find((v) => v.labels.virtual_cluster === "bench" && v.labels.topic === topic && v.labels.direction === direction)?.value ?? 0;
}

/** Polls the counters every 10 ms: the window from the topic's first throttle to WINDOW_S of the limit later. */
async function measure(topic: string, direction: "produce" | "fetch", running: Promise<unknown>): Promise<number> {
  let done = false;
  void running.finally(() => (done = true));
  const reach = async (ready: () => Promise<boolean>, what: string) => {
    for (;;) {
      if (await ready()) return { at: performance.now(), bytes: await counted(topic, direction) };
      if (done) throw new Error(`${topic} ${direction}: the client finished before ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const start = await reach(async () => (await throttled(topic, direction)) > 0, "its first throttle");
  const end = await reach(async () => (await counted(topic, direction)) >= start.bytes + WINDOW_S * LIMIT, "the end of the window");
  return ((end.bytes - start.bytes) * 1000) / (end.at - start.at);
}

function report(what: string, rate: number, extra: string): void {
  console.log(`${what.padEnd(44)} ${(rate / MiB).toFixed(4)} MiB/s  (${(((rate - LIMIT) / LIMIT) * 100).toFixed(2)} % off the limit)  ${extra}`);
}

async function main(): Promise<void> {
  const external = process.env.BULKHEAD_BENCH_BOOTSTRAP?.trim();
  const kafka = external ? { bootstrap: external, version: kafkaVersionFromEnv(), stop: async () => {} } : await startKafka({ brokers: 3 });
  const tag = Date.now().toString(36);
  const vc = {
    ...(await testVirtualCluster("bench", "bench", 8, 0)),
    prefix: `quota-${tag}.`,
    limits: { topicByteRates: { default: { produce: LIMIT }, prefixes: {}, topics: { fill: { produce: null, fetch: LIMIT } } } },
  };
  const admin0 = kafkajsClient(kafka.bootstrap, "quota-bench").admin();
  await admin0.connect();
  const nodeIds = (await admin0.describeCluster()).brokers.map((b) => b.nodeId);
  await admin0.disconnect();
  vc.listeners = vc.listeners.map((l) => ({ ...l, nodeIdBase: Math.min(...nodeIds) }));
  const config: GatewayConfig = testGatewayConfig([{ name: "bench", bootstrap: parseHostPorts(kafka.bootstrap) }], [vc]);
  const gateway = await startGateway(config);
  const bootstrap = gateway.endpoints[0]!.bootstrap;
  console.log(
    `Kafka ${kafka.version} at ${kafka.bootstrap}; node ${process.version}; ${cpus().length} cpu(s) ${cpus()[0]?.model ?? "?"}; ` +
      `load ${loadavg().map((l) => l.toFixed(2)).join(" ")}; limit ${LIMIT} B/s per topic; window ${WINDOW_S} s from the first throttle`,
  );
  try {
    const admin = kafkajsClient(bootstrap, "quota-bench").admin();
    await admin.connect();
    await createTopicsAndWait(admin, ["java", "kafkajs", "fill"].map((topic) => ({ topic, numPartitions: 1, replicationFactor: Math.min(3, nodeIds.length) })));
    await admin.disconnect();
    const records = Math.ceil(((WINDOW_S + 8) * LIMIT) / RECORD);

    const java = runProducerPerf(kafka.version, { bootstrap, topic: "java", records, recordSize: RECORD, props: { "linger.ms": 5 } });
    const javaRate = await measure("java", "produce", java);
    const javaResult = await java;
    report("ProducerPerformance (acks=all, linger 5 ms)", javaRate, `produce-throttle-time-avg ${javaResult.metrics["produce-throttle-time-avg"]?.toFixed(1)} ms`);

    const producer = kafkajsClient(bootstrap, "quota-bench-kafkajs").producer();
    await producer.connect();
    const messages = Array.from({ length: 32 }, () => ({ value: Buffer.alloc(RECORD, "v") }));
    let stop = false;
    const kafkajs = (async () => {
      while (!stop) await producer.send({ topic: "kafkajs", messages, acks: -1 });
    })();
    const kafkajsRate = await measure("kafkajs", "produce", kafkajs).finally(() => (stop = true));
    await kafkajs;
    report("kafkajs producer (32 KiB per send)", kafkajsRate, "");

    // Fill a topic without a produce limit, then read it back at its 1 MiB/s fetch limit.
    for (let sent = 0; sent < (WINDOW_S + 8) * LIMIT; sent += messages.length * RECORD) await producer.send({ topic: "fill", messages, acks: -1 });
    await producer.disconnect();
    const consumer = runConsumerPerf(kafka.version, { bootstrap, topic: "fill", records: Math.ceil(((WINDOW_S + 6) * LIMIT) / RECORD), group: `quota-${tag}`, timeoutMs: 60_000 });
    const fetchRate = await measure("fill", "fetch", consumer);
    const consumed = await consumer;
    report("ConsumerPerformance (fetch session)", fetchRate, `fetch-throttle-time-avg ${consumed.fetchMetrics["fetch-throttle-time-avg"]?.toFixed(1)} ms`);
  } finally {
    await gateway.close(1_000);
    await kafka.stop();
  }
}

await main();
