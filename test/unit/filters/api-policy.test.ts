// API policy on codec-built frames: default deny answered by the gateway (CLUSTER_AUTHORIZATION_FAILED or
// UNSUPPORTED_VERSION in every error code of the API's response, or the connection closed when no answer can be
// built), the ApiVersions fallback, the refusal reason handed to the sink, per-virtual-cluster denied APIs, and
// ApiVersions responses offering (broker ∩ forwardable) ∪ what the chain answers itself.
import { describe, expect, it } from "vitest";
import { ApiPolicyFilter, intersectApiVersions, offeredApiVersions } from "../../../src/filters/api-policy.js";
import { FilterChain, type ChainedRequest } from "../../../src/filters/chain.js";
import { CONTINUE, Interest, type Filter, type VersionRange } from "../../../src/filters/filter.js";
import { createFilterChain } from "../../../src/filters/index.js";
import { logger } from "../../../src/log.js";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { decodeRequestHeader, decodeResponseHeader, encodeRequestHeader, encodeResponseHeader, responseHeaderVersion } from "../../../src/protocol/headers.js";
import { decodeApiVersionsResponse, encodeApiVersionsResponse } from "../../../src/protocol/messages/api-versions.js";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { TENANT_VERSION_RANGES, tenantVersionRanges } from "../../../src/tenancy/api-policy.js";
import { BrokerAddressMap } from "../../../src/upstream/broker-address-map.js";
import { tenant } from "../tenancy/tenant-fixture.js";
import { decide, testEndpoint, testSession, type Decision } from "./chain-fixture.js";

const codec = new Map([
  [0, { minVersion: 3, maxVersion: 11 }],
  [1, { minVersion: 4, maxVersion: 17 }],
  [3, { minVersion: 0, maxVersion: 12 }],
]);
const range = (apiKey: number, minVersion: number, maxVersion: number) => ({ apiKey, minVersion, maxVersion });
const SASL_HANDSHAKE = { minVersion: 0, maxVersion: 1 };

/** A request frame body, as a client would send it. */
function frame(apiKey: number, apiVersion: number, message: object, correlationId = 7): Frame {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion, correlationId, clientId: "app" });
  API_BY_KEY.get(apiKey)!.encodeRequest(writer, apiVersion, message as never);
  const chunks = writer.toChunks();
  return { size: chunks.reduce((n, c) => n + c.length, 0), chunks };
}

/** A request header followed by whatever bytes: for keys and versions the codec can't encode. */
function rawFrame(apiKey: number, apiVersion: number, body: Buffer = Buffer.alloc(0)): Frame {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion, correlationId: 7, clientId: "app" });
  const chunks = [...writer.toChunks(), body];
  return { size: chunks.reduce((n, c) => n + c.length, 0), chunks };
}

/**
 * The policy, then a filter recording every request that got past it (what would reach tenancy and the broker).
 */
function policy(forwardable: ReadonlyMap<number, VersionRange> = TENANT_VERSION_RANGES, answered?: ReadonlyMap<number, VersionRange>) {
  const passed: number[] = [];
  const after: Filter = {
    name: "after",
    requestInterest: () => Interest.Header,
    onRequest: (request) => {
      passed.push(request.apiKey);
      return CONTINUE;
    },
  };
  return { chain: new FilterChain([new ApiPolicyFilter(forwardable, answered), after]), passed };
}

/** The gateway's own answer: header (correlation id 7) and body decoded at `apiVersion`. */
function answered(decision: Decision, apiKey: number, apiVersion: number): Record<string, unknown> {
  if (decision.kind !== "respond") throw new Error(`not answered: ${decision.kind} ${decision.kind === "close" ? decision.reason : ""}`);
  const reader = new Reader([decision.body]);
  expect(decodeResponseHeader(reader, responseHeaderVersion(apiKey, apiVersion)).correlationId).toBe(7);
  const body = API_BY_KEY.get(apiKey)!.decodeResponse(reader, apiVersion) as Record<string, unknown>;
  expect(reader.remaining).toBe(0);
  return body;
}

