// The generic walk, one sample per allowlisted API (Kroxylicious style: message in → expected message out).
// Messages are partial: the walk reads only the fields on its precompiled paths.
import { describe, expect, it } from "vitest";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import { TENANT_API_ALLOWLIST } from "../../../src/tenancy/api-policy.js";
import { rewriteRequest, rewriteResponse, wantsTenancy } from "../../../src/tenancy/rewrite.js";
import { tenant } from "./tenant-fixture.js";

type Row = [api: keyof typeof ApiKey, version: number, input: object, expected: object];

const requests: Row[] = [
  ["Produce", 9, { transactionalId: "tx", topicData: [{ name: "orders", partitionData: [] }] }, { transactionalId: "payments.tx", topicData: [{ name: "payments.orders", partitionData: [] }] }],
  ["Produce", 9, { transactionalId: null, topicData: [] }, { transactionalId: null, topicData: [] }],
  ["Fetch", 12, { topics: [{ topic: "orders", partitions: [] }], forgottenTopicsData: [{ topic: "old", partitions: [] }] }, { topics: [{ topic: "payments.orders", partitions: [] }], forgottenTopicsData: [{ topic: "payments.old", partitions: [] }] }],
  ["ListOffsets", 7, { topics: [{ name: "orders", partitions: [] }] }, { topics: [{ name: "payments.orders", partitions: [] }] }],
  ["Metadata", 9, { topics: [{ name: "orders" }, { name: "__consumer_offsets" }] }, { topics: [{ name: "payments.orders" }, { name: "payments.__consumer_offsets" }] }],
  ["Metadata", 9, { topics: null }, { topics: null }], // all topics: filtered in the response
  ["Metadata", 0, { topics: [] }, { topics: [] }], // v0: empty = all topics
  ["OffsetCommit", 8, { groupId: "g", topics: [{ name: "orders", partitions: [] }] }, { groupId: "payments.g", topics: [{ name: "payments.orders", partitions: [] }] }],
  ["OffsetFetch", 7, { groupId: "g", topics: null }, { groupId: "payments.g", topics: null }],
  ["OffsetFetch", 8, { groups: [{ groupId: "g", topics: [{ name: "orders", partitionIndexes: [0] }] }] }, { groups: [{ groupId: "payments.g", topics: [{ name: "payments.orders", partitionIndexes: [0] }] }] }],
  ["OffsetFetch", 8, { groups: [{ groupId: "g", topics: null }] }, { groups: [{ groupId: "payments.g", topics: null }] }], // all the group's topics
  ["JoinGroup", 9, { groupId: "g", memberId: "m", protocolType: "consumer", protocols: [] }, { groupId: "payments.g", memberId: "m", protocolType: "consumer", protocols: [] }],
  // Static membership: instance ids are scoped to their (namespaced) group by the coordinator; null = dynamic member.
  ["JoinGroup", 9, { groupId: "g", groupInstanceId: "i-1", memberId: "", protocolType: "x", protocols: [] }, { groupId: "payments.g", groupInstanceId: "i-1", memberId: "", protocolType: "x", protocols: [] }],
  ["JoinGroup", 9, { groupId: "g", groupInstanceId: null, memberId: "", protocolType: "x", protocols: [] }, { groupId: "payments.g", groupInstanceId: null, memberId: "", protocolType: "x", protocols: [] }],
  ["TxnOffsetCommit", 3, { transactionalId: "tx", groupId: "g", groupInstanceId: null, memberId: "", topics: [] }, { transactionalId: "payments.tx", groupId: "payments.g", groupInstanceId: null, memberId: "", topics: [] }],
  ["Heartbeat", 4, { groupId: "g", memberId: "m" }, { groupId: "payments.g", memberId: "m" }],
  ["LeaveGroup", 5, { groupId: "g", members: [{ memberId: "m" }] }, { groupId: "payments.g", members: [{ memberId: "m" }] }],
  ["SyncGroup", 5, { groupId: "g", protocolType: "connect", assignments: [{ memberId: "m" }] }, { groupId: "payments.g", protocolType: "connect", assignments: [{ memberId: "m" }] }],
  ["DescribeGroups", 5, { groups: ["a", "analytics.b"] }, { groups: ["payments.a", "payments.analytics.b"] }],
  ["CreateTopics", 7, { topics: [{ name: "orders", configs: [{ name: "retention.ms", value: "1" }] }] }, { topics: [{ name: "payments.orders", configs: [{ name: "retention.ms", value: "1" }] }] }],
  ["DeleteTopics", 5, { topicNames: ["orders"] }, { topicNames: ["payments.orders"] }],
  ["DeleteRecords", 2, { topics: [{ name: "orders", partitions: [] }] }, { topics: [{ name: "payments.orders", partitions: [] }] }],
  ["InitProducerId", 4, { transactionalId: "tx" }, { transactionalId: "payments.tx" }],
  ["InitProducerId", 4, { transactionalId: null }, { transactionalId: null }], // idempotent producer: nothing to name
  ["OffsetForLeaderEpoch", 4, { topics: [{ topic: "orders", partitions: [] }] }, { topics: [{ topic: "payments.orders", partitions: [] }] }],
  ["AddPartitionsToTxn", 3, { v3AndBelowTransactionalId: "tx", v3AndBelowTopics: [{ name: "orders", partitions: [0] }] }, { v3AndBelowTransactionalId: "payments.tx", v3AndBelowTopics: [{ name: "payments.orders", partitions: [0] }] }],
  ["AddPartitionsToTxn", 4, { transactions: [{ transactionalId: "tx", topics: [{ name: "orders", partitions: [0] }] }] }, { transactions: [{ transactionalId: "payments.tx", topics: [{ name: "payments.orders", partitions: [0] }] }] }],
  ["AddOffsetsToTxn", 4, { transactionalId: "tx", groupId: "g" }, { transactionalId: "payments.tx", groupId: "payments.g" }],
  ["EndTxn", 4, { transactionalId: "tx" }, { transactionalId: "payments.tx" }],
  ["TxnOffsetCommit", 3, { transactionalId: "tx", groupId: "g", topics: [{ name: "orders", partitions: [] }] }, { transactionalId: "payments.tx", groupId: "payments.g", topics: [{ name: "payments.orders", partitions: [] }] }],
  ["CreatePartitions", 3, { topics: [{ name: "orders", count: 3 }] }, { topics: [{ name: "payments.orders", count: 3 }] }],
  ["DeleteGroups", 2, { groupsNames: ["g", ""] }, { groupsNames: ["payments.g", "payments."] }],
  ["OffsetDelete", 0, { groupId: "g", topics: [{ name: "orders", partitions: [] }] }, { groupId: "payments.g", topics: [{ name: "payments.orders", partitions: [] }] }],
  ["DescribeProducers", 0, { topics: [{ name: "orders", partitionIndexes: [0] }] }, { topics: [{ name: "payments.orders", partitionIndexes: [0] }] }],
  ["DescribeTransactions", 0, { transactionalIds: ["tx"] }, { transactionalIds: ["payments.tx"] }],
  ["ConsumerGroupHeartbeat", 0, { groupId: "g", subscribedTopicNames: ["orders"], topicPartitions: null }, { groupId: "payments.g", subscribedTopicNames: ["payments.orders"], topicPartitions: null }],
  ["ConsumerGroupDescribe", 0, { groupIds: ["g"] }, { groupIds: ["payments.g"] }],
  [
    "StreamsGroupHeartbeat",
    1,
    {
      groupId: "app",
      topology: {
        epoch: 0,
        subtopologies: [
          {
            subtopologyId: "0", sourceTopics: ["words"], sourceTopicRegex: [], repartitionSinkTopics: ["app-counts-repartition"], copartitionGroups: [],
            stateChangelogTopics: [], repartitionSourceTopics: [],
          },
          {
            subtopologyId: "1", sourceTopics: [], sourceTopicRegex: [], repartitionSinkTopics: [], copartitionGroups: [],
            stateChangelogTopics: [{ name: "app-counts-changelog", topicConfigs: [{ key: "cleanup.policy", value: "compact" }] }],
            repartitionSourceTopics: [{ name: "app-counts-repartition", topicConfigs: [] }],
          },
        ],
      },
    },
    {
      groupId: "payments.app",
      topology: {
        epoch: 0,
        subtopologies: [
          {
            subtopologyId: "0", sourceTopics: ["payments.words"], sourceTopicRegex: [], repartitionSinkTopics: ["payments.app-counts-repartition"], copartitionGroups: [],
            stateChangelogTopics: [], repartitionSourceTopics: [],
          },
          {
            subtopologyId: "1", sourceTopics: [], sourceTopicRegex: [], repartitionSinkTopics: [], copartitionGroups: [],
            stateChangelogTopics: [{ name: "payments.app-counts-changelog", topicConfigs: [{ key: "cleanup.policy", value: "compact" }] }],
            repartitionSourceTopics: [{ name: "payments.app-counts-repartition", topicConfigs: [] }],
          },
        ],
      },
    },
  ],
  ["StreamsGroupHeartbeat", 1, { groupId: "app", topology: null }, { groupId: "payments.app", topology: null }], // not joining: no topology
  ["StreamsGroupDescribe", 1, { groupIds: ["app"] }, { groupIds: ["payments.app"] }],
  ["ShareGroupHeartbeat", 1, { groupId: "g", subscribedTopicNames: ["orders"] }, { groupId: "payments.g", subscribedTopicNames: ["payments.orders"] }],
  ["ShareGroupHeartbeat", 1, { groupId: "g", subscribedTopicNames: null }, { groupId: "payments.g", subscribedTopicNames: null }], // unchanged since the last heartbeat
  ["ShareGroupDescribe", 1, { groupIds: ["g", "analytics.g"] }, { groupIds: ["payments.g", "payments.analytics.g"] }],
  ["ShareFetch", 2, { groupId: "g", topics: [], forgottenTopicsData: [] }, { groupId: "payments.g", topics: [], forgottenTopicsData: [] }],
  ["ShareFetch", 1, { groupId: null, topics: [], forgottenTopicsData: [] }, { groupId: null, topics: [], forgottenTopicsData: [] }],
  ["ShareAcknowledge", 2, { groupId: "g", topics: [] }, { groupId: "payments.g", topics: [] }],
  ["DescribeShareGroupOffsets", 1, { groups: [{ groupId: "g", topics: [{ topicName: "orders", partitions: [0] }] }, { groupId: "h", topics: null }] }, { groups: [{ groupId: "payments.g", topics: [{ topicName: "payments.orders", partitions: [0] }] }, { groupId: "payments.h", topics: null }] }],
  ["AlterShareGroupOffsets", 0, { groupId: "g", topics: [{ topicName: "orders", partitions: [] }] }, { groupId: "payments.g", topics: [{ topicName: "payments.orders", partitions: [] }] }],
  ["DeleteShareGroupOffsets", 0, { groupId: "g", topics: [{ topicName: "orders" }] }, { groupId: "payments.g", topics: [{ topicName: "payments.orders" }] }],
  ["ApiVersions", 5, { clusterId: "x" }, { clusterId: null }], // the tenant's cluster id: cluster-id.test.ts
  ["ApiVersions", 5, { clusterId: null }, { clusterId: null }],
  ["DescribeTopicPartitions", 0, { topics: [{ name: "orders" }], cursor: { topicName: "orders", partitionIndex: 2 } }, { topics: [{ name: "payments.orders" }], cursor: { topicName: "payments.orders", partitionIndex: 2 } }],
];

