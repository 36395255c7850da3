/**
 * The transparent data plane against the real 3-broker cluster: kafkajs produces and consumes through
 * the gateway, every broker address clients see is a gateway address, and no response frame sent to
 * a client in this file carries an upstream broker's host:port.
 */
import net from "node:net";
import { CompressionTypes, type Admin, type Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { metrics } from "../../src/observe/metrics.js";
import { FrameSplitter } from "../../src/protocol/frame-splitter.js";
import { decodeBrokersResponse, encodeBrokersRequest } from "../../src/upstream/metadata-fetch.js";
import { decodeResponseHeader, encodeRequestHeader } from "../../src/protocol/headers.js";
import { decodeApiVersionsResponse, encodeApiVersionsRequest } from "../../src/protocol/messages/api-versions.js";
import { decodeFetchResponse, encodeFetchRequest } from "../../src/protocol/messages/fetch.js";
import { API_BY_KEY, ApiKey } from "../../src/protocol/messages/index.js";
import { decodeMetadataResponse, encodeMetadataRequest } from "../../src/protocol/messages/metadata.js";
import { Reader } from "../../src/protocol/reader.js";
import { Writer } from "../../src/protocol/writer.js";
import { byteLength, writeFrame } from "../../src/protocol/frame-write.js";
import { TENANT_VERSION_RANGES } from "../../src/tenancy/api-policy.js";
import { kafkajsClient, uniqueName } from "../harness/clients.js";
import { waitUntil } from "../harness/wait.js";
import { brokerPortsOf, leakRecorder, parseHostPorts, startTestGateway, type TestGateway } from "../harness/gateway.js";
import { testSession } from "../harness/session.js";
import { createReadyTopic } from "../harness/topic-propagation.js";

/** Sends one request body (header + message) to `host:port` and returns the response body. */
async function roundTrip(host: string, port: number, body: Buffer[]): Promise<Buffer[]> {
  const socket = net.connect(port, host);
  try {
    return await new Promise<Buffer[]>((resolve, reject) => {
      const splitter = new FrameSplitter();
      splitter.onFrame((frame) => resolve(frame.chunks));
      socket.on("data", (chunk) => splitter.push(chunk));
      socket.on("error", reject);
      writeFrame(socket, byteLength(body), body);
    });
  } finally {
    socket.destroy();
  }
}

const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";
const NOT_LEADER_OR_FOLLOWER = 6;

const rawMetadata = (host: string, port: number) => roundTrip(host, port, encodeBrokersRequest(42));

/** The ApiVersions ranges `host:port` offers, by api key. */
async function apiVersions(host: string, port: number): Promise<Map<number, { minVersion: number; maxVersion: number }>> {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey: 18, apiVersion: 3, correlationId: 7, clientId: "passthrough-test" });
  encodeApiVersionsRequest(writer, 3, { clientSoftwareName: "bulkhead-test", clientSoftwareVersion: "1" });
  const reader = new Reader(await roundTrip(host, port, writer.toChunks()));
  decodeResponseHeader(reader, 0);
  const response = decodeApiVersionsResponse(reader, 3);
  expect(response.errorCode).toBe(0);
  return new Map(response.apiKeys.map((k) => [k.apiKey, k]));
}

