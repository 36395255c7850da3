// The byte-rate filter in the listener's real chain, without sockets: bytes counted from the records fields, buckets
// in debt throttling (throttle_time_ms and a mute, never a refusal), topics and tenants apart, Fetch answered here
// only without a fetch session, and a reload reaching a chain that was built before it.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/index.js";
import type { ChainedRequest, FilterChain } from "../../../src/filters/chain.js";
import { createFilterChain } from "../../../src/filters/index.js";
import { TenantByteRates } from "../../../src/limits/tenant-byte-rates.js";
import { logger } from "../../../src/log.js";
import type { ByteDirection, ByteLimitScope, GatewayObserver } from "../../../src/observe/observer.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { decodeRequestHeader, encodeRequestHeader } from "../../../src/protocol/headers.js";
import type { FetchRequest, FetchResponse } from "../../../src/protocol/messages/fetch.js";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import type { ProduceResponse } from "../../../src/protocol/messages/produce.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { TENANT_VERSION_RANGES } from "../../../src/tenancy/api-policy.js";
import { BrokerAddressMap } from "../../../src/upstream/broker-address-map.js";
import { recordBatch } from "../../harness/record-batch.js";
import { OUR_ID, tenant } from "../tenancy/tenant-fixture.js";
import { decide, decodedResponse, responseFrame, testSession, type Decision } from "../filters/chain-fixture.js";

type Limits = Parameters<TenantByteRates["update"]>[0];

function limitsOf(yaml: object): Limits {
  const config = parseConfig(
    JSON.stringify({
      clusters: [{ name: "local", bootstrap: ["127.0.0.1:9092"] }],
      virtualClusters: [{ name: "payments", cluster: "local", limits: yaml, listeners: [{ name: "plain", bind: "0.0.0.0", bootstrapPort: 19092, brokerPorts: "19093-19095", advertisedHost: "localhost" }] }],
    }),
    "test.yaml",
  );
  return config.virtualClusters[0]!.limits;
}

interface Throttled {
  direction: ByteDirection;
  limit: ByteLimitScope;
  topic: string | undefined;
  ms: number;
}

function setup(limits: object) {
  const t = tenant();
  const rates = new TenantByteRates(limitsOf(limits), 1, t);
  const throttled: Throttled[] = [];
  const topicBytes: [string, ByteDirection, number, number][] = [];
  const observer: GatewayObserver = {
    throttled: (_s, direction, limit, topic, ms) => throttled.push({ direction, limit, topic, ms }),
    topicBytes: (_s, topic, direction, bytes, records) => topicBytes.push([topic, direction, bytes, records]),
  };
  const chain = createFilterChain({ endpoint: testSession().endpoint, addressMap: new BrokerAddressMap(async () => []), tenant: t, forwardable: TENANT_VERSION_RANGES, log: logger, byteRates: { rates, observer } });
  return { chain, rates, throttled, topicBytes };
}

function frame(apiKey: number, apiVersion: number, message: object): Frame {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion, correlationId: 7, clientId: "app" });
  API_BY_KEY.get(apiKey)!.encodeRequest(writer, apiVersion, message as never);
  const whole = Buffer.concat(writer.toChunks());
  return { size: whole.length, chunks: [whole] };
}

/** A batch of exactly `bytes` bytes on the wire (at least 70: its header and one record's framing). */
function batchOf(bytes: number): Buffer {
  let value = bytes - 70;
  // Varint lengths grow with the value: adjust until the batch is the size asked for.
  for (let batch = recordBatch(["x".repeat(value)]); ; batch = recordBatch(["x".repeat(value)])) {
    if (batch.length === bytes) return batch;
    value += bytes - batch.length;
  }
}

/** Produce v9 (topics by name) or v13 (by id) with one batch per topic. */
function produce(topics: [string, number][], version = 9): Frame {
  const topicData = topics.map(([name, bytes]) => ({
    ...(version >= 13 ? { topicId: name } : { name }),
    partitionData: [{ index: 0, records: [batchOf(bytes)] }],
  }));
  return frame(ApiKey.Produce, version, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData });
}

function fetchRequest(topics: string[], session: { sessionId: number; sessionEpoch: number }, version = 12): FetchRequest {
  return {
    replicaId: -1,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 52_428_800,
    isolationLevel: 0,
    ...session,
    topics: topics.map((topic) => ({ ...(version >= 13 ? { topicId: topic } : { topic }), partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1_048_576 }] })),
    forgottenTopicsData: [],
    rackId: "",
  };
}


