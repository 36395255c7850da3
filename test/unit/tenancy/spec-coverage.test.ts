// Guards the generic walk against the specs: in the allowlisted APIs, every field that could name a topic, group or
// transactional id WITHOUT an entityType annotation must have been reviewed here, with where it is handled. A new
// Kafka version adding such a field (or a new API on the allowlist) fails this test until someone looks at it.
import { describe, expect, it } from "vitest";
import { API_BY_KEY } from "../../../src/protocol/messages/index.js";
import type { FieldSchema } from "../../../src/protocol/schema.js";
import { TENANT_API_ALLOWLIST } from "../../../src/tenancy/api-policy.js";

const ALLOWLISTED = [...TENANT_API_ALLOWLIST.keys()];

const TOPIC_ID = "topic id: generic walk (tenancy-plan.ts)";
const CONFIG = "a config name or value";
const ASSIGNOR = "an assignor name";
const FREE_TEXT = "client-supplied free text (commit metadata)";
const GROUP_BYTES = "consumer protocol bytes: group-protocol.ts";
const INSTANCE = "a static member id: scoped to its (namespaced) group";
const STATE = "a group or transaction state/type name";
const CLIENT_TAG = "client-supplied free text (rack-aware assignment tags)";
const NODE = "a Streams processor node's name";

