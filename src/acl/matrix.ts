// Kafka's authorization matrix for the APIs a tenant may use: one row per API, to be held against the authorize
// calls of Kafka's KafkaApis and the "Operations and Resources on Protocols" table of its documentation. Every API
// on the tenant allowlist has a row (a test checks); an API without one is refused while ACLs are on.
import { ErrorCode } from "../protocol/error-codes.js";
import { ApiKey } from "../protocol/messages/index.js";
import {
  addPartitionsToTxn,
  createTopicsConfigs,
  describedGroupTopics,
  describeShareGroupOffsetsTopics,
  describeTransactionsTopics,
  fetchSessionForwards,
  initProducerId,
  metadataAutoCreate,
  offsetFetchGroups,
  shareSessionForwards,
  streamsInternalTopics,
  topologyTopics,
  withAuthorizedOperations,
} from "./irregular.js";
import { ZERO_UUID } from "../tenancy/topic-ids.js";
import { Operation as Op, ResourceType as R } from "./operations.js";
import type { AclRow, EntryName, Obj, WholeCheck } from "./row.js";

const E = ErrorCode;
const str = (field: string) => (request: Obj) => request[field] as string | null | undefined;

const group = (operation: Op, field = "groupId"): WholeCheck => ({ type: R.Group, operation, names: str(field), error: E.GROUP_AUTHORIZATION_FAILED });
const transactionalId = (operation: Op, field = "transactionalId"): WholeCheck => ({
  type: R.TransactionalId,
  operation,
  names: str(field),
  error: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
});

/**
 * What a request entry names: a string entry (a group, a transactional id, a coordinator key) names itself; for a
 * topic, a non-zero topic id decides (the broker goes by it, whatever the name says; Kafka
 * 4's Java client sends "" beside it), else `name` or `topic`.
 */
export function requestTopic(entry: unknown): EntryName {
  if (typeof entry === "string") return { name: entry };
  const e = entry as Obj;
  if (typeof e.topicId === "string" && e.topicId !== ZERO_UUID) return { topicId: e.topicId };
  const name = (e.name ?? e.topic ?? e.topicName) as string | null | undefined;
  return name === undefined || name === null ? undefined : { name };
}

/** The topic a response result is about: the broker's name where it gives one (ids may not be learned yet), else the id. */
function resultTopic(result: Obj): EntryName {
  const name = (result.name ?? result.topic ?? result.topicName) as string | null | undefined;
  if (name !== undefined && name !== null && name !== "") return { name };
  return typeof result.topicId === "string" && result.topicId !== ZERO_UUID ? { topicId: result.topicId } : undefined;
}

/** Entries that are topics, each needing `operation`; denied ones get TOPIC_AUTHORIZATION_FAILED. */
const topics = (operation: Op, request: string, response: string, extra: Partial<AclRow["entries"]> = {}): AclRow["entries"] => ({
  request,
  response,
  operation,
  type: R.Topic,
  name: requestTopic,
  error: E.TOPIC_AUTHORIZATION_FAILED,
  ...extra,
});

/** Topics a listing may show: only those the principal may describe. */
const describableTopics = (field: string): AclRow["results"] => ({ field, type: R.Topic, operation: Op.Describe, name: resultTopic });

/** Config resources: topics are checked on the topic, brokers and broker loggers on the cluster (Kafka's ConfigResource types). */
const CONFIG_RESOURCE_TOPIC = 2;
const CONFIG_RESOURCE_GROUP = 32;
const configResources = (operation: Op, response: string): AclRow["entries"] => ({
  request: "resources",
  response,
  operation,
  type: (entry) => (entry.resourceType === CONFIG_RESOURCE_TOPIC ? R.Topic : entry.resourceType === CONFIG_RESOURCE_GROUP ? R.Group : R.Cluster),
  name: (entry) => {
    const e = entry as Obj;
    return { name: e.resourceType === CONFIG_RESOURCE_TOPIC || e.resourceType === CONFIG_RESOURCE_GROUP ? (e.resourceName as string) : "kafka-cluster" };
  },
  error: (type) => (type === R.Topic ? E.TOPIC_AUTHORIZATION_FAILED : type === R.Group ? E.GROUP_AUTHORIZATION_FAILED : E.CLUSTER_AUTHORIZATION_FAILED),
});

/** FindCoordinator's key type: 0 a group, 1 a transactional id. */
const coordinatorType = (request: Obj) => ((request.keyType ?? 0) === 1 ? R.TransactionalId : R.Group);
const coordinatorError = (type: R) => (type === R.Group ? E.GROUP_AUTHORIZATION_FAILED : E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);