function forwardedRequest(decision: Decision): { request: ChainedRequest; message: FetchRequest } {
  if (decision.kind !== "forward") throw new Error(`not forwarded: ${decision.kind}`);
  const reader = new Reader([decision.body]);
  const header = decodeRequestHeader(reader);
  return { request: decision.request, message: API_BY_KEY.get(ApiKey.Fetch)!.decodeRequest(reader, header.apiVersion) as FetchRequest };
}

/** The broker's Produce response for the topics of `produce()`, with its own throttle time. */
function produceResponse(topics: string[], throttleTimeMs: number, version = 9): Frame {
  const response: ProduceResponse = {
    responses: topics.map((name) => ({ name: `payments.${name}`, partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }] })),
    throttleTimeMs,
  };
  return responseFrame(ApiKey.Produce, version, response);
}

function fetchResponse(topics: [string, number][], version = 12): Frame {
  const response: FetchResponse = {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: topics.map(([topic, bytes]) => ({
      ...(version >= 13 ? { topicId: topic } : { topic: `payments.${topic}` }),
      partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 10n, lastStableOffset: 10n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records: bytes > 0 ? [batchOf(bytes)] : null }],
    })),
  };
  return responseFrame(ApiKey.Fetch, version, response);
}

/** Sends a Produce through the chain and its broker response back; what the client gets and how long it is muted. */
async function roundTrip(chain: FilterChain, topics: [string, number][], brokerThrottleMs = 0, session = testSession()) {
  const decision = await decide(chain, produce(topics), session);
  expect(decision.kind).toBe("forward"); // a byte rate delays, never refuses
  const before = performance.now();
  const out = chain.onResponse(session, (decision as { request: ChainedRequest }).request, produceResponse(topics.map(([name]) => name), brokerThrottleMs));
  const muted = session.mutedUntil.length === 0 ? 0 : session.mutedUntil.at(-1)! - Date.now();
  const throttleTimeMs = out === undefined ? brokerThrottleMs : decodedResponse<ProduceResponse>(ApiKey.Produce, 9, out).throttleTimeMs!;
  return { throttleTimeMs, muted, before, session };
}

