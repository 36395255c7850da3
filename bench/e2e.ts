// End-to-end bench: Kafka's ProducerPerformance and ConsumerPerformance against the brokers directly, through the
// gateway and through Kroxylicious in passthrough and multi-tenant modes (each proxy a child process, so its CPU
// time is measured alone), in rotated order in one run.
//   npm run bench:e2e
// Env: BULKHEAD_BENCH_BOOTSTRAP (use a running cluster instead of starting 3 brokers), BULKHEAD_KAFKA_VERSION,
//   BULKHEAD_BENCH_RECORDS (300000), BULKHEAD_BENCH_RECORD_SIZE (1024), BULKHEAD_BENCH_ROUNDS (2),
//   BULKHEAD_BENCH_PARTITIONS (6), BULKHEAD_BENCH_WARMUP_RECORDS (200000: fewer left the brokers warming up into round 2),
//   BULKHEAD_BENCH_PRODUCER_PROPS ("k=v k=v", over acks=all; "acks=1" sets acks), BULKHEAD_BENCH_CPU_PROF=1 (the gateway writes a
//   V8 CPU profile to .cache/bench-profiles/), BULKHEAD_BENCH_GATEWAY_NODE_FLAGS (more node flags for the gateway
//   child, e.g. "--perf-basic-prof" to read its threads with `perf`), BULKHEAD_BENCH_GATEWAY_NICE (diagnostic: run
//   the gateway at another scheduling priority, e.g. -10), BULKHEAD_BENCH_ACLS=1 (the gateway enforces ACLs: 1,000
//   rules, those of the bench's principal allowing what it does), BULKHEAD_BENCH_LIMITS=1 (byte-rate limits on every
//   topic, the principal and the tenant, never reached: what the checks cost), BULKHEAD_BENCH_KROXYLICIOUS=off (no
//   Kroxylicious peers; without a Java 21+ JDK they are skipped, saying so), BULKHEAD_BENCH_JAVA_HOME (the JDK for
//   Kroxylicious; else JAVA_HOME, the java on PATH, /usr/lib/jvm/*), BULKHEAD_BENCH_PIN=1 (taskset: the proxies on
//   cpu 0, the brokers and clients on cpu 1), BULKHEAD_BENCH_SMALL_RATE (5000) and BULKHEAD_BENCH_SMALL_SECONDS (10): the
//   small-requests phase after each consume (Produce requests of one record, acks=1, at that rate; bench/lib/small-requests.ts),
//   BULKHEAD_BENCH_SMALL=off skips it.
import { execFileSync } from "node:child_process";
import { cpus, loadavg, setPriority, totalmem } from "node:os";
import { randomBytes } from "node:crypto";
import { startKafka } from "../scripts/kafka/launcher.js";
import { runSmallRequests, type SmallRequestsResult } from "./lib/small-requests.js";
import { kafkaVersionFromEnv } from "../scripts/kafka/fetch.js";
import { kafkajsClient } from "../test/harness/clients.js";
import { freePortRange } from "../test/harness/gateway.js";
import { createTopicsAndWait } from "../test/harness/topic-propagation.js";
import { LOAD_CPU, pinningFromEnv, pinProcess, PROXY_CPU } from "./lib/cpu-pinning.js";
import { startGatewayProcess, type GatewayProcess } from "./lib/gateway-process.js";
import { findJdk21, startKroxylicious, type KroxyliciousMode, type KroxyliciousProcess } from "./lib/kroxylicious.js";
import type { GatewaySample } from "./lib/gateway-ipc.js";
import type { ConsumerPerfResult, ProducerPerfResult } from "./lib/perf-output.js";
import { runConsumerPerf, runProducerPerf } from "./lib/perf-tools.js";

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

const settings = {
  records: intFromEnv("BULKHEAD_BENCH_RECORDS", 300_000),
  recordSize: intFromEnv("BULKHEAD_BENCH_RECORD_SIZE", 1024),
  rounds: intFromEnv("BULKHEAD_BENCH_ROUNDS", 2),
  partitions: intFromEnv("BULKHEAD_BENCH_PARTITIONS", 6),
  warmupRecords: intFromEnv("BULKHEAD_BENCH_WARMUP_RECORDS", 200_000),
  producerProps: producerPropsFromEnv(),
  /** The small-requests phase (bench/lib/small-requests.ts): Produce requests of one record per second, for seconds. */
  small: process.env.BULKHEAD_BENCH_SMALL === "off" ? undefined : { rate: intFromEnv("BULKHEAD_BENCH_SMALL_RATE", 5_000), seconds: intFromEnv("BULKHEAD_BENCH_SMALL_SECONDS", 10) },
};

