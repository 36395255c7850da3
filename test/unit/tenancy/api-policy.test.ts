// The tenant allowlist: explicit, inside the codec, and nothing of cluster admin on it.
import { describe, expect, it } from "vitest";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import { TENANT_API_ALLOWLIST, TENANT_VERSION_RANGES, admission } from "../../../src/tenancy/api-policy.js";
import { rewriteRequest, rewriteResponse, wantsTenancy } from "../../../src/tenancy/rewrite.js";
import { tenant } from "./tenant-fixture.js";

const NEVER: (keyof typeof ApiKey)[] = [
  "CreateAcls", "DeleteAcls", "DescribeAcls", "AlterUserScramCredentials", "DescribeUserScramCredentials",
  "AlterClientQuotas", "DescribeClientQuotas", "AlterPartitionReassignments", "ListPartitionReassignments",
  "AlterReplicaLogDirs", "DescribeLogDirs", "ElectLeaders", "UpdateFeatures", "CreateDelegationToken",
  "RenewDelegationToken", "ExpireDelegationToken", "DescribeDelegationToken", "Vote", "BeginQuorumEpoch",
  "EndQuorumEpoch", "DescribeQuorum", "AlterPartition", "Envelope", "FetchSnapshot", "BrokerRegistration",
  "BrokerHeartbeat", "UnregisterBroker", "AllocateProducerIds", "ControllerRegistration", "WriteTxnMarkers",
  "AddRaftVoter", "RemoveRaftVoter", "UpdateRaftVoter", "SaslHandshake", "SaslAuthenticate",
  "InitializeShareGroupState", "ReadShareGroupState", "WriteShareGroupState", "DeleteShareGroupState", "ReadShareGroupStateSummary",
  "StreamsGroupTopologyDescriptionUpdate", "GetTelemetrySubscriptions", "PushTelemetry",
];

describe("tenant API allowlist", () => {
  it("lists only APIs the codec has, each up to a version inside the codec's range", () => {
    for (const [apiKey, { maxVersion }] of TENANT_API_ALLOWLIST) {
      const api = API_BY_KEY.get(apiKey);
      expect(api, `api key ${apiKey}`).toBeDefined();
      expect(maxVersion, api!.name).toBeGreaterThanOrEqual(api!.minVersion);
      expect(maxVersion, api!.name).toBeLessThanOrEqual(api!.maxVersion);
      expect(TENANT_VERSION_RANGES.get(apiKey)).toEqual({ minVersion: api!.minVersion, maxVersion });
    }
  });

  it.each(NEVER)("never allows %s", (name) => {
    expect(TENANT_API_ALLOWLIST.has(ApiKey[name])).toBe(false);
    expect(admission(ApiKey[name], 0)).toBe("denied");
  });

  it("allows the data, group, transaction, topic admin and config APIs", () => {
    const names = [...TENANT_API_ALLOWLIST.keys()].map((k) => API_BY_KEY.get(k)!.name);
    for (const name of ["Produce", "Fetch", "Metadata", "ApiVersions", "JoinGroup", "EndTxn", "CreateTopics", "IncrementalAlterConfigs", "ConsumerGroupHeartbeat", "ShareFetch"]) {
      expect(names).toContain(name);
    }
  });

  it("tells denied keys, unknown keys and versions outside the range apart", () => {
    expect(admission(ApiKey.Fetch, 12)).toBe("allowed");
    expect(admission(ApiKey.Fetch, 19)).toBe("unsupported-version");
    expect(admission(ApiKey.Fetch, 3)).toBe("unsupported-version"); // below the codec: can't be rewritten
    expect(admission(ApiKey.CreateAcls, 3)).toBe("denied");
    expect(admission(999, 0)).toBe("denied");
    expect(admission(-1, 0)).toBe("denied");
  });

  it.each([0, 1, 2])("allows Produce v%i (legacy message sets, Kafka 3.x), rewritten like v3-12: names prefixed, then stripped", (version) => {
    expect(TENANT_VERSION_RANGES.get(ApiKey.Produce)!.minVersion).toBe(0);
    expect(admission(ApiKey.Produce, version)).toBe("allowed");
    expect(wantsTenancy(ApiKey.Produce, version)).toEqual({ request: true, response: true });
    const records = [Buffer.from("legacy message set bytes")];
    const request = { acks: -1, timeoutMs: 1000, topicData: [{ name: "orders", partitionData: [{ index: 0, records }] }] };
    expect(rewriteRequest(tenant(), ApiKey.Produce, version, request)).toEqual({ kind: "forward" });
    expect(request.topicData[0]!.name).toBe("payments.orders");
    expect(request.topicData[0]!.partitionData[0]!.records).toBe(records); // the very slices
    expect(request).not.toHaveProperty("transactionalId");
    const response = { responses: [{ name: "payments.orders", partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5n }] }] };
    expect(rewriteResponse(tenant(), ApiKey.Produce, version, response, undefined)).toBe(true);
    expect(response.responses[0]!.name).toBe("orders");
  });

  it("every allowed API but ApiVersions names something the tenancy layer rewrites, or carries free text to scrub", () => {
    for (const [apiKey, { maxVersion }] of TENANT_API_ALLOWLIST) {
      if (apiKey === ApiKey.ApiVersions) continue;
      const wants = wantsTenancy(apiKey, maxVersion);
      expect(wants.request || wants.response, API_BY_KEY.get(apiKey)!.name).toBe(true);
    }
  });
});
