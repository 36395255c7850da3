// The tenant's filters on codec-built request frames, through the listener's chain (API policy, then tenancy): the
// upstream client id on every forwarded request, only the header re-encoded when the message needs nothing, names
// prefixed, record bytes passed on as the very same slices, topic id misses decided later, stand-in ids restored in
// the response. Default deny and its refusals are the API policy's (api-policy.test.ts).
import { describe, expect, it } from "vitest";
import type { ChainedRequest, FilterChain, RequestSink } from "../../../src/filters/chain.js";
import { createFilterChain } from "../../../src/filters/index.js";
import { logger } from "../../../src/log.js";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { decodeRequestHeader, decodeResponseHeader, encodeResponseHeader, responseHeaderVersion } from "../../../src/protocol/headers.js";
import type { FetchResponse } from "../../../src/protocol/messages/fetch.js";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { inVersionRange, type FieldSchema } from "../../../src/protocol/schema.js";
import { Writer } from "../../../src/protocol/writer.js";
import type { Session } from "../../../src/session/session.js";
import { TENANT_VERSION_RANGES } from "../../../src/tenancy/api-policy.js";
import { BrokerAddressMap } from "../../../src/upstream/broker-address-map.js";
import { ABSENT_ID, FOREIGN_ID, OUR_ID, tenant, type TestTenant } from "../tenancy/tenant-fixture.js";
import { answered, decide, forwarded, frame, testEndpoint, testSession } from "./chain-fixture.js";

/** The listener's chain for tenant `t`, nothing denied by config. */
function chainFor(t: TestTenant = tenant()): FilterChain {
  return createFilterChain({ endpoint: testEndpoint(), addressMap: new BrokerAddressMap(async () => []), tenant: t, forwardable: TENANT_VERSION_RANGES, log: logger });
}

/** Where the header of a frame ends: the offset of its message. */
function bodyStart(f: Frame): number {
  const reader = new Reader(f.chunks);
  decodeRequestHeader(reader);
  return reader.offset;
}


type Call =
  | { kind: "forward"; request: ChainedRequest; size: number; chunks: readonly Buffer[] }
  | { kind: "respond"; request: ChainedRequest; chunks: readonly Buffer[] }
  | { kind: "close"; reason: string };

/**
 * Starts a request through `chain` keeping what decide() can't show: whether the chain decided synchronously (the
 * returned promise), and the very chunks it handed on (to tell views of the received frame from copies).
 */
function start(chain: FilterChain, f: Frame, session: Session = testSession()): { settled: Promise<void> | undefined; calls: Call[] } {
  const calls: Call[] = [];
  const sink: RequestSink = {
    forward: (request, size, chunks) => calls.push({ kind: "forward", request, size, chunks }),
    respond: (request, chunks) => calls.push({ kind: "respond", request, chunks }),
    closeConnection: (reason) => calls.push({ kind: "close", reason }),
  };
  return { settled: chain.onRequest(session, f, sink), calls };
}

/** The chunks a synchronous decision forwarded. */
function forwardedChunks(chain: FilterChain, f: Frame): readonly Buffer[] {
  const { settled, calls } = start(chain, f);
  expect(settled).toBeUndefined();
  expect(calls).toHaveLength(1);
  const call = calls[0]!;
  if (call.kind !== "forward") throw new Error(`not forwarded: ${JSON.stringify(call)}`);
  expect(call.chunks.reduce((n, c) => n + c.length, 0)).toBe(call.size);
  return call.chunks;
}