const REVIEWED: Record<string, string> = {
  "ProduceRequest.topicData.topicId": TOPIC_ID,
  "ProduceResponse.responses.topicId": TOPIC_ID,
  "FetchRequest.topics.topicId": TOPIC_ID,
  "FetchRequest.forgottenTopicsData.topicId": TOPIC_ID,
  "FetchRequest.topics.partitions.replicaDirectoryId": "a follower's log dir (broker-to-broker)",
  "FetchResponse.responses.topicId": TOPIC_ID,
  "MetadataRequest.topics.topicId": TOPIC_ID,
  "MetadataResponse.topics.topicId": TOPIC_ID,
  "OffsetCommitRequest.topics.topicId": TOPIC_ID,
  "OffsetCommitRequest.topics.partitions.committedMetadata": FREE_TEXT,
  "OffsetCommitResponse.topics.topicId": TOPIC_ID,
  "OffsetFetchRequest.groups.topics.topicId": TOPIC_ID,
  "OffsetFetchResponse.topics.partitions.metadata": FREE_TEXT,
  "OffsetFetchResponse.groups.topics.topicId": TOPIC_ID,
  "OffsetFetchResponse.groups.topics.partitions.metadata": FREE_TEXT,
  "FindCoordinatorRequest.key": "find-coordinator-keys.ts",
  "FindCoordinatorRequest.coordinatorKeys": "find-coordinator-keys.ts",
  "FindCoordinatorResponse.coordinators.key": "find-coordinator-keys.ts",
  "JoinGroupRequest.protocolType": "the group protocol's kind",
  "JoinGroupRequest.protocols.name": ASSIGNOR,
  "JoinGroupRequest.protocols.metadata": GROUP_BYTES,
  "JoinGroupResponse.protocolType": "the group protocol's kind",
  "JoinGroupResponse.protocolName": ASSIGNOR,
  "JoinGroupResponse.members.metadata": GROUP_BYTES,
  "SyncGroupRequest.protocolType": "the group protocol's kind",
  "SyncGroupRequest.protocolName": ASSIGNOR,
  "SyncGroupRequest.assignments.assignment": GROUP_BYTES,
  "SyncGroupResponse.protocolType": "the group protocol's kind",
  "SyncGroupResponse.protocolName": ASSIGNOR,
  "SyncGroupResponse.assignment": GROUP_BYTES,
  "DescribeGroupsResponse.groups.protocolType": "the group protocol's kind",
  "DescribeGroupsResponse.groups.protocolData": ASSIGNOR,
  "DescribeGroupsResponse.groups.members.memberMetadata": GROUP_BYTES,
  "DescribeGroupsResponse.groups.members.memberAssignment": GROUP_BYTES,
  "ListGroupsRequest.typesFilter": "group types (classic, consumer...)",
  "ListGroupsResponse.groups.protocolType": "the group protocol's kind",
  "ApiVersionsResponse.supportedFeatures.name": "a feature name",
  "ApiVersionsResponse.finalizedFeatures.name": "a feature name",
  "CreateTopicsRequest.topics.configs.name": "create-topics-policy.ts (allowlist)",
  "CreateTopicsResponse.topics.topicId": TOPIC_ID,
  "CreateTopicsResponse.topics.configs.name": CONFIG,
  "DeleteTopicsRequest.topics.topicId": TOPIC_ID,
  "DeleteTopicsResponse.responses.topicId": TOPIC_ID,
  "TxnOffsetCommitRequest.topics.topicId": TOPIC_ID,
  "TxnOffsetCommitRequest.topics.partitions.committedMetadata": FREE_TEXT,
  "TxnOffsetCommitResponse.topics.topicId": TOPIC_ID,
  "DescribeConfigsRequest.resources.resourceName": "config-resources.ts",
  "DescribeConfigsRequest.resources.configurationKeys": CONFIG,
  "DescribeConfigsResponse.results.resourceName": "config-resources.ts",
  "DescribeConfigsResponse.results.configs.name": CONFIG,
  "DescribeConfigsResponse.results.configs.synonyms.name": CONFIG,
  "AlterConfigsRequest.resources.resourceName": "config-resources.ts",
  "AlterConfigsRequest.resources.configs.name": "config-resources.ts (allowlist)",
  "AlterConfigsResponse.responses.resourceName": "config-resources.ts",
  "IncrementalAlterConfigsRequest.resources.resourceName": "config-resources.ts",
  "IncrementalAlterConfigsRequest.resources.configs.name": "config-resources.ts (allowlist)",
  "IncrementalAlterConfigsResponse.responses.resourceName": "config-resources.ts",
  "ListTransactionsRequest.transactionalIdPattern": "topic-regex.ts",
  "ConsumerGroupHeartbeatRequest.subscribedTopicRegex": "topic-regex.ts",
  "ConsumerGroupHeartbeatRequest.topicPartitions.topicId": TOPIC_ID,
  "ConsumerGroupHeartbeatRequest.serverAssignor": ASSIGNOR,
  "ConsumerGroupHeartbeatResponse.assignment.topicPartitions.topicId": TOPIC_ID,
  "ConsumerGroupDescribeResponse.groups.assignorName": ASSIGNOR,
  "ConsumerGroupDescribeResponse.groups.members.subscribedTopicRegex": "topic-regex.ts",
  "ConsumerGroupDescribeResponse.groups.members.assignment.topicPartitions.topicId": TOPIC_ID,
  "ConsumerGroupDescribeResponse.groups.members.targetAssignment.topicPartitions.topicId": TOPIC_ID,
  "DescribeTopicPartitionsResponse.topics.topicId": TOPIC_ID,
  "OffsetCommitRequest.groupInstanceId": INSTANCE,
  "JoinGroupRequest.groupInstanceId": INSTANCE,
  "JoinGroupResponse.members.groupInstanceId": INSTANCE,
  "HeartbeatRequest.groupInstanceId": INSTANCE,
  "LeaveGroupRequest.members.groupInstanceId": INSTANCE,
  "LeaveGroupResponse.members.groupInstanceId": INSTANCE,
  "SyncGroupRequest.groupInstanceId": INSTANCE,
  "DescribeGroupsResponse.groups.members.groupInstanceId": INSTANCE,
  "TxnOffsetCommitRequest.groupInstanceId": INSTANCE,
  "DescribeGroupsResponse.groups.groupState": STATE,
  "ListGroupsRequest.statesFilter": STATE,
  "ListGroupsResponse.groups.groupState": STATE,
  "ListGroupsResponse.groups.groupType": STATE,
  "DescribeTransactionsResponse.transactionStates.transactionState": STATE,
  "ListTransactionsRequest.stateFilters": STATE,
  "ListTransactionsResponse.unknownStateFilters": STATE,
  "ListTransactionsResponse.transactionStates.transactionState": STATE,
  "ConsumerGroupDescribeResponse.groups.groupState": STATE,
  "ShareGroupHeartbeatResponse.assignment.topicPartitions.topicId": TOPIC_ID,
  "ShareGroupDescribeResponse.groups.groupState": STATE,
  "ShareGroupDescribeResponse.groups.assignorName": ASSIGNOR,
  "ShareGroupDescribeResponse.groups.members.assignment.topicPartitions.topicId": TOPIC_ID,
  "ShareFetchRequest.topics.topicId": TOPIC_ID,
  "ShareFetchRequest.forgottenTopicsData.topicId": TOPIC_ID,
  "ShareFetchResponse.responses.topicId": TOPIC_ID,
  "ShareAcknowledgeRequest.topics.topicId": TOPIC_ID,
  "ShareAcknowledgeResponse.responses.topicId": TOPIC_ID,
  "DescribeShareGroupOffsetsResponse.groups.topics.topicId": TOPIC_ID,
  "AlterShareGroupOffsetsResponse.responses.topicId": TOPIC_ID,
  "DeleteShareGroupOffsetsResponse.responses.topicId": TOPIC_ID,
  "StreamsGroupHeartbeatRequest.topology.subtopologies.sourceTopicRegex": "streams-topology.ts",
  "StreamsGroupHeartbeatRequest.topology.subtopologies.stateChangelogTopics.topicConfigs.key": "streams-topology.ts (allowlist)",
  "StreamsGroupHeartbeatRequest.topology.subtopologies.repartitionSourceTopics.topicConfigs.key": "streams-topology.ts (allowlist)",
  "StreamsGroupHeartbeatRequest.clientTags.key": CLIENT_TAG,
  "StreamsGroupDescribeResponse.groups.groupState": STATE,
  "StreamsGroupDescribeResponse.groups.topology.subtopologies.stateChangelogTopics.topicConfigs.key": CONFIG,
  "StreamsGroupDescribeResponse.groups.topology.subtopologies.repartitionSourceTopics.topicConfigs.key": CONFIG,
  "StreamsGroupDescribeResponse.groups.members.clientTags.key": CLIENT_TAG,
  "StreamsGroupDescribeResponse.groups.topologyDescription.subtopologies.nodes.name": NODE,
  "StreamsGroupDescribeResponse.groups.topologyDescription.globalStores.source.name": NODE,
  "StreamsGroupDescribeResponse.groups.topologyDescription.globalStores.processor.name": NODE,
  "StreamsGroupDescribeResponse.groups.assignorName": ASSIGNOR,
};

/** Unannotated fields whose type or name could hold a topic, group or transactional id. */
const SUSPECT_NAME = /topic|group|transaction|key|regex|pattern|resource|metadata|assign|protocol|^name$|filter/i;

function suspects(fields: readonly FieldSchema[], path: string, out: string[]): void {
  for (const f of fields) {
    const p = `${path}.${f.name}`;
    if (f.fields !== undefined) suspects(f.fields, p, out);
    else if (f.entityType === undefined && (f.type === "uuid" || (/^(\[\])?(string|bytes)$/.test(f.type) && SUSPECT_NAME.test(f.name)))) out.push(p);
  }
}

describe("every unannotated name-like field of the allowlisted APIs is reviewed", () => {
  const found: string[] = [];
  for (const apiKey of ALLOWLISTED) {
    const api = API_BY_KEY.get(apiKey)!;
    suspects(api.requestSchema.fields, `${api.name}Request`, found);
    suspects(api.responseSchema.fields, `${api.name}Response`, found);
  }

  it("no new ones", () => {
    expect(found.filter((p) => REVIEWED[p] === undefined)).toEqual([]);
  });

  it("no stale entries", () => {
    expect(Object.keys(REVIEWED).filter((p) => !found.includes(p))).toEqual([]);
  });
});
