// rewriteResponse reports whether it changed the message: the data plane re-encodes only then. Every kind of change
// must say true (a change reported as none would forward physical names or ids to the tenant); a response that
// addresses only the tenant's own topic ids (Fetch v13+, Produce v13) says false and is forwarded as received.
import { describe, expect, it } from "vitest";
import { FilterChain } from "../../../src/filters/chain.js";
import { TenancyFilter } from "../../../src/filters/tenancy.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { encodeResponseHeader, responseHeaderVersion } from "../../../src/protocol/headers.js";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import type { FetchResponse } from "../../../src/protocol/messages/fetch.js";
import type { ProduceResponse } from "../../../src/protocol/messages/produce.js";
import { Writer } from "../../../src/protocol/writer.js";
import { virtualClusterId } from "../../../src/tenancy/cluster-id.js";
import { rewriteRequest, rewriteResponse, RewriteState, type RequestOutcome } from "../../../src/tenancy/rewrite.js";
import { testSession } from "../filters/chain-fixture.js";
import { FOREIGN_ID, OUR_ID, tenant } from "./tenant-fixture.js";

const PHYSICAL = "MkU3OEVBNTcwNTJENDM2Qg";
const OTHER_OWN_ID = "AAAAAAAAAAAAAAAAAAAABQ"; // payments.invoices

const records = (fill: number): Buffer[] => [Buffer.alloc(512, fill)];

function partition(index: number): FetchResponse["responses"][number]["partitions"][number] {
  return {
    partitionIndex: index,
    errorCode: 0,
    highWatermark: 10n,
    lastStableOffset: 10n,
    logStartOffset: 0n,
    abortedTransactions: [],
    preferredReadReplica: -1,
    records: records(index),
  };
}

function fetchById(...ids: string[]): FetchResponse {
  return { throttleTimeMs: 0, errorCode: 0, sessionId: 7, responses: ids.map((topicId) => ({ topicId, partitions: [partition(0), partition(1)] })) };
}

function produceById(ids: string[], errorMessage: string | null = null, batchIndexErrorMessage: string | null = null): ProduceResponse {
  return {
    throttleTimeMs: 0,
    responses: ids.map((topicId) => ({
      topicId,
      partitionResponses: [
        { index: 0, errorCode: 0, baseOffset: 5n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: batchIndexErrorMessage === null ? [] : [{ batchIndex: 0, batchIndexErrorMessage }], errorMessage },
      ],
    })),
  };
}

function withOwnIds(): ReturnType<typeof tenant> {
  const t = tenant();
  t.topicIds.learn(OTHER_OWN_ID, "payments.invoices");
  return t;
}

/** A Fetch v13 response frame body as the broker would send it. */
function fetchFrame(response: FetchResponse): Frame {
  const writer = new Writer();
  encodeResponseHeader(writer, responseHeaderVersion(ApiKey.Fetch, 13), 77);
  API_BY_KEY.get(ApiKey.Fetch)!.encodeResponse(writer, 13, response);
  const whole = Buffer.concat(writer.toChunks());
  return { size: whole.length, chunks: [whole] };
}

const stateOf = (outcome: RequestOutcome | Promise<RequestOutcome>): unknown => {
  const o = outcome as RequestOutcome;
  return o.kind === "forward" ? o.state : undefined;
};

