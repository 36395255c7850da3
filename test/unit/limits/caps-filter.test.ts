// The caps filter in the listener's real chain, without sockets, with the tenant's usage given in memory: the request
// rate throttles (a mute and throttle_time_ms, never a refusal), topic and partition caps refuse per topic, the
// retained-bytes cap refuses Produce only, and a reload reaches a chain built before it.
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { VirtualClusterLimits } from "../../../src/config/types.js";
import type { FilterChain } from "../../../src/filters/chain.js";
import { createFilterChain } from "../../../src/filters/index.js";
import { TenantCaps, type CapName } from "../../../src/limits/tenant-caps.js";
import type { UsageSource } from "../../../src/limits/upstream-usage.js";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { decodeRequestHeader, encodeRequestHeader } from "../../../src/protocol/headers.js";
import type { CreateTopicsRequest, CreateTopicsResponse } from "../../../src/protocol/messages/create-topics.js";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { TENANT_VERSION_RANGES } from "../../../src/tenancy/api-policy.js";
import { BrokerAddressMap } from "../../../src/upstream/broker-address-map.js";
import { decide, decodedResponse, responseFrame, testSession, type Decision } from "../filters/chain-fixture.js";
import { tenant } from "../tenancy/tenant-fixture.js";

/** Usage as the upstream cluster would report it; `fail` makes the next asks throw. */
class Usage implements UsageSource {
  topics = new Map<string, number>();
  bytes = 0;
  fail = false;
  polls = 0;
  topicPartitions = async () => {
    if (this.fail) throw new Error("cluster unreachable");
    return new Map(this.topics);
  };
  retainedBytes = async () => {
    this.polls++;
    if (this.fail) throw new Error("cluster unreachable");
    return this.bytes;
  };
}

function setup(limits: VirtualClusterLimits) {
  const usage = new Usage();
  const refused: CapName[] = [];
  const ctx = { usage, instances: 1, log: pino({ level: "silent" }), refused: (cap: CapName) => refused.push(cap) };
  const caps = new TenantCaps(limits, ctx);
  const t = tenant();
  const chain = createFilterChain({ endpoint: testSession().endpoint, addressMap: new BrokerAddressMap(async () => []), tenant: t, forwardable: TENANT_VERSION_RANGES, log: pino({ level: "silent" }), caps });
  return { usage, caps, chain, refused, reload: (next: VirtualClusterLimits) => caps.update(next, ctx) };
}

function frame(apiKey: number, apiVersion: number, message: object): Frame {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion, correlationId: 7, clientId: "app" });
  API_BY_KEY.get(apiKey)!.encodeRequest(writer, apiVersion, message as never);
  const whole = Buffer.concat(writer.toChunks());
  return { size: whole.length, chunks: [whole] };
}


function forwarded<T>(decision: Decision): T {
  if (decision.kind !== "forward") throw new Error(`not forwarded: ${decision.kind}`);
  const reader = new Reader([decision.body]);
  const header = decodeRequestHeader(reader);
  return API_BY_KEY.get(header.apiKey)!.decodeRequest(reader, header.apiVersion) as T;
}

function answered<T>(decision: Decision): T {
  if (decision.kind !== "respond") throw new Error(`not answered: ${decision.kind}`);
  return decodedResponse<T>(decision.request.apiKey, decision.request.apiVersion, [decision.body]);
}

const metadata = () => frame(ApiKey.Metadata, 9, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
const metadataResponse = (throttleTimeMs: number) => responseFrame(ApiKey.Metadata, 9, { throttleTimeMs, brokers: [], clusterId: null, controllerId: 1, topics: [] });
const produce = () =>
  frame(ApiKey.Produce, 9, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: "orders", partitionData: [{ index: 0, records: null }, { index: 1, records: null }] }] });
const createTopics = (names: string[], numPartitions = 1) =>
  frame(ApiKey.CreateTopics, 7, { topics: names.map((name) => ({ name, numPartitions, replicationFactor: 3, assignments: [], configs: [] })), timeoutMs: 1000, validateOnly: false });

