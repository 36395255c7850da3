// The tenant's request filter on codec-built request frames: default deny answered by the gateway (or the
// connection closed when no answer can be built), the ApiVersions fallback, the upstream client id on every
// forwarded request, names prefixed, record bytes passed on as the very same slices, topic id misses decided later.
import { describe, expect, it } from "vitest";
import type { RequestVerdict } from "../../../src/filters/request-filter.js";
import { TenancyRequestFilter } from "../../../src/filters/tenancy-request.js";
import { TenancyResponseFilter } from "../../../src/filters/tenancy-response.js";
import { metrics } from "../../../src/control/metrics.js";
import { logger } from "../../../src/log.js";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { decodeRequestHeader, decodeResponseHeader, encodeRequestHeader, responseHeaderVersion } from "../../../src/protocol/headers.js";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { inVersionRange, type FieldSchema } from "../../../src/protocol/schema.js";
import { Writer } from "../../../src/protocol/writer.js";
import { TENANT_VERSION_RANGES } from "../../../src/tenancy/api-policy.js";
import { ABSENT_ID, FOREIGN_ID, OUR_ID, tenant, type TestTenant } from "../tenancy/tenant-fixture.js";

/** A request frame body, split in a few chunks like a socket would deliver it. */
function frame(apiKey: number, apiVersion: number, message: object, clientId: string | null = "app", correlationId = 7): Frame {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion, correlationId, clientId });
  API_BY_KEY.get(apiKey)!.encodeRequest(writer, apiVersion, message as never);
  const chunks = writer.toChunks();
  return { size: chunks.reduce((n, c) => n + c.length, 0), chunks };
}

function rawFrame(apiKey: number, apiVersion: number, body: Buffer = Buffer.alloc(0)): Frame {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion, correlationId: 7, clientId: "app" });
  const chunks = [...writer.toChunks(), body];
  return { size: chunks.reduce((n, c) => n + c.length, 0), chunks };
}

function verdictOf(t: TestTenant, f: Frame): RequestVerdict {
  const filter = new TenancyRequestFilter(t, logger);
  const reader = new Reader(f.chunks);
  const { apiKey, apiVersion, correlationId } = decodeRequestHeader(reader);
  expect(filter.wantsRequest()).toBe(true);
  return filter.onRequest({ apiKey, apiVersion, correlationId }, f);
}

function forwarded(verdict: RequestVerdict): { header: ReturnType<typeof decodeRequestHeader>; message: Record<string, unknown>; chunks: Buffer[] } {
  if (!("forward" in verdict) || verdict.forward === undefined) throw new Error(`not forwarded rewritten: ${JSON.stringify(verdict)}`);
  const reader = new Reader(verdict.forward);
  const header = decodeRequestHeader(reader);
  const message = API_BY_KEY.get(header.apiKey)!.decodeRequest(reader, header.apiVersion) as Record<string, unknown>;
  return { header, message, chunks: verdict.forward };
}

function answered(apiKey: number, apiVersion: number, verdict: RequestVerdict): Record<string, unknown> {
  if (!("respond" in verdict)) throw new Error(`not answered: ${JSON.stringify(verdict)}`);
  const reader = new Reader(verdict.respond);
  expect(decodeResponseHeader(reader, responseHeaderVersion(apiKey, apiVersion)).correlationId).toBe(7);
  return API_BY_KEY.get(apiKey)!.decodeResponse(reader, apiVersion) as Record<string, unknown>;
}