describe("rewriteResponse reports no change", () => {
  it.each([13, 16, 18])("Fetch v%i whose topics are all the tenant's own ids: false, message untouched", (version) => {
    const t = withOwnIds();
    const response = fetchById(OUR_ID, OTHER_OWN_ID);
    const before = fetchById(OUR_ID, OTHER_OWN_ID);
    const slice = response.responses[0]!.partitions[0]!.records![0];
    expect(rewriteResponse(t, ApiKey.Fetch, version, response, undefined)).toBe(false);
    expect(response).toEqual(before);
    expect(response.responses[0]!.partitions[0]!.records![0]).toBe(slice);
  });

  it("Fetch v13 with no topics (an empty incremental fetch): false", () => {
    expect(rewriteResponse(tenant(), ApiKey.Fetch, 13, fetchById(), undefined)).toBe(false);
  });

  it("Fetch v13 with the state of a request that needed no stand-in: false", () => {
    const t = withOwnIds();
    const request = { topics: [{ topicId: OUR_ID, partitions: [] }], forgottenTopicsData: [] };
    const outcome = rewriteRequest(t, ApiKey.Fetch, 13, request);
    expect(rewriteResponse(t, ApiKey.Fetch, 13, fetchById(OUR_ID), stateOf(outcome))).toBe(false);
    // An empty RewriteState (no stand-ins, no regex) changes nothing either.
    expect(rewriteResponse(t, ApiKey.Fetch, 13, fetchById(OUR_ID), new RewriteState())).toBe(false);
  });

  it("Produce v13 by the tenant's own ids: false, message untouched", () => {
    const t = withOwnIds();
    const response = produceById([OUR_ID, OTHER_OWN_ID]);
    const before = structuredClone(response);
    expect(rewriteResponse(t, ApiKey.Produce, 13, response, undefined)).toBe(false);
    expect(response).toEqual(before);
  });

  it("Produce v13 with error messages that name nothing of the cluster: false", () => {
    const t = withOwnIds();
    const response = produceById([OUR_ID], "Record is invalid", "timestamp out of range");
    const before = structuredClone(response);
    expect(rewriteResponse(t, ApiKey.Produce, 13, response, undefined)).toBe(false);
    expect(response).toEqual(before);
  });

  it("the data plane forwards such a Fetch response as received (no re-encode)", () => {
    const chain = new FilterChain([new TenancyFilter(withOwnIds())]);
    const session = testSession();
    const request = { apiKey: ApiKey.Fetch, apiVersion: 13, correlationId: 77, expectsResponse: true, decodeResponse: true, states: undefined };
    expect(chain.onResponse(session, request, fetchFrame(fetchById(OUR_ID, OTHER_OWN_ID)))).toBeUndefined();
    // One foreign id among them: re-encoded, without it.
    const mixed = fetchFrame(fetchById(OUR_ID, FOREIGN_ID));
    const out = chain.onResponse(session, request, mixed);
    expect(out).toBeDefined();
    expect(Buffer.concat(out!).length).toBeLessThan(mixed.size);
  });
});