describe("tenancy: client id", () => {
  it("ApiVersions: only the client id changes; the body goes on as the original bytes", async () => {
    const f = frame(ApiKey.ApiVersions, 3, { clientSoftwareName: "kcat", clientSoftwareVersion: "1.7" }, "orders-service");
    const { header, message } = forwarded(await decide(chainFor(), f));
    expect(header).toMatchObject({ apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 7, clientId: "payments/orders-service" });
    expect(message).toMatchObject({ clientSoftwareName: "kcat", clientSoftwareVersion: "1.7" });

    const chunks = forwardedChunks(chainFor(), f);
    const whole = f.chunks[0]!;
    const sent = Buffer.concat(chunks);
    const newHeader = bodyStart({ size: sent.length, chunks: [sent] });
    // Everything after the new header is byte-identical to everything after the client's header...
    expect(sent.subarray(newHeader).equals(whole.subarray(bodyStart(f)))).toBe(true);
    // ...and is made of views of the received frame, not copies: only the header chunk is new memory.
    const views = chunks.filter((c) => c.buffer === whole.buffer);
    expect(views.length).toBeGreaterThan(0);
    expect(views.reduce((n, c) => n + c.length, 0)).toBe(sent.length - newHeader);
    expect(views[0]!.byteOffset).toBe(whole.byteOffset + bodyStart(f));
  });

  it("a null client id becomes `<tenant>/`", async () => {
    const decision = await decide(chainFor(), frame(ApiKey.Heartbeat, 4, { groupId: "g", generationId: 1, memberId: "m", groupInstanceId: null }, null));
    expect(forwarded(decision).header.clientId).toBe("payments/");
  });

  it("follows a client id that changes within a session; the session keeps the client's own", async () => {
    const chain = chainFor();
    const session = testSession();
    const request = { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
    expect(forwarded(await decide(chain, frame(ApiKey.Metadata, 12, request, "one"), session)).header.clientId).toBe("payments/one");
    expect(forwarded(await decide(chain, frame(ApiKey.Metadata, 12, request, "one"), session)).header.clientId).toBe("payments/one");
    expect(forwarded(await decide(chain, frame(ApiKey.Metadata, 12, request, "two"), session)).header.clientId).toBe("payments/two");
    expect(session.clientId).toBe("two");
    // Another session of the same chain has its own.
    expect(forwarded(await decide(chain, frame(ApiKey.Metadata, 12, request, "three"))).header.clientId).toBe("payments/three");
  });

  it("a request the policy refuses never reaches tenancy: answered, not forwarded", async () => {
    const creation = { resourceType: 2, resourceName: "orders", resourcePatternType: 3, principal: "User:x", host: "*", operation: 2, permissionType: 3 };
    const decision = await decide(chainFor(), frame(ApiKey.CreateAcls, 3, { creations: [creation] }));
    expect(decision).toMatchObject({ kind: "respond", refusal: "denied" });
    expect(answered(decision, ApiKey.CreateAcls, 3).results).toEqual([expect.objectContaining({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })]);
  });
});

describe("tenancy: names and records", () => {
  it("Metadata: names prefixed, client id rewritten", async () => {
    const request = { topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAA", name: "orders" }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
    const { header, message } = forwarded(await decide(chainFor(), frame(ApiKey.Metadata, 12, request)));
    expect(header.clientId).toBe("payments/app");
    expect(message.topics).toEqual([expect.objectContaining({ name: "payments.orders" })]);
  });

  it("Produce: prefixed, and the record bytes go upstream as the very slices of the client's frame", async () => {
    const records = Buffer.alloc(2048, 9);
    const request = { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: "orders", partitionData: [{ index: 0, records: [records] }] }] };
    const f = frame(ApiKey.Produce, 9, request);
    const whole = f.chunks[0]!;
    const start = whole.indexOf(records);
    const { message } = forwarded(await decide(chainFor(), f));
    expect((message.topicData as { name: string }[])[0]!.name).toBe("payments.orders");
    const slice = forwardedChunks(chainFor(), f).find((c) => c.length === records.length)!;
    expect(slice).toBeDefined();
    expect(slice.buffer).toBe(whole.buffer);
    expect(slice.byteOffset).toBe(whole.byteOffset + start);
  });

  it("Produce v13 by the tenant's own topic id: only the header is re-encoded, the body goes upstream as received", async () => {
    const records = Buffer.alloc(2048, 9);
    const request = { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ topicId: OUR_ID, partitionData: [{ index: 0, records: [records] }] }] };
    const f = frame(ApiKey.Produce, 13, request);
    const whole = f.chunks[0]!;
    const { header, message } = forwarded(await decide(chainFor(), f));
    expect(header.clientId).toBe("payments/app");
    expect((message.topicData as { topicId: string }[])[0]!.topicId).toBe(OUR_ID);
    // Header chunk(s), then one view of everything after the client's header: the body is not re-encoded.
    const chunks = forwardedChunks(chainFor(), f);
    const body = chunks[chunks.length - 1]!;
    expect(body.buffer).toBe(whole.buffer);
    expect(body.byteOffset).toBe(whole.byteOffset + bodyStart(f));
    expect(body.length).toBe(whole.length - bodyStart(f));
  });

  it("Produce v13 naming a transactional id is re-encoded (the id gets the prefix)", async () => {
    const request = { transactionalId: "tx", acks: -1, timeoutMs: 1000, topicData: [{ topicId: OUR_ID, partitionData: [{ index: 0, records: [Buffer.alloc(64, 1)] }] }] };
    const { message } = forwarded(await decide(chainFor(), frame(ApiKey.Produce, 13, request)));
    expect(message.transactionalId).toBe("payments.tx");
  });

  it("a local answer from the rewrite (a config outside the allowlist) is encoded in the request's version, not as a refusal", async () => {
    const request = { resources: [{ resourceType: 2, resourceName: "orders", configs: [{ name: "unclean.leader.election.enable", configOperation: 0, value: "true" }] }], validateOnly: false };
    const decision = await decide(chainFor(), frame(ApiKey.IncrementalAlterConfigs, 1, request));
    expect(decision).toMatchObject({ kind: "respond", refusal: undefined });
    expect(answered(decision, ApiKey.IncrementalAlterConfigs, 1).responses).toEqual([expect.objectContaining({ resourceName: "orders", errorCode: ErrorCode.POLICY_VIOLATION })]);
  });
});