const creation = { resourceType: 2, resourceName: "orders", resourcePatternType: 3, principal: "User:x", host: "*", operation: 2, permissionType: 3 };
const metadataRequest = { topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAA", name: "orders" }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
const produceRequest = (acks: number) => ({ transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: "orders", partitionData: [{ index: 0, records: null }] }] });

describe("intersectApiVersions", () => {
  it.each([
    { what: "broker range inside ours: kept as is", broker: [range(3, 1, 11)], want: [range(3, 1, 11)] },
    { what: "broker newer than the codec: capped at our max", broker: [range(3, 0, 13)], want: [range(3, 0, 12)] },
    { what: "broker older minimum than ours: raised", broker: [range(1, 0, 17)], want: [range(1, 4, 17)] },
    { what: "api the codec doesn't know: dropped", broker: [range(3, 0, 11), range(99, 0, 1)], want: [range(3, 0, 11)] },
    { what: "no overlap: dropped", broker: [range(1, 0, 3)], want: [] },
  ])("$what", ({ broker, want }) => {
    expect(intersectApiVersions(broker, codec)).toEqual(want);
  });

  it("never raises the broker's Produce minimum (librdkafka compression, KAFKA-18659), still caps its maximum", () => {
    expect(intersectApiVersions([range(0, 0, 13)], codec)).toEqual([range(0, 0, 11)]);
  });

  it("keeps the broker's Produce v0 with the real codec and tenant ranges, which cover v0-2 (no special case needed)", () => {
    for (const served of [API_BY_KEY, TENANT_VERSION_RANGES]) {
      expect(served.get(0)!.minVersion).toBe(0);
      expect(intersectApiVersions([range(0, 0, 13)], served)).toEqual([range(0, 0, Math.min(13, served.get(0)!.maxVersion))]);
    }
  });
});

describe("offeredApiVersions", () => {
  const answeredApis = new Map([[ApiKey.SaslHandshake, SASL_HANDSHAKE]]);

  it("is (broker ∩ forwardable) ∪ answered, sorted by api key", () => {
    const broker = [range(3, 0, 13), range(1, 0, 17), range(30, 0, 3)];
    expect(offeredApiVersions(broker, codec, answeredApis)).toEqual([range(1, 4, 17), range(3, 0, 12), range(ApiKey.SaslHandshake, 0, 1)]);
  });

  it("offers an answered API the broker lacks, and the answered range over the broker's own", () => {
    expect(offeredApiVersions([range(3, 0, 12)], codec, answeredApis)).toEqual([range(3, 0, 12), range(ApiKey.SaslHandshake, 0, 1)]);
    expect(offeredApiVersions([range(ApiKey.SaslHandshake, 1, 5)], codec, answeredApis)).toEqual([range(ApiKey.SaslHandshake, 0, 1)]);
    // Even where it would also be forwardable: offered once, at the answered range.
    const forwardable = new Map([...codec, [ApiKey.SaslHandshake, { minVersion: 0, maxVersion: 5 }]]);
    expect(offeredApiVersions([range(ApiKey.SaslHandshake, 1, 5)], forwardable, answeredApis)).toEqual([range(ApiKey.SaslHandshake, 0, 1)]);
  });

  it("with nothing answered, is the intersection alone", () => {
    expect(offeredApiVersions([range(3, 0, 13), range(17, 0, 1)], codec, new Map())).toEqual([range(3, 0, 12)]);
  });
});

