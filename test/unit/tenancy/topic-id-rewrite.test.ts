// Topic ids in requests and responses: a foreign id is answered exactly like a nonexistent one (the broker itself
// answers UNKNOWN_TOPIC_ID for a stand-in), and responses never show another tenant's topic by id.
import { describe, expect, it } from "vitest";
import { API_BY_KEY, ApiKey } from "../../../src/protocol/messages/index.js";
import { inVersionRange, type FieldSchema } from "../../../src/protocol/schema.js";
import { TENANT_VERSION_RANGES } from "../../../src/tenancy/api-policy.js";
import { rewriteRequest, rewriteResponse, type RequestOutcome } from "../../../src/tenancy/rewrite.js";
import { ZERO_UUID } from "../../../src/tenancy/topic-ids.js";
import { ABSENT_ID, FOREIGN_ID, INTERNAL_ID, OUR_ID, tenant } from "./tenant-fixture.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tables reach into partial messages of many shapes
type Obj = Record<string, any>;
const stateOf = (outcome: RequestOutcome): unknown => (outcome.kind === "forward" ? outcome.state : undefined);

// [api, version, request with topic id X, path to the id in the request, response to that request, path in the response]
const cases: [keyof typeof ApiKey, number, (id: string) => Obj, (m: Obj) => string, (id: string) => Obj, (m: Obj) => string][] = [
  ["Fetch", 13, (id) => ({ topics: [{ topicId: id, partitions: [] }], forgottenTopicsData: [] }), (m) => m.topics[0].topicId, (id) => ({ responses: [{ topicId: id, partitions: [] }] }), (m) => m.responses[0].topicId],
  ["Fetch", 17, (id) => ({ topics: [], forgottenTopicsData: [{ topicId: id, partitions: [0] }] }), (m) => m.forgottenTopicsData[0].topicId, (id) => ({ responses: [{ topicId: id, partitions: [] }] }), (m) => m.responses[0].topicId],
  ["Metadata", 12, (id) => ({ topics: [{ topicId: id, name: null }] }), (m) => m.topics[0].topicId, (id) => ({ topics: [{ topicId: id, name: null, errorCode: 100 }] }), (m) => m.topics[0].topicId],
  ["DeleteTopics", 6, (id) => ({ topics: [{ name: null, topicId: id }] }), (m) => m.topics[0].topicId, (id) => ({ responses: [{ name: null, topicId: id, errorCode: 100 }] }), (m) => m.responses[0].topicId],
  ["Produce", 13, (id) => ({ transactionalId: null, topicData: [{ topicId: id, partitionData: [] }] }), (m) => m.topicData[0].topicId, (id) => ({ responses: [{ topicId: id, partitionResponses: [] }] }), (m) => m.responses[0].topicId],
  ["OffsetCommit", 10, (id) => ({ groupId: "g", topics: [{ topicId: id, partitions: [] }] }), (m) => m.topics[0].topicId, (id) => ({ topics: [{ topicId: id, partitions: [] }] }), (m) => m.topics[0].topicId],
  ["OffsetFetch", 10, (id) => ({ groups: [{ groupId: "g", topics: [{ topicId: id, partitionIndexes: [0] }] }] }), (m) => m.groups[0].topics[0].topicId, (id) => ({ groups: [{ groupId: "payments.g", topics: [{ topicId: id, partitions: [] }] }] }), (m) => m.groups[0].topics[0].topicId],
  ["TxnOffsetCommit", 6, (id) => ({ transactionalId: "t", groupId: "g", topics: [{ topicId: id, partitions: [] }] }), (m) => m.topics[0].topicId, (id) => ({ topics: [{ topicId: id, partitions: [] }] }), (m) => m.topics[0].topicId],
  ["ConsumerGroupHeartbeat", 1, (id) => ({ groupId: "g", subscribedTopicNames: null, topicPartitions: [{ topicId: id, partitions: [0] }] }), (m) => m.topicPartitions[0].topicId, (id) => ({ errorMessage: null, assignment: { topicPartitions: [{ topicId: id, partitions: [0] }] } }), (m) => m.assignment.topicPartitions[0].topicId],
  ["ShareFetch", 1, (id) => ({ groupId: "g", topics: [{ topicId: id, partitions: [] }], forgottenTopicsData: [] }), (m) => m.topics[0].topicId, (id) => ({ errorMessage: null, responses: [{ topicId: id, partitions: [] }], nodeEndpoints: [] }), (m) => m.responses[0].topicId],
  ["ShareFetch", 2, (id) => ({ groupId: "g", topics: [], forgottenTopicsData: [{ topicId: id, partitions: [0] }] }), (m) => m.forgottenTopicsData[0].topicId, (id) => ({ errorMessage: null, responses: [{ topicId: id, partitions: [] }], nodeEndpoints: [] }), (m) => m.responses[0].topicId],
  ["ShareAcknowledge", 2, (id) => ({ groupId: "g", topics: [{ topicId: id, partitions: [] }] }), (m) => m.topics[0].topicId, (id) => ({ errorMessage: null, responses: [{ topicId: id, partitions: [] }], nodeEndpoints: [] }), (m) => m.responses[0].topicId],
];

