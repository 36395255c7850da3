// Launches a throwaway Apache Kafka cluster (KRaft) on loopback for tests and development.
import { randomBytes, randomInt } from "node:crypto";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo, type Server } from "node:net";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { ensureKafka, kafkaLine, kafkaVersionFromEnv, REPO_ROOT } from "./fetch.js";
import { killGroup, spawnJvm, type Jvm } from "./jvm.js";

export interface KafkaBroker {
  nodeId: number;
  host: string;
  port: number;
}

export interface KafkaCluster {
  version: string;
  /** "127.0.0.1:p1,127.0.0.1:p2,..." */
  bootstrap: string;
  brokers: KafkaBroker[];
  /** The SASL_SSL (SCRAM) listener, when options.secure asked for one. */
  secure?: { bootstrap: string; brokers: KafkaBroker[] };
  /** The run directory: node configs and data (removed by stop()), logs, pidfile. */
  dir: string;
  /** One sub-directory per node with server.log (broker log) and stdout.log (JVM output). */
  logDir: string;
  stop(): Promise<void>;
}

export interface StartKafkaOptions {
  brokers: 1 | 3;
  /** Default: env BULKHEAD_KAFKA_VERSION, else 4.4.0. */
  version?: string;
  /** Run directory (config, data, logs, pidfile). Default: a fresh one under .cache/kafka/runs/. */
  dir?: string;
  /** How long to wait for the cluster to serve. */
  startTimeoutMs?: number;
  /**
   * Also a SASL_SSL listener on every broker (clients only; brokers talk PLAINTEXT among themselves), with this
   * certificate and key (PEM) and these SCRAM-SHA-256/512 users, created when the storage is formatted.
   */
  secure?: SecureListenerOptions;
}

export interface SecureListenerOptions {
  certificate: string;
  privateKey: string;
  users: readonly { name: string; password: string }[];
}

const HOST = "127.0.0.1";
const RUNS_DIR = join(REPO_ROOT, ".cache", "kafka", "runs");
const PIDFILE = "pids.json";
const READY_TOPIC = "__bulkhead_harness_ready";
const LOG_RETENTION_MS = 60 * 60_000;

interface Pidfile {
  /** The Node process that owns the cluster; when it is gone, its JVMs are leftovers. */
  owner: number;
  /** Process groups of the node JVMs (see jvm.ts). */
  groups: number[];
}

export async function startKafka(options: StartKafkaOptions): Promise<KafkaCluster> {
  const version = options.version ?? kafkaVersionFromEnv();
  const count = options.brokers;
  await ensureKafka(version);
  await reapLeftovers(RUNS_DIR);
  const dir = await prepareRunDir(version, count, options.dir);
  const pidfile: Pidfile = { owner: process.pid, groups: [] };
  await writeFile(join(dir, PIDFILE), JSON.stringify(pidfile)); // claim the run dir before anything else
  const logDir = join(dir, "logs");

  // Every node is broker and controller: valid on 3.9 and 4.x with a static voter list, and fewer JVMs.
  const ports = await freePorts(3 * count);
  const nodes = Array.from({ length: count }, (_, nodeId) => ({
    nodeId, port: ports[3 * nodeId]!, controllerPort: ports[3 * nodeId + 1]!, securePort: ports[3 * nodeId + 2]!,
    home: join(dir, `node-${nodeId}`), logs: join(logDir, `node-${nodeId}`),
  }));
  const voters = nodes.map((n) => `${n.nodeId}@${HOST}:${n.controllerPort}`).join(",");
  const clusterId = randomBytes(16).toString("base64url"); // Kafka's Uuid text form
  await Promise.all(nodes.map(async (n) => {
    await mkdir(join(n.home, "data"), { recursive: true });
    await mkdir(n.logs, { recursive: true });
    if (options.secure) await writeFile(join(n.home, "keystore.pem"), `${options.secure.privateKey}\n${options.secure.certificate}`);
    await writeFile(join(n.home, "server.properties"), serverProperties(n, voters, count, options.secure !== undefined, kafkaLine(version)));
  }));
  await Promise.all(nodes.map((n) => formatStorage(version, clusterId, n.home, n.logs, options.secure?.users ?? [])));

  const jvms: Jvm[] = [];
  // Last resort when the caller never gets to stop(): kill at once, data is throwaway.
  const killAll = () => jvms.forEach((j) => killGroup(j.pgid, "SIGKILL"));
  process.once("exit", killAll);
  const stop = async () => {
    process.off("exit", killAll);
    await Promise.all(jvms.map((j) => j.stop()));
    // Drop the partition data but keep the logs (and the pidfile) for post-mortems: a later run
    // prunes the directory an hour after this process is gone.
    await Promise.all(nodes.map((n) => rm(n.home, { recursive: true, force: true })));
  };

  try {
    for (const n of nodes) {
      const out = openSync(join(n.logs, "stdout.log"), "a");
      try {
        jvms.push(spawnJvm({
          version, mainClass: "kafka.Kafka", args: [join(n.home, "server.properties")],
          log: { kind: "broker", logsDir: n.logs }, stdio: ["ignore", out, out],
          cds: n.nodeId === 0 ? "create" : "use", // one archive dump (~50 MB, at exit) is enough
        }));
      } finally {
        closeSync(out); // the child has its own copy
      }
      jvms.at(-1)!.child.unref(); // a forgotten cluster must not keep Node alive (the watchdog stops it)
      pidfile.groups.push(jvms.at(-1)!.pgid);
      await writeFile(join(dir, PIDFILE), JSON.stringify(pidfile));
    }
    const bootstrap = nodes.map((n) => `${HOST}:${n.port}`).join(",");
    await waitUntilServing(bootstrap, count, jvms, options.startTimeoutMs ?? 120_000);
    const secureBrokers = nodes.map((n) => ({ nodeId: n.nodeId, host: HOST, port: n.securePort }));
    return {
      version, bootstrap, dir, logDir, stop,
      brokers: nodes.map((n) => ({ nodeId: n.nodeId, host: HOST, port: n.port })),
      ...(options.secure && { secure: { bootstrap: secureBrokers.map((b) => `${b.host}:${b.port}`).join(","), brokers: secureBrokers } }),
    };
  } catch (err) {
    const tails = nodes.map((n) => `--- node ${n.nodeId} (${n.logs}) ---\n${logTail(n.logs)}`).join("\n");
    await stop().catch(() => undefined);
    throw new Error(`Kafka ${version} (${count} node(s)) did not start: ${(err as Error).message}\n${tails}`, { cause: err });
  }
}