describe("generic request rewrite: every name gets the tenant prefix", () => {
  it.each(requests)("%s v%i", (api, version, input, expected) => {
    const request = structuredClone(input);
    expect(rewriteRequest(tenant(), ApiKey[api], version, request)).toMatchObject({ kind: "forward" });
    expect(request).toEqual(expected);
  });
});

const responses: Row[] = [
  [
    "Produce",
    9,
    { responses: [{ name: "payments.orders", partitionResponses: [{ errorMessage: "payments.orders is full", recordErrors: [{ batchIndexErrorMessage: "bad in payments.orders" }] }] }, { name: "analytics.orders", partitionResponses: [] }] },
    { responses: [{ name: "orders", partitionResponses: [{ errorMessage: "orders is full", recordErrors: [{ batchIndexErrorMessage: "bad in orders" }] }] }] },
  ],
  ["Fetch", 12, { responses: [{ topic: "payments.orders", partitions: [] }, { topic: "__consumer_offsets", partitions: [] }] }, { responses: [{ topic: "orders", partitions: [] }] }],
  ["ListOffsets", 7, { topics: [{ name: "payments.orders", partitions: [] }] }, { topics: [{ name: "orders", partitions: [] }] }],
  [
    "Metadata",
    9,
    { topics: [{ name: "payments.orders" }, { name: "analytics.orders" }, { name: "__consumer_offsets" }, { name: "payments" }, { name: "payments.__x" }] },
    { topics: [{ name: "orders" }, { name: "__x" }] },
  ],
  ["OffsetCommit", 8, { topics: [{ name: "payments.orders", partitions: [] }] }, { topics: [{ name: "orders", partitions: [] }] }],
  ["OffsetFetch", 7, { topics: [{ name: "payments.orders" }, { name: "analytics.orders" }] }, { topics: [{ name: "orders" }] }],
  [
    "OffsetFetch",
    8,
    { groups: [{ groupId: "payments.g", topics: [{ name: "payments.orders" }, { name: "x" }] }, { groupId: "analytics.g", topics: [] }] },
    { groups: [{ groupId: "g", topics: [{ name: "orders" }] }] },
  ],
  ["DescribeGroups", 5, { groups: [{ groupId: "payments.g", errorMessage: null }, { groupId: "analytics.g", errorMessage: null }] }, { groups: [{ groupId: "g", errorMessage: null }] }],
  ["ListGroups", 4, { groups: [{ groupId: "payments.g" }, { groupId: "analytics.g" }, { groupId: "console-consumer-1" }, { groupId: "payments." }] }, { groups: [{ groupId: "g" }, { groupId: "" }] }],
  ["CreateTopics", 5, { topics: [{ name: "payments.orders", errorMessage: "Topic 'payments.orders' already exists." }] }, { topics: [{ name: "orders", errorMessage: "Topic 'orders' already exists." }] }],
  ["DeleteTopics", 5, { responses: [{ name: "payments.orders", errorMessage: null }] }, { responses: [{ name: "orders", errorMessage: null }] }],
  ["DeleteRecords", 2, { topics: [{ name: "payments.orders", partitions: [] }] }, { topics: [{ name: "orders", partitions: [] }] }],
  ["OffsetForLeaderEpoch", 4, { topics: [{ topic: "payments.orders", partitions: [] }] }, { topics: [{ topic: "orders", partitions: [] }] }],
  ["AddPartitionsToTxn", 3, { resultsByTopicV3AndBelow: [{ name: "payments.orders", resultsByPartition: [] }] }, { resultsByTopicV3AndBelow: [{ name: "orders", resultsByPartition: [] }] }],
  ["AddPartitionsToTxn", 4, { resultsByTransaction: [{ transactionalId: "payments.tx", topicResults: [{ name: "payments.orders" }] }] }, { resultsByTransaction: [{ transactionalId: "tx", topicResults: [{ name: "orders" }] }] }],
  ["TxnOffsetCommit", 3, { topics: [{ name: "payments.orders", partitions: [] }] }, { topics: [{ name: "orders", partitions: [] }] }],
  ["CreatePartitions", 3, { results: [{ name: "payments.orders", errorMessage: "payments.orders has 3 partitions" }] }, { results: [{ name: "orders", errorMessage: "orders has 3 partitions" }] }],
  ["DeleteGroups", 2, { results: [{ groupId: "payments.g" }] }, { results: [{ groupId: "g" }] }],
  ["OffsetDelete", 0, { topics: [{ name: "payments.orders", partitions: [] }] }, { topics: [{ name: "orders", partitions: [] }] }],
  ["DescribeCluster", 1, { errorMessage: "no payments.x here", brokers: [] }, { errorMessage: "no x here", brokers: [] }],
  ["DescribeProducers", 0, { topics: [{ name: "payments.orders", partitions: [{ errorMessage: null }] }] }, { topics: [{ name: "orders", partitions: [{ errorMessage: null }] }] }],
  [
    "DescribeTransactions",
    0,
    { transactionStates: [{ transactionalId: "payments.tx", topics: [{ topic: "payments.orders", partitions: [0] }] }] },
    { transactionStates: [{ transactionalId: "tx", topics: [{ topic: "orders", partitions: [0] }] }] },
  ],
  ["ListTransactions", 1, { transactionStates: [{ transactionalId: "payments.tx" }, { transactionalId: "analytics.tx" }] }, { transactionStates: [{ transactionalId: "tx" }] }],
  ["ConsumerGroupHeartbeat", 0, { errorMessage: "payments.g is fenced", assignment: null }, { errorMessage: "g is fenced", assignment: null }],
  [
    "ConsumerGroupDescribe",
    0,
    { groups: [{ groupId: "payments.g", errorMessage: null, members: [{ subscribedTopicNames: ["payments.orders", "analytics.orders"], subscribedTopicRegex: null, assignment: { topicPartitions: [{ topicName: "payments.orders", partitions: [0] }] }, targetAssignment: { topicPartitions: [] } }] }] },
    { groups: [{ groupId: "g", errorMessage: null, members: [{ subscribedTopicNames: ["orders"], subscribedTopicRegex: null, assignment: { topicPartitions: [{ topicName: "orders", partitions: [0] }] }, targetAssignment: { topicPartitions: [] } }] }] },
  ],
  [
    "StreamsGroupHeartbeat",
    1,
    {
      errorMessage: null,
      status: [{ statusCode: 1, statusDetail: "Internal topics are missing: [payments.app-counts-changelog]" }],
      partitionsByUserEndpoint: [{ activePartitions: [{ topic: "payments.words", partitions: [0] }, { topic: "analytics.words", partitions: [0] }], standbyPartitions: [] }],
    },
    {
      errorMessage: null,
      status: [{ statusCode: 1, statusDetail: "Internal topics are missing: [app-counts-changelog]" }],
      partitionsByUserEndpoint: [{ activePartitions: [{ topic: "words", partitions: [0] }], standbyPartitions: [] }],
    },
  ],
  [
    "StreamsGroupDescribe",
    1,
    {
      groups: [
        {
          groupId: "payments.app", errorMessage: null, members: [],
          topology: { subtopologies: [{ sourceTopics: ["payments.words"], repartitionSinkTopics: [], stateChangelogTopics: [{ name: "payments.app-counts-changelog" }], repartitionSourceTopics: [] }] },
          topologyDescription: { subtopologies: [{ nodes: [{ sourceTopics: ["payments.words"], sinkTopic: null }, { sourceTopics: [], sinkTopic: "payments.counts" }] }], globalStores: [] },
        },
        { groupId: "analytics.app", errorMessage: null, members: [], topology: null, topologyDescription: null },
      ],
    },
    {
      groups: [
        {
          groupId: "app", errorMessage: null, members: [],
          topology: { subtopologies: [{ sourceTopics: ["words"], repartitionSinkTopics: [], stateChangelogTopics: [{ name: "app-counts-changelog" }], repartitionSourceTopics: [] }] },
          topologyDescription: { subtopologies: [{ nodes: [{ sourceTopics: ["words"], sinkTopic: null }, { sourceTopics: [], sinkTopic: "counts" }] }], globalStores: [] },
        },
      ],
    },
  ],
  ["ShareGroupHeartbeat", 1, { errorMessage: "payments.g is full", assignment: null }, { errorMessage: "g is full", assignment: null }],
  [
    "ShareGroupDescribe",
    1,
    { groups: [{ groupId: "payments.g", errorMessage: null, members: [{ subscribedTopicNames: ["payments.orders", "analytics.orders"], assignment: { topicPartitions: [{ topicName: "payments.orders", partitions: [0] }] } }] }, { groupId: "analytics.g", errorMessage: null, members: [] }] },
    { groups: [{ groupId: "g", errorMessage: null, members: [{ subscribedTopicNames: ["orders"], assignment: { topicPartitions: [{ topicName: "orders", partitions: [0] }] } }] }] },
  ],
  ["ShareFetch", 2, { errorMessage: null, responses: [{ partitions: [{ errorMessage: "payments.orders moved", acknowledgeErrorMessage: "payments.orders gone" }] }] }, { errorMessage: null, responses: [{ partitions: [{ errorMessage: "orders moved", acknowledgeErrorMessage: "orders gone" }] }] }],
  ["ShareAcknowledge", 2, { errorMessage: "payments.g: no session", responses: [] }, { errorMessage: "g: no session", responses: [] }],
  [
    "DescribeShareGroupOffsets",
    1,
    { groups: [{ groupId: "payments.g", errorMessage: null, topics: [{ topicName: "payments.orders", partitions: [{ errorMessage: null }] }, { topicName: "analytics.orders", partitions: [] }] }, { groupId: "analytics.g", errorMessage: null, topics: [] }] },
    { groups: [{ groupId: "g", errorMessage: null, topics: [{ topicName: "orders", partitions: [{ errorMessage: null }] }] }] },
  ],
  ["AlterShareGroupOffsets", 0, { errorMessage: null, responses: [{ topicName: "payments.orders", partitions: [{ errorMessage: "payments.orders: bad offset" }] }] }, { errorMessage: null, responses: [{ topicName: "orders", partitions: [{ errorMessage: "orders: bad offset" }] }] }],
  ["DeleteShareGroupOffsets", 0, { errorMessage: null, responses: [{ topicName: "payments.orders", errorMessage: null }] }, { errorMessage: null, responses: [{ topicName: "orders", errorMessage: null }] }],
  ["DescribeTopicPartitions", 0, { topics: [{ name: "payments.orders" }, { name: "payments.x" }], nextCursor: { topicName: "payments.y", partitionIndex: 0 } }, { topics: [{ name: "orders" }, { name: "x" }], nextCursor: { topicName: "y", partitionIndex: 0 } }],
];