describe("ApiVersions responses", () => {
  const realChain = (forwardable: ReadonlyMap<number, VersionRange>) =>
    createFilterChain({ endpoint: testEndpoint(), addressMap: new BrokerAddressMap(async () => []), tenant: tenant(), forwardable, log: logger });

  /** Runs a broker's ApiVersions response (body in `bodyVersion`) to a request of `requestVersion` through `chain`. */
  function respond(chain: FilterChain, requestVersion: number, bodyVersion: number, message: Parameters<typeof encodeApiVersionsResponse>[2]) {
    const writer = new Writer();
    encodeResponseHeader(writer, 0, 5); // ApiVersions responses always use header v0
    encodeApiVersionsResponse(writer, bodyVersion, message);
    const chunks = writer.toChunks();
    const request: ChainedRequest = { apiKey: ApiKey.ApiVersions, apiVersion: requestVersion, correlationId: 5, expectsResponse: true, decodeResponse: true, states: undefined };
    const out = chain.onResponse(testSession(), request, { size: chunks.reduce((n, c) => n + c.length, 0), chunks });
    expect(out).toBeDefined();
    const reader = new Reader(out!);
    expect(reader.readInt32()).toBe(5);
    const decoded = decodeApiVersionsResponse(reader, bodyVersion);
    expect(reader.remaining).toBe(0);
    return decoded;
  }
  const triples = (decoded: { apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[] }) =>
    decoded.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion]);

  const metadataMax = API_BY_KEY.get(ApiKey.Metadata)!.maxVersion;

  it("offers clients only versions the gateway can decode", () => {
    const decoded = respond(policy(API_BY_KEY).chain, 3, 3, {
      errorCode: 0,
      apiKeys: [range(3, 0, metadataMax + 5), range(32_000, 0, 1)],
      throttleTimeMs: 0,
    });
    expect(triples(decoded)).toEqual([[3, 0, metadataMax]]);
  });

  it("offers tenants only allowlisted APIs, up to the policy's version, and the broker's own Produce minimum", () => {
    const fetchMax = TENANT_VERSION_RANGES.get(ApiKey.Fetch)!.maxVersion;
    const decoded = respond(realChain(TENANT_VERSION_RANGES), 3, 3, {
      errorCode: 0,
      apiKeys: [range(0, 0, 20), range(1, 0, fetchMax + 3), range(30, 0, 3), range(29, 0, 3), range(17, 0, 1), range(18, 0, 4)],
      throttleTimeMs: 0,
    });
    // CreateAcls, DescribeAcls and SaslHandshake are not for tenants; Fetch's minimum rises to the codec's.
    expect(triples(decoded)).toEqual([
      [0, 0, TENANT_VERSION_RANGES.get(ApiKey.Produce)!.maxVersion],
      [1, TENANT_VERSION_RANGES.get(ApiKey.Fetch)!.minVersion, fetchMax],
      [18, 0, 4],
    ]);
  });

  it("a response already within what may be offered is forwarded as received (not re-encoded)", () => {
    const writer = new Writer();
    encodeResponseHeader(writer, 0, 5);
    encodeApiVersionsResponse(writer, 3, { errorCode: 0, apiKeys: [range(3, 0, 12), range(18, 0, 4)], throttleTimeMs: 0 });
    const chunks = writer.toChunks();
    const request: ChainedRequest = { apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 5, expectsResponse: true, decodeResponse: true, states: undefined };
    expect(policy().chain.onResponse(testSession(), request, { size: chunks.reduce((n, c) => n + c.length, 0), chunks })).toBeUndefined();
  });

  it("reads a v0 answer to a version the broker doesn't support (UNSUPPORTED_VERSION)", () => {
    const decoded = respond(realChain(TENANT_VERSION_RANGES), 4, 0, { errorCode: 35, apiKeys: [range(18, 0, 3), range(32_000, 0, 1)] });
    expect(decoded.errorCode).toBe(35);
    expect(decoded.apiKeys.map((k) => k.apiKey)).toEqual([18]);
  });

  it("does not offer an API the virtual cluster denies", () => {
    const broker = [range(ApiKey.Metadata, 0, 12), range(ApiKey.CreateTopics, 2, 7), range(ApiKey.DeleteTopics, 0, 6)];
    const open = respond(realChain(TENANT_VERSION_RANGES), 3, 3, { errorCode: 0, apiKeys: broker, throttleTimeMs: 0 });
    expect(open.apiKeys.map((k) => k.apiKey)).toEqual([ApiKey.Metadata, ApiKey.CreateTopics, ApiKey.DeleteTopics]);
    const denied = respond(realChain(tenantVersionRanges([ApiKey.DeleteTopics])), 3, 3, { errorCode: 0, apiKeys: broker, throttleTimeMs: 0 });
    expect(denied.apiKeys.map((k) => k.apiKey)).toEqual([ApiKey.Metadata, ApiKey.CreateTopics]);
  });

  it("offers what the chain answers itself, whether or not the broker offers it, at the chain's range", () => {
    const { chain } = policy(TENANT_VERSION_RANGES, new Map([[ApiKey.SaslHandshake, SASL_HANDSHAKE]]));
    const lacking = respond(chain, 3, 3, { errorCode: 0, apiKeys: [range(ApiKey.Metadata, 0, 12), range(ApiKey.ApiVersions, 0, 4)], throttleTimeMs: 0 });
    expect(triples(lacking)).toEqual([
      [ApiKey.Metadata, 0, 12],
      [ApiKey.SaslHandshake, 0, 1],
      [ApiKey.ApiVersions, 0, 4],
    ]);
    const different = respond(chain, 3, 3, { errorCode: 0, apiKeys: [range(ApiKey.SaslHandshake, 1, 3), range(ApiKey.ApiVersions, 0, 4)], throttleTimeMs: 0 });
    expect(triples(different)).toEqual([
      [ApiKey.SaslHandshake, 0, 1],
      [ApiKey.ApiVersions, 0, 4],
    ]);
    // Likewise where the codec could forward it: the chain's own range, once.
    const overCodec = policy(API_BY_KEY, new Map([[ApiKey.SaslHandshake, SASL_HANDSHAKE]])).chain;
    expect(triples(respond(overCodec, 3, 3, { errorCode: 0, apiKeys: [range(ApiKey.SaslHandshake, 1, 1)], throttleTimeMs: 0 }))).toEqual([[ApiKey.SaslHandshake, 0, 1]]);
  });
});