describe("gateway passthrough", () => {
  const upstream = inject("kafka");
  let gateway: TestGateway;
  let client: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    gateway = await startTestGateway(upstream);
    client = kafkajsClient(gateway.bootstrap, uniqueName("passthrough"));
    admin = client.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await gateway?.close();
  });

  it("reports every broker at the gateway's address, one port per node id", async () => {
    const cluster = await admin.describeCluster();
    const listener = gateway.config.virtualClusters[0]!.listeners[0]!;
    expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual(upstream.brokers.map((b) => b.nodeId).sort());
    for (const broker of cluster.brokers) {
      expect(broker.host).toBe(listener.advertisedHost);
      expect(broker.port).toBe(brokerPortsOf(listener).first + broker.nodeId - listener.nodeIdBase);
    }
  });

  it("carries produced messages (gzip and uncompressed) to a consumer, byte for byte", async () => {
    const topic = uniqueName("passthrough");
    await createReadyTopic(admin, topic, 3);
    // Idempotent: kafkajs retries a whole send when one partition fails, duplicating the rest otherwise.
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 17}`, value: `value-${i}-${"x".repeat(i)}` }));
    await producer.send({ topic, messages: sent.slice(0, 150) });
    await producer.send({ topic, compression: CompressionTypes.GZIP, messages: sent.slice(150) });
    await producer.disconnect();

    const consumer = client.consumer({ groupId: uniqueName("passthrough-group") });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            received.push(`${message.key?.toString()}=${message.value?.toString()}`);
            if (received.length === sent.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(received.sort()).toEqual(sent.map((m) => `${m.key}=${m.value}`).sort());
  });

  it("forwards acks=0 produces without waiting for responses that never come", async () => {
    const topic = uniqueName("acks0");
    await createReadyTopic(admin, topic, 1);
    const producer = client.producer();
    await producer.connect();
    for (let i = 0; i < 20; i++) await producer.send({ topic, acks: 0, messages: [{ value: `fire-${i}` }] });
    // An acks=all send after them only completes if the in-flight queue still pairs responses correctly;
    // the broker handles one connection's requests in order, so it also means all 20 were appended.
    await producer.send({ topic, acks: -1, messages: [{ value: "last" }] });
    await producer.disconnect();
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(Number(offsets[0]!.high)).toBe(21);
  });

  it("counts requests and bytes per virtual cluster", async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/bulkhead_requests_total\{virtual_cluster="test",api="Metadata"\} [1-9]/);
    expect(text).toMatch(/bulkhead_bytes_to_clients_total\{virtual_cluster="test"\} [1-9]/);
    expect(text).toMatch(/bulkhead_bytes_from_clients_total\{virtual_cluster="test"\} [1-9]/);
  });

  it("the leak scanner finds upstream addresses in an unrewritten Metadata response", async () => {
    const [first] = parseHostPorts(upstream.bootstrap);
    const direct = await rawMetadata(first!.host, first!.port);
    const recorder = leakRecorder(upstream.brokers);
    recorder.observer.responseSent!(testSession(), { apiKey: 3, apiVersion: 9, correlationId: 42 }, direct);
    expect(recorder.leaks.length).toBeGreaterThanOrEqual(upstream.brokers.length);
    // Through the gateway the same request shows only gateway addresses.
    const { host, port } = parseHostPorts(gateway.bootstrap)[0]!;
    const viaGateway = decodeBrokersResponse(await rawMetadata(host, port));
    expect(viaGateway.map((b) => `${b.host}:${b.port}`)).not.toContain(upstream.bootstrap.split(",")[0]);
  });

  it("offers broker ∩ codec ∩ tenant allowlist, DescribeAcls (answered by the gateway), and the broker's own Produce minimum", async () => {
    const direct = parseHostPorts(upstream.bootstrap)[0]!;
    const gw = parseHostPorts(gateway.bootstrap)[0]!;
    const [broker, offered] = await Promise.all([apiVersions(direct.host, direct.port), apiVersions(gw.host, gw.port)]);
    const expected = new Map<number, { minVersion: number; maxVersion: number }>();
    for (const [apiKey, ours] of TENANT_VERSION_RANGES) {
      const theirs = broker.get(apiKey);
      if (theirs === undefined) continue;
      const minVersion = apiKey === 0 ? theirs.minVersion : Math.max(theirs.minVersion, ours.minVersion);
      const maxVersion = Math.min(theirs.maxVersion, ours.maxVersion);
      if (minVersion <= maxVersion) expected.set(apiKey, { minVersion, maxVersion });
    }
    const describeAcls = API_BY_KEY.get(ApiKey.DescribeAcls)!;
    expected.set(ApiKey.DescribeAcls, { minVersion: describeAcls.minVersion, maxVersion: describeAcls.maxVersion });
    expect(offered.size).toBeGreaterThan(20);
    expect(new Map([...offered].map(([k, r]) => [k, { minVersion: r.minVersion, maxVersion: r.maxVersion }]))).toEqual(expected);
    expect(offered.get(0)!.minVersion).toBe(broker.get(0)!.minVersion);
    for (const name of ["CreateAcls", "DescribeLogDirs", "SaslHandshake", "AlterClientQuotas"] as const) {
      expect(offered.has(ApiKey[name]), name).toBe(false);
    }
  });

  it("a client whose first contact is a broker port reaches that broker (the gateway fetches Metadata itself)", async () => {
    const fresh = await startTestGateway(upstream); // a new address map: no node learned yet
    try {
      const listener = fresh.config.virtualClusters[0]!.listeners[0]!;
      const node = upstream.brokers[upstream.brokers.length - 1]!;
      const port = brokerPortsOf(listener).first + node.nodeId - listener.nodeIdBase;
      const direct = kafkajsClient(`${listener.advertisedHost}:${port}`, uniqueName("broker-port")).admin();
      await direct.connect();
      try {
        const cluster = await direct.describeCluster();
        expect(cluster.brokers).toHaveLength(upstream.brokers.length);
      } finally {
        await direct.disconnect();
      }
      expect(fresh.upstreamLeaks()).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it("rewrites the new leader's endpoint in a NOT_LEADER_OR_FOLLOWER Fetch v16 answer (KIP-951)", async () => {
    const topic = uniqueName("kip951");
    await createReadyTopic(admin, topic, 1, 1); // one replica: every other broker must refer clients to it
    const gw = parseHostPorts(gateway.bootstrap)[0]!;
    const listener = gateway.config.virtualClusters[0]!.listeners[0]!;
    const portOf = (nodeId: number) => brokerPortsOf(listener).first + nodeId - listener.nodeIdBase;

    const askMetadata = async () => {
      const request = new Writer();
      encodeRequestHeader(request, { apiKey: 3, apiVersion: 12, correlationId: 1, clientId: "kip951" });
      encodeMetadataRequest(request, 12, {
        topics: [{ topicId: ZERO_UUID, name: topic }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      });
      const reader = new Reader(await roundTrip(gw.host, gw.port, request.toChunks()));
      decodeResponseHeader(reader, 1);
      return decodeMetadataResponse(reader, 12).topics[0];
    };
    // A new topic reaches each broker's metadata at its own pace (slower on 3.9): wait for a leader.
    const described = await waitUntil(async () => {
      const t = await askMetadata();
      return t && t.errorCode === 0 && (t.partitions[0]?.leaderId ?? -1) >= 0 ? t : undefined;
    }, { what: `a leader for ${topic}`, timeoutMs: 30_000 });
    const topicId = described.topicId!;
    const leader = described.partitions[0]!.leaderId;
    const other = upstream.brokers.find((b) => b.nodeId !== leader)!.nodeId;

    // A fetch from a broker that isn't a replica is refused with the leader's endpoint attached
    // (once that broker knows the topic; before, it answers UNKNOWN_TOPIC_ID).
    const askFetch = async () => {
      const request = new Writer();
      encodeRequestHeader(request, { apiKey: 1, apiVersion: 16, correlationId: 2, clientId: "kip951" });
      encodeFetchRequest(request, 16, {
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topicId, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
        forgottenTopicsData: [],
        rackId: "",
      });
      const reader = new Reader(await roundTrip(listener.advertisedHost!, portOf(other), request.toChunks()));
      decodeResponseHeader(reader, 1);
      return decodeFetchResponse(reader, 16);
    };
    const fetch = await waitUntil(async () => {
      const f = await askFetch();
      return f.responses[0]?.partitions[0]?.errorCode === NOT_LEADER_OR_FOLLOWER ? f : undefined;
    }, { what: `broker ${other} to refer fetches of ${topic} to its leader`, timeoutMs: 30_000 });
    expect(fetch.responses[0]!.partitions[0]!.errorCode).toBe(NOT_LEADER_OR_FOLLOWER);
    expect(fetch.nodeEndpoints).toEqual([expect.objectContaining({ nodeId: leader, host: listener.advertisedHost, port: portOf(leader) })]);
  });

  // Runs last: covers every response any client received in this file.
  it("no response sent to a client carried an upstream broker address", () => {
    expect(gateway.upstreamLeaks()).toEqual([]);
  });
});