describe("byte rates: Produce", () => {
  it("lets a request within the rate through untouched, counting its bytes per topic", async () => {
    const { chain, throttled, topicBytes } = setup({ topicByteRates: { default: { produce: 10_000 } } });
    const { throttleTimeMs, muted } = await roundTrip(chain, [["orders", 2000]]);
    expect(throttleTimeMs).toBe(0);
    expect(muted).toBe(0);
    expect(throttled).toEqual([]);
    expect(topicBytes).toEqual([["orders", "produce", 2000, 1]]);
  });

  it("counts records per topic from the batch headers: several batches and partitions; a malformed batch counts none and still goes to the broker", async () => {
    const { chain, topicBytes } = setup({ topicByteRates: { default: { produce: 1_000_000 } } });
    const three = recordBatch(["a", "b", "c"]);
    const garbage = Buffer.alloc(100, 0xff); // no batch: the broker answers CORRUPT_MESSAGE, as without the gateway
    const request = frame(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30_000,
      topicData: [
        { name: "orders", partitionData: [{ index: 0, records: [Buffer.concat([three, recordBatch(["d"])])] }, { index: 1, records: [three] }] },
        { name: "audit", partitionData: [{ index: 0, records: [garbage] }] },
      ],
    });
    expect((await decide(chain, request)).kind).toBe("forward");
    expect(topicBytes).toEqual([
      ["orders", "produce", 2 * three.length + recordBatch(["d"]).length, 7],
      ["audit", "produce", 100, 0],
    ]);
  });

  it("throttles a request that pushes the topic's bucket into debt: throttle time = time to repay, and a mute as long", async () => {
    const { chain, throttled } = setup({ topicByteRates: { default: { produce: 1000 } } });
    // 1000 bytes of burst, 3000 taken: 2000 owed at 1000 B/s.
    const { throttleTimeMs, muted } = await roundTrip(chain, [["orders", 3000]]);
    expect(throttleTimeMs).toBeGreaterThan(1900);
    expect(throttleTimeMs).toBeLessThanOrEqual(2000);
    expect(muted).toBeGreaterThan(1900);
    expect(throttled).toEqual([{ direction: "produce", limit: "topic", topic: "orders", ms: 2000 }]);
  });

  it("keeps the broker's throttle time when it is the larger", async () => {
    const { chain } = setup({ topicByteRates: { default: { produce: 1000 } } });
    expect((await roundTrip(chain, [["orders", 3000]], 5000)).throttleTimeMs).toBe(5000);
  });

  it("throttles two topics of one tenant independently", async () => {
    const { chain } = setup({ topicByteRates: { default: { produce: 1000 } } });
    expect((await roundTrip(chain, [["orders", 3000]])).throttleTimeMs).toBeGreaterThan(1900);
    expect((await roundTrip(chain, [["payments", 900]])).throttleTimeMs).toBe(0);
    expect((await roundTrip(chain, [["orders", 100]])).throttleTimeMs).toBeGreaterThan(1900);
  });

  it("takes the largest wait of the topic, principal and tenant buckets", async () => {
    const { chain, throttled } = setup({ topicByteRates: { default: { produce: 1000 } }, tenantByteRate: { produce: 500 } });
    // The tenant holds 500, owes 2500 at 500 B/s: 5 s; the topic owes 2 s.
    const { throttleTimeMs } = await roundTrip(chain, [["orders", 3000]]);
    expect(throttleTimeMs).toBeGreaterThan(4900);
    expect(throttled.map((t) => t.limit)).toEqual(["tenant"]);
    // The tenant's bucket is shared by all its topics.
    expect((await roundTrip(chain, [["other", 100]])).throttleTimeMs).toBeGreaterThan(4900);
  });

  it("gives each principal its own bucket; unauthenticated sessions share ANONYMOUS", async () => {
    const { chain, throttled } = setup({ principalByteRates: { default: { produce: 1000 }, principals: { alice: { produce: 100_000 } } } });
    const alice = testSession();
    alice.principal = { type: "User", name: "alice" };
    expect((await roundTrip(chain, [["orders", 3000]], 0, alice)).throttleTimeMs).toBe(0);
    expect((await roundTrip(chain, [["orders", 3000]])).throttleTimeMs).toBeGreaterThan(1900);
    expect((await roundTrip(chain, [["orders", 100]])).throttleTimeMs).toBeGreaterThan(1900); // another anonymous session
    expect(throttled.every((t) => t.limit === "principal")).toBe(true);
  });

  it("finds a topic named by id (Produce v13) through the tenant's topic id map", async () => {
    const { chain, topicBytes } = setup({ topicByteRates: { topics: { orders: { produce: 1000 } } } });
    const session = testSession();
    const decision = await decide(chain, produce([[OUR_ID, 3000]], 13), session);
    expect(decision.kind).toBe("forward");
    expect(topicBytes).toEqual([["orders", "produce", 3000, 1]]);
    expect(session.mutedUntil.at(-1)! - Date.now()).toBeGreaterThan(1900);
  });

  it("applies a reload to a chain built before it, keeping the bucket's debt", async () => {
    const { chain, rates } = setup({ topicByteRates: { default: { produce: 1000 } } });
    expect((await roundTrip(chain, [["orders", 3000]])).throttleTimeMs).toBeGreaterThan(1900);
    rates.update(limitsOf({ topicByteRates: { default: { produce: 4000 } } }), 1);
    // 2000 owed, and 100 more, at 4000 B/s: just over half a second.
    const after = (await roundTrip(chain, [["orders", 100]])).throttleTimeMs;
    expect(after).toBeGreaterThan(450);
    expect(after).toBeLessThanOrEqual(525);
    rates.update(limitsOf({}), 1);
    expect((await roundTrip(chain, [["orders", 1_000_000]])).throttleTimeMs).toBe(0);
  });
});

