// The hand-written cases: fields whose meaning depends on another field, regexes, policies, listings.
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import { ApiKey } from "../../../src/protocol/messages/index.js";
import { rewriteRequest, rewriteResponse, type RequestOutcome } from "../../../src/tenancy/rewrite.js";
import { confineRegex, unconfineRegex } from "../../../src/tenancy/topic-regex.js";
import { tenant } from "./tenant-fixture.js";

const respondWith = (outcome: RequestOutcome | Promise<RequestOutcome>): object => {
  expect(outcome).not.toBeInstanceOf(Promise);
  const decided = outcome as RequestOutcome;
  expect(decided.kind).toBe("respond");
  return decided.kind === "respond" ? decided.response : {};
};
const stateOf = (outcome: RequestOutcome | Promise<RequestOutcome>): unknown => {
  const decided = outcome as RequestOutcome;
  expect(decided.kind).toBe("forward");
  return decided.kind === "forward" ? decided.state : undefined;
};

describe("FindCoordinator: keys by keyType", () => {
  it.each([
    [0, { key: "g" }, { key: "payments.g" }], // v0 has no keyType: a group
    [3, { key: "g", keyType: 0 }, { key: "payments.g", keyType: 0 }],
    [3, { key: "tx", keyType: 1 }, { key: "payments.tx", keyType: 1 }],
    [4, { keyType: 0, coordinatorKeys: ["a", "b"] }, { keyType: 0, coordinatorKeys: ["payments.a", "payments.b"] }],
    [6, { keyType: 1, coordinatorKeys: ["tx"] }, { keyType: 1, coordinatorKeys: ["payments.tx"] }],
  ])("v%i %j → %j", (version, input, expected) => {
    const request = structuredClone(input);
    expect(rewriteRequest(tenant(), ApiKey.FindCoordinator, version, request)).toEqual({ kind: "forward" });
    expect(request).toEqual(expected);
  });

  it.each([
    [3, { key: "g:topic:0", keyType: 2 }, { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED }],
    [3, { key: "g", keyType: 7 }, { errorCode: ErrorCode.INVALID_REQUEST }],
    [6, { keyType: 2, coordinatorKeys: ["a", "b"] }, { coordinators: [{ key: "a", errorCode: 31 }, { key: "b", errorCode: 31 }] }],
  ])("v%i %j is answered by the gateway", (version, request, expected) => {
    expect(respondWith(rewriteRequest(tenant(), ApiKey.FindCoordinator, version, request))).toMatchObject(expected);
  });

  it("response keys are stripped; foreign ones dropped", () => {
    const response = { coordinators: [{ key: "payments.g", errorMessage: "payments.g not ready" }, { key: "analytics.g", errorMessage: null }] };
    rewriteResponse(tenant(), ApiKey.FindCoordinator, 4, response, undefined);
    expect(response).toEqual({ coordinators: [{ key: "g", errorMessage: "g not ready" }] });
  });
});

const TOPIC = 2;
const BROKER = 4;
const GROUP = 32;

