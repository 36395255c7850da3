// buildErrorResponse: the API's own response with every error code set, per-item results mirroring the request.
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import type { FieldSchema } from "../../../src/protocol/schema.js";
import { inVersionRange } from "../../../src/protocol/schema.js";
import { Writer } from "../../../src/protocol/writer.js";
import { DENIABLE_API_NAMES, TENANT_VERSION_RANGES } from "../../../src/tenancy/api-policy.js";
import { buildErrorResponse } from "../../../src/tenancy/rewrite.js";
import { sampleMessage, versionsOf } from "../protocol/sample-message.js";

type Obj = Record<string, unknown>;

/** Every error code field of a decoded message (tagged ones included when present). */
function errorCodes(fields: readonly FieldSchema[], version: number, msg: Obj, out: number[] = []): number[] {
  for (const f of fields) {
    if (!inVersionRange(f.versions, version)) continue;
    const value = msg[f.name];
    if (f.type === "int16" && /(?:^e|E)rrorCode$/.test(f.name) && value !== undefined) out.push(value as number);
    if (f.fields === undefined || value === null || value === undefined) continue;
    for (const item of Array.isArray(value) ? (value as Obj[]) : [value as Obj]) errorCodes(f.fields, version, item, out);
  }
  return out;
}

const every = [...API_BY_KEY.values()].flatMap((api) => versionsOf([api.minVersion, api.maxVersion]).map((v) => [api.name, v] as const));

