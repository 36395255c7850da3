// The ACL filter in the listener's chain (API policy, ACL, tenancy), on codec-built frames: whole-request denials with
// Kafka's error codes, partial Produce and Fetch merged in the request's order, fetch sessions that never leak, listings
// cut to what the principal may describe, topic ids that confirm nothing, DescribeAcls from the rules, and a fuzz of
// every allowlisted API at every version with everything denied.
import { describe, expect, it } from "vitest";
import { Authorizer } from "../../../src/acl/authorizer.js";
import { ACL_MATRIX } from "../../../src/acl/matrix.js";
import { Operation as Op, PatternType, Permission, ResourceType as R } from "../../../src/acl/operations.js";
import type { AclRule, AclSettings } from "../../../src/acl/rule.js";
import type { FilterChain } from "../../../src/filters/chain.js";
import { createFilterChain } from "../../../src/filters/index.js";
import { logger } from "../../../src/log.js";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import type { Principal } from "../../../src/session/session.js";
import { TENANT_API_ALLOWLIST, TENANT_VERSION_RANGES } from "../../../src/tenancy/api-policy.js";
import { BrokerAddressMap } from "../../../src/upstream/broker-address-map.js";
import { sampleMessage } from "../protocol/sample-message.js";
import { OUR_ID, tenant } from "../tenancy/tenant-fixture.js";
import { answered, decide, decodedResponse, forwarded, frame, responseFrame, testSession } from "./chain-fixture.js";

type Obj = Record<string, unknown>;

const allow = (name: string, operation: Op, resourceType: R = R.Topic, patternType: PatternType = PatternType.Literal): AclRule => ({
  principal: "User:alice",
  host: "*",
  resourceType,
  patternType,
  name,
  operation,
  permission: Permission.Allow,
});

function setup(settings: AclSettings | undefined) {
  const authorizer = new Authorizer(settings);
  const denials: string[] = [];
  const t = tenant();
  const chain: FilterChain = createFilterChain({
    endpoint: testSession().endpoint,
    addressMap: new BrokerAddressMap(async () => []),
    tenant: t,
    forwardable: TENANT_VERSION_RANGES,
    acl: { authorizer, observer: { authorizationDenied: (_s, api, type) => denials.push(`${api}/${type}`) } },
    log: logger.child({}, { level: "silent" }),
  });
  const session = testSession();
  session.principal = { type: "User", name: "alice" } satisfies Principal;
  return { authorizer, chain, session, denials };
}

const rules = (...list: AclRule[]): AclSettings => ({ rules: list, superUsers: [], allowIfNoAclFound: false });
const records = [Buffer.from("batch")];
const produce = (topics: string[], extra: Obj = {}) => ({
  transactionalId: null,
  acks: -1,
  timeoutMs: 1000,
  topicData: topics.map((name) => ({ name, partitionData: [{ index: 0, records }] })),
  ...extra,
});

