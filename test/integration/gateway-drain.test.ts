/**
 * Graceful drain against the real cluster: a long-poll Fetch is in flight when the gateway is asked to
 * close; the gateway stops accepting at once, still delivers that response, then closes the connection.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FrameSplitter } from "../../src/protocol/frame-splitter.js";
import { encodeRequestHeader } from "../../src/protocol/headers.js";
import { decodeFetchResponse, encodeFetchRequest } from "../../src/protocol/messages/fetch.js";
import { Reader } from "../../src/protocol/reader.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { Writer } from "../../src/protocol/writer.js";
import { byteLength, writeFrame } from "../../src/protocol/frame-write.js";
import { kafkajsClient, uniqueName } from "../harness/clients.js";
import { brokerPortsOf, parseHostPorts, startTestGateway, type TestGateway } from "../harness/gateway.js";
import { createReadyTopic } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const FETCH_WAIT_MS = 2_000;

/** A Fetch v4 for an empty partition: the broker holds it for maxWaitMs before answering. */
function longPollFetch(topic: string, correlationId: number): Buffer[] {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey: 1, apiVersion: 4, correlationId, clientId: "drain-test" });
  encodeFetchRequest(writer, 4, {
    replicaId: -1,
    maxWaitMs: FETCH_WAIT_MS,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
  });
  return writer.toChunks();
}

/** Whether the broker behind `port` holds a long-poll Fetch (answers no sooner than half its wait, without error). */
async function longPollHeld(port: number, topic: string): Promise<boolean> {
  const socket = net.connect(port, "127.0.0.1");
  try {
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const started = performance.now();
    const answer = new Promise<Buffer[]>((resolve) => {
      const splitter = new FrameSplitter();
      splitter.onFrame((frame) => resolve(frame.chunks));
      socket.on("data", (chunk) => splitter.push(chunk));
    });
    const body = longPollFetch(topic, 1);
    writeFrame(socket, byteLength(body), body);
    const reader = new Reader(await answer);
    reader.readInt32();
    const errors = decodeFetchResponse(reader, 4).responses.flatMap((r) => r.partitions.map((p) => p.errorCode));
    return errors.every((code) => code === 0) && performance.now() - started > FETCH_WAIT_MS / 2;
  } finally {
    socket.destroy();
  }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => (socket.destroy(), resolve(false)));
    socket.on("error", () => resolve(true));
  });
}

describe("graceful drain", () => {
  const upstream = inject("kafka");
  let gateway: TestGateway;
  const topic = uniqueName("drain");
  let leaderPort: number;
  /** Correlation ids of the Fetch requests the gateway has written upstream (the tap it calls right before). */
  const fetchesForwarded: number[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway(upstream, {
      drainTimeoutMs: 10_000,
      observers: [{
        requestForwarded: (_session, { apiKey, correlationId }) => {
          if (apiKey === ApiKey.Fetch) fetchesForwarded.push(correlationId);
        },
      }],
    });
    const admin = kafkajsClient(gateway.bootstrap, uniqueName("drain")).admin();
    await admin.connect();
    try {
      await createReadyTopic(admin, topic, 1);
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const leader = topics[0]!.partitions[0]!.leader;
      const listener = gateway.config.virtualClusters[0]!.listeners[0]!;
      leaderPort = brokerPortsOf(listener).first + leader - listener.nodeIdBase;
    } finally {
      await admin.disconnect();
    }
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it("answers the in-flight long poll, then closes; new connections are refused meanwhile", async () => {
    // First, the partition must hold a long poll at all: a broker that doesn't lead it yet answers at once with an
    // error (seen once on a fresh CI machine), and the drain would then have nothing in flight to wait for.
    await waitUntil(() => longPollHeld(leaderPort, topic), { what: "the partition leader to hold a long poll", timeoutMs: 30_000, intervalMs: 200 });
    const socket = net.connect(leaderPort, "127.0.0.1");
    const responses: number[] = [];
    const errorCodes: number[] = [];
    const splitter = new FrameSplitter();
    splitter.onFrame((frame) => {
      const reader = new Reader(frame.chunks);
      responses.push(reader.readInt32());
      errorCodes.push(...decodeFetchResponse(reader, 4).responses.flatMap((r) => r.partitions.map((p) => p.errorCode)));
    });
    socket.on("data", (chunk) => splitter.push(chunk));
    const socketClosed = new Promise<number>((resolve) => socket.on("close", () => resolve(performance.now())));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));

    const body = longPollFetch(topic, 99);
    writeFrame(socket, byteLength(body), body);
    // The gateway has written it upstream: the broker holds it from now on, and the gateway owes its answer.
    await waitUntil(() => fetchesForwarded.includes(99), { what: "the long-poll Fetch forwarded upstream", timeoutMs: 10_000, intervalMs: 10 });

    const closeStarted = performance.now();
    const closed = gateway.gateway.close(10_000).then(() => performance.now());
    const bootstrapPort = parseHostPorts(gateway.bootstrap)[0]!.port;
    expect(await refused(bootstrapPort)).toBe(true);
    expect(await gateway.gateway.isReady()).toBe(false);

    const [socketClosedAt, gatewayClosedAt] = await Promise.all([socketClosed, closed]);
    expect(responses).toEqual([99]);
    // The response came from the broker's long poll, not from a cut connection.
    expect(socketClosedAt - closeStarted, `partition error codes ${JSON.stringify(errorCodes)}`).toBeGreaterThan(FETCH_WAIT_MS / 2);
    expect(gatewayClosedAt - closeStarted).toBeLessThan(FETCH_WAIT_MS + 3_000);
    expect(gateway.gateway.connectionCount()).toBe(0);
  });
});