/** A response passed back through the chain: the message the client gets. */
function throughChain<T>(chain: FilterChain, session: ReturnType<typeof testSession>, decision: Decision, response: Frame): T {
  if (decision.kind !== "forward") throw new Error(`not forwarded: ${decision.kind}`);
  const { apiKey, apiVersion } = decision.request;
  return decodedResponse<T>(apiKey, apiVersion, chain.onResponse(session, decision.request, response) ?? response.chunks);
}

afterEach(() => void vi.useRealTimers());

describe("caps filter: request rate", () => {
  it("lets a second's worth through untouched, then mutes and sets throttle_time_ms (the larger of ours and the broker's)", async () => {
    const { chain } = setup({ requestsPerSecond: 2 });
    const session = testSession();
    for (let i = 0; i < 2; i++) expect(throughChain<{ throttleTimeMs: number }>(chain, session, await decide(chain, metadata(), session), metadataResponse(0)).throttleTimeMs).toBe(0);
    expect(session.mutedUntil).toEqual([]);

    const throttled = throughChain<{ throttleTimeMs: number }>(chain, session, await decide(chain, metadata(), session), metadataResponse(0));
    expect(throttled.throttleTimeMs).toBeGreaterThan(400);
    expect(throttled.throttleTimeMs).toBeLessThanOrEqual(500);
    expect(session.mutedUntil).toHaveLength(1);
    const brokerLonger = throughChain<{ throttleTimeMs: number }>(chain, session, await decide(chain, metadata(), session), metadataResponse(5_000));
    expect(brokerLonger.throttleTimeMs).toBe(5_000);
  });

  it("takes a new rate on reload, in the chain built before it", async () => {
    const { chain, reload } = setup({ requestsPerSecond: 1 });
    const session = testSession();
    await decide(chain, metadata(), session);
    await decide(chain, metadata(), session);
    expect(session.mutedUntil).toHaveLength(1);
    reload({});
    for (let i = 0; i < 10; i++) await decide(chain, metadata(), session);
    expect(session.mutedUntil).toHaveLength(1);
  });
});

describe("caps filter: retained bytes", () => {
  it("refuses Produce with POLICY_VIOLATION per partition while over the cap; everything else goes on; a reload lifts it", async () => {
    vi.useFakeTimers();
    const { usage, caps, chain, refused, reload } = setup({ maxRetainedBytes: 1_000, retainedBytesPollMs: 1_000 });
    usage.bytes = 999;
    caps.start();
    await vi.advanceTimersByTimeAsync(0);
    expect((await decide(chain, produce())).kind).toBe("forward");

    usage.bytes = 1_001;
    await vi.advanceTimersByTimeAsync(1_000);
    const decision = await decide(chain, produce());
    const response = answered<{ responses: { name: string; partitionResponses: { index: number; errorCode: number; errorMessage: string | null }[] }[] }>(decision);
    expect(response.responses[0]!.name).toBe("orders");
    expect(response.responses[0]!.partitionResponses.map((p) => [p.index, p.errorCode])).toEqual([
      [0, ErrorCode.POLICY_VIOLATION],
      [1, ErrorCode.POLICY_VIOLATION],
    ]);
    expect(response.responses[0]!.partitionResponses[0]!.errorMessage).toMatch(/1001 bytes on disk .* over its cap of 1000/);
    expect(decision.kind === "respond" && decision.refusal).toBe("retained_bytes");
    expect(refused).toEqual(["retained_bytes"]);
    expect((await decide(chain, metadata())).kind).toBe("forward");

    reload({ maxRetainedBytes: 2_000, retainedBytesPollMs: 1_000 });
    expect((await decide(chain, produce())).kind).toBe("forward");
    caps.close();
  });

  it("keeps the last measurement when a poll fails, and stops polling once closed", async () => {
    vi.useFakeTimers();
    const { usage, caps, chain } = setup({ maxRetainedBytes: 10, retainedBytesPollMs: 100 });
    usage.bytes = 11;
    caps.start();
    await vi.advanceTimersByTimeAsync(0);
    usage.fail = true;
    await vi.advanceTimersByTimeAsync(300);
    expect((await decide(chain, produce())).kind).toBe("respond");
    caps.close();
    const polls = usage.polls;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(usage.polls).toBe(polls);
  });
});