describe("topic ids in requests", () => {
  it.each(cases)("%s v%i: the tenant's own id is forwarded as is", (api, version, request, at) => {
    const msg = request(OUR_ID);
    expect(rewriteRequest(tenant(), ApiKey[api], version, msg)).toEqual({ kind: "forward" });
    expect(at(msg)).toBe(OUR_ID);
  });

  it.each(cases)("%s v%i: a foreign, internal or absent id is replaced by its stand-in and restored in the response", async (api, version, request, at, response, atResponse) => {
    const t = tenant();
    for (const id of [FOREIGN_ID, INTERNAL_ID, ABSENT_ID]) {
      const msg = request(id);
      const outcome = await rewriteRequest(t, ApiKey[api], version, msg);
      expect(outcome.kind).toBe("forward");
      const sent = at(msg);
      expect(sent).not.toBe(id);
      expect(sent).toBe(t.topicIds.standInFor(id));
      const answer = response(sent);
      rewriteResponse(t, ApiKey[api], version, answer, stateOf(outcome));
      expect(atResponse(answer)).toBe(id);
    }
  });

  it("foreign and absent ids take the same path: both refresh once, both get stand-ins", async () => {
    const t = tenant([{ id: FOREIGN_ID, name: "analytics.orders" }], false);
    const foreign = { topics: [{ topicId: FOREIGN_ID, partitions: [] }], forgottenTopicsData: [] };
    const absent = { topics: [{ topicId: ABSENT_ID, partitions: [] }], forgottenTopicsData: [] };
    const a = rewriteRequest(t, ApiKey.Fetch, 13, foreign);
    const b = rewriteRequest(t, ApiKey.Fetch, 13, absent);
    expect(a).toBeInstanceOf(Promise);
    expect(b).toBeInstanceOf(Promise);
    await Promise.all([a, b]);
    expect(t.refreshes).toBe(1);
    expect(foreign.topics[0]!.topicId).toBe(t.topicIds.standInFor(FOREIGN_ID));
    expect(absent.topics[0]!.topicId).toBe(t.topicIds.standInFor(ABSENT_ID));
  });

  it("another tenant's id, though cached, is answered as slowly as an absent one: same refresh, no timing oracle", async () => {
    const t = tenant([]);
    const msg = { topics: [{ topicId: FOREIGN_ID, partitions: [] }], forgottenTopicsData: [] };
    const outcome = rewriteRequest(t, ApiKey.Fetch, 13, msg);
    expect(outcome).toBeInstanceOf(Promise);
    await outcome;
    expect(t.refreshes).toBe(1);
    expect(msg.topics[0]!.topicId).toBe(t.topicIds.standInFor(FOREIGN_ID));
  });

  it("the broker's error message about a stand-in names the client's id", async () => {
    const t = tenant();
    const msg = { topics: [{ topicId: FOREIGN_ID, name: null }] };
    const outcome = await rewriteRequest(t, ApiKey.Metadata, 12, msg);
    const sent = msg.topics[0]!.topicId;
    const response = { errorMessage: `Topic id ${sent} not found`, topics: [{ topicId: sent, name: null, errorCode: 100 }] };
    rewriteResponse(t, ApiKey.DescribeCluster, 1, response, stateOf(outcome)); // any response with a message
    expect(response.errorMessage).toBe(`Topic id ${FOREIGN_ID} not found`);
  });

  it("an id unknown to the cache but the tenant's after a refresh is forwarded as is", async () => {
    const t = tenant([{ id: OUR_ID, name: "payments.orders" }], false);
    const msg = { topics: [{ topicId: OUR_ID, partitions: [] }], forgottenTopicsData: [] };
    expect(await rewriteRequest(t, ApiKey.Fetch, 13, msg)).toEqual({ kind: "forward" });
    expect(msg.topics[0]!.topicId).toBe(OUR_ID);
  });

  it("the zero uuid (topics named by name) is left alone and never looked up", () => {
    const t = tenant([], false);
    const msg = { topics: [{ name: "orders", topicId: ZERO_UUID }] };
    expect(rewriteRequest(t, ApiKey.Metadata, 11, msg)).toEqual({ kind: "forward" });
    expect(msg).toEqual({ topics: [{ name: "payments.orders", topicId: ZERO_UUID }] });
    expect(t.refreshes).toBe(0);
  });
});