describe("generic response rewrite: prefix stripped, what is not the tenant's dropped, messages scrubbed", () => {
  it.each(responses)("%s v%i", (api, version, input, expected) => {
    const response = structuredClone(input);
    rewriteResponse(tenant(), ApiKey[api], version, response, undefined);
    expect(response).toEqual(expected);
  });
});

describe("wantsTenancy", () => {
  it.each([
    ["ApiVersions", 3, false, false],
    ["Heartbeat", 4, true, false],
    ["Metadata", 12, true, true],
    ["ListGroups", 4, false, true],
    ["ApiVersions", 5, true, false], // v5: the client's cluster id
    ["DescribeCluster", 1, false, true], // cluster id, error message
    ["FindCoordinator", 0, true, true],
  ] as const)("%s v%i → request %s, response %s", (api, version, request, response) => {
    expect(wantsTenancy(ApiKey[api], version)).toEqual({ request, response });
  });

  it("is false for unknown keys and versions outside the codec", () => {
    expect(wantsTenancy(9999, 0)).toEqual({ request: false, response: false });
    expect(wantsTenancy(ApiKey.Metadata, 99)).toEqual({ request: false, response: false });
  });
});

describe("every allowlisted API has a sample row", () => {
  // The ones whose names depend on another field are sampled in irregular.test.ts.
  const irregular = [ApiKey.FindCoordinator, ApiKey.DescribeConfigs, ApiKey.AlterConfigs, ApiKey.IncrementalAlterConfigs];
  const sampled = new Set<number>([...[...requests, ...responses].map(([api]) => ApiKey[api]), ...irregular]);
  it.each([...TENANT_API_ALLOWLIST.keys()].map((k) => [API_BY_KEY.get(k)!.name, k] as const))("%s", (_name, apiKey) => {
    const { maxVersion } = TENANT_API_ALLOWLIST.get(apiKey)!;
    // Either sampled above, or nothing in it names anything (e.g. ApiVersions).
    const untouched = [...Array(maxVersion + 1).keys()].every((v) => {
      const w = wantsTenancy(apiKey, v);
      return !w.request && !w.response;
    });
    expect(sampled.has(apiKey) || untouched).toBe(true);
  });
});
