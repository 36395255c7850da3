// The admin API's topic, group and message routes (src/control/routes/{topics,groups,messages}.ts) over HTTP against
// real Kafka: a gateway started from a config file, an unscoped token acting as the virtual cluster's super-user, a
// token scoped to it acting as User:<token name> under its ACL rules, and the API's one error body shape.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createToken } from "../../src/control/auth.js";
import type { Gateway } from "../../src/gateway.js";
import { kafkajsClient, subscribeWhenKnown, uniqueName } from "../harness/clients.js";
import { controlApiCaller } from "../harness/control-api.js";
import { portPerBrokerListener, startGatewayFromFile } from "../harness/gateway-from-file.js";
import { waitUntil } from "../harness/wait.js";

const ops = createToken();
const team = createToken();
const viewer = createToken();

describe("admin API: a tenant's topics, groups and messages", () => {
  const kafka = inject("kafka");
  const brokerCount = kafka.brokers.length;
  const replicationFactor = Math.min(3, brokerCount);
  const cleanups: (() => Promise<unknown>)[] = [];
  let gateway: Gateway;
  const call = controlApiCaller(() => gateway.controlAddress);
  const shop = "/api/v1/virtual-clusters/shop";

  beforeAll(async () => {
    const listener = () => portPerBrokerListener(kafka);
    const document = {
      clusters: [{ name: "shared", bootstrap: kafka.bootstrap }],
      virtualClusters: [
        {
          name: "shop",
          cluster: "shared",
          prefix: `${uniqueName("shop")}.`,
          listeners: [await listener()],
          acls: {
            rules: [
              // The token scoped to shop acts as User:shop-team: it owns the topics named team-*.
              { principal: "User:shop-team", resourceType: "topic", patternType: "prefixed", name: "team-", operations: ["ALL"] },
              { principal: "User:shop-team", resourceType: "group", name: "*", operations: ["ALL"] },
              { principal: "User:ANONYMOUS", resourceType: "topic", name: "*", operations: ["ALL"] },
              { principal: "User:ANONYMOUS", resourceType: "group", name: "*", operations: ["ALL"] },
            ],
          },
        },
        { name: "other", cluster: "shared", prefix: `${uniqueName("other")}.`, listeners: [await listener()] },
      ],
      control: {
        tokens: [
          { name: "ops", sha256: ops.sha256, role: "admin" },
          { name: "shop-team", sha256: team.sha256, role: "operator", virtualCluster: "shop" },
          { name: "shop-viewer", sha256: viewer.sha256, role: "viewer", virtualCluster: "shop" },
        ],
      },
    };
    ({ gateway } = await startGatewayFromFile(document, "tenant-admin-api"));
    cleanups.push(() => gateway.close(0));
  });

  afterAll(async () => {
    await call("DELETE", `${shop}/topics/orders`, ops.token).catch(() => undefined);
    await call("DELETE", `${shop}/topics/team-a`, ops.token).catch(() => undefined);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it("topics: an unscoped token creates and lists; a scoped one is held to its ACL rules and its virtual cluster", async () => {
    expect(await call("POST", `${shop}/topics`, ops.token, { name: "orders", partitions: 2, replicationFactor })).toMatchObject({ status: 201, body: { name: "orders", partitions: 2 } });
    expect(await call("POST", `${shop}/topics`, team.token, { name: "team-a", partitions: 1, replicationFactor, configs: { "retention.ms": "3600000" } })).toMatchObject({ status: 201 });
    const denied = await call("POST", `${shop}/topics`, team.token, { name: "not-mine", partitions: 1 });
    expect(denied).toMatchObject({ status: 403, body: { error: { code: "topic_authorization_failed", details: { name: "TOPIC_AUTHORIZATION_FAILED" } } } });

    // The super-user sees every topic; the team only what its rules let it describe.
    await waitUntil(async () => (await call("GET", `${shop}/topics`, ops.token)).body.topics.length === 2, { what: "both topics listed" });
    const listed = await call("GET", `${shop}/topics`, ops.token);
    expect(listed.body.topics.map((t: { name: string }) => t.name)).toEqual(["orders", "team-a"]);
    expect(listed.body.topics[0]).toMatchObject({ partitions: 2, replicationFactor, produceBytesPerSecond: 0, produceMessagesPerSecond: 0 });
    expect(await call("GET", `${shop}/topics`, viewer.token)).toMatchObject({ status: 200, body: { topics: [] } }); // no rule lets it describe any
    expect((await call("GET", `${shop}/topics`, team.token)).body.topics.map((t: { name: string }) => t.name)).toEqual(["team-a"]);
    expect((await call("GET", "/api/v1/virtual-clusters/other/topics", team.token)).status).toBe(404);
    expect((await call("POST", `${shop}/topics`, viewer.token, { name: "team-b" })).status).toBe(403);

    expect(await call("POST", `${shop}/topics/team-a/partitions`, team.token, { count: 3 })).toMatchObject({ status: 200, body: { partitions: 3 } });
    const configs = await waitUntil(async () => {
      const answer = await call("GET", `${shop}/topics/team-a/configs`, team.token);
      return answer.status === 200 ? answer : undefined;
    }, { what: "team-a's configs" });
    expect(configs.body.configs.find((c: { name: string }) => c.name === "retention.ms")).toMatchObject({ value: "3600000", source: "DYNAMIC_TOPIC_CONFIG" });
    expect((await call("PATCH", `${shop}/topics/team-a/configs`, team.token, { set: { "retention.ms": "7200000" } })).status).toBe(204);
    const refused = await call("PATCH", `${shop}/topics/team-a/configs`, team.token, { set: { "unclean.leader.election.enable": "true" } });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: "policy_violation" } } });
    expect(refused.body.error.message).toContain("unclean.leader.election.enable");
    expect(await call("DELETE", `${shop}/topics/missing`, ops.token)).toMatchObject({ status: 404, body: { error: { code: "unknown_topic_or_partition" } } });
  });

  it("the OpenAPI document describes the routes", async () => {
    const { status, body } = await call("GET", "/api/openapi.json", undefined);
    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/virtual-clusters/{name}/topics/{topic}/configs",
        "/api/v1/virtual-clusters/{name}/groups/{group}/offsets/reset",
        "/api/v1/virtual-clusters/{name}/topics/{topic}/partitions/{partition}/messages",
      ]),
    );
  });

  it("messages: sent as text or base64, read back the same way", async () => {
    const sent = await call("POST", `${shop}/topics/team-a/messages`, team.token, { key: "k", value: "hello", headers: [{ key: "h", value: "v" }] });
    expect(sent).toMatchObject({ status: 201, body: { topic: "team-a", partition: 0, offset: 0 } });
    const binary = Buffer.from([0, 255, 1]).toString("base64");
    expect((await call("POST", `${shop}/topics/team-a/messages`, team.token, { value: binary, encoding: "base64" })).status).toBe(201);
    // The viewer token acts as User:shop-viewer, whom no rule lets read.
    expect(await call("GET", `${shop}/topics/team-a/partitions/0/messages`, viewer.token)).toMatchObject({ status: 403, body: { error: { code: "topic_authorization_failed" } } });
    const read = await call("GET", `${shop}/topics/team-a/partitions/0/messages?limit=10`, team.token);
    expect(read.status).toBe(200);
    expect(read.body.messages.map((m: { value: string }) => m.value)).toEqual(["hello", Buffer.from([0, 255, 1]).toString("utf8")]);
    expect(read.body.messages[0]).toMatchObject({ offset: 0, key: "k", headers: [{ key: "h", value: "v" }] });
    const base64 = await call("GET", `${shop}/topics/team-a/partitions/0/messages?limit=1&encoding=base64`, team.token);
    expect(base64.body.messages).toMatchObject([{ offset: 1, key: null, value: binary }]);
    expect((await call("GET", `${shop}/topics/team-a/partitions/0/messages?limit=5000`, team.token)).status).toBe(400);
    expect((await call("POST", `${shop}/topics/orders/messages`, team.token, { value: "x" })).status).toBe(403);
  });

  it("groups: list, describe with lag, reset with a dry run only while empty, delete", async () => {
    const bootstrap = `127.0.0.1:${gateway.runtime.config.virtualClusters.find((v) => v.name === "shop")!.listeners[0]!.bootstrapPort}`;
    const consumer = kafkajsClient(bootstrap, "tenant-admin-api").consumer({ groupId: "team-readers" });
    cleanups.push(() => consumer.disconnect());
    let received = 0;
    await consumer.connect();
    await subscribeWhenKnown(consumer, "team-a");
    await consumer.run({ eachMessage: async () => void received++ });
    await waitUntil(async () => received === 2 && (await call("GET", `${shop}/groups/team-readers`, team.token)).body.partitions?.some((p: { committedOffset: number }) => p.committedOffset === 2), {
      what: "the group's offsets committed",
    });
    expect((await call("GET", `${shop}/groups`, team.token)).body.groups).toContainEqual(expect.objectContaining({ groupId: "team-readers", protocolType: "consumer" }));
    const busy = await call("POST", `${shop}/groups/team-readers/offsets/reset`, team.token, { to: { kind: "earliest" }, dryRun: true });
    expect(busy).toMatchObject({ status: 409, body: { error: { code: "non_empty_group" } } });

    await consumer.disconnect();
    const dry = await call("POST", `${shop}/groups/team-readers/offsets/reset`, team.token, { to: { kind: "earliest" }, dryRun: true });
    expect(dry).toMatchObject({ status: 200, body: { dryRun: true, offsets: [{ topic: "team-a", partition: 0, previousOffset: 2, newOffset: 0 }] } });
    expect((await call("GET", `${shop}/groups/team-readers`, team.token)).body).toMatchObject({ state: "Empty", totalLag: 0 });
    expect((await call("POST", `${shop}/groups/team-readers/offsets/reset`, team.token, { to: { kind: "earliest" } })).body.dryRun).toBe(false);
    expect((await call("GET", `${shop}/groups/team-readers`, team.token)).body.totalLag).toBe(2);
    expect((await call("POST", `${shop}/groups/team-readers/offsets/reset`, team.token, { to: { kind: "sideways" } })).status).toBe(400);
    expect((await call("DELETE", `${shop}/groups/team-readers`, team.token)).status).toBe(204);
    expect(await call("GET", `${shop}/groups/team-readers`, team.token)).toMatchObject({ status: 404, body: { error: { code: "group_id_not_found" } } });
  });
});
