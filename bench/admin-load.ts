// Isolation of the control plane: the data plane's request latency with and without the admin API serving group-lag
// requests (GET /api/v1/virtual-clusters/:name/groups/:group, which asks the brokers for the group, its committed
// offsets and the end offsets, and computes the lag) at a steady rate. The gateway runs in a child process
// (bench/admin-load-child.ts); a raw Kafka connection through it sends one Produce (acks=1, one small record) after
// another to the partition leader and times each; a worker thread generates the admin load, so neither client shares
// an event loop with the other. Phases alternate ABBA (quiet, admin, admin, quiet, ...) to spread drift over both.
// Each Produce through the gateway alternates with the same Produce sent to the leader directly, on a connection of
// its own: the lag requests make the broker (and, on 2 cores, the probe's core) busier too, and the direct probe shows
// how much of the rise is theirs. The verdict compares the two rises: the gateway's p99 must not rise by more than 10 %
// beyond the direct path's.
//
// Env: BULKHEAD_BENCH_BOOTSTRAP (use a running cluster instead of starting one broker), BULKHEAD_KAFKA_VERSION,
//   BULKHEAD_ADMIN_LOAD_RATE (200 requests/s), BULKHEAD_ADMIN_LOAD_PHASE_S (10), BULKHEAD_ADMIN_LOAD_ROUNDS (2: each
//   round is one ABBA quad), BULKHEAD_ADMIN_LOAD_GROUPS (20 groups, asked in turn), BULKHEAD_ADMIN_LOAD_MAX_IN_FLIGHT (the gateway's
//   control.maxInFlightPerToken; answers 429 beyond it count as failed), BULKHEAD_BENCH_CPU_PROF=1 (the
//   gateway child writes a V8 CPU profile to .cache/bench-profiles/ when it stops), BULKHEAD_ADMIN_LOAD_ROUTE: lag
//   (default), config (GET /api/v1/virtual-clusters/bench: answered from the config, no Kafka request) or health
//   (GET /healthz, no token): the same rate of HTTP requests without the tenant operations' work. BULKHEAD_BENCH_PIN=1:
//   the gateway's main thread (the data plane's event loop) alone on cpu 0; its other threads (the admin worker, libuv's
//   pool, V8's helpers), this process (the latency probe and the admin load) and the broker it starts on cpu 1.
import { fork } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { Kafka, logLevel } from "kafkajs";
import { kafkaVersionFromEnv } from "../scripts/kafka/fetch.js";
import { startKafka } from "../scripts/kafka/launcher.js";
import { ApiKey } from "../src/protocol/messages/index.js";
import { completeRequest, RawKafkaConnection } from "../test/harness/raw-client.js";
import { recordBatch } from "../test/harness/record-batch.js";
import type { AdminLoadChildOptions, AdminLoadChildReady } from "./admin-load-child.js";
import { LOAD_CPU, pinningFromEnv, pinProcess, pinThread, PROXY_CPU } from "./lib/cpu-pinning.js";

const RATE = Number(process.env.BULKHEAD_ADMIN_LOAD_RATE ?? 200);
const PHASE_MS = Number(process.env.BULKHEAD_ADMIN_LOAD_PHASE_S ?? 10) * 1000;
const ROUNDS = Number(process.env.BULKHEAD_ADMIN_LOAD_ROUNDS ?? 2);
const GROUPS = Number(process.env.BULKHEAD_ADMIN_LOAD_GROUPS ?? 20);
const TOPIC = "latency";
const PREFIX = "bench-admin-load.";

/** The admin load: `rate` GETs per second, paced by the clock (not one after another), spread over the groups. */
const LOAD_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, token, groups } = workerData;
let rate = 0, started = 0, sent = 0, ok = 0, failed = 0, timer;
const tick = () => {
  const due = Math.floor(((performance.now() - started) * rate) / 1000);
  for (; sent < due; sent++) {
    fetch(url + groups[sent % groups.length], { headers: { authorization: "Bearer " + token } })
      .then((res) => res.arrayBuffer().then(() => (res.ok ? ok++ : failed++)), () => failed++);
  }
};
parentPort.on("message", (message) => {
  if (message.rate > 0) { rate = message.rate; started = performance.now(); sent = ok = failed = 0; timer = setInterval(tick, 2); }
  else { clearInterval(timer); parentPort.postMessage({ sent, ok, failed, seconds: (performance.now() - started) / 1000 }); }
});
`;

/** The admin load's URL prefix and the paths it cycles through, by BULKHEAD_ADMIN_LOAD_ROUTE. */
const ROUTES: Record<string, (control: string, groups: string[]) => [string, string[]]> = {
  lag: (control, groups) => [`http://${control}/api/v1/virtual-clusters/bench/groups/`, groups],
  config: (control) => [`http://${control}/api/v1/virtual-clusters/`, ["bench"]],
  health: (control) => [`http://${control}/`, ["healthz"]],
};