describe("config resources by resourceType", () => {
  it.each([
    [ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: TOPIC, resourceName: "orders", configurationKeys: null }] }],
    [ApiKey.AlterConfigs, 2, { resources: [{ resourceType: TOPIC, resourceName: "orders", configs: [{ name: "retention.ms", value: "1" }] }] }],
    [ApiKey.IncrementalAlterConfigs, 1, { resources: [{ resourceType: TOPIC, resourceName: "orders", configs: [{ name: "cleanup.policy", configOperation: 0, value: "compact" }] }] }],
  ])("api %i v%i: topic resources are prefixed and stripped back", (apiKey, version, input) => {
    const request = structuredClone(input);
    expect(rewriteRequest(tenant(), apiKey, version, request)).toEqual({ kind: "forward" });
    expect(request.resources[0]!.resourceName).toBe("payments.orders");
    const field = apiKey === ApiKey.DescribeConfigs ? "results" : "responses";
    const response = { [field]: [{ resourceType: TOPIC, resourceName: "payments.orders", errorCode: 0, errorMessage: "payments.orders: ok" }] };
    rewriteResponse(tenant(), apiKey, version, response, undefined);
    expect(response[field]).toEqual([{ resourceType: TOPIC, resourceName: "orders", errorCode: 0, errorMessage: "orders: ok" }]);
  });

  it.each([
    [ApiKey.DescribeConfigs, 4, "results", [{ resourceType: BROKER, resourceName: "1", configurationKeys: null }, { resourceType: TOPIC, resourceName: "orders", configurationKeys: null }]],
    [ApiKey.AlterConfigs, 1, "responses", [{ resourceType: GROUP, resourceName: "g", configs: [] }]],
    [ApiKey.IncrementalAlterConfigs, 0, "responses", [{ resourceType: 8 /* BROKER_LOGGER */, resourceName: "1", configs: [] }]],
  ] as const)("api %i v%i: any non-topic resource → CLUSTER_AUTHORIZATION_FAILED for every resource", (apiKey, version, field, resources) => {
    const response = respondWith(rewriteRequest(tenant(), apiKey, version, { resources: structuredClone(resources) })) as Record<string, object[]>;
    expect(response[field]).toEqual(
      resources.map((r) => expect.objectContaining({ resourceType: r.resourceType, resourceName: r.resourceName, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED })),
    );
  });

  it.each([
    [ApiKey.AlterConfigs, 2, { resources: [{ resourceType: TOPIC, resourceName: "a", configs: [{ name: "retention.ms", value: "1" }] }, { resourceType: TOPIC, resourceName: "b", configs: [{ name: "min.insync.replicas", value: "1" }] }] }],
    [ApiKey.IncrementalAlterConfigs, 1, { resources: [{ resourceType: TOPIC, resourceName: "a", configs: [{ name: "leader.replication.throttled.replicas", configOperation: 1, value: null }] }] }],
  ])("api %i v%i: a config outside the allowlist → POLICY_VIOLATION for every resource, nothing forwarded", (apiKey, version, request) => {
    const response = respondWith(rewriteRequest(tenant(), apiKey, version, request)) as { responses: { errorCode: number; errorMessage: string; resourceName: string }[] };
    expect(response.responses.map((r) => [r.resourceName, r.errorCode])).toEqual(request.resources.map((r) => [r.resourceName, ErrorCode.POLICY_VIOLATION]));
    expect(response.responses[0]!.errorMessage).toMatch(/may not be set/);
    expect(request.resources[0]!.resourceName).toBe("a"); // untouched: nothing was prefixed
  });
});

describe("CreateTopics", () => {
  it("a config outside the allowlist → POLICY_VIOLATION per topic, nothing forwarded", () => {
    const request = { topics: [{ name: "a", configs: [{ name: "retention.ms", value: "1" }] }, { name: "b", configs: [{ name: "unclean.leader.election.enable", value: "true" }] }], timeoutMs: 1, validateOnly: false };
    const response = respondWith(rewriteRequest(tenant(), ApiKey.CreateTopics, 7, request)) as { topics: { name: string; errorCode: number; errorMessage: string }[] };
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([["a", 44], ["b", 44]]);
    expect(response.topics[1]!.errorMessage).toContain("unclean.leader.election.enable");
  });

  it.each(["", ".", ".."])("%j is refused as the broker would refuse it unprefixed", (name) => {
    const response = respondWith(rewriteRequest(tenant(), ApiKey.CreateTopics, 5, { topics: [{ name, configs: [] }], timeoutMs: 1, validateOnly: false })) as { topics: object[] };
    expect(response.topics).toEqual([expect.objectContaining({ name, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: expect.stringMatching(/Topic name/) })]);
  });

  it("invalid names among valid ones: the valid ones are forwarded, the answers merged", () => {
    const t = tenant();
    const request = { topics: [{ name: "orders", configs: [] }, { name: "..", configs: [] }], timeoutMs: 1, validateOnly: false };
    const state = stateOf(rewriteRequest(t, ApiKey.CreateTopics, 7, request));
    expect(request.topics.map((x) => x.name)).toEqual(["payments.orders"]);
    const response = { throttleTimeMs: 0, topics: [{ name: "payments.orders", errorCode: 0, errorMessage: null }] };
    rewriteResponse(t, ApiKey.CreateTopics, 7, response, state);
    expect(response.topics.map((x) => [x.name, x.errorCode])).toEqual([["orders", 0], ["..", ErrorCode.INVALID_TOPIC_EXCEPTION]]);
  });
});