describe("buildErrorResponse for every API and version", () => {
  it.each(every)("%s v%i round-trips through the codec with every error code set", (name, version) => {
    const api = API_BY_KEY.get(ApiKey[name as keyof typeof ApiKey])!;
    const request = sampleMessage(api.requestSchema, version, 7);
    const response = buildErrorResponse(api.apiKey, version, request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED) as Obj;
    expect(response).toBeDefined();
    if ("throttleTimeMs" in response) expect(response.throttleTimeMs).toBe(0);
    const w = new Writer();
    api.encodeResponse(w, version, response);
    const decoded = api.decodeResponse(new Reader(w.toChunks()), version) as Obj;
    expect(decoded).toEqual(response);
    const codes = errorCodes(api.responseSchema.fields, version, decoded);
    expect(codes.every((c) => c === ErrorCode.CLUSTER_AUTHORIZATION_FAILED)).toBe(true);
  });

  // A virtual cluster's config may deny any of these: the refusal must be answered (with the error in at least one
  // place the client reads), never turned into a closed connection for want of an error code.
  const deniable = DENIABLE_API_NAMES.flatMap((name) => {
    const range = TENANT_VERSION_RANGES.get(ApiKey[name as keyof typeof ApiKey])!;
    return versionsOf([range.minVersion, range.maxVersion]).map((v) => [name, v] as const);
  });
  it.each(deniable)("%s v%i, deniable per virtual cluster, carries the refusal in some error code", (name, version) => {
    const api = API_BY_KEY.get(ApiKey[name as keyof typeof ApiKey])!;
    // Sample requests with random lists: some name nothing (closing is right for those), the others must be answered.
    const answered = Array.from({ length: 20 }, (_, seed) => {
      const request = sampleMessage(api.requestSchema, version, seed + 1);
      const response = buildErrorResponse(api.apiKey, version, request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED) as Obj;
      return errorCodes(api.responseSchema.fields, version, response).includes(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    });
    expect(answered.filter(Boolean).length).toBeGreaterThanOrEqual(3);
  });

  it("is undefined for unknown keys and versions outside the codec", () => {
    expect(buildErrorResponse(9999, 0, {}, 31)).toBeUndefined();
    expect(buildErrorResponse(ApiKey.Metadata, 99, {}, 31)).toBeUndefined();
  });
});

describe("per-item results mirror the request", () => {
  const CAF = ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
  it.each([
    ["CreateAcls", 3, { creations: [{}, {}] }, { results: [{ errorCode: CAF, errorMessage: "denied" }, { errorCode: CAF, errorMessage: "denied" }] }],
    ["DeleteAcls", 3, { filters: [{}] }, { filterResults: [{ errorCode: CAF, errorMessage: "denied", matchingAcls: [] }] }],
    [
      "AlterClientQuotas",
      1,
      { entries: [{ entity: [{ entityType: "user", entityName: "u" }], ops: [] }] },
      { entries: [{ errorCode: CAF, errorMessage: "denied", entity: [{ entityType: "user", entityName: "u" }] }] },
    ],
    ["AlterUserScramCredentials", 0, { deletions: [{ name: "a" }], upsertions: [{ name: "b" }, { name: "a" }] }, { results: [{ user: "a", errorCode: CAF }, { user: "b", errorCode: CAF }] }],
    ["DescribeUserScramCredentials", 0, { users: [{ name: "a" }] }, { errorCode: CAF, results: [{ user: "a", errorCode: CAF, credentialInfos: [] }] }],
    [
      "AlterReplicaLogDirs",
      2,
      { dirs: [{ path: "/a", topics: [{ name: "t", partitions: [0] }] }, { path: "/b", topics: [{ name: "t", partitions: [1] }] }] },
      { results: [{ topicName: "t", partitions: [{ partitionIndex: 0, errorCode: CAF }, { partitionIndex: 1, errorCode: CAF }] }] },
    ],
    ["DescribeLogDirs", 4, { topics: null }, { errorCode: CAF, results: [] }],
    ["ElectLeaders", 2, { topicPartitions: [{ topic: "t", partitions: [3] }] }, { errorCode: CAF, replicaElectionResults: [{ topic: "t", partitionResult: [{ partitionId: 3, errorCode: CAF }] }] }],
    [
      "AlterPartitionReassignments",
      0,
      { topics: [{ name: "t", partitions: [{ partitionIndex: 2, replicas: [1] }] }] },
      { errorCode: CAF, responses: [{ name: "t", partitions: [{ partitionIndex: 2, errorCode: CAF }] }] },
    ],
    ["UpdateFeatures", 1, { featureUpdates: [{ feature: "f" }] }, { errorCode: CAF, results: [{ feature: "f", errorCode: CAF }] }],
    ["UpdateFeatures", 2, { featureUpdates: [{ feature: "f" }] }, { errorCode: CAF }], // v2 has no per-feature results
    ["CreateDelegationToken", 3, { renewers: [] }, { errorCode: CAF, tokenId: "", hmac: Buffer.alloc(0) }],
    ["DescribeDelegationToken", 3, { owners: null }, { errorCode: CAF, tokens: [] }],
    ["DescribeConfigs", 4, { resources: [{ resourceType: 4, resourceName: "1" }] }, { results: [{ resourceType: 4, resourceName: "1", errorCode: CAF, configs: [] }] }],
    ["IncrementalAlterConfigs", 1, { resources: [{ resourceType: 2, resourceName: "t", configs: [] }] }, { responses: [{ resourceType: 2, resourceName: "t", errorCode: CAF }] }],
    ["DeleteTopics", 6, { topics: [{ name: "t", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }] }, { responses: [{ name: "t", topicId: "AAAAAAAAAAAAAAAAAAAAAA", errorCode: CAF }] }],
    ["DescribeGroups", 5, { groups: ["g"] }, { groups: [{ groupId: "g", errorCode: CAF, members: [] }] }],
    ["ShareGroupDescribe", 1, { groupIds: ["g"] }, { groups: [{ groupId: "g", errorCode: CAF }] }],
    [
      "WriteTxnMarkers",
      2,
      { markers: [{ producerId: 7n, topics: [{ name: "t", partitionIndexes: [0, 1] }] }] },
      { markers: [{ producerId: 7n, topics: [{ name: "t", partitions: [{ partitionIndex: 0, errorCode: CAF }, { partitionIndex: 1, errorCode: CAF }] }] }] },
    ],
    [
      "DescribeShareGroupOffsets",
      1,
      { groups: [{ groupId: "g", topics: [{ topicName: "t", partitions: [2] }] }] },
      { groups: [{ groupId: "g", errorCode: CAF, topics: [{ topicName: "t", partitions: [{ partitionIndex: 2, errorCode: CAF }] }] }] },
    ],
    ["DescribeShareGroupOffsets", 1, { groups: [{ groupId: "g", topics: null }] }, { groups: [{ groupId: "g", errorCode: CAF, topics: [] }] }],
    ["ReadShareGroupState", 0, { groupId: "g", topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAQ", partitions: [{ partition: 4 }] }] }, { results: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAQ", partitions: [{ partition: 4, errorCode: CAF }] }] }],
    ["ReadShareGroupStateSummary", 1, { groupId: "g", topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAQ", partitions: [{ partition: 0 }] }] }, { results: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAQ", partitions: [{ partition: 0, errorCode: CAF }] }] }],
  ] as const)("%s v%i", (name, version, request, expected) => {
    expect(buildErrorResponse(ApiKey[name], version, request, CAF, "denied")).toMatchObject(expected);
  });
});
