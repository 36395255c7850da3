/**
 * Records real Kafka frames as codec fixtures (test/fixtures/frames/<client>.json).
 *
 *   npx tsx scripts/capture-fixtures.ts
 *
 * Starts a 1-node KRaft broker whose advertised listener is a recording relay, so every
 * connection a client opens (bootstrap and "broker 0") goes through the relay. The relay forwards
 * bytes unchanged and keeps a few request/response pairs per (client, API, version). Then it drives
 * kafkajs, kcat and Kafka's own Java tools (which use the newest, flexible versions).
 *
 * Not run by CI: the fixtures are committed. Re-run it after a Kafka upgrade.
 */
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kafkajs from "kafkajs";
import { runKafkaTool } from "../test/harness/java-tools.js";
import { runProcess } from "../test/harness/clients.js";
import { ensureKafka, kafkaVersionFromEnv, REPO_ROOT } from "./kafka/fetch.js";
import { spawnJvm, type Jvm } from "./kafka/jvm.js";
import { FrameSplitter, type Frame } from "../src/protocol/frame-splitter.js";
import { decodeRequestHeader } from "../src/protocol/headers.js";
import { Reader } from "../src/protocol/reader.js";
import { API_BY_KEY } from "../src/protocol/messages/index.js";

const HOST = "127.0.0.1";
const OUT_DIR = join(REPO_ROOT, "test/fixtures/frames");
/** Pairs kept per (client, API, version); Produce and Fetch get more to catch ones with records. */
const PAIRS_PER_KEY = 2;
const PAIRS_PER_DATA_KEY = 4;
const MAX_FRAME_BYTES = 16 * 1024;

export interface FixtureFrame {
  apiKey: number;
  apiName: string;
  apiVersion: number;
  direction: "request" | "response";
  correlationId: number;
  /** The frame without its 4-byte size prefix: header + body. */
  base64: string;
}

export interface FixtureFile {
  kafkaVersion: string;
  client: string;
  frames: FixtureFrame[];
}

// ---- recording relay -----------------------------------------------------------------------

class Recorder {
  /** The client whose traffic is being recorded; null records nothing (setup, readiness checks). */
  client: string | null = null;
  readonly files = new Map<string, FixtureFrame[]>();
  private readonly counts = new Map<string, number>();

  /** Decides at request time whether this exchange is kept. */
  keepRequest(apiKey: number, apiVersion: number, size: number, fileAs = this.client): string | null {
    if (this.client === null || fileAs === null || size > MAX_FRAME_BYTES) return null;
    const key = `${fileAs}|${apiKey}|${apiVersion}`;
    const n = this.counts.get(key) ?? 0;
    const limit = apiKey === 0 || apiKey === 1 ? PAIRS_PER_DATA_KEY : PAIRS_PER_KEY;
    if (n >= limit) return null;
    this.counts.set(key, n + 1);
    return fileAs;
  }

  add(client: string, frame: FixtureFrame): void {
    const list = this.files.get(client) ?? [];
    list.push(frame);
    this.files.set(client, list);
  }
}

function startRelay(port: number, upstreamPort: number, recorder: Recorder): Promise<Server> {
  const server = createServer((down: Socket) => {
    const up = connect(upstreamPort, HOST);
    down.setNoDelay(true);
    up.setNoDelay(true);
    // correlationId -> the request it answers (and which client file keeps it)
    const pending = new Map<number, { apiKey: number; apiVersion: number; client: string | null }>();
    const requests = new FrameSplitter(64 << 20);
    const responses = new FrameSplitter(64 << 20);
    requests.onFrame((frame: Frame) => {
      const bytes = Buffer.concat(frame.chunks);
      const { apiKey, apiVersion, correlationId, clientId } = decodeRequestHeader(new Reader(bytes));
      // The broker reaches itself through the relay too (transaction markers): file that apart.
      const client = recorder.keepRequest(apiKey, apiVersion, bytes.length, clientId?.startsWith("broker-") ? "broker" : undefined);
      pending.set(correlationId, { apiKey, apiVersion, client });
      if (client !== null) recorder.add(client, fixture(apiKey, apiVersion, "request", correlationId, bytes));
    });
    responses.onFrame((frame: Frame) => {
      const bytes = Buffer.concat(frame.chunks);
      const correlationId = bytes.readInt32BE(0);
      const req = pending.get(correlationId);
      pending.delete(correlationId);
      if (req?.client == null) return;
      if (bytes.length > 4 * MAX_FRAME_BYTES) {
        // Keep fixtures small: drop the pair (the request was already stored; remove it).
        const list = recorder.files.get(req.client)!;
        const i = list.findIndex((f) => f.direction === "request" && f.correlationId === correlationId && f.apiKey === req.apiKey);
        if (i >= 0) list.splice(i, 1);
        return;
      }
      recorder.add(req.client, fixture(req.apiKey, req.apiVersion, "response", correlationId, bytes));
    });
    // Bytes are forwarded untouched; the splitters only watch.
    down.on("data", (d: Buffer) => {
      up.write(d);
      requests.push(d);
    });
    up.on("data", (d: Buffer) => {
      down.write(d);
      responses.push(d);
    });
    const close = (): void => {
      down.destroy();
      up.destroy();
    };
    down.on("error", close).on("close", close);
    up.on("error", close).on("close", close);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => resolve(server));
  });
}