describe("tenancy request filter: default deny", () => {
  it("answers a denied API with CLUSTER_AUTHORIZATION_FAILED per item, never forwarding it", () => {
    const creation = { resourceType: 2, resourceName: "orders", resourcePatternType: 3, principal: "User:x", host: "*", operation: 2, permissionType: 3 };
    const response = answered(ApiKey.CreateAcls, 3, verdictOf(tenant(), frame(ApiKey.CreateAcls, 3, { creations: [creation, creation] })));
    expect(response.results).toEqual([
      expect.objectContaining({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }),
      expect.objectContaining({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }),
    ]);
  });

  it("counts every refused request by tenant, API and reason in bulkhead_requests_refused_total", async () => {
    const count = async (api: string, reason: string) =>
      (await metrics.requestsRefused.get()).values.find(
        (v) => v.labels.virtual_cluster === tenant().ns.tenant && v.labels.api === api && v.labels.reason === reason,
      )?.value ?? 0;
    const before = await count("CreateAcls", "denied");
    const creation = { resourceType: 2, resourceName: "orders", resourcePatternType: 3, principal: "User:x", host: "*", operation: 2, permissionType: 3 };
    verdictOf(tenant(), frame(ApiKey.CreateAcls, 3, { creations: [creation] }));
    verdictOf(tenant(), frame(ApiKey.CreateAcls, 3, { creations: [creation] }));
    expect(await count("CreateAcls", "denied")).toBe(before + 2);
    // An allowed request is not counted.
    const refusedBefore = (await metrics.requestsRefused.get()).values.reduce((n, v) => n + v.value, 0);
    verdictOf(tenant(), frame(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }));
    expect((await metrics.requestsRefused.get()).values.reduce((n, v) => n + v.value, 0)).toBe(refusedBefore);
  });

  it.each([
    ["DescribeLogDirs", ApiKey.DescribeLogDirs, 4, { topics: null }],
    ["SaslHandshake", ApiKey.SaslHandshake, 1, { mechanism: "PLAIN" }],
    ["DescribeQuorum", ApiKey.DescribeQuorum, 2, { topics: [] }],
    ["AlterClientQuotas", ApiKey.AlterClientQuotas, 1, { entries: [{ entity: [{ entityType: "user", entityName: "x" }], ops: [] }], validateOnly: false }],
  ])("%s: CLUSTER_AUTHORIZATION_FAILED from the gateway", (_name, apiKey, version, message) => {
    const response = answered(apiKey, version, verdictOf(tenant(), frame(apiKey, version, message)));
    expect(JSON.stringify(response, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).toMatch(/"errorCode":31/);
  });

  it("closes when the refusal has nowhere to go: a denied request naming nothing gets no error-free answer", () => {
    expect(verdictOf(tenant(), frame(ApiKey.WriteTxnMarkers, 1, { markers: [] }))).toEqual({ close: expect.stringContaining("no error code") });
    expect(verdictOf(tenant(), frame(ApiKey.ShareGroupDescribe, 1, { groupIds: [], includeAuthorizedOperations: false }))).toHaveProperty("close");
    expect(answered(ApiKey.ShareGroupDescribe, 1, verdictOf(tenant(), frame(ApiKey.ShareGroupDescribe, 1, { groupIds: ["g"], includeAuthorizedOperations: false }))).groups).toEqual([
      expect.objectContaining({ groupId: "g", errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }),
    ]);
  });

  it("closes on an unknown api key or a version outside the codec (nothing to answer with)", () => {
    expect(verdictOf(tenant(), rawFrame(999, 0))).toEqual({ close: expect.stringContaining("unknown api key 999") });
    expect(verdictOf(tenant(), rawFrame(ApiKey.CreateAcls, 99))).toEqual({ close: expect.stringContaining("CreateAcls v99") });
    // Fetch below the codec's range (v0-3, removed by KIP-896): allowlisted, but it can't be rewritten or answered.
    expect(verdictOf(tenant(), rawFrame(ApiKey.Fetch, API_BY_KEY.get(ApiKey.Fetch)!.minVersion - 1))).toEqual({ close: expect.stringContaining(`Fetch v${API_BY_KEY.get(ApiKey.Fetch)!.minVersion - 1}`) });
    expect(verdictOf(tenant(), rawFrame(ApiKey.Fetch, TENANT_VERSION_RANGES.get(ApiKey.Fetch)!.maxVersion + 1))).toHaveProperty("close");
  });

  it("answers an ApiVersions request newer than the gateway knows with the v0 fallback", () => {
    const response = answered(ApiKey.ApiVersions, 0, verdictOf(tenant(), rawFrame(ApiKey.ApiVersions, 99, Buffer.from([0, 0, 0]))));
    expect(response).toEqual({
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: TENANT_VERSION_RANGES.get(ApiKey.ApiVersions)!.maxVersion }],
    });
  });
});