export const ACL_MATRIX: ReadonlyMap<number, AclRow> = new Map<number, AclRow>([
  // data
  [ApiKey.Produce, { whole: [transactionalId(Op.Write)], entries: topics(Op.Write, "topicData", "responses") }],
  [
    ApiKey.Fetch,
    {
      entries: topics(Op.Read, "topics", "responses", { forwardWhenAllDenied: fetchSessionForwards }),
      // A fetch session (KIP-227) may hold a partition the rules no longer allow: its data never goes out (an empty
      // record set, as a broker sends with an error; librdkafka can't parse a null one).
      results: {
        field: "responses",
        type: R.Topic,
        operation: Op.Read,
        name: resultTopic,
        replace: (result) => {
          for (const p of result.partitions as Obj[]) {
            Object.assign(p, { errorCode: E.TOPIC_AUTHORIZATION_FAILED, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, preferredReadReplica: -1, records: [] });
          }
        },
      },
    },
  ],
  [ApiKey.ListOffsets, { entries: topics(Op.Describe, "topics", "topics") }],
  [ApiKey.OffsetForLeaderEpoch, { entries: topics(Op.Describe, "topics", "topics") }],
  [ApiKey.DeleteRecords, { entries: topics(Op.Delete, "topics", "topics") }],
  // cluster view
  [ApiKey.ApiVersions, {}],
  [
    ApiKey.Metadata,
    {
      // The brokers are always answered; topics asked for are checked, a listing shows the describable ones.
      entries: topics(Op.Describe, "topics", "topics", { forwardWhenAllDenied: () => true, hideUndescribableIds: true }),
      results: describableTopics("topics"),
      request: metadataAutoCreate.request,
      response: (q, response, version, state) => metadataAutoCreate.response(q, response, version, state) || withAuthorizedOperations(q, response),
    },
  ],
  [ApiKey.DescribeCluster, { response: (q, response) => withAuthorizedOperations(q, response) }],
  [ApiKey.DescribeTopicPartitions, { entries: topics(Op.Describe, "topics", "topics"), results: describableTopics("topics"), response: (q, r) => withAuthorizedOperations(q, r) }],
  // classic consumer groups
  [
    ApiKey.FindCoordinator,
    {
      request: (q, request, version) => (version >= 4 ? undefined : findCoordinatorKey(q, request)),
      entries: { request: "coordinatorKeys", response: "coordinators", operation: Op.Describe, type: (_, r) => coordinatorType(r), name: requestTopic, error: coordinatorError },
    },
  ],
  [ApiKey.JoinGroup, { whole: [group(Op.Read)] }],
  [ApiKey.SyncGroup, { whole: [group(Op.Read)] }],
  [ApiKey.Heartbeat, { whole: [group(Op.Read)] }],
  [ApiKey.LeaveGroup, { whole: [group(Op.Read)] }],
  [ApiKey.OffsetCommit, { whole: [group(Op.Read)], entries: topics(Op.Read, "topics", "topics") }],
  // v0-7 name one group; v8+ several, each with its own topics (irregular.ts).
  [
    ApiKey.OffsetFetch,
    {
      whole: [group(Op.Describe)],
      entries: topics(Op.Describe, "topics", "topics", { forwardWhenAllDenied: () => true }),
      results: describableTopics("topics"),
      request: offsetFetchGroups.request,
      response: offsetFetchGroups.response,
    },
  ],
  [ApiKey.OffsetDelete, { whole: [group(Op.Delete)], entries: topics(Op.Read, "topics", "topics") }],
  [
    ApiKey.DescribeGroups,
    {
      entries: { request: "groups", response: "groups", operation: Op.Describe, type: R.Group, name: requestTopic, error: E.GROUP_AUTHORIZATION_FAILED },
      response: (q, r) => withAuthorizedOperations(q, r),
    },
  ],
  [ApiKey.ListGroups, { results: { field: "groups", type: R.Group, operation: Op.Describe, name: (g) => ({ name: g.groupId as string }), clusterSeesAll: true } }],
  [ApiKey.DeleteGroups, { entries: { request: "groupsNames", response: "results", operation: Op.Delete, type: R.Group, name: requestTopic, error: E.GROUP_AUTHORIZATION_FAILED } }],
  // KIP-848 consumer groups: READ on the group, DESCRIBE on every topic subscribed by name
  [
    ApiKey.ConsumerGroupHeartbeat,
    { whole: [group(Op.Read), { type: R.Topic, operation: Op.Describe, names: (r) => r.subscribedTopicNames as string[] | null, error: E.TOPIC_AUTHORIZATION_FAILED }] },
  ],
  [
    ApiKey.ConsumerGroupDescribe,
    {
      entries: { request: "groupIds", response: "groups", operation: Op.Describe, type: R.Group, name: requestTopic, error: E.GROUP_AUTHORIZATION_FAILED },
      response: (q, r) => withAuthorizedOperations(q, r),
    },
  ],
  // KIP-932 share groups, as KafkaApis authorizes them: READ on the group to take part (DESCRIBE on the topics it
  // subscribes to, READ on those it fetches from or acknowledges), DESCRIBE to look at it, DELETE to drop offsets.
  [
    ApiKey.ShareGroupHeartbeat,
    { whole: [group(Op.Read), { type: R.Topic, operation: Op.Describe, names: (r) => r.subscribedTopicNames as string[] | null, error: E.TOPIC_AUTHORIZATION_FAILED }] },
  ],
  [
    ApiKey.ShareGroupDescribe,
    {
      entries: { request: "groupIds", response: "groups", operation: Op.Describe, type: R.Group, name: requestTopic, error: E.GROUP_AUTHORIZATION_FAILED },
      response: describedGroupTopics((g) => (g.members as Obj[]).flatMap((m) => [
        ...(m.subscribedTopicNames as string[]),
        ...((m.assignment as Obj).topicPartitions as Obj[]).map((t) => t.topicName as string),
      ])),
    },
  ],
  [
    ApiKey.ShareFetch,
    {
      whole: [group(Op.Read)],
      entries: topics(Op.Read, "topics", "responses", { forwardWhenAllDenied: shareSessionForwards }),
      // A share session may hold a partition the rules no longer allow: its records never go out.
      results: {
        field: "responses",
        type: R.Topic,
        operation: Op.Read,
        name: resultTopic,
        replace: (result) => {
          for (const p of result.partitions as Obj[]) Object.assign(p, { errorCode: E.TOPIC_AUTHORIZATION_FAILED, records: [], acquiredRecords: [] });
        },
      },
    },
  ],
  [ApiKey.ShareAcknowledge, { whole: [group(Op.Read)], entries: topics(Op.Read, "topics", "responses", { forwardWhenAllDenied: shareSessionForwards }) }],
  [
    ApiKey.DescribeShareGroupOffsets,
    {
      entries: { request: "groups", response: "groups", operation: Op.Describe, type: R.Group, name: (g) => ({ name: (g as Obj).groupId as string }), error: E.GROUP_AUTHORIZATION_FAILED },
      request: describeShareGroupOffsetsTopics.request,
      response: describeShareGroupOffsetsTopics.response,
    },
  ],
  [ApiKey.AlterShareGroupOffsets, { whole: [group(Op.Read)], entries: topics(Op.Read, "topics", "responses") }],
  [ApiKey.DeleteShareGroupOffsets, { whole: [group(Op.Delete)], entries: topics(Op.Read, "topics", "responses") }],
  // KIP-1071 streams groups: READ on the group, DESCRIBE on every topic of the topology, CREATE on the internal topics
  // the coordinator would create (irregular.ts); DESCRIBE on the group and its topology's topics to look at it.
  [
    ApiKey.StreamsGroupHeartbeat,
    {
      whole: [group(Op.Read), { type: R.Topic, operation: Op.Describe, names: (r) => topologyTopics(r.topology as Obj | null), error: E.TOPIC_AUTHORIZATION_FAILED }],
      request: streamsInternalTopics,
    },
  ],
  [
    ApiKey.StreamsGroupDescribe,
    {
      entries: { request: "groupIds", response: "groups", operation: Op.Describe, type: R.Group, name: requestTopic, error: E.GROUP_AUTHORIZATION_FAILED },
      response: describedGroupTopics((g) => topologyTopics(g.topology as Obj | null)),
    },
  ],
  // idempotence and transactions
  [ApiKey.InitProducerId, { request: initProducerId }],
  [ApiKey.AddPartitionsToTxn, { request: addPartitionsToTxn }],
  [ApiKey.AddOffsetsToTxn, { whole: [transactionalId(Op.Write), group(Op.Read)] }],
  [ApiKey.EndTxn, { whole: [transactionalId(Op.Write)] }],
  [ApiKey.TxnOffsetCommit, { whole: [transactionalId(Op.Write), group(Op.Read)], entries: topics(Op.Read, "topics", "topics") }],
  [ApiKey.DescribeProducers, { entries: topics(Op.Read, "topics", "topics") }],
  [
    ApiKey.DescribeTransactions,
    {
      entries: { request: "transactionalIds", response: "transactionStates", operation: Op.Describe, type: R.TransactionalId, name: requestTopic, error: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED },
      response: describeTransactionsTopics,
    },
  ],
  [ApiKey.ListTransactions, { results: { field: "transactionStates", type: R.TransactionalId, operation: Op.Describe, name: (t) => ({ name: t.transactionalId as string }) } }],
  // topic admin and configs
  [ApiKey.CreateTopics, { entries: topics(Op.Create, "topics", "topics", { orCluster: true }), response: createTopicsConfigs }],
  [ApiKey.DeleteTopics, { entries: { ...topics(Op.Delete, "topics", "responses", { hideUndescribableIds: true })!, request: (v) => (v >= 6 ? "topics" : "topicNames") } }],
  [ApiKey.CreatePartitions, { entries: topics(Op.Alter, "topics", "results") }],
  [ApiKey.DescribeConfigs, { entries: configResources(Op.DescribeConfigs, "results") }],
  [ApiKey.AlterConfigs, { entries: configResources(Op.AlterConfigs, "responses") }],
  [ApiKey.IncrementalAlterConfigs, { entries: configResources(Op.AlterConfigs, "responses") }],
]);

/** FindCoordinator v0-3: one key. */
function findCoordinatorKey(q: Parameters<NonNullable<AclRow["request"]>>[0], request: Obj) {
  const type = coordinatorType(request);
  const name = request.key as string;
  if (q.authorizer.authorize(q.who, Op.Describe, type, name)) return { state: undefined };
  return { error: coordinatorError(type), denied: { type, name, operation: Op.Describe } };
}