describe("rewriteResponse reports every change", () => {
  it("a stripped prefix (Fetch v12 by name)", () => {
    const response: FetchResponse = { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: "payments.orders", partitions: [partition(0)] }] };
    expect(rewriteResponse(tenant(), ApiKey.Fetch, 12, response, undefined)).toBe(true);
    expect(response.responses.map((r) => r.topic)).toEqual(["orders"]);
  });

  it("a stripped prefix (Produce v12 by name)", () => {
    const response: ProduceResponse = { throttleTimeMs: 0, responses: [{ name: "payments.orders", partitionResponses: [] }] };
    expect(rewriteResponse(tenant(), ApiKey.Produce, 12, response, undefined)).toBe(true);
    expect(response.responses[0]!.name).toBe("orders");
  });

  it("a dropped element: another tenant's topic id in a Fetch v13 response", () => {
    const response = fetchById(OUR_ID, FOREIGN_ID);
    expect(rewriteResponse(tenant(), ApiKey.Fetch, 13, response, undefined)).toBe(true);
    expect(response.responses.map((r) => r.topicId)).toEqual([OUR_ID]);
  });

  it("a dropped element alone: a Fetch v13 response holding only another tenant's id", () => {
    const response = fetchById(FOREIGN_ID);
    expect(rewriteResponse(tenant(), ApiKey.Fetch, 13, response, undefined)).toBe(true);
    expect(response.responses).toEqual([]);
  });

  it("a dropped element: a name outside the namespace (Produce v12)", () => {
    const response: ProduceResponse = { throttleTimeMs: 0, responses: [{ name: "analytics.orders", partitionResponses: [] }] };
    expect(rewriteResponse(tenant(), ApiKey.Produce, 12, response, undefined)).toBe(true);
    expect(response.responses).toEqual([]);
  });

  it("a restored id: the stand-in of the request's state (Fetch v13)", async () => {
    const t = tenant();
    const request = { topics: [{ topicId: FOREIGN_ID, partitions: [] }], forgottenTopicsData: [] };
    const outcome = await rewriteRequest(t, ApiKey.Fetch, 13, request);
    const sent = request.topics[0]!.topicId;
    expect(sent).not.toBe(FOREIGN_ID);
    const response = fetchById(sent);
    expect(rewriteResponse(t, ApiKey.Fetch, 13, response, stateOf(outcome))).toBe(true);
    expect(response.responses.map((r) => r.topicId)).toEqual([FOREIGN_ID]);
  });

  it("a restored id: a stand-in known to the id map, without state (Produce v13)", () => {
    const t = tenant();
    const standIn = t.topicIds.standInFor(FOREIGN_ID);
    const response = produceById([OUR_ID, standIn]);
    expect(rewriteResponse(t, ApiKey.Produce, 13, response, undefined)).toBe(true);
    expect(response.responses.map((r) => r.topicId)).toEqual([OUR_ID, FOREIGN_ID]);
  });

  it("a scrubbed message: the prefix in a Produce v13 error message", () => {
    const response = produceById([OUR_ID], "Topic payments.orders is marked for deletion");
    expect(rewriteResponse(withOwnIds(), ApiKey.Produce, 13, response, undefined)).toBe(true);
    expect(response.responses[0]!.partitionResponses[0]!.errorMessage).toBe("Topic orders is marked for deletion");
  });

  it("a scrubbed message: the prefix in a Produce v13 batch index error message only", () => {
    const response = produceById([OUR_ID], null, "bad record for payments.orders");
    expect(rewriteResponse(withOwnIds(), ApiKey.Produce, 13, response, undefined)).toBe(true);
    expect(response.responses[0]!.partitionResponses[0]!.recordErrors![0]!.batchIndexErrorMessage).toBe("bad record for orders");
  });

  it("a scrubbed message: a stand-in named in an error message", async () => {
    const t = tenant();
    const request = { transactionalId: null, topicData: [{ topicId: FOREIGN_ID, partitionData: [] }] };
    const outcome = await rewriteRequest(t, ApiKey.Produce, 13, request);
    const sent = request.topicData[0]!.topicId;
    const response = produceById([OUR_ID], `Topic id ${sent} not found`);
    expect(rewriteResponse(t, ApiKey.Produce, 13, response, stateOf(outcome))).toBe(true);
    expect(response.responses[0]!.partitionResponses[0]!.errorMessage).toBe(`Topic id ${FOREIGN_ID} not found`);
  });

  it("a scrubbed message: the physical cluster id in an error message", () => {
    const t = withOwnIds();
    const describe = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, endpointType: 1, clusterId: PHYSICAL, controllerId: 1, brokers: [], clusterAuthorizedOperations: 0 };
    rewriteResponse(t, ApiKey.DescribeCluster, 1, describe, undefined); // learns the physical id
    const response = produceById([OUR_ID], `cluster ${PHYSICAL} is busy`);
    expect(rewriteResponse(t, ApiKey.Produce, 13, response, undefined)).toBe(true);
    expect(response.responses[0]!.partitionResponses[0]!.errorMessage).toBe(`cluster ${virtualClusterId(PHYSICAL, "payments.")} is busy`);
  });

  it("a scrubbed message: the regex sent upstream in place of the client's", () => {
    const state = new RewriteState();
    state.regex = { sent: "payments\\.orders.*", original: "orders.*" };
    const response = produceById([OUR_ID], "Invalid regex payments\\.orders.*");
    expect(rewriteResponse(withOwnIds(), ApiKey.Produce, 13, response, state)).toBe(true);
    expect(response.responses[0]!.partitionResponses[0]!.errorMessage).toBe("Invalid regex orders.*");
  });

  it("a replaced cluster id (DescribeCluster v1)", () => {
    const response = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, endpointType: 1, clusterId: PHYSICAL, controllerId: 1, brokers: [], clusterAuthorizedOperations: 0 };
    expect(rewriteResponse(tenant(), ApiKey.DescribeCluster, 1, response, undefined)).toBe(true);
    expect(response.clusterId).toBe(virtualClusterId(PHYSICAL, "payments."));
  });

  it("a replaced cluster id (Metadata v12, an irregular rewrite as well)", () => {
    const response = { throttleTimeMs: 0, brokers: [], clusterId: PHYSICAL, controllerId: 1, topics: [] };
    expect(rewriteResponse(tenant(), ApiKey.Metadata, 12, response, undefined)).toBe(true);
    expect(response.clusterId).toBe(virtualClusterId(PHYSICAL, "payments."));
  });

  it("a stripped group id (DeleteGroups v2)", () => {
    const response = { throttleTimeMs: 0, results: [{ groupId: "payments.g", errorCode: 0 }, { groupId: "analytics.g", errorCode: 0 }] };
    expect(rewriteResponse(tenant(), ApiKey.DeleteGroups, 2, response, undefined)).toBe(true);
    expect(response.results.map((r) => r.groupId)).toEqual(["g"]);
  });

  it("an irregular rewrite counts as a change even when it leaves the message as it was (conservative)", () => {
    // FindCoordinator v4: the coordinator keys are rewritten by hand (find-coordinator-keys.ts).
    const response = { throttleTimeMs: 0, coordinators: [] };
    expect(rewriteResponse(tenant(), ApiKey.FindCoordinator, 4, response, undefined)).toBe(true);
  });
});
