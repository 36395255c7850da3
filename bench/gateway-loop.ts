// The gateway's own cost per MiB without Kafka: a fake broker (this process) answers Produce and Fetch with
// canned responses, a raw client (this process) pipelines requests through the gateway child (the production
// startGateway() with tenancy, as in bench/e2e.ts) and then straight to the fake broker, and the gateway's CPU is
// sampled around each phase. Quiet enough to compare two revisions of the data path; e2e.ts is the real thing.
//   npx tsx bench/gateway-loop.ts
// Env: BULKHEAD_LOOP_PRODUCE_MIB (512), BULKHEAD_LOOP_FETCH_MIB (2048), BULKHEAD_LOOP_ROUNDS (3),
//   BULKHEAD_LOOP_BROKER_DELAY_MS (0: the fake broker answers at once; e.g. 15 for acks=all's pace, as in e2e.ts),
//   BULKHEAD_LOOP_PRODUCE_PARTITIONS (2), BULKHEAD_LOOP_PRODUCE_BATCH_BYTES (15,560 per partition),
//   BULKHEAD_LOOP_PRODUCE_IN_FLIGHT (5) (e.g. 1, 1100 and 1: one small request at a time, the per-request cost),
//   BULKHEAD_LOOP_TLS=1 (also through a sasl_tls listener: TLS terminated by the gateway, SASL PLAIN once per
//   connection; the difference to the plaintext phase is what TLS costs per MiB),
//   BULKHEAD_BENCH_CPU_PROF=1 / BULKHEAD_BENCH_GATEWAY_NODE_FLAGS / BULKHEAD_BENCH_PIN=1 as in e2e.ts.
// Shapes as the Java 4.4 tools send them in e2e.ts: Produce v13 (topic ids), 30 KiB requests of 2 partitions,
// 5 in flight; Fetch v17 (topic ids), one 2 MiB response of 6 partitions at a time.
import net from "node:net";
import tls from "node:tls";
import { makeTestCertificates } from "../scripts/tls/certificates.js";
import { loadavg } from "node:os";
import { FrameSplitter, type Frame } from "../src/protocol/frame-splitter.js";
import { decodeRequestHeader, encodeRequestHeader, encodeResponseHeader, responseHeaderVersion } from "../src/protocol/headers.js";
import { APIS, ApiKey } from "../src/protocol/messages/index.js";
import { Reader } from "../src/protocol/reader.js";
import { Writer } from "../src/protocol/writer.js";
import { LOAD_CPU, pinningFromEnv, pinProcess, PROXY_CPU } from "./lib/cpu-pinning.js";
import { startGatewayProcess } from "./lib/gateway-process.js";
import type { GatewaySample } from "./lib/gateway-ipc.js";

const MiB = 1024 * 1024;
const produceMiB = Number(process.env.BULKHEAD_LOOP_PRODUCE_MIB ?? 512);
const fetchMiB = Number(process.env.BULKHEAD_LOOP_FETCH_MIB ?? 2048);
const rounds = Number(process.env.BULKHEAD_LOOP_ROUNDS ?? 3);
const brokerDelayMs = Number(process.env.BULKHEAD_LOOP_BROKER_DELAY_MS ?? 0);

const PRODUCE_VERSION = 13;
const FETCH_VERSION = 17;
const METADATA_VERSION = 12;
const PRODUCE_PARTITIONS = Number(process.env.BULKHEAD_LOOP_PRODUCE_PARTITIONS ?? 2);
// ~30 KiB per request, as ProducerPerformance's 1 KiB records make them.
const PRODUCE_BATCH = Number(process.env.BULKHEAD_LOOP_PRODUCE_BATCH_BYTES ?? 15 * 1024 + 200);
const PRODUCE_IN_FLIGHT = Number(process.env.BULKHEAD_LOOP_PRODUCE_IN_FLIGHT ?? 5);
const FETCH_PARTITIONS = 6;
const FETCH_PARTITION_BYTES = Math.floor((2 * MiB) / FETCH_PARTITIONS);
const TOPIC = "bench-loop"; // inside the prefix the bench's ACLs (BULKHEAD_BENCH_ACLS=1) allow
const PHYSICAL = `bench.${TOPIC}`; // the bench virtual cluster's prefix (test/harness/gateway.ts)
const TOPIC_ID = Buffer.from("0123456789abcdef0123456789abcdef", "hex").toString("base64url");

// ---- the fake broker: answers from canned bodies, only the correlation id changes ----