describe("topic ids in responses", () => {
  it("share groups: an assignment or a describe naming another tenant's topic id shows nothing of it", () => {
    const t = tenant();
    const heartbeat = { errorMessage: null, assignment: { topicPartitions: [{ topicId: OUR_ID, partitions: [0] }, { topicId: FOREIGN_ID, partitions: [1] }] } };
    rewriteResponse(t, ApiKey.ShareGroupHeartbeat, 1, heartbeat, undefined);
    expect(heartbeat.assignment.topicPartitions).toEqual([{ topicId: OUR_ID, partitions: [0] }]);
    const offsets = { groups: [{ groupId: "payments.g", errorMessage: null, topics: [{ topicName: "analytics.orders", topicId: FOREIGN_ID, partitions: [] }] }] };
    rewriteResponse(t, ApiKey.DescribeShareGroupOffsets, 1, offsets, undefined);
    expect(offsets.groups[0]!.topics).toEqual([]);
  });

  it("entries with another tenant's id are dropped; the tenant's and unknown ones kept", () => {
    const response = { responses: [{ topicId: OUR_ID, partitions: [] }, { topicId: FOREIGN_ID, partitions: [] }, { topicId: INTERNAL_ID, partitions: [] }, { topicId: ABSENT_ID, partitions: [] }] };
    rewriteResponse(tenant(), ApiKey.Fetch, 16, response, undefined);
    expect(response.responses.map((r) => r.topicId)).toEqual([OUR_ID, ABSENT_ID]);
  });

  it.each([
    ["Metadata", 12, { topics: [{ name: "payments.new", topicId: "AAAAAAAAAAAAAAAAAAAABQ" }] }],
    ["CreateTopics", 7, { topics: [{ name: "payments.new", topicId: "AAAAAAAAAAAAAAAAAAAABQ", errorMessage: null }] }],
    ["DeleteTopics", 6, { responses: [{ name: "payments.new", topicId: "AAAAAAAAAAAAAAAAAAAABQ", errorMessage: null }] }],
    ["DescribeTopicPartitions", 0, { topics: [{ name: "payments.new", topicId: "AAAAAAAAAAAAAAAAAAAABQ" }], nextCursor: null }],
  ] as const)("%s v%i teaches the map (id → physical name) before stripping", (api, version, response) => {
    const t = tenant();
    const msg = structuredClone(response) as Obj;
    rewriteResponse(t, ApiKey[api], version, msg, undefined);
    expect(t.topicIds.nameOf("AAAAAAAAAAAAAAAAAAAABQ")).toBe("payments.new");
    expect(JSON.stringify(msg)).not.toContain("payments.");
  });

  it("learns other tenants' pairs too (listing all topics), then drops them", () => {
    const t = tenant([], false);
    const msg = { topics: [{ name: "analytics.x", topicId: "AAAAAAAAAAAAAAAAAAAABg" }, { name: "payments.y", topicId: "AAAAAAAAAAAAAAAAAAAABw" }] };
    rewriteResponse(t, ApiKey.Metadata, 12, msg, undefined);
    expect(msg.topics).toEqual([{ name: "y", topicId: "AAAAAAAAAAAAAAAAAAAABw" }]);
    expect(t.topicIds.nameOf("AAAAAAAAAAAAAAAAAAAABg")).toBe("analytics.x");
  });

  it("ConsumerGroupDescribe: assignments name topics by id and name; a foreign one is dropped", () => {
    const t = tenant();
    const msg = {
      groups: [
        {
          groupId: "payments.g",
          errorMessage: null,
          members: [
            {
              subscribedTopicNames: [],
              subscribedTopicRegex: null,
              assignment: { topicPartitions: [{ topicId: OUR_ID, topicName: "payments.orders", partitions: [0] }, { topicId: FOREIGN_ID, topicName: "analytics.orders", partitions: [0] }] },
              targetAssignment: { topicPartitions: [] },
            },
          ],
        },
      ],
    };
    rewriteResponse(t, ApiKey.ConsumerGroupDescribe, 1, msg, undefined);
    expect(msg.groups[0]!.members[0]!.assignment.topicPartitions).toEqual([{ topicId: OUR_ID, topicName: "orders", partitions: [0] }]);
  });
});