/** BULKHEAD_BENCH_PRODUCER_PROPS="batch.size=131072 linger.ms=10": extra producer properties for every run. */
function producerPropsFromEnv(): Record<string, string> {
  const props: Record<string, string> = {};
  for (const pair of (process.env.BULKHEAD_BENCH_PRODUCER_PROPS ?? "").split(/\s+/).filter(Boolean)) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`BULKHEAD_BENCH_PRODUCER_PROPS: expected key=value, got ${JSON.stringify(pair)}`);
    props[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return props;
}
/** The producer's acks: all, unless BULKHEAD_BENCH_PRODUCER_PROPS sets it. */
function producerAcks(): string {
  return settings.producerProps.acks ?? "all";
}
/** Which code was measured: the commit, and "-dirty" when the working tree differs from it. */
function sourceRevision(): string {
  try {
    return execFileSync("git", ["describe", "--always", "--dirty"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const runId = `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;

type Target = "direct" | "gateway" | `kroxylicious-${KroxyliciousMode}`;

/** Where a target's clients connect, and the CPU its proxy process has used so far (none for direct). */
interface Endpoint {
  target: Target;
  bootstrap: string;
  proxyCpuMs?: () => Promise<number>;
}

interface RunResult {
  round: number;
  target: Target;
  produce: ProducerPerfResult;
  consume: ConsumerPerfResult;
  /** CPU of the target's own proxy process while producing and while consuming (0 for direct). */
  proxyCpuMs: { produce: number; consume: number };
  /** Gateway CPU and bytes during each phase (also sampled for direct runs: should stay near zero). */
  produceGateway: PhaseUsage;
  consumeGateway: PhaseUsage;
  /** The small-requests phase, unless BULKHEAD_BENCH_SMALL=off: latencies, and the proxy's CPU during it. */
  small?: { result: SmallRequestsResult; proxyCpuMs: number; gateway: PhaseUsage };
}

interface PhaseUsage {
  cpuMs: number;
  /** Kernel part of cpuMs (socket reads and writes). */
  systemMs: number;
  wallMs: number;
  /** Bytes the gateway received from plus sent to clients, in MB (10^6 bytes). */
  wireMb: number;
  /** Client requests the gateway forwarded, and the bytes it received from clients. */
  requests: number;
  bytesFromClients: number;
}

interface TimedSample extends GatewaySample {
  at: number;
}

async function timedSample(gateway: GatewayProcess): Promise<TimedSample> {
  return { ...(await gateway.sample()), at: performance.now() };
}

function usageBetween(before: TimedSample, after: TimedSample): PhaseUsage {
  return {
    cpuMs: (after.cpuUserUs - before.cpuUserUs + after.cpuSystemUs - before.cpuSystemUs) / 1000,
    systemMs: (after.cpuSystemUs - before.cpuSystemUs) / 1000,
    wallMs: after.at - before.at,
    wireMb:
      (after.bytesFromClients - before.bytesFromClients + after.bytesToClients - before.bytesToClients) / 1e6,
    requests: after.requests - before.requests,
    bytesFromClients: after.bytesFromClients - before.bytesFromClients,
  };
}

async function createTopic(bootstrap: string, topic: string, replicationFactor: number): Promise<void> {
  const admin = kafkajsClient(bootstrap, "bulkhead-bench").admin();
  await admin.connect();
  try {
    await createTopicsAndWait(admin, [{ topic, numPartitions: settings.partitions, replicationFactor }]);
  } finally {
    await admin.disconnect();
  }
}

async function describeNodeIds(bootstrap: string): Promise<number[]> {
  const admin = kafkajsClient(bootstrap, "bulkhead-bench").admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).brokers.map((b) => b.nodeId);
  } finally {
    await admin.disconnect();
  }
}

async function runOne(
  version: string,
  { target, bootstrap, proxyCpuMs = async () => 0 }: Endpoint,
  round: number,
  replicationFactor: number,
  gateway: GatewayProcess,
): Promise<RunResult> {
  const topic = `bench-${runId}-${round}-${target}`;
  // Created through the target, as a client of that target would.
  await createTopic(bootstrap, topic, replicationFactor);
  const [s0, c0] = [await timedSample(gateway), await proxyCpuMs()];
  const produce = await runProducerPerf(version, {
    bootstrap, topic, records: settings.records, recordSize: settings.recordSize, props: settings.producerProps,
  });
  const [s1, c1] = [await timedSample(gateway), await proxyCpuMs()];
  const consume = await runConsumerPerf(version, { bootstrap, topic, records: settings.records, group: `${topic}-group` });
  const [s2, c2] = [await timedSample(gateway), await proxyCpuMs()];
  const result: RunResult = {
    round, target, produce, consume, produceGateway: usageBetween(s0, s1), consumeGateway: usageBetween(s1, s2),
    proxyCpuMs: { produce: c1 - c0, consume: c2 - c1 },
  };
  if (settings.small !== undefined) {
    const small = await runSmallRequests(bootstrap, topic, settings.small.rate, settings.small.seconds, settings.recordSize);
    const [s3, c3] = [await timedSample(gateway), await proxyCpuMs()];
    result.small = { result: small, proxyCpuMs: c3 - c2, gateway: usageBetween(s2, s3) };
  }
  console.log(
    `round ${round} ${target.padEnd(7)}: produce ${fmt(produce.recordsPerSec, 0)} rec/s ${fmt(produce.mbPerSec, 1)} MB/s p99 ${produce.p99Ms} ms; ` +
      `consume ${fmt(consume.fetchRecordsPerSec, 0)} rec/s ${fmt(consume.fetchMbPerSec, 1)} MB/s (fetch phase), ` +
      `${fmt(consume.recordsPerSec, 0)} rec/s with group join; gateway cpu ${fmt(result.produceGateway.cpuMs, 0)} + ${fmt(result.consumeGateway.cpuMs, 0)} ms; ` +
      `producer request latency ${fmt(metric(produce, "request-latency-avg"), 1)} ms, request ${fmt(metric(produce, "request-size-avg") / 1024, 1)} KiB (avg)` +
      (target.startsWith("kroxylicious") ? `; its cpu ${fmt(result.proxyCpuMs.produce, 0)} + ${fmt(result.proxyCpuMs.consume, 0)} ms` : "") +
      (result.small === undefined
        ? ""
        : `; small requests ${fmt(result.small.result.answered / result.small.result.seconds, 0)}/s, p50 ${fmt(result.small.result.p50Ms, 2)} / p99 ${fmt(result.small.result.p99Ms, 2)} ms, ` +
          `proxy cpu ${fmt(result.small.proxyCpuMs, 0)} ms`),
  );
  return result;
}

/** A producer metric (--print-metrics), NaN when the tool didn't print it. */
const metric = (produce: ProducerPerfResult, name: string): number => produce.metrics[name] ?? Number.NaN;
const fmt = (n: number, digits: number): string =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const payloadMiB = (records: number): number => (records * settings.recordSize) / (1024 * 1024);

/** The gateway's CPU use while nobody talks to it (timers, metrics), in ms of CPU per second. */
async function idleCpuRate(gateway: GatewayProcess, ms = 5_000): Promise<number> {
  const before = await timedSample(gateway);
  await new Promise((resolve) => setTimeout(resolve, ms));
  const usage = usageBetween(before, await timedSample(gateway));
  return (usage.cpuMs / usage.wallMs) * 1000;
}

function summarize(results: readonly RunResult[], gatewayPid: number, idleCpuMsPerSec: number): void {
  const of = (target: Target) => results.filter((r) => r.target === target);
  const row = (target: Target) => {
    const rs = of(target);
    const produceCpu = rs.reduce((s, r) => s + r.produceGateway.cpuMs, 0);
    const consumeCpu = rs.reduce((s, r) => s + r.consumeGateway.cpuMs, 0);
    const systemCpu = rs.reduce((s, r) => s + r.produceGateway.systemMs + r.consumeGateway.systemMs, 0);
    const producedMiB = rs.reduce((s, r) => s + payloadMiB(r.produce.records), 0);
    const consumedMiB = rs.reduce((s, r) => s + r.consume.mb, 0);
    const wireMb = rs.reduce((s, r) => s + r.produceGateway.wireMb + r.consumeGateway.wireMb, 0);
    const idleMs = (phase: "produceGateway" | "consumeGateway") =>
      (rs.reduce((s, r) => s + r[phase].wallMs, 0) / 1000) * idleCpuMsPerSec;
    return {
      produceRecPerSec: mean(rs.map((r) => r.produce.recordsPerSec)),
      produceMbPerSec: mean(rs.map((r) => r.produce.mbPerSec)),
      produceP99: mean(rs.map((r) => r.produce.p99Ms)),
      produceP50: mean(rs.map((r) => r.produce.p50Ms)),
      requestLatencyMs: mean(rs.map((r) => metric(r.produce, "request-latency-avg"))),
      requestKiB: mean(rs.map((r) => metric(r.produce, "request-size-avg") / 1024)),
      recordsPerRequest: mean(rs.map((r) => metric(r.produce, "records-per-request-avg"))),
      fetchLatencyMs: mean(rs.map((r) => r.consume.fetchMetrics["fetch-latency-avg"] ?? Number.NaN)),
      fetchKiB: mean(rs.map((r) => (r.consume.fetchMetrics["fetch-size-avg"] ?? Number.NaN) / 1024)),
      consumeRecPerSec: mean(rs.map((r) => r.consume.fetchRecordsPerSec)),
      consumeMbPerSec: mean(rs.map((r) => r.consume.fetchMbPerSec)),
      consumeWithJoinRecPerSec: mean(rs.map((r) => r.consume.recordsPerSec)),
      produceCpuMsPerMiB: produceCpu / producedMiB,
      consumeCpuMsPerMiB: consumeCpu / consumedMiB,
      produceNetCpuMsPerMiB: (produceCpu - idleMs("produceGateway")) / producedMiB,
      consumeNetCpuMsPerMiB: (consumeCpu - idleMs("consumeGateway")) / consumedMiB,
      cpuMsPerWireMb: wireMb > 0 ? (produceCpu + consumeCpu) / wireMb : Number.NaN,
      systemShare: systemCpu / (produceCpu + consumeCpu),
      produceRequestKiB:
        rs.reduce((s, r) => s + r.produceGateway.bytesFromClients, 0) / rs.reduce((s, r) => s + r.produceGateway.requests, 0) / 1024,
      produceRequests: rs.reduce((s, r) => s + r.produceGateway.requests, 0),
      consumeRequests: rs.reduce((s, r) => s + r.consumeGateway.requests, 0),
    };
  };
  const direct = row("direct");
  const gateway = row("gateway");
  console.log(`\n## Summary (mean of ${settings.rounds} round(s); ${settings.records} records of ${settings.recordSize} B, acks=${producerAcks()}; MB = MiB as the tools print it)`);
  console.log("| target | produce rec/s | produce MB/s | produce p50 / p99 ms | consume rec/s (fetch) | consume MB/s (fetch) | consume rec/s (incl. group join) |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const [name, r] of [["direct", direct], ["gateway", gateway]] as const) {
    console.log(
      `| ${name} | ${fmt(r.produceRecPerSec, 0)} | ${fmt(r.produceMbPerSec, 1)} | ${fmt(r.produceP50, 0)} / ${fmt(r.produceP99, 0)} | ` +
        `${fmt(r.consumeRecPerSec, 0)} | ${fmt(r.consumeMbPerSec, 1)} | ${fmt(r.consumeWithJoinRecPerSec, 0)} |`,
    );
  }
  console.log(`\ngateway/direct throughput: produce ${fmt(gateway.produceRecPerSec / direct.produceRecPerSec, 2)}x, ` +
    `consume ${fmt(gateway.consumeRecPerSec / direct.consumeRecPerSec, 2)}x (fetch phase), ` +
    `${fmt(gateway.consumeWithJoinRecPerSec / direct.consumeWithJoinRecPerSec, 2)}x (incl. group join)`);
  const perRound = Array.from({ length: settings.rounds }, (_, i) => {
    const inRound = (target: Target) => results.find((r) => r.round === i + 1 && r.target === target)!;
    const d = inRound("direct");
    const g = inRound("gateway");
    return `${fmt(g.produce.recordsPerSec / d.produce.recordsPerSec, 2)}/${fmt(g.consume.fetchRecordsPerSec / d.consume.fetchRecordsPerSec, 2)}`;
  });
  console.log(`per round (produce/consume): ${perRound.join(", ")}`);
  for (const [name, r] of [["direct", direct], ["gateway", gateway]] as const) {
    console.log(
      `${name} producer (its own metrics): request latency ${fmt(r.requestLatencyMs, 1)} ms avg, request ${fmt(r.requestKiB, 1)} KiB avg, ` +
        `${fmt(r.recordsPerRequest, 1)} records per request; consumer: fetch latency ${fmt(r.fetchLatencyMs, 1)} ms avg, ` +
        `fetch ${fmt(r.fetchKiB, 0)} KiB avg`,
    );
  }
  console.log(`gateway/direct produce p99 latency: ${fmt(gateway.produceP99 / direct.produceP99, 2)}x`);
  console.log(
    `gateway CPU (pid ${gatewayPid}): ${fmt(gateway.produceCpuMsPerMiB, 2)} ms per MiB produced, ` +
      `${fmt(gateway.consumeCpuMsPerMiB, 2)} ms per MiB consumed (record payload); ` +
      `${fmt(gateway.cpuMsPerWireMb, 2)} ms per MB on the client wire (bytes in + out, its own counters); ` +
      `${fmt(100 * gateway.systemShare, 0)}% of it in the kernel`,
  );
  console.log(
    `gateway CPU net of its idle rate (${fmt(idleCpuMsPerSec, 1)} ms/s): ${fmt(gateway.produceNetCpuMsPerMiB, 2)} ms per MiB produced, ` +
      `${fmt(gateway.consumeNetCpuMsPerMiB, 2)} ms per MiB consumed; during the direct runs it used ` +
      `${fmt(direct.produceCpuMsPerMiB, 2)} / ${fmt(direct.consumeCpuMsPerMiB, 2)} ms per MiB (idle check)`,
  );
  console.log(
    `gateway requests: ${gateway.produceRequests} while producing (${fmt(gateway.produceRequestKiB, 1)} KiB per request on average), ` +
      `${gateway.consumeRequests} while consuming`,
  );
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

/**
 * Every target side by side, per workload: MB/s (mean over the rounds), the ratio to direct, and the CPU its proxy
 * process used per MiB of record payload (total CPU over total MiB).
 */
function summarizeProxies(results: readonly RunResult[], targets: readonly Target[]): void {
  const direct = results.filter((r) => r.target === "direct");
  const directProduce = mean(direct.map((r) => r.produce.mbPerSec));
  const directConsume = mean(direct.map((r) => r.consume.fetchMbPerSec));
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  console.log(`\n## Proxies side by side (same run; produce acks=${producerAcks()}; consume MB/s of the fetch phase; CPU = the proxy process's user + system)`);
  console.log("| target | produce MB/s | produce / direct | produce CPU ms/MiB | consume MB/s | consume / direct | consume CPU ms/MiB |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const target of targets) {
    const rs = results.filter((r) => r.target === target);
    const produceMb = mean(rs.map((r) => r.produce.mbPerSec));
    const consumeMb = mean(rs.map((r) => r.consume.fetchMbPerSec));
    const cpu = (ms: number, mib: number) => (target === "direct" ? "-" : fmt(ms / mib, 2));
    console.log(
      `| ${target} | ${fmt(produceMb, 1)} | ${fmt(produceMb / directProduce, 2)} | ` +
        `${cpu(sum(rs.map((r) => r.proxyCpuMs.produce)), sum(rs.map((r) => payloadMiB(r.produce.records))))} | ` +
        `${fmt(consumeMb, 1)} | ${fmt(consumeMb / directConsume, 2)} | ` +
        `${cpu(sum(rs.map((r) => r.proxyCpuMs.consume)), sum(rs.map((r) => r.consume.mb)))} |`,
    );
  }
  // Per round too: a JVM still compiling its hot paths in round 1 shows here, and the load of a shared machine.
  for (const target of targets.filter((t) => t !== "direct")) {
    const perRound = results
      .filter((r) => r.target === target)
      .map((r) => `${fmt(r.proxyCpuMs.produce / payloadMiB(r.produce.records), 2)}/${fmt(r.proxyCpuMs.consume / r.consume.mb, 2)}`);
    console.log(`${target} CPU ms/MiB per round (produce/consume): ${perRound.join(", ")}`);
  }
  summarizeSmallRequests(results, targets);
}

/**
 * The small-requests phase side by side: answers per second, the proxy's CPU per second of it and relative to
 * Kroxylicious passthrough's, the latency percentiles (medians over the rounds) and what each proxy adds to direct's.
 */
function summarizeSmallRequests(results: readonly RunResult[], targets: readonly Target[]): void {
  if (settings.small === undefined) return;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const of = (target: Target) => {
    const rs = results.filter((r) => r.target === target && r.small !== undefined).map((r) => r.small!);
    return {
      perSec: mean(rs.map((s) => s.result.answered / s.result.seconds)),
      cpuMsPerSec: rs.reduce((n, s) => n + s.proxyCpuMs, 0) / rs.reduce((n, s) => n + s.result.seconds, 0),
      p50: median(rs.map((s) => s.result.p50Ms)),
      p99: median(rs.map((s) => s.result.p99Ms)),
      requests: rs.reduce((n, s) => n + s.gateway.requests, 0) / rs.reduce((n, s) => n + s.result.seconds, 0),
    };
  };
  const direct = of("direct");
  const peer = targets.includes("kroxylicious-passthrough") ? of("kroxylicious-passthrough") : undefined;
  console.log(`\n## Small requests (${settings.small.rate}/s Produce requests of one ${settings.recordSize} B record, acks=1, ${settings.small.seconds} s per round; p50/p99 = medians over the rounds)`);
  console.log("| target | answered/s | proxy CPU ms per s | CPU / kroxylicious-passthrough | p50 ms | p99 ms | added p50 / p99 ms |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const target of targets) {
    const r = of(target);
    const proxied = target !== "direct";
    console.log(
      `| ${target} | ${fmt(r.perSec, 0)} | ${proxied ? fmt(r.cpuMsPerSec, 1) : "-"} | ${proxied && peer ? fmt(r.cpuMsPerSec / peer.cpuMsPerSec, 2) : "-"} | ` +
        `${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${proxied ? `${fmt(r.p50 - direct.p50, 2)} / ${fmt(r.p99 - direct.p99, 2)}` : "-"} |`,
    );
  }
  console.log(`gateway requests per second in that phase (its own counter): ${fmt(of("gateway").requests, 0)}`);
}

/**
 * Kroxylicious in both modes, unless switched off or no Java 21+ JDK is found (then it says so). Each is pushed to
 * `started` as it starts, so that the caller stops it even when the next one fails.
 */
async function startKroxyliciousPeers(kafkaBootstrap: string, nodeIds: number[], pinned: boolean, started: KroxyliciousProcess[]): Promise<void> {
  if (process.env.BULKHEAD_BENCH_KROXYLICIOUS === "off") {
    console.log("Kroxylicious peers: off (BULKHEAD_BENCH_KROXYLICIOUS=off)");
    return;
  }
  const found = findJdk21();
  if ("missing" in found) {
    console.log(`Kroxylicious peers skipped: ${found.missing}`);
    return;
  }
  for (const mode of ["passthrough", "multitenant"] as const) {
    const firstPort = await freePortRange(Math.max(...nodeIds) - Math.min(...nodeIds) + 2);
    const peer = await startKroxylicious({ jdk: found.jdk, mode, kafkaBootstrap, nodeIds, firstPort, ...(pinned && { cpus: PROXY_CPU }) });
    started.push(peer);
    console.log(`kroxylicious-${mode} pid ${peer.pid} at ${peer.bootstrap} (Java ${found.jdk.major}, ${found.jdk.home})`);
  }
}

async function main(): Promise<void> {
  const pinned = pinningFromEnv();
  // Before anything is started: the brokers and the Java tools inherit the load core.
  if (pinned) pinProcess(process.pid, LOAD_CPU);
  const external = process.env.BULKHEAD_BENCH_BOOTSTRAP?.trim();
  const kafka = external
    ? { bootstrap: external, version: kafkaVersionFromEnv(), stop: async () => {} }
    : await startKafka({ brokers: 3 });
  let gateway: GatewayProcess | undefined;
  const peers: KroxyliciousProcess[] = [];
  try {
    const nodeIds = await describeNodeIds(kafka.bootstrap);
    const replicationFactor = Math.min(3, nodeIds.length);
    console.log(
      `Kafka ${kafka.version} at ${kafka.bootstrap} (${nodeIds.length} broker(s), RF ${replicationFactor}); node ${process.version}; ` +
        `${cpus().length} cpu(s) ${cpus()[0]?.model ?? "?"}; ${(totalmem() / 2 ** 30).toFixed(1)} GiB; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}; settings ${JSON.stringify(settings)}`,
    );
    gateway = await startGatewayProcess({
      kafkaBootstrap: kafka.bootstrap,
      nodeIds,
      nodeFlags: [
        ...(process.env.BULKHEAD_BENCH_CPU_PROF === "1" ? ["--cpu-prof", "--cpu-prof-dir=.cache/bench-profiles"] : []),
        ...(process.env.BULKHEAD_BENCH_GATEWAY_NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
      ],
    });
    const nice = process.env.BULKHEAD_BENCH_GATEWAY_NICE;
    if (nice) {
      // Diagnostic only: does the hop's added latency come from waiting for a CPU? (lower = more CPU; < 0 needs root)
      setPriority(gateway.pid, Number(nice));
      console.log(`gateway nice value set to ${nice}`);
    }
    if (pinned) pinProcess(gateway.pid, PROXY_CPU);
    console.log(`gateway pid ${gateway.pid} at ${gateway.bootstrap}; source ${sourceRevision()}; ${new Date().toISOString()}`);
    await startKroxyliciousPeers(kafka.bootstrap, nodeIds, pinned, peers);
    if (pinned) {
      console.log(`pinned: proxies on cpu ${PROXY_CPU}, ${external ? "clients (not the external brokers)" : "brokers and clients"} on cpu ${LOAD_CPU}`);
    }
    const gatewayCpuMs = async () => {
      const s = await gateway!.sample();
      return (s.cpuUserUs + s.cpuSystemUs) / 1000;
    };
    const endpoints: Endpoint[] = [
      { target: "direct", bootstrap: kafka.bootstrap },
      { target: "gateway", bootstrap: gateway.bootstrap, proxyCpuMs: gatewayCpuMs },
      ...peers.map((p): Endpoint => ({ target: `kroxylicious-${p.mode}`, bootstrap: p.bootstrap, proxyCpuMs: async () => p.cpuMs() })),
    ];

    // Warm up the JVM tools' path, the brokers and the gateway's JIT; not counted.
    for (const { target, bootstrap } of endpoints) {
      const topic = `bench-${runId}-warmup-${target}`;
      await createTopic(bootstrap, topic, replicationFactor);
      await runProducerPerf(kafka.version, {
        bootstrap, topic, records: settings.warmupRecords, recordSize: settings.recordSize, props: settings.producerProps,
      });
    }

    const idleCpuMsPerSec = await idleCpuRate(gateway);
    console.log(`gateway idle CPU: ${fmt(idleCpuMsPerSec, 1)} ms per second`);

    const results: RunResult[] = [];
    for (let round = 1; round <= settings.rounds; round++) {
      // Rotated order (ABBA for two targets), so a drift over the run (page cache, log segments) weighs on every
      // target alike.
      const shift = (round - 1) % endpoints.length;
      for (const endpoint of [...endpoints.slice(shift), ...endpoints.slice(0, shift)]) {
        results.push(await runOne(kafka.version, endpoint, round, replicationFactor, gateway));
      }
    }
    summarize(results, gateway.pid, idleCpuMsPerSec);
    summarizeProxies(results, endpoints.map((e) => e.target));
  } finally {
    for (const peer of peers) await peer.stop();
    await gateway?.stop();
    await kafka.stop();
  }
}

await main();