describe("Metadata: names Kafka refuses are answered by the gateway (never auto-created once prefixed)", () => {
  it("v12: '', '.' and '..' are kept from the broker and answered INVALID_TOPIC_EXCEPTION", () => {
    const t = tenant();
    const request = { topics: [{ name: "orders", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }, { name: "..", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }, { name: "", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }], allowAutoTopicCreation: true };
    const state = stateOf(rewriteRequest(t, ApiKey.Metadata, 12, request));
    expect(request.topics.map((x) => x.name)).toEqual(["payments.orders"]);
    const response = { brokers: [], topics: [{ name: "payments.orders", topicId: "AAAAAAAAAAAAAAAAAAAAAA", errorCode: 0, partitions: [] }] };
    rewriteResponse(t, ApiKey.Metadata, 12, response, state);
    expect(response.topics.map((x) => [x.name, x.errorCode])).toEqual([["orders", 0], ["..", 17], ["", 17]]);
  });

  it("only invalid names: an empty list goes upstream (v1+: no topics, just brokers)", () => {
    const request = { topics: [{ name: "." }], allowAutoTopicCreation: true };
    stateOf(rewriteRequest(tenant(), ApiKey.Metadata, 4, request));
    expect(request.topics).toEqual([]);
  });
});

describe("regex subscriptions confined to the namespace", () => {
  const ns = tenant().ns;
  it.each([
    ["orders.*", "\\Qpayments.\\E(?:orders.*)"],
    [".*", "\\Qpayments.\\E(?:.*)"],
    ["(a|b)[)(]\\)\\Q)(\\E", "\\Qpayments.\\E(?:(a|b)[)(]\\)\\Q)(\\E)"],
    ["[]a)]|x", "\\Qpayments.\\E(?:[]a)]|x)"], // "]" first in a class is a literal
    ["[[:alpha:])]+", "\\Qpayments.\\E(?:[[:alpha:])]+)"],
  ])("%j → %j and back", (regex, confined) => {
    expect(confineRegex(ns, regex)).toBe(confined);
    expect(unconfineRegex(ns, confined)).toBe(regex);
  });

  // Each of these would match outside the namespace once wrapped (checked against RE2J 1.8 by hand).
  it.each([")|(.*", "a)|(?:.*", "\\", "\\Q", "x\\Q)|.*", "[a])|(.*", "(", "[a"])("%j is refused", (regex) => {
    expect(confineRegex(ns, regex)).toBeUndefined();
  });

  it("ConsumerGroupHeartbeat: regex confined, error messages show the client's regex", () => {
    const t = tenant();
    const request = { groupId: "g", subscribedTopicNames: null, subscribedTopicRegex: "ord.*", topicPartitions: null };
    const state = stateOf(rewriteRequest(t, ApiKey.ConsumerGroupHeartbeat, 1, request));
    expect(request).toMatchObject({ groupId: "payments.g", subscribedTopicRegex: "\\Qpayments.\\E(?:ord.*)" });
    const response = { errorCode: 128, errorMessage: "SubscribedTopicRegex `\\Qpayments.\\E(?:ord.*)` is not a valid regular expression: x.", assignment: null };
    rewriteResponse(t, ApiKey.ConsumerGroupHeartbeat, 1, response, state);
    expect(response.errorMessage).toBe("SubscribedTopicRegex `ord.*` is not a valid regular expression: x.");
  });

  it.each([null, ""])("ConsumerGroupHeartbeat: regex %j is left alone", (regex) => {
    const request = { groupId: "g", subscribedTopicNames: null, subscribedTopicRegex: regex, topicPartitions: null };
    expect(rewriteRequest(tenant(), ApiKey.ConsumerGroupHeartbeat, 1, request)).toEqual({ kind: "forward" });
    expect(request.subscribedTopicRegex).toBe(regex);
  });

  it("ConsumerGroupHeartbeat: an escaping regex → INVALID_REGULAR_EXPRESSION from the gateway", () => {
    const response = respondWith(rewriteRequest(tenant(), ApiKey.ConsumerGroupHeartbeat, 1, { groupId: "g", subscribedTopicNames: null, subscribedTopicRegex: ")|(.*", topicPartitions: null }));
    expect(response).toMatchObject({ errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, errorMessage: expect.stringContaining(")|(.*"), assignment: null });
  });

  it("ConsumerGroupDescribe shows members' regexes as the clients wrote them", () => {
    const response = { groups: [{ groupId: "payments.g", errorMessage: null, members: [{ subscribedTopicNames: [], subscribedTopicRegex: "\\Qpayments.\\E(?:ord.*)", assignment: { topicPartitions: [] }, targetAssignment: { topicPartitions: [] } }] }] };
    rewriteResponse(tenant(), ApiKey.ConsumerGroupDescribe, 1, response, undefined);
    expect(response.groups[0]!.members[0]!.subscribedTopicRegex).toBe("ord.*");
  });

  it("ListTransactions v2: the transactional id pattern is confined; an escaping one refused", () => {
    const request = { stateFilters: [], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: "tx-.*" };
    stateOf(rewriteRequest(tenant(), ApiKey.ListTransactions, 2, request));
    expect(request.transactionalIdPattern).toBe("\\Qpayments.\\E(?:tx-.*)");
    const refused = respondWith(rewriteRequest(tenant(), ApiKey.ListTransactions, 2, { ...request, transactionalIdPattern: ".*)|(.*" }));
    expect(refused).toMatchObject({ errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, transactionStates: [] });
  });
});