function responseBody(apiKey: number, version: number, encode: (w: Writer) => void): (correlationId: number) => Buffer[] {
  const body = new Writer();
  encode(body);
  const chunks = body.toChunks().map((c) => Buffer.from(c));
  const headerVersion = responseHeaderVersion(apiKey, version);
  return (correlationId) => {
    const w = new Writer(16);
    w.writeInt32(0); // the frame size, patched below
    encodeResponseHeader(w, headerVersion, correlationId);
    const head = w.toChunks();
    const size = head.reduce((n, c) => n + c.length, -4) + chunks.reduce((n, c) => n + c.length, 0);
    head[0]!.writeInt32BE(size, 0);
    return [...head.map((c) => Buffer.from(c)), ...chunks];
  };
}

let brokerAddress = { host: "127.0.0.1", port: 0 };
const produceResponse = responseBody(ApiKey.Produce, PRODUCE_VERSION, (w) =>
  APIS.Produce.encodeResponse(w, PRODUCE_VERSION, {
    responses: [{ topicId: TOPIC_ID, partitionResponses: Array.from({ length: PRODUCE_PARTITIONS }, (_, index) => ({
      index, errorCode: 0, baseOffset: 1000n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null,
    })) }],
    throttleTimeMs: 0,
  }),
);
const fetchResponse = responseBody(ApiKey.Fetch, FETCH_VERSION, (w) =>
  APIS.Fetch.encodeResponse(w, FETCH_VERSION, {
    throttleTimeMs: 0, errorCode: 0, sessionId: 0,
    responses: [{ topicId: TOPIC_ID, partitions: Array.from({ length: FETCH_PARTITIONS }, (_, partitionIndex) => ({
      partitionIndex, errorCode: 0, highWatermark: 1n << 40n, lastStableOffset: 1n << 40n, logStartOffset: 0n,
      abortedTransactions: null, preferredReadReplica: -1, records: [Buffer.alloc(FETCH_PARTITION_BYTES, partitionIndex + 1)],
    })) }],
    nodeEndpoints: [],
  }),
);
const metadataResponse = () => responseBody(ApiKey.Metadata, METADATA_VERSION, (w) =>
  APIS.Metadata.encodeResponse(w, METADATA_VERSION, {
    throttleTimeMs: 0, brokers: [{ nodeId: 0, host: brokerAddress.host, port: brokerAddress.port, rack: null }],
    clusterId: "loop-cluster", controllerId: 0,
    topics: [{ errorCode: 0, name: PHYSICAL, topicId: TOPIC_ID, isInternal: false, topicAuthorizedOperations: -2147483648,
      partitions: Array.from({ length: FETCH_PARTITIONS }, (_, partitionIndex) => ({
        errorCode: 0, partitionIndex, leaderId: 0, leaderEpoch: 0, replicaNodes: [0], isrNodes: [0], offlineReplicas: [],
      })) }],
  }),
);

const broker = net.createServer((socket) => {
  socket.setNoDelay(true);
  const splitter = new FrameSplitter();
  const metadata = metadataResponse();
  splitter.onFrame((frame: Frame) => {
    const header = decodeRequestHeader(new Reader(frame.chunks));
    const answer = header.apiKey === ApiKey.Produce ? produceResponse
      : header.apiKey === ApiKey.Fetch ? fetchResponse
      : header.apiKey === ApiKey.Metadata ? metadata
      : undefined;
    if (answer === undefined) throw new Error(`fake broker: unexpected api key ${header.apiKey}`);
    const send = (chunks: Buffer[]) => {
      socket.cork();
      for (const chunk of chunks) socket.write(chunk);
      process.nextTick(() => socket.uncork());
    };
    if (brokerDelayMs > 0) setTimeout(send, brokerDelayMs, answer(header.correlationId));
    else send(answer(header.correlationId));
  });
  socket.on("data", (chunk: Buffer) => splitter.push(chunk));
  socket.on("error", () => socket.destroy());
});
await new Promise<void>((resolve) => broker.listen(0, "127.0.0.1", resolve));
brokerAddress = { host: "127.0.0.1", port: (broker.address() as net.AddressInfo).port };

// ---- the client: pipelined requests, latency per request ----

/** A TLS+SASL target: the gateway's sasl_tls listener, its CA, and the bench user. */
interface SecureTarget {
  address: string;
  ca: string;
  user: string;
  password: string;
}

class LoopClient {
  private readonly socket: net.Socket;
  private readonly waiting = new Map<number, { sentAt: number; done: () => void }>();
  private nextCorrelationId = 1;
  readonly latenciesMs: number[] = [];

