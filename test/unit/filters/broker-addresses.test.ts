// Broker-address rewriting on codec-built response frames: every broker endpoint must come out as the
// listener's advertised host and port-per-broker, real addresses are learned, and responses without
// endpoints are passed through untouched (not re-encoded). The filter alone in a chain: tenancy runs
// before it on responses in the listener's chain (see the tenancy filter tests).
import { describe, expect, it } from "vitest";
import { BrokerAddressFilter } from "../../../src/filters/broker-addresses.js";
import { FilterChain, type ChainedRequest } from "../../../src/filters/chain.js";
import { logger } from "../../../src/log.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { decodeResponseHeader, encodeRequestHeader, encodeResponseHeader, responseHeaderVersion } from "../../../src/protocol/headers.js";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { ListenerEndpoint } from "../../../src/session/endpoint.js";
import { BrokerAddressMap } from "../../../src/upstream/broker-address-map.js";
import { decide, testEndpoint, testSession } from "./chain-fixture.js";

const endpoint = new ListenerEndpoint("demo", { ...testEndpoint().listener, bind: "0.0.0.0", advertisedHost: "gw.example" });

function setup() {
  const addressMap = new BrokerAddressMap(async () => []);
  const filter = new BrokerAddressFilter(endpoint, addressMap, logger);
  return { addressMap, filter, chain: new FilterChain([filter]) };
}

/** What the connection kept of the request whose response this is. */
function inFlight(apiKey: number, apiVersion: number): ChainedRequest {
  return { apiKey, apiVersion, correlationId: 77, expectsResponse: true, decodeResponse: true, states: undefined };
}

/** A response frame body as the broker would send it, split into several chunks. */
function responseFrame(apiKey: number, version: number, message: object, correlationId = 77): Frame {
  const writer = new Writer();
  encodeResponseHeader(writer, responseHeaderVersion(apiKey, version), correlationId);
  API_BY_KEY.get(apiKey)!.encodeResponse(writer, version, message);
  const encoded = Buffer.concat(writer.toChunks());
  const whole = Buffer.alloc(encoded.length); // alloc, not the shared pool: its memory is this frame's alone
  encoded.copy(whole);
  const cut = Math.floor(whole.length / 2); // frames arrive in pieces; the filter must cope
  return { size: whole.length, chunks: [whole.subarray(0, 3), whole.subarray(3, cut), whole.subarray(cut)] };
}

/** A request frame body as a client would send it. */
function requestFrame(apiKey: number, version: number, message: object): Frame {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion: version, correlationId: 77, clientId: "app" });
  API_BY_KEY.get(apiKey)!.encodeRequest(writer, version, message as never);
  const whole = Buffer.concat(writer.toChunks());
  return { size: whole.length, chunks: [whole] };
}

/** The decoded response fields these tests read, whichever API it is. */
interface EndpointFields {
  nodeId?: number;
  brokerId?: number;
  key?: string;
  host: string;
  port: number;
}
interface DecodedResponse extends Partial<EndpointFields> {
  brokers: EndpointFields[];
  coordinators: EndpointFields[];
  nodeEndpoints: EndpointFields[];
  responses: { partitions: { records: Buffer[] }[] }[];
}

function decode(apiKey: number, version: number, chunks: readonly Buffer[]): { correlationId: number; body: DecodedResponse } {
  const reader = new Reader(chunks);
  const header = decodeResponseHeader(reader, responseHeaderVersion(apiKey, version));
  const body = API_BY_KEY.get(apiKey)!.decodeResponse(reader, version) as unknown as DecodedResponse;
  expect(reader.remaining).toBe(0);
  return { correlationId: header.correlationId, body };
}

function rewrite(apiKey: number, version: number, message: object) {
  const { filter, chain, addressMap } = setup();
  expect(filter.wantsResponse(apiKey, version)).toBe(true);
  const out = chain.onResponse(testSession(), inFlight(apiKey, version), responseFrame(apiKey, version, message));
  return { out, addressMap, decoded: out && decode(apiKey, version, out) };
}