describe("default deny", () => {
  it("answers a denied API with CLUSTER_AUTHORIZATION_FAILED per item, never forwarding it", async () => {
    const { chain, passed } = policy();
    const decision = await decide(chain, frame(ApiKey.CreateAcls, 3, { creations: [creation, creation] }));
    expect(answered(decision, ApiKey.CreateAcls, 3).results).toEqual([
      expect.objectContaining({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }),
      expect.objectContaining({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }),
    ]);
    expect(passed).toEqual([]);
  });

  it("reports every refusal to the sink with its reason; an allowed request carries none", async () => {
    const denied = await decide(policy().chain, frame(ApiKey.CreateAcls, 3, { creations: [creation] }));
    expect(denied).toMatchObject({ kind: "respond", refusal: "denied", delayMs: 0 });
    const unsupported = await decide(policy().chain, rawFrame(ApiKey.Fetch, TENANT_VERSION_RANGES.get(ApiKey.Fetch)!.maxVersion + 1));
    expect(unsupported).toMatchObject({ kind: "close", refusal: "unsupported_version" });
    const closed = await decide(policy().chain, frame(ApiKey.WriteTxnMarkers, 1, { markers: [] }));
    expect(closed).toMatchObject({ kind: "close", refusal: "denied" });
    const { chain, passed } = policy();
    const allowed = await decide(chain, frame(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }));
    expect(allowed.kind).toBe("forward");
    expect(passed).toEqual([ApiKey.Metadata]);
  });

  it("answers an allowed API at a version the policy doesn't serve with UNSUPPORTED_VERSION per item", async () => {
    const capped = new Map([...TENANT_VERSION_RANGES, [ApiKey.Metadata, { minVersion: 0, maxVersion: 9 }]]);
    const { chain, passed } = policy(capped);
    const decision = await decide(chain, frame(ApiKey.Metadata, 12, metadataRequest));
    expect(decision).toMatchObject({ kind: "respond", refusal: "unsupported_version" });
    expect(answered(decision, ApiKey.Metadata, 12).topics).toEqual([expect.objectContaining({ name: "orders", errorCode: ErrorCode.UNSUPPORTED_VERSION })]);
    expect((await decide(chain, frame(ApiKey.Metadata, 9, metadataRequest))).kind).toBe("forward");
    expect(passed).toEqual([ApiKey.Metadata]);
  });

  it.each([
    ["DescribeLogDirs", ApiKey.DescribeLogDirs, 4, { topics: null }],
    ["SaslHandshake", ApiKey.SaslHandshake, 1, { mechanism: "PLAIN" }],
    ["DescribeQuorum", ApiKey.DescribeQuorum, 2, { topics: [] }],
    ["AlterClientQuotas", ApiKey.AlterClientQuotas, 1, { entries: [{ entity: [{ entityType: "user", entityName: "x" }], ops: [] }], validateOnly: false }],
  ])("%s: CLUSTER_AUTHORIZATION_FAILED from the gateway", async (_name, apiKey, version, message) => {
    const decision = await decide(policy().chain, frame(apiKey, version, message));
    expect(decision).toMatchObject({ kind: "respond", refusal: "denied" });
    const response = answered(decision, apiKey, version);
    expect(JSON.stringify(response, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).toMatch(/"errorCode":31/);
  });

  it("closes when the refusal has nowhere to go: a denied request naming nothing gets no error-free answer", async () => {
    const { chain } = policy();
    expect(await decide(chain, frame(ApiKey.WriteTxnMarkers, 1, { markers: [] }))).toMatchObject({ kind: "close", reason: expect.stringContaining("no error code") });
    // The share coordinator's state API (broker to broker): no partition named, no per-partition error to carry.
    const summary = (partitions: object[]) => ({ groupId: "g", topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAQ", partitions }] });
    expect(await decide(chain, frame(ApiKey.ReadShareGroupStateSummary, 1, summary([])))).toMatchObject({ kind: "close", refusal: "denied" });
    const named = await decide(chain, frame(ApiKey.ReadShareGroupStateSummary, 1, summary([{ partition: 0, leaderEpoch: 0 }])));
    expect((answered(named, ApiKey.ReadShareGroupStateSummary, 1).results as { partitions: unknown[] }[])[0]!.partitions).toEqual([
      expect.objectContaining({ partition: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }),
    ]);
  });

  it("closes on an unknown api key or a version outside the codec (nothing to answer with)", async () => {
    const { chain, passed } = policy();
    expect(await decide(chain, rawFrame(999, 0))).toMatchObject({ kind: "close", reason: expect.stringContaining("unknown api key 999"), refusal: "denied" });
    expect(await decide(chain, rawFrame(ApiKey.CreateAcls, 99))).toMatchObject({ kind: "close", reason: expect.stringContaining("CreateAcls v99"), refusal: "denied" });
    // Fetch below the codec's range (v0-3, removed by KIP-896): allowlisted, but it can't be rewritten or answered.
    const belowCodec = API_BY_KEY.get(ApiKey.Fetch)!.minVersion - 1;
    expect(await decide(chain, rawFrame(ApiKey.Fetch, belowCodec))).toMatchObject({ kind: "close", reason: expect.stringContaining(`Fetch v${belowCodec}`), refusal: "unsupported_version" });
    expect(await decide(chain, rawFrame(ApiKey.Fetch, TENANT_VERSION_RANGES.get(ApiKey.Fetch)!.maxVersion + 1))).toMatchObject({ kind: "close" });
    expect(passed).toEqual([]);
  });

  it("answers an ApiVersions request newer than the gateway knows with the v0 fallback", async () => {
    const { chain, passed } = policy();
    const decision = await decide(chain, rawFrame(ApiKey.ApiVersions, 99, Buffer.from([0, 0, 0])));
    expect(answered(decision, ApiKey.ApiVersions, 0)).toEqual({
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: TENANT_VERSION_RANGES.get(ApiKey.ApiVersions)!.maxVersion }],
    });
    expect(passed).toEqual([]);
  });

  it("an acks=0 Produce it refuses closes the connection, reporting the refusal (there is no response to answer with)", async () => {
    const { chain, passed } = policy(tenantVersionRanges([ApiKey.Produce]));
    expect(await decide(chain, frame(ApiKey.Produce, 9, produceRequest(0)))).toMatchObject({ kind: "close", refusal: "denied" });
    const capped = policy(new Map([...TENANT_VERSION_RANGES, [ApiKey.Produce, { minVersion: 0, maxVersion: 8 }]]));
    expect(await decide(capped.chain, frame(ApiKey.Produce, 9, produceRequest(0)))).toMatchObject({ kind: "close", refusal: "unsupported_version" });
    expect(passed).toEqual([]);
    expect(capped.passed).toEqual([]);
  });

  it("a refusal answered for an acks=0 Produce is never sent: the connection closes with the refusal", async () => {
    // Whatever answers it (the policy, once Produce refusals carry per-partition error codes): the chain must close.
    const refuser: Filter = {
      name: "refuser",
      requestInterest: (apiKey) => (apiKey === ApiKey.Produce ? Interest.Header : Interest.None),
      onRequest: () => ({ kind: "respond", message: { responses: [], throttleTimeMs: 0 }, refusal: "denied" }),
    };
    const chain = new FilterChain([refuser]);
    expect(await decide(chain, frame(ApiKey.Produce, 9, produceRequest(0)))).toMatchObject({ kind: "close", reason: expect.stringContaining("acks=0"), refusal: "denied" });
    expect(await decide(chain, frame(ApiKey.Produce, 9, produceRequest(1)))).toMatchObject({ kind: "respond", refusal: "denied" });
  });
});