/** The two ways the probe's Produce goes: through the gateway, and to the leader directly. */
type ProbePath = "gateway" | "direct";
type ProbeLatencies = Record<ProbePath, number[]>;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const pinned = pinningFromEnv();
  if (pinned) pinProcess(process.pid, LOAD_CPU); // the broker, the gateway child and their threads inherit it
  const external = process.env.BULKHEAD_BENCH_BOOTSTRAP?.trim();
  const kafka = external ? { bootstrap: external, version: kafkaVersionFromEnv(), stop: async () => {} } : await startKafka({ brokers: 1 });
  const directAdmin = new Kafka({ clientId: "admin-load", brokers: kafka.bootstrap.split(","), logLevel: logLevel.NOTHING }).admin();
  await directAdmin.connect();
  const nodeIds = (await directAdmin.describeCluster()).brokers.map((b) => b.nodeId);

  const childOptions: AdminLoadChildOptions = { bootstrap: kafka.bootstrap, nodeIds, prefix: PREFIX };
  const child = fork(fileURLToPath(new URL("./admin-load-child.ts", import.meta.url)), [JSON.stringify(childOptions)], {
    execArgv: ["--import", "tsx", ...(process.env.BULKHEAD_BENCH_CPU_PROF === "1" ? ["--cpu-prof", "--cpu-prof-dir=.cache/bench-profiles"] : [])],
    env: { ...process.env, BULKHEAD_LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<AdminLoadChildReady>((resolve, reject) => {
    child.once("message", (m) => resolve(m as AdminLoadChildReady));
    child.once("exit", (code) => reject(new Error(`the gateway child exited (${code})`)));
  });
  if (pinned) pinThread(child.pid!, PROXY_CPU); // the child's main thread: its id is the process id
  let worker: Worker | undefined;
  try {
    // A topic, and groups with committed offsets on it (empty groups: what the lag route sees for stopped consumers).
    const tenant = new Kafka({ clientId: "admin-load-setup", brokers: [ready.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await tenant.connect();
    await tenant.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const groups = Array.from({ length: GROUPS }, (_, i) => `lag-${i}`);
    for (const groupId of groups) await tenant.setOffsets({ groupId, topic: TOPIC, partitions: [{ partition: 0, offset: "0" }] });
    const leader = (await tenant.fetchTopicMetadata({ topics: [TOPIC] })).topics[0]!.partitions[0]!.leader;
    await tenant.disconnect();
    const leaderBroker = (await directAdmin.describeCluster()).brokers.find((b) => b.nodeId === leader)!;

    // The gateway's broker port of the leader: bootstrap port + 1 + (node id - lowest node id).
    const [host, port] = ready.bootstrap.split(":") as [string, string];
    const probes = {
      gateway: await RawKafkaConnection.connect(`${host}:${Number(port) + 1 + leader - Math.min(...nodeIds)}`, "admin-load-latency"),
      direct: await RawKafkaConnection.connect(`${leaderBroker.host}:${leaderBroker.port}`, "admin-load-latency-direct"),
    };
    const produceTo = (topic: string) =>
      completeRequest(ApiKey.Produce, 9, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 5_000,
        topicData: [{ name: topic, partitionData: [{ index: 0, records: [recordBatch(["x".repeat(100)])] }] }],
      });
    const produces = { gateway: produceTo(TOPIC), direct: produceTo(PREFIX + TOPIC) };
    const timeOne = async (path: ProbePath): Promise<number> => {
      const start = performance.now();
      const response = await probes[path].send<{ responses: { partitionResponses: { errorCode: number }[] }[] }>(ApiKey.Produce, 9, produces[path]);
      const ms = performance.now() - start;
      const errorCode = response.responses[0]!.partitionResponses[0]!.errorCode;
      if (errorCode !== 0) throw new Error(`Produce ${path} failed with error code ${errorCode}`);
      return ms;
    };
    /** One Produce through the gateway, then one direct, and again, for a phase: both paths see the same moments. */
    const timedPhase = async (): Promise<ProbeLatencies> => {
      const latencies: ProbeLatencies = { gateway: [], direct: [] };
      const end = performance.now() + PHASE_MS;
      while (performance.now() < end) {
        latencies.gateway.push(await timeOne("gateway"));
        latencies.direct.push(await timeOne("direct"));
      }
      return latencies;
    };

    const routeKind = process.env.BULKHEAD_ADMIN_LOAD_ROUTE ?? "lag";
    const target = ROUTES[routeKind];
    if (target === undefined) throw new Error(`BULKHEAD_ADMIN_LOAD_ROUTE is lag, config or health, not ${routeKind}`);
    const [url, paths] = target(ready.control, groups);
    worker = new Worker(LOAD_WORKER, { eval: true, workerData: { url, token: ready.token, groups: paths } });
    const loaded = worker;
    const adminPhase = async () => {
      loaded.postMessage({ rate: RATE });
      const latencies = await timedPhase();
      loaded.postMessage({ rate: 0 });
      const load = await new Promise<{ sent: number; ok: number; failed: number; seconds: number }>((resolve) => loaded.once("message", resolve));
      return { latencies, load };
    };

    // Warm-up, not counted: the data path, then the admin path (the admin worker's code is cold until it has served).
    await timedPhase();
    await adminPhase();
    const loadBefore = loadavg();
    const quiet: ProbeLatencies = { gateway: [], direct: [] };
    const busy: ProbeLatencies = { gateway: [], direct: [] };
    const rows: string[] = [];
    const cells = (latencies: number[]) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      return `${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)}`;
    };
    const row = (kind: string, latencies: ProbeLatencies, extra = "") =>
      rows.push(`| ${kind} | ${latencies.gateway.length} | ${cells(latencies.gateway)} | ${cells(latencies.direct)} | ${extra} |`);
    const add = (into: ProbeLatencies, from: ProbeLatencies) => {
      into.gateway.push(...from.gateway);
      into.direct.push(...from.direct);
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ["quiet", "admin", "admin", "quiet"] as const) {
        if (kind === "quiet") {
          const latencies = await timedPhase();
          add(quiet, latencies);
          row("quiet", latencies);
        } else {
          const { latencies, load } = await adminPhase();
          add(busy, latencies);
          row("admin", latencies, `${(load.ok / load.seconds).toFixed(0)} ok/s, ${load.failed} failed`);
        }
      }
    }
    const loadAfter = loadavg();
    const p99 = (values: number[]) => percentile([...values].sort((a, b) => a - b), 99);
    const gatewayRise = p99(busy.gateway) / p99(quiet.gateway);
    const directRise = p99(busy.direct) / p99(quiet.direct);
    const beyondDirect = gatewayRise / directRise;
    const route = routeKind === "lag" ? `the groups describe route (${GROUPS} groups)` : `the ${routeKind} route`;
    console.log(`\nKafka ${kafka.version} (${nodeIds.length} broker(s)), admin load ${RATE}/s on ${route}, ${ROUNDS} ABBA rounds of ${PHASE_MS / 1000} s phases`);
    if (pinned) console.log(`pinned: the gateway's main thread on cpu ${PROXY_CPU}, everything else of this run on cpu ${LOAD_CPU}`);
    console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}\n`);
    console.log("| phase | requests (each path) | gateway p50 ms | gateway p99 ms | direct p50 ms | direct p99 ms | admin API |\n|---|---|---|---|---|---|---|");
    for (const line of rows) console.log(line);
    console.log(`| **all quiet** | ${quiet.gateway.length} | ${cells(quiet.gateway)} | ${cells(quiet.direct)} | |`);
    console.log(`| **all admin** | ${busy.gateway.length} | ${cells(busy.gateway)} | ${cells(busy.direct)} | |`);
    console.log(`\np99 with admin load / without: through the gateway ${gatewayRise.toFixed(3)} (${gatewayRise <= 1.1 ? "within" : "NOT within"} 10 % of the quiet p99), direct ${directRise.toFixed(3)}`);
    console.log(`the gateway's rise beyond the direct path's: ${beyondDirect.toFixed(3)} (${beyondDirect <= 1.1 ? "within" : "NOT within"} 10 %)`);
    await probes.gateway.close();
    await probes.direct.close();
  } finally {
    await directAdmin.disconnect();
    await worker?.terminate();
    child.send({ kind: "stop" });
    await new Promise((resolve) => child.once("exit", resolve));
    await kafka.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