describe("byte rates: Fetch", () => {
  it("counts the response's record bytes, and throttles the response that pushes a bucket into debt", async () => {
    const { chain, topicBytes } = setup({ topicByteRates: { default: { fetch: 1000 } } });
    const session = testSession();
    const { request } = forwardedRequest(await decide(chain, frame(ApiKey.Fetch, 12, fetchRequest(["orders"], { sessionId: 0, sessionEpoch: -1 })), session));
    const out = chain.onResponse(session, request, fetchResponse([["orders", 3000]]));
    expect(out).toBeDefined();
    const response = decodedResponse<FetchResponse>(ApiKey.Fetch, 12, out!);
    expect(response.throttleTimeMs).toBeGreaterThan(1900);
    expect(response.responses[0]!.partitions[0]!.records).not.toBeNull(); // delayed, never dropped
    expect(topicBytes).toEqual([["orders", "fetch", 3000, 1]]);
    expect(session.mutedUntil.at(-1)! - Date.now()).toBeGreaterThan(1900);
  });

  it("lowers maxBytes (and minBytes) to what the buckets hold, leaving the partitions as they were", async () => {
    const { chain } = setup({ tenantByteRate: { fetch: 5000 } });
    const { message } = forwardedRequest(await decide(chain, frame(ApiKey.Fetch, 12, { ...fetchRequest(["orders"], { sessionId: 0, sessionEpoch: -1 }), minBytes: 100_000 })));
    expect(message.maxBytes).toBe(5000);
    expect(message.minBytes).toBe(5000);
    expect(message.topics[0]!.partitions[0]!.partitionMaxBytes).toBe(1_048_576);
  });

  it("answers a Fetch without a session at once, empty, with the throttle time, while a bucket it touches is in debt", async () => {
    const { chain } = setup({ topicByteRates: { default: { fetch: 1000 } } });
    const session = testSession();
    const first = forwardedRequest(await decide(chain, frame(ApiKey.Fetch, 12, fetchRequest(["orders"], { sessionId: 0, sessionEpoch: -1 })), session));
    chain.onResponse(session, first.request, fetchResponse([["orders", 3000]]));
    for (const epoch of [-1, 0]) {
      const decision = await decide(chain, frame(ApiKey.Fetch, 12, fetchRequest(["orders"], { sessionId: 0, sessionEpoch: epoch })), session);
      expect(decision).toMatchObject({ kind: "respond", delayMs: 0, refusal: undefined });
      const answer = decodedResponse<FetchResponse>(ApiKey.Fetch, 12, [(decision as { body: Buffer }).body]);
      expect(answer).toMatchObject({ errorCode: 0, sessionId: 0, responses: [] });
      expect(answer.throttleTimeMs).toBeGreaterThan(1900);
    }
    // Another topic of the tenant is not in debt: fetched as usual.
    expect((await decide(chain, frame(ApiKey.Fetch, 12, fetchRequest(["other"], { sessionId: 0, sessionEpoch: -1 })), session)).kind).toBe("forward");
  });

  it("never answers a Fetch of a running fetch session itself: forwarded, partitions untouched, one batch at most", async () => {
    const { chain } = setup({ tenantByteRate: { fetch: 1000 } });
    const session = testSession();
    const first = forwardedRequest(await decide(chain, frame(ApiKey.Fetch, 12, fetchRequest(["orders"], { sessionId: 0, sessionEpoch: 0 })), session));
    chain.onResponse(session, first.request, fetchResponse([["orders", 3000]]));
    const incremental = fetchRequest(["orders"], { sessionId: 42, sessionEpoch: 3 });
    const { message, request } = forwardedRequest(await decide(chain, frame(ApiKey.Fetch, 12, incremental), session));
    expect(message.sessionId).toBe(42);
    expect(message.sessionEpoch).toBe(3);
    expect(message.topics).toEqual(incremental.topics.map((t) => ({ ...t, topic: "payments.orders" })));
    expect(message.maxBytes).toBe(1);
    // The (empty) response carries the throttle time all the same.
    const out = chain.onResponse(session, request, fetchResponse([["orders", 0]]));
    expect(decodedResponse<FetchResponse>(ApiKey.Fetch, 12, out!).throttleTimeMs).toBeGreaterThan(1900);
  });

  it("finds topics of Fetch v13+ by id", async () => {
    const { chain, topicBytes } = setup({ topicByteRates: { topics: { orders: { fetch: 1000 } } } });
    const session = testSession();
    const { request } = forwardedRequest(await decide(chain, frame(ApiKey.Fetch, 13, fetchRequest([OUR_ID], { sessionId: 0, sessionEpoch: -1 }, 13)), session));
    const out = chain.onResponse(session, request, fetchResponse([[OUR_ID, 3000]], 13));
    expect(decodedResponse<FetchResponse>(ApiKey.Fetch, 13, out!).throttleTimeMs).toBeGreaterThan(1900);
    expect(topicBytes).toEqual([["orders", "fetch", 3000, 1]]);
  });

  it("leaves a tenant without limits alone: nothing changed, nothing muted", async () => {
    const { chain } = setup({});
    const session = testSession();
    const { message, request } = forwardedRequest(await decide(chain, frame(ApiKey.Fetch, 12, fetchRequest(["orders"], { sessionId: 0, sessionEpoch: -1 })), session));
    expect(message.maxBytes).toBe(52_428_800);
    chain.onResponse(session, request, fetchResponse([["orders", 3_000_000]]));
    expect(session.mutedUntil).toEqual([]);
  });
});

describe("byte rates pushed down: one upstream client id per tenant", () => {
  it("sends every request of the tenant upstream with the tenant's quota client id, whatever the client's own", async () => {
    const t = { ...tenant(), upstreamClientId: "bulkhead-tenant/payments" };
    const chain = createFilterChain({ endpoint: testSession().endpoint, addressMap: new BrokerAddressMap(async () => []), tenant: t, forwardable: TENANT_VERSION_RANGES, log: logger });
    const decision = await decide(chain, produce([["orders", 1000]]));
    if (decision.kind !== "forward") throw new Error(`not forwarded: ${decision.kind}`);
    expect(decodeRequestHeader(new Reader([decision.body])).clientId).toBe("bulkhead-tenant/payments");
  });
});