describe("per-virtual-cluster denied APIs", () => {
  const deleteTopics = { topics: [{ name: "orders", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }], timeoutMs: 1000 };
  const createTopics = { topics: [{ name: "orders", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 1000, validateOnly: false };

  it("refuses the denied API with CLUSTER_AUTHORIZATION_FAILED while the others pass", async () => {
    const { chain, passed } = policy(tenantVersionRanges([ApiKey.DeleteTopics]));
    const refused = await decide(chain, frame(ApiKey.DeleteTopics, 6, deleteTopics));
    expect(refused).toMatchObject({ kind: "respond", refusal: "denied" });
    expect(answered(refused, ApiKey.DeleteTopics, 6).responses).toEqual([expect.objectContaining({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })]);
    expect((await decide(chain, frame(ApiKey.CreateTopics, 7, createTopics))).kind).toBe("forward");
    expect((await decide(chain, frame(ApiKey.Metadata, 12, metadataRequest))).kind).toBe("forward");
    expect(passed).toEqual([ApiKey.CreateTopics, ApiKey.Metadata]);
  });

  it("passes it where the virtual cluster doesn't deny it", async () => {
    const { chain, passed } = policy(tenantVersionRanges());
    expect((await decide(chain, frame(ApiKey.DeleteTopics, 6, deleteTopics))).kind).toBe("forward");
    expect(passed).toEqual([ApiKey.DeleteTopics]);
  });

  it("passes an API the chain answers itself (SASL) on to the filter that answers it, though not forwardable", async () => {
    const { chain, passed } = policy(TENANT_VERSION_RANGES, new Map([[ApiKey.SaslHandshake, SASL_HANDSHAKE]]));
    const decision = await decide(chain, frame(ApiKey.SaslHandshake, 1, { mechanism: "PLAIN" }));
    expect(decision.kind).toBe("forward");
    expect(passed).toEqual([ApiKey.SaslHandshake]);
    // Without the answering filter it is refused like any API off the allowlist.
    expect(await decide(policy().chain, frame(ApiKey.SaslHandshake, 1, { mechanism: "PLAIN" }))).toMatchObject({ kind: "respond", refusal: "denied" });
  });

  it("a forwarded request keeps its header and body bytes (the policy changes nothing)", async () => {
    const f = frame(ApiKey.Metadata, 12, metadataRequest);
    const decision = await decide(new FilterChain([new ApiPolicyFilter(tenantVersionRanges([ApiKey.DeleteTopics]))]), f);
    if (decision.kind !== "forward") throw new Error(`not forwarded: ${decision.kind}`);
    expect(decision.body.equals(Buffer.concat(f.chunks))).toBe(true);
    expect(decodeRequestHeader(new Reader([decision.body])).clientId).toBe("app");
  });
});