  constructor(target: string | SecureTarget) {
    const address = typeof target === "string" ? target : target.address;
    const [host, port] = address.split(":");
    this.socket = typeof target === "string" ? net.connect(Number(port), host) : tls.connect({ port: Number(port), host, ca: target.ca });
    this.socket.setNoDelay(true);
    const splitter = new FrameSplitter(64 * MiB);
    splitter.onFrame((frame) => {
      const correlationId = frame.chunks[0]!.readInt32BE(0);
      const w = this.waiting.get(correlationId)!;
      this.waiting.delete(correlationId);
      this.latenciesMs.push(performance.now() - w.sentAt);
      w.done();
    });
    this.socket.on("data", (chunk: Buffer) => splitter.push(chunk));
  }

  request(apiKey: number, version: number, encodeBody: (w: Writer) => void): Promise<void> {
    const correlationId = this.nextCorrelationId++;
    const w = new Writer();
    w.writeInt32(0); // the frame size, patched below
    encodeRequestHeader(w, { apiKey, apiVersion: version, correlationId, clientId: "loop-client" });
    encodeBody(w);
    return new Promise((resolve) => {
      this.waiting.set(correlationId, { sentAt: performance.now(), done: resolve });
      const chunks = w.toChunks();
      chunks[0]!.writeInt32BE(w.length - 4, 0); // the first chunk starts with the reserved bytes
      for (const chunk of chunks) this.socket.write(chunk);
    });
  }

  /** SASL PLAIN on this connection (SaslHandshake v1, SaslAuthenticate v2), before any measured request. */
  async login(user: string, password: string): Promise<void> {
    await this.request(ApiKey.SaslHandshake, 1, (w) => APIS.SaslHandshake.encodeRequest(w, 1, { mechanism: "PLAIN" }));
    await this.request(ApiKey.SaslAuthenticate, 2, (w) => APIS.SaslAuthenticate.encodeRequest(w, 2, { authBytes: Buffer.from(`\0${user}\0${password}`) }));
  }

  close(): void {
    this.socket.destroy();
  }
}

const produceBatches = Array.from({ length: PRODUCE_PARTITIONS }, (_, i) => Buffer.alloc(PRODUCE_BATCH, 0x30 + i));
const produceBody = (w: Writer) =>
  APIS.Produce.encodeRequest(w, PRODUCE_VERSION, {
    transactionalId: null, acks: -1, timeoutMs: 30_000,
    topicData: [{ topicId: TOPIC_ID, partitionData: produceBatches.map((b, index) => ({ index, records: [b] })) }],
  });
const fetchBody = (w: Writer) =>
  APIS.Fetch.encodeRequest(w, FETCH_VERSION, {
    replicaState: { replicaId: -1, replicaEpoch: -1n }, maxWaitMs: 500, minBytes: 1, maxBytes: 50 * MiB, isolationLevel: 0,
    sessionId: 0, sessionEpoch: -1,
    topics: [{ topicId: TOPIC_ID, partitions: Array.from({ length: FETCH_PARTITIONS }, (_, partition) => ({
      partition, currentLeaderEpoch: 0, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: MiB,
    })) }],
    forgottenTopicsData: [], rackId: "",
  });