describe("tenancy: topic ids", () => {
  /** A Fetch v13 response naming `topicId`, as the broker would send it. */
  function fetchResponseFrame(topicId: string): Frame {
    const response: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topicId,
          partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, preferredReadReplica: -1, records: null }],
        },
      ],
    };
    const writer = new Writer();
    encodeResponseHeader(writer, responseHeaderVersion(ApiKey.Fetch, 13), 7);
    API_BY_KEY.get(ApiKey.Fetch)!.encodeResponse(writer, 13, response);
    const whole = Buffer.concat(writer.toChunks());
    return { size: whole.length, chunks: [whole] };
  }

  it("a foreign topic id goes upstream as a stand-in, restored in the response (state carried)", async () => {
    const t = tenant();
    const chain = chainFor(t);
    const session = testSession();
    const request = { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topicId: FOREIGN_ID, partitions: [] }], forgottenTopicsData: [], rackId: "" };
    // Foreign ids take the same (refreshing) path as unknown ones, so timing tells nothing: decide() awaits it.
    const { message, request: inFlight } = forwarded(await decide(chain, frame(ApiKey.Fetch, 13, request), session));
    const sent = (message.topics as { topicId: string }[])[0]!.topicId;
    expect(sent).not.toBe(FOREIGN_ID);
    expect(inFlight.decodeResponse).toBe(true);
    expect(inFlight.states?.some((s) => s !== undefined)).toBe(true);
    const out = chain.onResponse(session, inFlight, fetchResponseFrame(sent));
    expect(out).toBeDefined();
    const reader = new Reader(out!);
    expect(decodeResponseHeader(reader, responseHeaderVersion(ApiKey.Fetch, 13)).correlationId).toBe(7);
    const response = API_BY_KEY.get(ApiKey.Fetch)!.decodeResponse(reader, 13) as FetchResponse;
    expect(response.responses.map((r) => r.topicId)).toEqual([FOREIGN_ID]);
  });

  it("an unknown topic id is decided after the id map's refresh (pending), then forwarded", async () => {
    const t = tenant([{ id: ABSENT_ID, name: "payments.late" }]);
    const request = { topics: [{ topicId: ABSENT_ID, name: null }, { topicId: OUR_ID, name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
    const { settled, calls } = start(chainFor(t), frame(ApiKey.Metadata, 12, request));
    expect(settled).toBeInstanceOf(Promise);
    expect(calls).toEqual([]); // nothing decided until the lookup settles
    await settled;
    expect(t.refreshes).toBe(1);
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    if (call.kind !== "forward") throw new Error(`not forwarded: ${JSON.stringify(call)}`);
    const reader = new Reader(call.chunks);
    const header = decodeRequestHeader(reader);
    const message = API_BY_KEY.get(ApiKey.Metadata)!.decodeRequest(reader, 12) as { topics: { topicId: string }[] };
    expect(header.clientId).toBe("payments/app");
    expect(message.topics.map((x) => x.topicId)).toEqual([ABSENT_ID, OUR_ID]); // ours: sent as is
  });
});

describe("tenancy: every allowlisted API", () => {
  it("every allowlisted API at every served version: decided at once, rewritten and re-encoded without loss of framing", async () => {
    const t = tenant(); // one: each id map preallocates its LRU capacity
    const chain = chainFor(t);
    for (const [apiKey, range] of TENANT_VERSION_RANGES) {
      for (let version = range.minVersion; version <= range.maxVersion; version++) {
        const f = frame(apiKey, version, sample(apiKey, version));
        const { settled, calls } = start(chain, f);
        const what = `${API_BY_KEY.get(apiKey)!.name} v${version}`;
        if (settled !== undefined) throw new Error(`${what}: pending`);
        if (calls.length !== 1 || calls[0]!.kind === "close") throw new Error(`${what}: ${JSON.stringify(calls)}`);
        const decision = await decide(chain, f);
        if (decision.kind === "forward") expect(forwarded(decision).header.clientId, what).toBe("payments/app");
      }
    }
  });
});

/** The smallest valid request of an API (every field zero/empty), from the codec's encoder defaults. */
function sample(apiKey: number, version: number): object {
  return sampleOf(API_BY_KEY.get(apiKey)!.requestSchema.fields, version);
}

function sampleOf(fields: readonly FieldSchema[], version: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!inVersionRange(f.versions, version) || inVersionRange(f.taggedVersions, version)) continue;
    if (f.type.startsWith("[]")) out[f.name] = [];
    else if (f.fields !== undefined) out[f.name] = sampleOf(f.fields, version);
    else if (f.type === "string") out[f.name] = "x";
    else if (f.type === "bool") out[f.name] = false;
    else if (f.type === "int64") out[f.name] = -1n;
    else if (f.type === "uuid") out[f.name] = "AAAAAAAAAAAAAAAAAAAAAA";
    else if (f.type === "bytes") out[f.name] = Buffer.alloc(0);
    else if (f.type === "records") out[f.name] = null;
    else out[f.name] = f.type === "int8" || f.type === "int16" || f.type === "int32" ? -1 : 0;
  }
  return out;
}