function serverProperties(
  n: { nodeId: number; port: number; controllerPort: number; securePort: number; home: string },
  voters: string,
  count: number,
  secure: boolean,
  line: 3 | 4,
): string {
  const secureListener = secure ? `,SECURE://${HOST}:${n.securePort}` : "";
  const props: Record<string, string | number> = {
    "process.roles": "broker,controller",
    "node.id": n.nodeId,
    "controller.quorum.voters": voters,
    "listeners": `PLAINTEXT://${HOST}:${n.port},CONTROLLER://${HOST}:${n.controllerPort}${secureListener}`,
    "advertised.listeners": `PLAINTEXT://${HOST}:${n.port}${secureListener}`,
    "listener.security.protocol.map": `PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT${secure ? ",SECURE:SASL_SSL" : ""}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "log.dirs": join(n.home, "data"),
    "num.partitions": 1,
    // Internal topics as replicated as the cluster allows, so transactions and groups work on 1 or 3 nodes.
    "offsets.topic.replication.factor": count,
    "transaction.state.log.replication.factor": count,
    "transaction.state.log.min.isr": Math.min(2, count),
    // Fewer internal partitions: created on first use, 50 x 3 replicas is slow on 2 cores.
    "offsets.topic.num.partitions": 10,
    "transaction.state.log.num.partitions": 10,
    // Tests want groups to form now, not after the 3 s production delay.
    "group.initial.rebalance.delay.ms": 0,
    // Share groups (KIP-932) and streams groups (KIP-1071) are on by default in Kafka 4.4; their state topic is
    // replicated like the other internal topics (its default of 3 fails on one node), and streams groups form now.
    ...(line >= 4 && {
      "share.coordinator.state.topic.replication.factor": count,
      "share.coordinator.state.topic.min.isr": Math.min(2, count),
      "share.coordinator.state.topic.num.partitions": 10,
      "group.streams.initial.rebalance.delay.ms": 0,
    }),
    ...(secure && {
      "listener.name.secure.sasl.enabled.mechanisms": "SCRAM-SHA-256,SCRAM-SHA-512",
      "listener.name.secure.scram-sha-256.sasl.jaas.config": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
      "listener.name.secure.scram-sha-512.sasl.jaas.config": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
      "listener.name.secure.ssl.keystore.type": "PEM",
      "listener.name.secure.ssl.keystore.location": join(n.home, "keystore.pem"),
    }),
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join("\n") + "\n";
}

async function formatStorage(
  version: string, clusterId: string, home: string, logs: string, users: readonly { name: string; password: string }[],
): Promise<void> {
  // SCRAM users are created with the metadata log (KIP-900), before any broker serves.
  const scram = users.flatMap((u) => ["SCRAM-SHA-256", "SCRAM-SHA-512"].flatMap((m) => ["--add-scram", `${m}=[name=${u.name},password=${u.password}]`]));
  const jvm = spawnJvm({
    version, mainClass: "kafka.tools.StorageTool",
    // "--cluster-id=" form: a base64url id may start with "-", which argparse would take for an option.
    args: ["format", `--cluster-id=${clusterId}`, "-c", join(home, "server.properties"), ...scram],
    // A short-lived JVM: the quick C1 compiler alone saves about a third of its run time.
    log: { kind: "tools" }, jvmOptions: ["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"],
  });
  let output = "";
  jvm.child.stdout?.on("data", (d: Buffer) => (output += d));
  jvm.child.stderr?.on("data", (d: Buffer) => (output += d));
  const code = await jvm.exited;
  await writeFile(join(logs, "format.log"), output);
  if (code !== 0) throw new Error(`StorageTool format exited with ${code}:\n${output}`);
}

/** Polls until a topic replicated on every node can be created and is visible with a leader. */
async function waitUntilServing(bootstrap: string, count: number, jvms: Jvm[], timeoutMs: number): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: "bulkhead-harness", brokers: bootstrap.split(","),
    logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2_000, requestTimeout: 10_000,
  });
  const admin = kafka.admin();
  const deadline = Date.now() + timeoutMs;
  // A node that dies during startup makes waiting pointless.
  let died: Error | undefined;
  jvms.forEach((j, nodeId) => void j.exited.then((code) => (died ??= new Error(`node ${nodeId} exited with code ${code}`))));
  let lastError = "no attempt yet";
  try {
    while (Date.now() < deadline) {
      if (died) throw died;
      try {
        await admin.connect();
        const { brokers } = await admin.describeCluster();
        if (brokers.length !== count) throw new Error(`${brokers.length} of ${count} brokers registered`);
        await admin.createTopics({ topics: [{ topic: READY_TOPIC, numPartitions: 1, replicationFactor: count }], waitForLeaders: true });
        const { topics } = await admin.fetchTopicMetadata({ topics: [READY_TOPIC] });
        const p = topics[0]?.partitions[0];
        if (!p || p.leader < 0 || p.isr.length !== count) throw new Error("ready topic not fully replicated yet");
        await admin.deleteTopics({ topics: [READY_TOPIC] });
        return;
      } catch (err) {
        lastError = (err as Error).message;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    throw new Error(`not serving after ${timeoutMs} ms: ${lastError}`);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function prepareRunDir(version: string, count: number, dir: string | undefined): Promise<string> {
  if (dir === undefined) {
    await mkdir(RUNS_DIR, { recursive: true });
    return mkdtemp(join(RUNS_DIR, `${version}-${count}n-`));
  }
  await reapLeftovers(dir, true);
  const owner = readPidfile(dir)?.owner;
  if (owner !== undefined && isAlive(owner)) throw new Error(`${dir} is in use by a Kafka cluster of process ${owner}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Kills the JVMs of runs whose owning process is gone (e.g. killed with SIGKILL before the watchdogs
 * got to it) and deletes those runs once they are an hour old (their logs help a post-mortem until then).
 * Runs of live processes (other test runs in this tree) are left alone.
 */
async function reapLeftovers(root: string, single = false): Promise<void> {
  const dirs = single ? [root] : existsSync(root) ? readdirSync(root).map((d) => join(root, d)) : [];
  for (const dir of dirs) {
    const pids = readPidfile(dir);
    if (pids === undefined || isAlive(pids.owner)) continue;
    // Only groups that still run something of this run: a recorded group id may have been reused since.
    const ours = new Set(processesMentioning(dir).map((p) => p.pgid));
    for (const pgid of pids.groups) if (ours.has(pgid)) killGroup(pgid, "SIGKILL");
    if (!single && Date.now() - statSync(join(dir, PIDFILE)).mtimeMs > LOG_RETENTION_MS) {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function readPidfile(dir: string): Pidfile | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, PIDFILE), "utf8")) as Pidfile;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Processes (Linux /proc) whose command line mentions `text`, e.g. a run directory, with their process group. */
export function processesMentioning(text: string): { pid: number; pgid: number }[] {
  const found: { pid: number; pgid: number }[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text)) continue;
      // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may contain spaces, so split after ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      found.push({ pid: Number(pid), pgid: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/**
 * Distinct free ports below Linux's ephemeral range (32768+): a port picked by the kernel (listen on 0) and
 * released could be taken by some client's outgoing connection before Kafka binds it.
 */
async function freePorts(count: number): Promise<number[]> {
  const held: Server[] = [];
  try {
    while (held.length < count) {
      const port = 20_000 + randomInt(12_000);
      const server = await listenOn(port).catch(() => undefined); // taken: try another
      if (server) held.push(server);
    }
    return held.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  }
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, HOST, () => resolve(server));
  });
}

function logTail(logs: string, lines = 30): string {
  return ["stdout.log", "server.log", "format.log"]
    .filter((f) => existsSync(join(logs, f)))
    .map((f) => `[${f}]\n${readFileSync(join(logs, f), "utf8").trimEnd().split("\n").slice(-lines).join("\n")}`)
    .join("\n");
}