describe("caps filter: topics and partitions", () => {
  it("forwards the topics that fit and answers the rest POLICY_VIOLATION in the broker's response", async () => {
    const { usage, chain, refused } = setup({ maxTopics: 2 });
    usage.topics.set("a", 1);
    const session = testSession();
    const decision = await decide(chain, createTopics(["b", "c"]), session);
    expect(forwarded<CreateTopicsRequest>(decision).topics.map((t) => t.name)).toEqual(["payments.b"]);

    const broker: CreateTopicsResponse = {
      throttleTimeMs: 0,
      topics: [{ name: "payments.b", topicId: "AAAAAAAAAAAAAAAAAAAAAQ", errorCode: 0, errorMessage: null, numPartitions: 1, replicationFactor: 3, configs: [] }],
    };
    const client = throughChain<CreateTopicsResponse>(chain, session, decision, responseFrame(ApiKey.CreateTopics, 7, broker));
    expect(client.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ["b", 0],
      ["c", ErrorCode.POLICY_VIOLATION],
    ]);
    expect(client.topics[1]!.errorMessage).toBe(`topic "c" would exceed this virtual cluster's cap of 2 topics (2 exist)`);
    expect(refused).toEqual(["topics"]);

    // "b" counts before Metadata shows it: the next creation is refused whole, by the gateway.
    const next = await decide(chain, createTopics(["d"]));
    expect(answered<CreateTopicsResponse>(next).topics.map((t) => [t.name, t.errorCode, t.numPartitions])).toEqual([["d", ErrorCode.POLICY_VIOLATION, -1]]);
  });

  it("gives back a reservation the broker refused", async () => {
    const { usage, chain } = setup({ maxTopics: 1 });
    const session = testSession();
    const decision = await decide(chain, createTopics(["a"]), session);
    const broker: CreateTopicsResponse = {
      throttleTimeMs: 0,
      topics: [{ name: "payments.a", topicId: "AAAAAAAAAAAAAAAAAAAAAA", errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, errorMessage: "no", numPartitions: -1, replicationFactor: -1, configs: null }],
    };
    throughChain(chain, session, decision, responseFrame(ApiKey.CreateTopics, 7, broker));
    expect(usage.topics.size).toBe(0);
    expect((await decide(chain, createTopics(["b"]))).kind).toBe("forward");
  });

  it("refuses a partition growth past maxPartitions", async () => {
    const { usage, chain, refused } = setup({ maxPartitions: 4 });
    usage.topics.set("a", 3);
    const decision = await decide(chain, frame(ApiKey.CreatePartitions, 3, { topics: [{ name: "a", count: 5, assignments: null }], timeoutMs: 1000, validateOnly: false }));
    const response = answered<{ results: { name: string; errorCode: number; errorMessage: string | null }[] }>(decision);
    expect(response.results).toEqual([expect.objectContaining({ name: "a", errorCode: ErrorCode.POLICY_VIOLATION, errorMessage: expect.stringContaining("cap of 4 partitions (3 exist)") })]);
    expect(refused).toEqual(["partitions"]);
  });

  it("answers a retriable error when the tenant's topics can't be counted", async () => {
    const { usage, chain } = setup({ maxTopics: 10 });
    usage.fail = true;
    const response = answered<CreateTopicsResponse>(await decide(chain, createTopics(["a"])));
    expect(response.topics.map((t) => t.errorCode)).toEqual([ErrorCode.REQUEST_TIMED_OUT]);
  });
});