describe("tenancy request filter: allowed requests", () => {
  it("ApiVersions: only the client id changes; the body goes on as the original bytes", () => {
    const f = frame(ApiKey.ApiVersions, 3, { clientSoftwareName: "kcat", clientSoftwareVersion: "1.7" }, "orders-service");
    const { header, message, chunks } = forwarded(verdictOf(tenant(), f));
    expect(header).toMatchObject({ apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 7, clientId: "payments/orders-service" });
    expect(message).toMatchObject({ clientSoftwareName: "kcat", clientSoftwareVersion: "1.7" });
    const original = Buffer.concat(f.chunks);
    const body = Buffer.concat(chunks.slice(1));
    expect(original.subarray(original.length - body.length).equals(body)).toBe(true);
    for (const chunk of chunks.slice(1)) expect(chunk.buffer).toBe(f.chunks[0]!.buffer); // views, not copies
  });

  it("a null client id becomes `<tenant>/`", () => {
    expect(forwarded(verdictOf(tenant(), frame(ApiKey.Heartbeat, 4, { groupId: "g", generationId: 1, memberId: "m", groupInstanceId: null }, null))).header.clientId).toBe("payments/");
  });

  it("Metadata: names prefixed, client id rewritten", () => {
    const request = { topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAA", name: "orders" }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
    const { header, message } = forwarded(verdictOf(tenant(), frame(ApiKey.Metadata, 12, request)));
    expect(header.clientId).toBe("payments/app");
    expect(message.topics).toEqual([expect.objectContaining({ name: "payments.orders" })]);
  });

  it("Produce: prefixed, and the record bytes go upstream as the very slices of the client's frame", () => {
    const records = Buffer.alloc(2048, 9);
    const request = { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: "orders", partitionData: [{ index: 0, records: [records] }] }] };
    const f = frame(ApiKey.Produce, 9, request);
    const whole = Buffer.concat(f.chunks); // one received chunk, like a socket read
    const start = whole.indexOf(records);
    const { message, chunks } = forwarded(verdictOf(tenant(), { size: whole.length, chunks: [whole] }));
    expect((message.topicData as { name: string }[])[0]!.name).toBe("payments.orders");
    const slice = chunks.find((c) => c.length === records.length)!;
    expect(slice.buffer).toBe(whole.buffer);
    expect(slice.byteOffset).toBe(whole.byteOffset + start);
  });

  it("Produce v13 by the tenant's own topic id: only the header is re-encoded, the body goes upstream as received", () => {
    const records = Buffer.alloc(2048, 9);
    const request = { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ topicId: OUR_ID, partitionData: [{ index: 0, records: [records] }] }] };
    const f = frame(ApiKey.Produce, 13, request);
    const whole = Buffer.concat(f.chunks);
    const bodyStart = new Reader([whole]);
    decodeRequestHeader(bodyStart);
    const { header, message, chunks } = forwarded(verdictOf(tenant(), { size: whole.length, chunks: [whole] }));
    expect(header.clientId).toBe("payments/app");
    expect((message.topicData as { topicId: string }[])[0]!.topicId).toBe(OUR_ID);
    // Header chunk(s), then one view of everything after the client's header: the body is not re-encoded.
    const body = chunks[chunks.length - 1]!;
    expect(body.buffer).toBe(whole.buffer);
    expect(body.byteOffset).toBe(whole.byteOffset + bodyStart.offset);
    expect(body.length).toBe(whole.length - bodyStart.offset);
  });

  it("Produce v13 naming a transactional id is re-encoded (the id gets the prefix)", () => {
    const request = { transactionalId: "tx", acks: -1, timeoutMs: 1000, topicData: [{ topicId: OUR_ID, partitionData: [{ index: 0, records: [Buffer.alloc(64, 1)] }] }] };
    const { message } = forwarded(verdictOf(tenant(), frame(ApiKey.Produce, 13, request)));
    expect(message.transactionalId).toBe("payments.tx");
  });

  it("a foreign topic id goes upstream as a stand-in, restored in the response (state carried)", async () => {
    const t = tenant();
    const request = { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics: [{ topicId: FOREIGN_ID, partitions: [] }], forgottenTopicsData: [], rackId: "" };
    // Foreign ids take the same (refreshing) path as unknown ones, so timing tells nothing.
    const first = verdictOf(t, frame(ApiKey.Fetch, 13, request));
    const verdict = "pending" in first ? await first.pending : first;
    const { message } = forwarded(verdict);
    const sent = (message.topics as { topicId: string }[])[0]!.topicId;
    expect(sent).not.toBe(FOREIGN_ID);
    expect("forward" in verdict && verdict.state).toBeDefined();
    const response = { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topicId: sent, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }] }] };
    const filter = new TenancyResponseFilter(t);
    expect(filter.wants(ApiKey.Fetch, 13)).toBe(true);
    filter.apply({ apiKey: ApiKey.Fetch, apiVersion: 13, correlationId: 7, rewrite: true, state: "forward" in verdict ? verdict.state : undefined }, response);
    expect(response.responses[0]!.topicId).toBe(FOREIGN_ID);
  });

  it("an unknown topic id is decided after the id map's refresh (pending), then forwarded", async () => {
    const t = tenant([{ id: ABSENT_ID, name: "payments.late" }]);
    const request = { topics: [{ topicId: ABSENT_ID, name: null }, { topicId: OUR_ID, name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
    const verdict = verdictOf(t, frame(ApiKey.Metadata, 12, request));
    if (!("pending" in verdict)) throw new Error("expected a pending verdict");
    const { header, message } = forwarded(await verdict.pending);
    expect(t.refreshes).toBe(1);
    expect(header.clientId).toBe("payments/app");
    expect((message.topics as { topicId: string }[]).map((x) => x.topicId)).toEqual([ABSENT_ID, OUR_ID]); // ours: sent as is
  });

  it("a local answer from the rewrite (a config outside the allowlist) is encoded in the request's version", () => {
    const request = { resources: [{ resourceType: 2, resourceName: "orders", configs: [{ name: "unclean.leader.election.enable", configOperation: 0, value: "true" }] }], validateOnly: false };
    const response = answered(ApiKey.IncrementalAlterConfigs, 1, verdictOf(tenant(), frame(ApiKey.IncrementalAlterConfigs, 1, request)));
    expect(response.responses).toEqual([expect.objectContaining({ resourceName: "orders", errorCode: ErrorCode.POLICY_VIOLATION })]);
  });

  it("every allowlisted API at every served version: decoded, rewritten and re-encoded without loss of framing", () => {
    const t = tenant(); // one: each id map preallocates its LRU capacity
    for (const [apiKey, range] of TENANT_VERSION_RANGES) {
      for (let version = range.minVersion; version <= range.maxVersion; version++) {
        const f = frame(apiKey, version, sample(apiKey, version));
        const verdict = verdictOf(t, f);
        if ("pending" in verdict || "close" in verdict) throw new Error(`${API_BY_KEY.get(apiKey)!.name} v${version}: ${JSON.stringify(verdict)}`);
        if ("forward" in verdict) expect(forwarded(verdict).header.clientId).toBe("payments/app");
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