function fixture(apiKey: number, apiVersion: number, direction: "request" | "response", correlationId: number, bytes: Buffer): FixtureFrame {
  const apiName = API_BY_KEY.get(apiKey)?.name ?? `Unknown${apiKey}`;
  return { apiKey, apiName, apiVersion, direction, correlationId, base64: bytes.toString("base64") };
}

// ---- broker ----------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, HOST, r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function startBroker(version: string, dir: string, port: number, controllerPort: number, advertisedPort: number): Promise<Jvm> {
  await ensureKafka(version);
  const props = {
    "process.roles": "broker,controller",
    "node.id": 0,
    "controller.quorum.voters": `0@${HOST}:${controllerPort}`,
    listeners: `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    // Clients (and the broker itself) reach "broker 0" through the relay.
    "advertised.listeners": `PLAINTEXT://${HOST}:${advertisedPort}`,
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "log.dirs": join(dir, "data"),
    "num.partitions": 1,
    "offsets.topic.replication.factor": 1,
    "offsets.topic.num.partitions": 1,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 1,
    "group.initial.rebalance.delay.ms": 0,
    // 3.x: the KIP-848 consumer protocol is opt-in on the broker.
    ...(version.startsWith("3.") ? { "group.coordinator.rebalance.protocols": "classic,consumer" } : {}),
  };
  const file = join(dir, "server.properties");
  writeFileSync(file, Object.entries(props).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");
  const format = spawnJvm({
    version,
    mainClass: "kafka.tools.StorageTool",
    args: ["format", "-t", randomBytes(16).toString("base64url"), "-c", file],
    log: { kind: "tools" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  format.child.stdout!.on("data", (d: Buffer) => (output += d));
  format.child.stderr!.on("data", (d: Buffer) => (output += d));
  if ((await format.exited) !== 0) throw new Error(`StorageTool format failed:\n${output}`);
  const out = openSync(join(dir, "stdout.log"), "a");
  try {
    return spawnJvm({
      version,
      mainClass: "kafka.Kafka",
      args: [file],
      log: { kind: "broker", logsDir: dir },
      stdio: ["ignore", out, out],
    });
  } finally {
    closeSync(out);
  }
}

async function waitForBroker(bootstrap: string): Promise<void> {
  const admin = new kafkajs.Kafka({ clientId: "capture-ready", brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 0 } }).admin();
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: "capture-ready" }], waitForLeaders: true });
      await admin.disconnect();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

// ---- scenarios -------------------------------------------------------------------------

async function kafkajsScenario(bootstrap: string): Promise<void> {
  const kafka = new kafkajs.Kafka({ clientId: "fixtures-kafkajs", brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const topic = "fx-kafkajs";
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.describeCluster();
  await admin.describeConfigs({ resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });

  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: "k1", value: "v1", headers: { h: "x" } }, { value: "v2" }] });
  await producer.send({ topic, compression: kafkajs.CompressionTypes.GZIP, messages: [{ key: "k3", value: "v3" }] });
  await producer.disconnect();

  const txProducer = kafka.producer({ transactionalId: "fx-txn", idempotent: true, maxInFlightRequests: 1 });
  await txProducer.connect();
  const tx = await txProducer.transaction();
  await tx.send({ topic, messages: [{ value: "in-txn" }] });
  await tx.sendOffsets({ consumerGroupId: "fx-kafkajs-txn-group", topics: [{ topic, partitions: [{ partition: 0, offset: "1" }] }] });
  await tx.commit();
  await txProducer.disconnect();

  const consumer = kafka.consumer({ groupId: "fx-kafkajs-group", maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async () => {
        if (++seen === 4) resolve();
      },
    });
  });
  await consumer.commitOffsets([{ topic, partition: 0, offset: "1" }]);
  await consumer.disconnect();

  await admin.fetchOffsets({ groupId: "fx-kafkajs-group", topics: [topic] });
  await admin.fetchTopicOffsets(topic);
  await admin.listGroups();
  await admin.describeGroups(["fx-kafkajs-group"]);
  await admin.deleteGroups(["fx-kafkajs-group"]);
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
}