/** Every request struct of a tenant API version that carries both a topic id and a topic name. */
function structsWithIdAndName(): string[] {
  const found: string[] = [];
  const scan = (fields: readonly FieldSchema[], version: number, path: string, api: string) => {
    const here = fields.filter((f) => inVersionRange(f.versions, version));
    if (here.some((f) => f.name === "topicId" && f.type === "uuid") && here.some((f) => f.entityType === "topicName")) found.push(`${api} v${version} ${path}`);
    for (const f of here) if (f.fields !== undefined) scan(f.fields, version, `${path}.${f.name}`, api);
  };
  for (const [apiKey, range] of TENANT_VERSION_RANGES) {
    const api = API_BY_KEY.get(apiKey)!;
    for (let version = range.minVersion; version <= range.maxVersion; version++) scan(api.requestSchema.fields, version, "", api.name);
  }
  return found;
}

describe("an entry naming a topic by id and by name: the non-zero id decides", () => {
  // Kafka 4's Java AdminClient describeTopics(TopicCollection.ofTopicIds(...)) sends Metadata entries {topicId, name: ""}.
  const cases: [keyof typeof ApiKey, number, (id: string, name: string) => Obj, (m: Obj) => Obj][] = [
    ...[10, 11, 12, 13].map((v): [keyof typeof ApiKey, number, (id: string, name: string) => Obj, (m: Obj) => Obj] => [
      "Metadata", v, (id, name) => ({ topics: [{ topicId: id, name }], allowAutoTopicCreation: false }), (m) => m.topics[0],
    ]),
    ["DeleteTopics", 6, (id, name) => ({ topics: [{ topicId: id, name }], timeoutMs: 1000 }), (m) => m.topics[0]],
  ];

  it("covers every request version whose entries carry both", () => {
    expect(structsWithIdAndName()).toEqual(cases.map(([api, version]) => `${api} v${version} .topics`));
  });

  it.each(cases)("%s v%i: an empty name beside the tenant's own id is forwarded as sent: not refused, not prefixed", (api, version, request, entry) => {
    const msg = request(OUR_ID, "");
    const outcome = rewriteRequest(tenant(), ApiKey[api], version, msg);
    expect(outcome).toEqual({ kind: "forward" });
    expect(entry(msg)).toEqual({ topicId: OUR_ID, name: "" });
  });

  it.each(cases)("%s v%i: a name beside an id is still confined to the namespace; by name alone an empty one stays refused", (api, version, request, entry) => {
    const msg = request(OUR_ID, "analytics.orders");
    rewriteRequest(tenant(), ApiKey[api], version, msg);
    expect(entry(msg).name).toBe("payments.analytics.orders");
    if (api !== "Metadata") return;
    const byName = request(ZERO_UUID, "");
    const outcome = rewriteRequest(tenant(), ApiKey[api], version, byName) as RequestOutcome;
    expect(outcome.kind === "respond" || (byName.topics as Obj[]).length === 0).toBe(true); // INVALID_TOPIC_EXCEPTION, answered by the gateway
  });
});