const metadataBody = (w: Writer) =>
  APIS.Metadata.encodeRequest(w, METADATA_VERSION, {
    topics: [{ name: TOPIC }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false,
  });

async function producePhase(client: LoopClient, mib: number): Promise<void> {
  const requests = Math.ceil((mib * MiB) / (PRODUCE_PARTITIONS * PRODUCE_BATCH));
  let sent = 0;
  const lane = async () => {
    while (sent < requests) {
      sent++;
      await client.request(ApiKey.Produce, PRODUCE_VERSION, produceBody);
    }
  };
  await Promise.all(Array.from({ length: PRODUCE_IN_FLIGHT }, lane));
}

async function fetchPhase(client: LoopClient, mib: number): Promise<void> {
  const requests = Math.ceil((mib * MiB) / (FETCH_PARTITIONS * FETCH_PARTITION_BYTES));
  for (let i = 0; i < requests; i++) await client.request(ApiKey.Fetch, FETCH_VERSION, fetchBody);
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const withTls = process.env.BULKHEAD_LOOP_TLS === "1";
const certs = withTls ? await makeTestCertificates() : undefined;
const BENCH_USER = { user: "bench", password: "bench-password" };
const gateway = await startGatewayProcess({
  kafkaBootstrap: `${brokerAddress.host}:${brokerAddress.port}`,
  nodeIds: [0],
  ...(certs && { secure: { certificate: certs.certificate, privateKey: certs.privateKey, ...BENCH_USER } }),
  nodeFlags: [
    ...(process.env.BULKHEAD_BENCH_CPU_PROF === "1" ? ["--cpu-prof", "--cpu-prof-dir=.cache/bench-profiles"] : []),
    ...(process.env.BULKHEAD_BENCH_GATEWAY_NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
  ],
});
const pinned = pinningFromEnv();
if (pinned) {
  // The gateway on a core of its own; this process (the fake broker and the clients) on the other.
  pinProcess(gateway.pid, PROXY_CPU);
  pinProcess(process.pid, LOAD_CPU);
}
console.log(`gateway-loop: ${produceMiB} MiB produced and ${fetchMiB} MiB fetched per round, ${rounds} round(s), broker delay ${brokerDelayMs} ms${pinned ? ", pinned" : ""}; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);

interface PhaseResult { cpuMs: number; systemMs: number; wallMs: number; latencies: number[] }
async function phase(target: string | SecureTarget, run: (c: LoopClient) => Promise<void>): Promise<PhaseResult> {
  const client = new LoopClient(target);
  if (typeof target !== "string") await client.login(target.user, target.password);
  await client.request(ApiKey.Metadata, METADATA_VERSION, metadataBody); // the gateway learns the topic id
  client.latenciesMs.length = 0;
  const before: GatewaySample = await gateway.sample();
  const started = performance.now();
  await run(client);
  const wallMs = performance.now() - started;
  const after = await gateway.sample();
  client.close();
  const systemMs = (after.cpuSystemUs - before.cpuSystemUs) / 1000;
  return { cpuMs: (after.cpuUserUs - before.cpuUserUs) / 1000 + systemMs, systemMs, wallMs, latencies: client.latenciesMs };
}

const report = (name: string, mib: number, via: PhaseResult, direct: PhaseResult) =>
  console.log(
    `${name}: gateway CPU ${(via.cpuMs / mib).toFixed(3)} ms/MiB (${((100 * via.systemMs) / via.cpuMs).toFixed(0)}% kernel); ` +
      `${(mib / (via.wallMs / 1000)).toFixed(0)} MiB/s via gateway, ${(mib / (direct.wallMs / 1000)).toFixed(0)} direct; ` +
      `latency mean/p50/p99 ms ${mean(via.latencies).toFixed(2)}/${pct(via.latencies, 0.5).toFixed(2)}/${pct(via.latencies, 0.99).toFixed(2)} ` +
      `via gateway, ${mean(direct.latencies).toFixed(2)}/${pct(direct.latencies, 0.5).toFixed(2)}/${pct(direct.latencies, 0.99).toFixed(2)} direct`,
  );

try {
  // Warm-up (the gateway's JIT), not reported.
  await phase(gateway.bootstrap, (c) => producePhase(c, Math.min(64, produceMiB)));
  await phase(gateway.bootstrap, (c) => fetchPhase(c, Math.min(256, fetchMiB)));
  const direct = `${brokerAddress.host}:${brokerAddress.port}`;
  const secure: SecureTarget | undefined = certs && gateway.secureBootstrap ? { address: gateway.secureBootstrap, ca: certs.ca, ...BENCH_USER } : undefined;
  if (secure !== undefined) await phase(secure, (c) => producePhase(c, Math.min(64, produceMiB))); // its warm-up
  for (let round = 1; round <= rounds; round++) {
    const produceVia = await phase(gateway.bootstrap, (c) => producePhase(c, produceMiB));
    const produceDirect = await phase(direct, (c) => producePhase(c, produceMiB));
    const fetchVia = await phase(gateway.bootstrap, (c) => fetchPhase(c, fetchMiB));
    const fetchDirect = await phase(direct, (c) => fetchPhase(c, fetchMiB));
    console.log(`round ${round}`);
    report("  produce", produceMiB, produceVia, produceDirect);
    report("  fetch  ", fetchMiB, fetchVia, fetchDirect);
    if (secure !== undefined) {
      const produceTls = await phase(secure, (c) => producePhase(c, produceMiB));
      const fetchTls = await phase(secure, (c) => fetchPhase(c, fetchMiB));
      report("  produce, TLS+SASL", produceMiB, produceTls, produceDirect);
      report("  fetch, TLS+SASL  ", fetchMiB, fetchTls, fetchDirect);
      const cost = (tlsPhase: PhaseResult, plainPhase: PhaseResult, mib: number) => ((tlsPhase.cpuMs - plainPhase.cpuMs) / mib).toFixed(3);
      console.log(`  TLS termination: +${cost(produceTls, produceVia, produceMiB)} ms/MiB produced, +${cost(fetchTls, fetchVia, fetchMiB)} ms/MiB fetched (gateway CPU over the plaintext phase)`);
    }
  }
} finally {
  await gateway.stop();
  broker.close();
}
console.log(`load at the end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