const broker = (nodeId: number, port: number) => ({ nodeId, host: "10.0.0.9", port, rack: null });
const nodeEndpoint = broker;

describe("broker-address rewriting", () => {
  it.each([0, 4, 9, 12, 13].filter((v) => v <= API_BY_KEY.get(3)!.maxVersion))("Metadata v%i: brokers point at the gateway, addresses learned", (v) => {
    const { decoded, addressMap } = rewrite(3, v, {
      throttleTimeMs: 0,
      brokers: [broker(1, 9092), broker(3, 9094)],
      clusterId: "c",
      controllerId: 1,
      topics: [],
      clusterAuthorizedOperations: -2147483648,
    });
    expect(decoded!.correlationId).toBe(77);
    expect(decoded!.body.brokers.map((b) => [b.nodeId, b.host, b.port])).toEqual([
      [1, "gw.example", 19093],
      [3, "gw.example", 19095],
    ]);
    expect(addressMap.get(3)).toEqual({ host: "10.0.0.9", port: 9094 });
  });

  it("Metadata: a node id beyond the port range gets the bootstrap port, never the real address", () => {
    const { decoded } = rewrite(3, 12, { throttleTimeMs: 0, brokers: [broker(7, 9099)], clusterId: "c", controllerId: 7, topics: [] });
    expect(decoded!.body.brokers[0]!).toMatchObject({ host: "gw.example", port: 19092 });
  });

  it.each([0, 1, 2, 3])("FindCoordinator v%i: the single coordinator", (v) => {
    const { decoded } = rewrite(10, v, { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 2, host: "10.0.0.9", port: 9093 });
    expect(decoded!.body).toMatchObject({ nodeId: 2, host: "gw.example", port: 19094 });
  });

  it("FindCoordinator v0-3 with an error (node -1) passes through untouched", () => {
    const { out } = rewrite(10, 3, { throttleTimeMs: 0, errorCode: 15, errorMessage: null, nodeId: -1, host: "", port: -1 });
    expect(out).toBeUndefined();
  });

  it.each([4, 5, 6].filter((v) => v <= API_BY_KEY.get(10)!.maxVersion))("FindCoordinator v%i: batched coordinators", (v) => {
    const coordinator = (key: string, nodeId: number) => ({ key, nodeId, host: "10.0.0.9", port: 9000 + nodeId, errorCode: 0, errorMessage: null });
    const { decoded } = rewrite(10, v, { throttleTimeMs: 0, coordinators: [coordinator("g1", 1), coordinator("g2", 2)] });
    expect(decoded!.body.coordinators.map((c) => `${c.key}@${c.host}:${c.port}`)).toEqual(["g1@gw.example:19093", "g2@gw.example:19094"]);
  });

  it.each([0, 1])("DescribeCluster v%i: brokers", (v) => {
    const { decoded, addressMap } = rewrite(60, v, {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: "c",
      controllerId: 1,
      brokers: [{ brokerId: 2, host: "10.0.0.9", port: 9093, rack: null }],
      clusterAuthorizedOperations: 0,
    });
    expect(decoded!.body.brokers[0]!).toMatchObject({ brokerId: 2, host: "gw.example", port: 19094 });
    expect(addressMap.get(2)).toEqual({ host: "10.0.0.9", port: 9093 });
  });

  it("Produce v10+: node endpoints of new leaders (KIP-951) are rewritten", () => {
    const v = Math.max(10, Math.min(11, API_BY_KEY.get(0)!.maxVersion));
    const { decoded } = rewrite(0, v, { responses: [], throttleTimeMs: 0, nodeEndpoints: [nodeEndpoint(3, 9094)] });
    expect(decoded!.body.nodeEndpoints[0]).toMatchObject({ nodeId: 3, host: "gw.example", port: 19095 });
  });

  it("Produce v10+ without node endpoints is forwarded as the original bytes", () => {
    const { out } = rewrite(0, 10, { responses: [], throttleTimeMs: 0 });
    expect(out).toBeUndefined();
  });

  it("Produce below v10 and Fetch below v16 are never decoded", async () => {
    const { filter, chain } = setup();
    expect(filter.wantsResponse(0, 9)).toBe(false);
    expect(filter.wantsResponse(1, 15)).toBe(false);
    expect(filter.wantsResponse(19, 7)).toBe(false); // CreateTopics: nothing to rewrite
    // The chain tells the connection not to decode their responses, and does for the versions with endpoints.
    const produce = { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [] };
    const fetch = { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [], forgottenTopicsData: [], rackId: "" };
    const createTopics = { topics: [], timeoutMs: 1000, validateOnly: false };
    const decodes = async (apiKey: number, version: number, message: object): Promise<boolean> => {
      const decision = await decide(chain, requestFrame(apiKey, version, message));
      if (decision.kind !== "forward") throw new Error(`not forwarded: ${decision.kind}`);
      return decision.request.decodeResponse;
    };
    expect(await decodes(ApiKey.Produce, 9, produce)).toBe(false);
    expect(await decodes(ApiKey.Produce, 10, produce)).toBe(true);
    expect(await decodes(ApiKey.Fetch, 15, fetch)).toBe(false);
    expect(await decodes(ApiKey.Fetch, 16, fetch)).toBe(true);
    expect(await decodes(ApiKey.CreateTopics, 7, createTopics)).toBe(false);
  });

  it("Fetch v16+: node endpoints rewritten, record bytes passed on as the very same slices", () => {
    const records = Buffer.from("pretend-record-batch-bytes-0123456789");
    const partition = {
      partitionIndex: 0,
      errorCode: 6,
      highWatermark: 10n,
      lastStableOffset: 10n,
      logStartOffset: 0n,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: [records],
      currentLeader: { leaderId: 2, leaderEpoch: 5 },
    };
    const { chain } = setup();
    const frame = responseFrame(1, 16, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAA", partitions: [partition] }],
      nodeEndpoints: [nodeEndpoint(2, 9093)],
    });
    const out = chain.onResponse(testSession(), inFlight(1, 16), frame)!;
    expect(out).toBeDefined();
    const decoded = decode(1, 16, out);
    expect(decoded.body.nodeEndpoints[0]).toMatchObject({ host: "gw.example", port: 19094 });
    expect(Buffer.concat(decoded.body.responses[0]!.partitions[0]!.records).equals(records)).toBe(true);
    // Zero copy: some output chunk is a view into the input frame's memory holding the records.
    const input = frame.chunks[0]!.buffer;
    expect(Buffer.concat(out.filter((c) => c.buffer === input)).includes(records)).toBe(true);
  });

  it("ShareFetch: node endpoints", () => {
    const { decoded } = rewrite(78, API_BY_KEY.get(78)!.minVersion, {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      acquisitionLockTimeoutMs: 0,
      responses: [],
      nodeEndpoints: [nodeEndpoint(1, 9092)],
    });
    expect(decoded!.body.nodeEndpoints[0]).toMatchObject({ host: "gw.example", port: 19093 });
  });

  it("a response cut short is a ProtocolError, not a crash", () => {
    const { chain } = setup();
    const frame = responseFrame(3, 12, { throttleTimeMs: 0, brokers: [broker(1, 9092)], clusterId: "c", controllerId: 1, topics: [] });
    const whole = Buffer.concat(frame.chunks).subarray(0, 20);
    expect(() => chain.onResponse(testSession(), inFlight(3, 12), { size: 20, chunks: [whole] })).toThrow(expect.objectContaining({ name: "ProtocolError" }));
  });
});