async function kcatScenario(bootstrap: string): Promise<void> {
  const topic = "fx-kcat";
  const kcat = async (args: string[], input?: string): Promise<void> => {
    const r = await runProcess("kcat", ["-q", "-b", bootstrap, ...args], { timeoutMs: 60_000, input });
    if (r.code !== 0) throw new Error(`kcat ${args.join(" ")} failed: ${r.stderr}`);
  };
  await kcat(["-P", "-t", topic, "-K:", "-z", "lz4"], "a:1\nb:2\nc:3\n");
  await kcat(["-L", "-t", topic]);
  await kcat(["-C", "-t", topic, "-o", "beginning", "-e"]);
  await kcat(["-G", "fx-kcat-group", "-o", "beginning", "-e", topic]);
}

async function javaScenario(bootstrap: string, version: string): Promise<void> {
  const topic = "fx-java";
  const run = async (tool: Parameters<typeof runKafkaTool>[0], args: string[], input?: string): Promise<void> => {
    const r = await runKafkaTool(tool, args, { version, timeoutMs: 90_000, input });
    if (r.code !== 0) throw new Error(`${tool} ${args.join(" ")} failed:\n${r.stderr.slice(-2000)}`);
  };
  await run("topics", ["--bootstrap-server", bootstrap, "--create", "--topic", topic, "--partitions", "1"]);
  await run("topics", ["--bootstrap-server", bootstrap, "--describe", "--topic", topic]);
  await run("console-producer", ["--bootstrap-server", bootstrap, "--topic", topic], "one\ntwo\nthree\n");
  await run("console-consumer", [
    "--bootstrap-server", bootstrap, "--topic", topic, "--from-beginning", "--max-messages", "3",
    "--group", "fx-java-group", "--consumer-property", "group.protocol=consumer",
  ]);
  await run("console-consumer", [
    "--bootstrap-server", bootstrap, "--topic", topic, "--from-beginning", "--max-messages", "3",
    "--group", "fx-java-classic", "--consumer-property", "group.protocol=classic",
  ]);
  await run("consumer-groups", ["--bootstrap-server", bootstrap, "--describe", "--group", "fx-java-group"]);
  await run("configs", ["--bootstrap-server", bootstrap, "--describe", "--entity-type", "topics", "--entity-name", topic]);
}

// ---- main ------------------------------------------------------------------------------

async function main(): Promise<void> {
  const version = kafkaVersionFromEnv();
  const dir = mkdtempSync(join(tmpdir(), "bulkhead-capture-"));
  const [brokerPort, controllerPort, relayPort] = [await freePort(), await freePort(), await freePort()];
  const recorder = new Recorder();
  const relay = await startRelay(relayPort, brokerPort, recorder);
  const broker = await startBroker(version, dir, brokerPort, controllerPort, relayPort);
  const bootstrap = `${HOST}:${relayPort}`;
  try {
    await waitForBroker(bootstrap);
    const scenarios: [string, () => Promise<void>][] = [
      ["kafkajs", () => kafkajsScenario(bootstrap)],
      ["kcat", () => kcatScenario(bootstrap)],
      ["java", () => javaScenario(bootstrap, version)],
    ];
    for (const [client, scenario] of scenarios) {
      recorder.client = client;
      console.log(`capturing ${client}...`);
      await scenario();
      await new Promise((r) => setTimeout(r, 500)); // let in-flight responses arrive
      recorder.client = null;
    }
    mkdirSync(OUT_DIR, { recursive: true });
    for (const [client, frames] of recorder.files) {
      // Drop requests whose response never came (e.g. a fetch cut by disconnect), so pairs are complete.
      const answered = new Set(frames.filter((f) => f.direction === "response").map((f) => `${f.apiKey}:${f.correlationId}`));
      const kept = frames.filter((f) => f.direction === "response" || answered.has(`${f.apiKey}:${f.correlationId}`) || f.apiKey === 0);
      const file: FixtureFile = { kafkaVersion: version, client, frames: kept };
      writeFileSync(join(OUT_DIR, `${client}-${version}.json`), JSON.stringify(file, null, 1) + "\n");
      console.log(`${client}: ${kept.length} frames`);
    }
  } finally {
    relay.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