describe("acl filter: whole requests and partial ones", () => {
  it("a Produce spanning allowed and denied topics: the allowed go upstream, the answer is merged in request order", async () => {
    const { chain, session, denials } = setup(rules(allow("a", Op.Write), allow("c", Op.Write)));
    const decision = await decide(chain, frame(ApiKey.Produce, 9, produce(["a", "b", "c"])), session);
    const { message, request } = forwarded(decision);
    expect((message.topicData as Obj[]).map((t) => t.name)).toEqual(["payments.a", "payments.c"]);
    expect(denials).toEqual(["Produce/Topic"]);
    const broker = {
      responses: ["payments.c", "payments.a"].map((name) => ({ name, partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }] })),
      throttleTimeMs: 0,
    };
    const out = chain.onResponse(session, request, responseFrame(ApiKey.Produce, 9, broker));
    const merged = decodedResponse(ApiKey.Produce, 9, out!).responses as Obj[];
    expect(merged.map((t) => t.name)).toEqual(["a", "b", "c"]);
    expect(merged.map((t) => (t.partitionResponses as Obj[])[0]!.errorCode)).toEqual([0, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 0]);
  });

  it("a Produce with nothing allowed is answered alone; with acks=0 the connection closes, as a broker's does", async () => {
    const { chain, session } = setup(rules(allow("a", Op.Read)));
    const all = answered(await decide(chain, frame(ApiKey.Produce, 9, produce(["a", "b"])), session), ApiKey.Produce, 9);
    expect((all.responses as Obj[]).map((t) => [t.name, (t.partitionResponses as Obj[])[0]!.errorCode])).toEqual([
      ["a", ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      ["b", ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
    const { chain: chain2, session: session2 } = setup(rules(allow("a", Op.Write)));
    const closed = await decide(chain2, frame(ApiKey.Produce, 9, produce(["a", "b"], { acks: 0 })), session2);
    expect(closed.kind).toBe("close");
  });

  it("a transactional Produce needs WRITE on its transactional id: TRANSACTIONAL_ID_AUTHORIZATION_FAILED", async () => {
    const { chain, session } = setup(rules(allow("a", Op.Write)));
    const out = answered(await decide(chain, frame(ApiKey.Produce, 9, produce(["a"], { transactionalId: "tx" })), session), ApiKey.Produce, 9);
    expect(((out.responses as Obj[])[0]!.partitionResponses as Obj[])[0]!.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  });

  it("group APIs: GROUP_AUTHORIZATION_FAILED without READ on the group; OffsetCommit also needs READ on each topic", async () => {
    const { chain, session } = setup(rules(allow("app", Op.Read, R.Group), allow("a", Op.Read)));
    const join = { groupId: "other", sessionTimeoutMs: 10000, rebalanceTimeoutMs: 10000, memberId: "", groupInstanceId: null, protocolType: "consumer", protocols: [], reason: null };
    expect(answered(await decide(chain, frame(ApiKey.JoinGroup, 9, join), session), ApiKey.JoinGroup, 9).errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const commit = {
      groupId: "app",
      generationIdOrMemberEpoch: 1,
      memberId: "m",
      groupInstanceId: null,
      topics: ["a", "b"].map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] })),
    };
    const { message } = forwarded(await decide(chain, frame(ApiKey.OffsetCommit, 8, commit), session));
    expect(message.groupId).toBe("payments.app");
    expect((message.topics as Obj[]).map((t) => t.name)).toEqual(["payments.a"]);
  });

  it("an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic: CLUSTER_AUTHORIZATION_FAILED", async () => {
    const init = { transactionalId: null, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 };
    const denied = setup(rules(allow("a", Op.Read)));
    expect(answered(await decide(denied.chain, frame(ApiKey.InitProducerId, 4, init), denied.session), ApiKey.InitProducerId, 4).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const writer = setup(rules(allow("a", Op.Write)));
    expect((await decide(writer.chain, frame(ApiKey.InitProducerId, 4, init), writer.session)).kind).toBe("forward");
  });
});

describe("acl filter: fetch sessions and listings", () => {
  const fetch = (topics: Obj[], sessionId: number, sessionEpoch: number) => ({
    replicaId: -1,
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId,
    sessionEpoch,
    topics,
    forgottenTopicsData: [],
    rackId: "",
  });
  const partition = { partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 };
  const data = (topic: string) => ({
    topic,
    partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 9n, lastStableOffset: 9n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records: [Buffer.from("secret")] }],
  });

  it("an incremental fetch whose every partition is denied still reaches the broker (the session's epoch), and answers at once", async () => {
    const { chain, session } = setup(rules(allow("a", Op.Read)));
    const { message } = forwarded(await decide(chain, frame(ApiKey.Fetch, 12, fetch([{ topic: "b", partitions: [partition] }], 77, 3)), session));
    expect(message.topics).toEqual([]);
    expect(message.maxWaitMs).toBe(0);
    expect(message.sessionEpoch).toBe(3);
  });

  it("a fetch session never returns data of a topic the rules no longer allow: the partition reads TOPIC_AUTHORIZATION_FAILED", async () => {
    const { chain, session, authorizer } = setup(rules(allow("a", Op.Read), allow("b", Op.Read)));
    const { request } = forwarded(await decide(chain, frame(ApiKey.Fetch, 12, fetch([{ topic: "a", partitions: [partition] }], 77, 4)), session));
    authorizer.update(rules(allow("a", Op.Read))); // a reload took b away; the broker's session still holds it
    const broker = { throttleTimeMs: 0, errorCode: 0, sessionId: 77, responses: [data("payments.a"), data("payments.b")] };
    const out = decodedResponse(ApiKey.Fetch, 12, chain.onResponse(session, request, responseFrame(ApiKey.Fetch, 12, broker))!);
    const [a, b] = out.responses as { topic: string; partitions: Obj[] }[];
    expect(a!.partitions[0]!.errorCode).toBe(0);
    expect(b!.topic).toBe("b");
    expect(b!.partitions[0]).toMatchObject({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, records: [], highWatermark: -1n });
  });

  it("Metadata: a listing shows only describable topics; a denied topic asked for is TOPIC_AUTHORIZATION_FAILED, by id UNKNOWN_TOPIC_ID", async () => {
    const { chain, session } = setup(rules(allow("a", Op.Read)));
    const brokerTopic = (name: string, topicId = "AAAAAAAAAAAAAAAAAAAABQ") => ({ errorCode: 0, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648 });
    const broker = (topics: Obj[]) => ({ throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: 1, topics });
    const all = forwarded(await decide(chain, frame(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }), session));
    const listed = decodedResponse(ApiKey.Metadata, 12, chain.onResponse(session, all.request, responseFrame(ApiKey.Metadata, 12, broker([brokerTopic("payments.a"), brokerTopic("payments.b")])))!);
    expect((listed.topics as Obj[]).map((t) => t.name)).toEqual(["a"]);

    const asked = forwarded(await decide(chain, frame(ApiKey.Metadata, 12, { topics: [{ name: "b", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }, { name: null, topicId: OUR_ID }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false }), session));
    expect(asked.message.topics).toEqual([]); // orders (OUR_ID) isn't describable either
    const answer = decodedResponse(ApiKey.Metadata, 12, chain.onResponse(session, asked.request, responseFrame(ApiKey.Metadata, 12, broker([])))!);
    expect((answer.topics as Obj[]).map((t) => [t.name, t.errorCode])).toEqual([
      ["b", ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      [null, ErrorCode.UNKNOWN_TOPIC_ID],
    ]);
  });

  it("Metadata auto-creation without CREATE: turned off, and an absent topic reads TOPIC_AUTHORIZATION_FAILED", async () => {
    const { chain, session } = setup(rules(allow("new", Op.Write)));
    const { message, request } = forwarded(await decide(chain, frame(ApiKey.Metadata, 9, { topics: [{ name: "new" }], allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }), session));
    expect(message.allowAutoTopicCreation).toBe(false);
    const broker = { throttleTimeMs: 0, brokers: [], clusterId: null, controllerId: 1, topics: [{ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name: "payments.new", isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648 }], clusterAuthorizedOperations: -2147483648 };
    const out = decodedResponse(ApiKey.Metadata, 9, chain.onResponse(session, request, responseFrame(ApiKey.Metadata, 9, broker))!);
    expect((out.topics as Obj[])[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });

  it("DescribeAcls is answered from the rules with the tenant's names; SECURITY_DISABLED without an acls section", async () => {
    const filter = { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 };
    const on = setup(rules(allow("a", Op.Read), allow("kafka-cluster", Op.Describe, R.Cluster)));
    const out = answered(await decide(on.chain, frame(ApiKey.DescribeAcls, 3, filter), on.session), ApiKey.DescribeAcls, 3);
    expect(out.errorCode).toBe(0);
    expect((out.resources as Obj[]).map((r) => [r.resourceType, r.resourceName])).toEqual([
      [R.Topic, "a"],
      [R.Cluster, "kafka-cluster"],
    ]);
    const noDescribe = setup(rules(allow("a", Op.Read)));
    expect(answered(await decide(noDescribe.chain, frame(ApiKey.DescribeAcls, 3, filter), noDescribe.session), ApiKey.DescribeAcls, 3).errorCode).toBe(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    const off = setup(undefined);
    expect(answered(await decide(off.chain, frame(ApiKey.DescribeAcls, 3, filter), off.session), ApiKey.DescribeAcls, 3).errorCode).toBe(ErrorCode.SECURITY_DISABLED);
  });
});

describe("acl filter: share groups (KIP-932), as KafkaApis authorizes them", () => {
  const shareFetch = (topics: Obj[]) => ({
    groupId: "workers", memberId: "m", shareSessionEpoch: 2, maxWaitMs: 500, minBytes: 1, maxBytes: 1 << 20, maxRecords: 500, batchSize: 500,
    shareAcquireMode: 0, isRenewAck: false, topics, forgottenTopicsData: [],
  });

  it("ShareGroupHeartbeat: READ on the group, DESCRIBE on every subscribed topic", async () => {
    const heartbeat = (groupId: string, subscribedTopicNames: string[]) => frame(ApiKey.ShareGroupHeartbeat, 1, { groupId, memberId: "m", memberEpoch: 0, rackId: null, subscribedTopicNames });
    const { chain, session } = setup(rules(allow("workers", Op.Read, R.Group), allow("orders", Op.Describe)));
    expect(answered(await decide(chain, heartbeat("other", ["orders"]), session), ApiKey.ShareGroupHeartbeat, 1).errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    expect(answered(await decide(chain, heartbeat("workers", ["orders", "secret"]), session), ApiKey.ShareGroupHeartbeat, 1).errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    expect(forwarded(await decide(chain, heartbeat("workers", ["orders"]), session)).message.subscribedTopicNames).toEqual(["payments.orders"]);
  });

  it("ShareFetch: READ on the group and on each topic; a share session whose every topic is denied still reaches the broker, answering at once", async () => {
    const fetchOf = [{ topicId: OUR_ID, partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }] }];
    const noGroup = setup(rules(allow("orders", Op.Read)));
    expect(answered(await decide(noGroup.chain, frame(ApiKey.ShareFetch, 2, shareFetch(fetchOf)), noGroup.session), ApiKey.ShareFetch, 2).errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const { chain, session } = setup(rules(allow("workers", Op.Read, R.Group), allow("orders", Op.Describe)));
    const { message, request } = forwarded(await decide(chain, frame(ApiKey.ShareFetch, 2, shareFetch(fetchOf)), session));
    expect(message).toMatchObject({ groupId: "payments.workers", topics: [], maxWaitMs: 0, shareSessionEpoch: 2 });
    const broker = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, acquisitionLockTimeoutMs: 30000, responses: [], nodeEndpoints: [] };
    const out = decodedResponse(ApiKey.ShareFetch, 2, chain.onResponse(session, request, responseFrame(ApiKey.ShareFetch, 2, broker))!);
    const [topic] = out.responses as { topicId: string; partitions: Obj[] }[];
    expect(topic!.topicId).toBe(OUR_ID);
    expect(topic!.partitions[0]!.errorCode).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  });

  it("a share session never returns records of a topic the rules no longer allow", async () => {
    const { chain, session, authorizer } = setup(rules(allow("workers", Op.Read, R.Group), allow("orders", Op.Read)));
    const { request } = forwarded(await decide(chain, frame(ApiKey.ShareFetch, 2, shareFetch([])), session));
    authorizer.update(rules(allow("workers", Op.Read, R.Group)));
    const partition = {
      partitionIndex: 0, errorCode: 0, errorMessage: null, acknowledgeErrorCode: 0, acknowledgeErrorMessage: null,
      currentLeader: { leaderId: 1, leaderEpoch: 0 }, records: [Buffer.from("secret")], acquiredRecords: [{ firstOffset: 0n, lastOffset: 0n, deliveryCount: 1 }],
    };
    const broker = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, acquisitionLockTimeoutMs: 30000, responses: [{ topicId: OUR_ID, partitions: [partition] }], nodeEndpoints: [] };
    const out = decodedResponse(ApiKey.ShareFetch, 2, chain.onResponse(session, request, responseFrame(ApiKey.ShareFetch, 2, broker))!);
    expect((out.responses as { partitions: Obj[] }[])[0]!.partitions[0]).toMatchObject({ errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, acquiredRecords: [] });
    expect(JSON.stringify(out, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toContain(Buffer.from("secret").toJSON().data.join(","));
  });

  it("ShareGroupDescribe: a group whose members use a topic the principal may not describe shows nothing of it", async () => {
    const { chain, session } = setup(rules(allow("workers", Op.Describe, R.Group), allow("orders", Op.Describe)));
    const { request } = forwarded(await decide(chain, frame(ApiKey.ShareGroupDescribe, 1, { groupIds: ["workers"], includeAuthorizedOperations: false }), session));
    const member = (topic: string) => ({
      memberId: "m", rackId: null, memberEpoch: 1, clientId: "c", clientHost: "/127.0.0.1", subscribedTopicNames: [`payments.${topic}`],
      assignment: { topicPartitions: [{ topicId: OUR_ID, topicName: `payments.${topic}`, partitions: [0] }] },
    });
    const group = (members: object[]) => ({
      throttleTimeMs: 0,
      groups: [{ errorCode: 0, errorMessage: null, groupId: "payments.workers", groupState: "Stable", groupEpoch: 1, assignmentEpoch: 1, assignorName: "simple", members, authorizedOperations: -2147483648 }],
    });
    const described = (members: object[]) =>
      (decodedResponse(ApiKey.ShareGroupDescribe, 1, chain.onResponse(session, request, responseFrame(ApiKey.ShareGroupDescribe, 1, group(members)))!).groups as Obj[])[0];
    expect(described([member("orders")])).toMatchObject({ groupId: "workers", errorCode: 0 });
    expect(described([member("orders"), member("secret")])).toMatchObject({ groupId: "workers", errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, members: [] });
  });

  it("DeleteShareGroupOffsets needs DELETE on the group; AlterShareGroupOffsets READ on the group and on each topic", async () => {
    const { chain, session } = setup(rules(allow("workers", Op.Read, R.Group), allow("orders", Op.Read)));
    const del = { groupId: "workers", topics: [{ topicName: "orders" }] };
    expect(answered(await decide(chain, frame(ApiKey.DeleteShareGroupOffsets, 0, del), session), ApiKey.DeleteShareGroupOffsets, 0).errorCode).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const alter = { groupId: "workers", topics: ["orders", "secret"].map((topicName) => ({ topicName, partitions: [{ partitionIndex: 0, startOffset: 0n }] })) };
    const { message, request } = forwarded(await decide(chain, frame(ApiKey.AlterShareGroupOffsets, 0, alter), session));
    expect((message.topics as Obj[]).map((t) => t.topicName)).toEqual(["payments.orders"]);
    const broker = { throttleTimeMs: 0, errorCode: 0, errorMessage: null, responses: [{ topicName: "payments.orders", topicId: OUR_ID, partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }] }] };
    const out = decodedResponse(ApiKey.AlterShareGroupOffsets, 0, chain.onResponse(session, request, responseFrame(ApiKey.AlterShareGroupOffsets, 0, broker))!);
    expect((out.responses as { topicName: string; partitions: Obj[] }[]).map((t) => [t.topicName, t.partitions[0]!.errorCode])).toEqual([
      ["orders", 0],
      ["secret", ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ]);
  });

  it("DescribeShareGroupOffsets: DESCRIBE on each group; a named topic it may not describe is TOPIC_AUTHORIZATION_FAILED, a listing hides it", async () => {
    const { chain, session } = setup(rules(allow("workers", Op.Describe, R.Group), allow("orders", Op.Describe)));
    const request = {
      groups: [
        { groupId: "workers", topics: [{ topicName: "orders", partitions: [0] }, { topicName: "secret", partitions: [0] }] },
        { groupId: "other", topics: null },
      ],
    };
    const decision = forwarded(await decide(chain, frame(ApiKey.DescribeShareGroupOffsets, 1, request), session));
    expect(decision.message.groups).toEqual([{ groupId: "payments.workers", topics: [{ topicName: "payments.orders", partitions: [0] }] }]);
    const partition = { partitionIndex: 0, startOffset: 3n, leaderEpoch: 0, lag: 0n, errorCode: 0, errorMessage: null };
    const broker = { throttleTimeMs: 0, groups: [{ groupId: "payments.workers", topics: [{ topicName: "payments.orders", topicId: OUR_ID, partitions: [partition] }], errorCode: 0, errorMessage: null }] };
    const out = decodedResponse(ApiKey.DescribeShareGroupOffsets, 1, chain.onResponse(session, decision.request, responseFrame(ApiKey.DescribeShareGroupOffsets, 1, broker))!);
    const groups = out.groups as { groupId: string; errorCode: number; topics: { topicName: string; partitions: Obj[] }[] }[];
    expect(groups.map((g) => [g.groupId, g.errorCode])).toEqual([["workers", 0], ["other", ErrorCode.GROUP_AUTHORIZATION_FAILED]]);
    expect(groups[0]!.topics.map((t) => [t.topicName, t.partitions[0]!.errorCode])).toEqual([["orders", 0], ["secret", ErrorCode.TOPIC_AUTHORIZATION_FAILED]]);
    // All the group's topics: only the describable ones show.
    const all = forwarded(await decide(chain, frame(ApiKey.DescribeShareGroupOffsets, 1, { groups: [{ groupId: "workers", topics: null }] }), session));
    const listing = { throttleTimeMs: 0, groups: [{ groupId: "payments.workers", errorCode: 0, errorMessage: null, topics: ["orders", "secret"].map((n) => ({ topicName: `payments.${n}`, topicId: OUR_ID, partitions: [partition] })) }] };
    const shown = decodedResponse(ApiKey.DescribeShareGroupOffsets, 1, chain.onResponse(session, all.request, responseFrame(ApiKey.DescribeShareGroupOffsets, 1, listing))!);
    expect((shown.groups as { topics: { topicName: string }[] }[])[0]!.topics.map((t) => t.topicName)).toEqual(["orders"]);
  });
});

describe("acl filter: streams groups (KIP-1071), as KafkaApis authorizes them", () => {
  const topology = {
    epoch: 0,
    subtopologies: [{
      subtopologyId: "0", sourceTopics: ["words"], sourceTopicRegex: [], repartitionSinkTopics: [], copartitionGroups: [], repartitionSourceTopics: [],
      stateChangelogTopics: [{ name: "app-store-changelog", partitions: 0, replicationFactor: 0, topicConfigs: [] }],
    }],
  };
  const join = (groupId: string) => frame(ApiKey.StreamsGroupHeartbeat, 1, {
    groupId, memberId: "m", memberEpoch: 0, endpointInformationEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 1000, topology,
    activeTasks: null, standbyTasks: null, warmupTasks: null, processId: "p", userEndpoint: null, clientTags: null, taskOffsets: null, taskEndOffsets: null,
    shutdownApplication: false,
  });
  const code = async (chain: FilterChain, session: ReturnType<typeof testSession>, groupId = "app") =>
    answered(await decide(chain, join(groupId), session), ApiKey.StreamsGroupHeartbeat, 1).errorCode;

  it("StreamsGroupHeartbeat: READ on the group, DESCRIBE on every topology topic, CREATE on the internal topics (or the cluster)", async () => {
    const group = allow("app", Op.Read, R.Group);
    const noGroup = setup(rules(allow("*", Op.All)));
    expect(await code(noGroup.chain, noGroup.session)).toBe(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const noChangelog = setup(rules(group, allow("words", Op.Read)));
    expect(await code(noChangelog.chain, noChangelog.session)).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const noCreate = setup(rules(group, allow("words", Op.Read), allow("app-", Op.Describe, R.Topic, PatternType.Prefixed)));
    expect(await code(noCreate.chain, noCreate.session)).toBe(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    for (const create of [allow("app-", Op.Create, R.Topic, PatternType.Prefixed), allow("kafka-cluster", Op.Create, R.Cluster)]) {
      const ok = setup(rules(group, allow("words", Op.Read), allow("app-", Op.Describe, R.Topic, PatternType.Prefixed), create));
      expect((await decide(ok.chain, join("app"), ok.session)).kind).toBe("forward");
    }
  });

  it("StreamsGroupDescribe: a group whose topology names a topic the principal may not describe shows nothing of it", async () => {
    const { chain, session } = setup(rules(allow("app", Op.Describe, R.Group), allow("words", Op.Describe)));
    const { request } = forwarded(await decide(chain, frame(ApiKey.StreamsGroupDescribe, 0, { groupIds: ["app"], includeAuthorizedOperations: false }), session));
    const described = {
      throttleTimeMs: 0,
      groups: [{
        errorCode: 0, errorMessage: null, groupId: "payments.app", groupState: "Stable", groupEpoch: 1, assignmentEpoch: 1, members: [], authorizedOperations: -2147483648,
        topology: { epoch: 0, subtopologies: [{ subtopologyId: "0", sourceTopics: ["payments.words"], repartitionSinkTopics: [], repartitionSourceTopics: [],
          stateChangelogTopics: [{ name: "payments.app-secret-changelog", partitions: 1, replicationFactor: 3, topicConfigs: [] }] }] },
      }],
    };
    const out = decodedResponse(ApiKey.StreamsGroupDescribe, 0, chain.onResponse(session, request, responseFrame(ApiKey.StreamsGroupDescribe, 0, described))!);
    expect((out.groups as Obj[])[0]).toMatchObject({ groupId: "app", errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, topology: null, members: [] });
  });
});

describe("acl filter: the matrix", () => {
  it("has a row for every API a tenant may use", () => {
    const missing = [...TENANT_API_ALLOWLIST.keys()].filter((key) => !ACL_MATRIX.has(key)).map((key) => API_BY_KEY.get(key)!.name);
    expect(missing).toEqual([]);
  });

  it("every allowlisted API at every version, everything denied: decided without error, answers and merges encode", async () => {
    const { chain, session } = setup(rules());
    for (const [apiKey, range] of TENANT_VERSION_RANGES) {
      const api = API_BY_KEY.get(apiKey)!;
      for (let version = range.minVersion; version <= range.maxVersion; version++) {
        for (const seed of [1, 2, 3]) {
          const message = sampleMessage(api.requestSchema, version, seed);
          if (apiKey === ApiKey.Produce) message.acks = -1;
          const decision = await decide(chain, frame(apiKey, version, message), session);
          const what = `${api.name} v${version} seed ${seed}`;
          if (decision.kind === "respond") {
            expect(() => answered(decision, apiKey, version), what).not.toThrow();
            continue;
          }
          if (decision.kind !== "forward") continue; // a tenancy refusal (e.g. a name outside the namespace) may close
          const { request } = forwarded(decision);
          if (!request.decodeResponse) continue;
          const response = responseFrame(apiKey, version, sampleMessage(api.responseSchema, version, seed));
          expect(() => chain.onResponse(session, request, response), what).not.toThrow();
        }
      }
    }
  });
});
