// Per-tenant cluster ids: derived from (physical id, prefix), never the physical one, stable, and mapped back in
// requests that carry one (ApiVersions v5 — KIP-1242's rebootstrap check — and Fetch v12+).
import { describe, expect, it } from "vitest";
import { ApiKey } from "../../../src/protocol/messages/index.js";
import { virtualClusterId } from "../../../src/tenancy/cluster-id.js";
import { TenantNamespace } from "../../../src/tenancy/namespace.js";
import { rewriteRequest, rewriteResponse, wantsTenancy, type TenantContext } from "../../../src/tenancy/rewrite.js";
import { TopicIdMap } from "../../../src/tenancy/topic-ids.js";

const PHYSICAL = "MkU3OEVBNTcwNTJENDM2Qg";

/** Two tenants of one physical cluster (one shared topic id map). */
function cluster(): { payments: TenantContext; analytics: TenantContext } {
  const topicIds = new TopicIdMap(async () => []);
  const topicConfigAllowlist = new Set<string>();
  return {
    payments: { ns: new TenantNamespace("payments", "payments."), topicIds, topicConfigAllowlist },
    analytics: { ns: new TenantNamespace("analytics", "analytics."), topicIds, topicConfigAllowlist },
  };
}

function metadataResponse(t: TenantContext, clusterId: string | null, version = 12): { clusterId: string | null } {
  const response = { throttleTimeMs: 0, brokers: [], clusterId, controllerId: 1, topics: [] };
  rewriteResponse(t, ApiKey.Metadata, version, response, undefined);
  return response;
}

function request(t: TenantContext, api: "ApiVersions" | "Fetch", version: number, clusterId: string | null): string | null | undefined {
  const message: { clusterId: string | null; topics?: []; forgottenTopicsData?: [] } = { clusterId };
  if (api === "Fetch") Object.assign(message, { topics: [], forgottenTopicsData: [] });
  const outcome = rewriteRequest(t, ApiKey[api], version, message);
  expect(outcome).toMatchObject({ kind: "forward" });
  return message.clusterId;
}

describe("virtualClusterId", () => {
  it("is Kafka's Uuid string form: 22 base64url chars, never starting with '-'", () => {
    for (let i = 0; i < 2000; i++) {
      const id = virtualClusterId(`cluster-${i}`, "payments.");
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, "base64url")).toHaveLength(16);
    }
  });

  it("is deterministic (stable across gateway processes) and differs per tenant and per physical cluster", () => {
    const a = virtualClusterId(PHYSICAL, "payments.");
    expect(virtualClusterId(PHYSICAL, "payments.")).toBe(a);
    expect(a).not.toBe(PHYSICAL);
    expect(virtualClusterId(PHYSICAL, "analytics.")).not.toBe(a);
    expect(virtualClusterId("AAAAAAAAAAAAAAAAAAAAAQ", "payments.")).not.toBe(a);
    // The parts are delimited: moving characters between them changes the id.
    expect(virtualClusterId("ab", "c.")).not.toBe(virtualClusterId("a", "bc."));
  });
});

describe("responses: each tenant sees its own cluster id", () => {
  it("Metadata clusterId (every version that has it)", () => {
    for (const version of [2, 9, 12, 13]) {
      const { payments, analytics } = cluster();
      expect(metadataResponse(payments, PHYSICAL, version).clusterId).toBe(virtualClusterId(PHYSICAL, "payments."));
      expect(metadataResponse(analytics, PHYSICAL, version).clusterId).toBe(virtualClusterId(PHYSICAL, "analytics."));
    }
  });

  it("a null cluster id stays null", () => {
    expect(metadataResponse(cluster().payments, null).clusterId).toBeNull();
  });

  it("DescribeCluster clusterId, and the physical id scrubbed from its message (which comes first)", () => {
    const { payments } = cluster();
    const response = { throttleTimeMs: 0, errorCode: 0, errorMessage: `cluster ${PHYSICAL} is busy`, endpointType: 1, clusterId: PHYSICAL, controllerId: 1, brokers: [], clusterAuthorizedOperations: 0 };
    rewriteResponse(payments, ApiKey.DescribeCluster, 1, response, undefined);
    const ours = virtualClusterId(PHYSICAL, "payments.");
    expect(response.clusterId).toBe(ours);
    expect(response.errorMessage).toBe(`cluster ${ours} is busy`);
  });

  it("the physical id, once known, is scrubbed from any response's messages", () => {
    const { payments } = cluster();
    metadataResponse(payments, PHYSICAL);
    const response = { responses: [{ name: "payments.orders", partitionResponses: [{ errorMessage: `not in ${PHYSICAL}`, recordErrors: [] }] }] };
    rewriteResponse(payments, ApiKey.Produce, 9, response, undefined);
    expect(response.responses[0]!.partitionResponses[0]!.errorMessage).toBe(`not in ${virtualClusterId(PHYSICAL, "payments.")}`);
  });

  it("wantsTenancy: Metadata v2+ and DescribeCluster responses are decoded", () => {
    expect(wantsTenancy(ApiKey.Metadata, 2).response).toBe(true);
    expect(wantsTenancy(ApiKey.DescribeCluster, 0).response).toBe(true);
  });
});

describe("requests: the tenant's id goes upstream as the physical one (KIP-1242 check keeps working)", () => {
  it.each([
    ["ApiVersions", 5],
    ["Fetch", 12],
    ["Fetch", 18],
  ] as const)("%s v%i", (api, version) => {
    const { payments, analytics } = cluster();
    const ours = virtualClusterId(PHYSICAL, "payments.");
    // Not learned yet (no Metadata since the gateway started): null, so the broker skips its check.
    expect(request(payments, api, version, ours)).toBeNull();
    metadataResponse(payments, PHYSICAL);
    expect(request(payments, api, version, ours)).toBe(PHYSICAL);
    expect(request(payments, api, version, null)).toBeNull();
    // Any other id mismatches upstream (REBOOTSTRAP_REQUIRED), another tenant's and the physical one included.
    expect(request(payments, api, version, "some-other-cluster")).toBe("some-other-cluster");
    expect(request(payments, api, version, virtualClusterId(PHYSICAL, "analytics."))).toBe(virtualClusterId(PHYSICAL, "analytics."));
    const guessed = request(payments, api, version, PHYSICAL);
    expect(guessed).not.toBe(PHYSICAL);
    expect(guessed).not.toBeNull();
    // The physical id is per cluster: the other tenant's requests map too.
    expect(request(analytics, api, version, virtualClusterId(PHYSICAL, "analytics."))).toBe(PHYSICAL);
  });

  it("ApiVersions below v5 has no cluster id: not decoded", () => {
    expect(wantsTenancy(ApiKey.ApiVersions, 4)).toEqual({ request: false, response: false });
    expect(wantsTenancy(ApiKey.ApiVersions, 5)).toEqual({ request: true, response: false });
  });
});