describe("DescribeTopicPartitions: listing all topics stays inside the namespace", () => {
  it("no topics and no cursor: the listing starts at the namespace", () => {
    const request = { topics: [], responsePartitionLimit: 10, cursor: null };
    rewriteRequest(tenant(), ApiKey.DescribeTopicPartitions, 0, request);
    expect(request.cursor).toEqual({ topicName: "payments.", partitionIndex: 0 });
  });

  it("a next cursor outside the namespace ends the listing", () => {
    const response = { topics: [{ name: "payments.z", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }, { name: "q.other", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }], nextCursor: { topicName: "q.other", partitionIndex: 3 } };
    rewriteResponse(tenant(), ApiKey.DescribeTopicPartitions, 0, response, undefined);
    expect(response).toEqual({ topics: [{ name: "z", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }], nextCursor: null });
  });
});

describe("InitProducerId: the transactional id", () => {
  it.each([0, 4, 6])("v%i: null (idempotent producer) stays null, a name is prefixed", (version) => {
    const idempotent = { transactionalId: null, transactionTimeoutMs: -1 };
    expect(rewriteRequest(tenant(), ApiKey.InitProducerId, version, idempotent)).toEqual({ kind: "forward" });
    expect(idempotent.transactionalId).toBeNull();
    const transactional = { transactionalId: "tx", transactionTimeoutMs: 60000 };
    expect(rewriteRequest(tenant(), ApiKey.InitProducerId, version, transactional)).toEqual({ kind: "forward" });
    expect(transactional.transactionalId).toBe("payments.tx");
  });

  it.each([0, 4, 6])("v%i: an empty one gets INVALID_REQUEST, as from Kafka (never the bare prefix)", (version) => {
    const response = respondWith(rewriteRequest(tenant(), ApiKey.InitProducerId, version, { transactionalId: "", transactionTimeoutMs: 60000 }));
    expect(response).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 });
  });
});
