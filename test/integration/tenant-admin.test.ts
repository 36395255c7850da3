// The control plane's topic, group and message operations (src/admin/) against real Kafka, side by side with real
// kafkajs clients of the same virtual cluster: the operations see exactly what the tenant's clients made, in the
// tenant's names, never another tenant's; an ACL-denied principal gets the error its kafkajs client gets; offset
// resets are what a kafkajs consumer then starts from; messages go both ways, gzip-compressed ones included.
import { CompressionTypes, Kafka, logLevel, type Consumer, type KafkaMessage, type SASLOptions } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { AdminError } from "../../src/admin/admin-error.js";
import { AdminTenants } from "../../src/admin/admin-tenants.js";
import type { OffsetResetRequest } from "../../src/admin/groups.js";
import type { ReadRequest, TestMessage } from "../../src/admin/messages.js";
import type { AdminArgs, AdminOperation } from "../../src/admin/operations.js";
import { listTopics as listTopicsWith } from "../../src/admin/topics.js";
import type { ConfigChanges, TopicSpec } from "../../src/admin/topics.js";
import { Operation as Op, PatternType, Permission, ResourceType as R } from "../../src/acl/operations.js";
import type { AclRule } from "../../src/acl/rule.js";
import type { GatewayConfig, VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { scramCredential } from "../../src/security/scram.js";
import type { Principal } from "../../src/session/session.js";
import { kafkajsErrorTypes, subscribeWhenKnown, uniqueName } from "../harness/clients.js";
import { anotherListener, parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const PASSWORD = "tenant-admin-password";
const allow = (principal: string, resourceType: R, name: string, operation: Op): AclRule => ({
  principal,
  host: "*",
  resourceType,
  patternType: PatternType.Literal,
  name,
  operation,
  permission: Permission.Allow,
});
/** The plaintext listener's clients (User:ANONYMOUS) may do anything; carol may only describe `orders`. */
const RULES: AclRule[] = [
  allow("User:ANONYMOUS", R.Topic, "*", Op.All),
  allow("User:ANONYMOUS", R.Group, "*", Op.All),
  allow("User:ANONYMOUS", R.Cluster, "kafka-cluster", Op.All),
  allow("User:carol", R.Topic, "orders", Op.Describe),
];

/** The Kafka error an operation failed with, and the HTTP status it maps to. */
async function failure(action: () => Promise<unknown>): Promise<{ kafkaError: string | undefined; status: number; message: string }> {
  try {
    await action();
  } catch (err) {
    if (!(err instanceof AdminError)) throw err;
    return { kafkaError: err.kafkaError?.name, status: err.status, message: err.message };
  }
  throw new Error("expected the operation to fail");
}

describe("tenant admin operations", () => {
  const kafka = inject("kafka");
  const replicationFactor = Math.min(3, kafka.brokers.length);
  let gateway: Gateway;
  let shop: VirtualClusterConfig;
  let other: VirtualClusterConfig;
  /** A virtual cluster and principal the operations below run as, on the gateway's admin worker. */
  interface Tenant {
    readonly vc: string;
    readonly principal: Principal | undefined;
  }
  let admin: Tenant;
  const run = <N extends AdminOperation>(t: Tenant, operation: N, args: AdminArgs<N>) => gateway.runtime.admin.run(t.vc, t.principal, operation, args);
  const listTopics = (t: Tenant) => run(t, "listTopics", undefined);
  const createTopic = (t: Tenant, spec: TopicSpec) => run(t, "createTopic", spec);
  const addPartitions = (t: Tenant, topic: string, count: number) => run(t, "addPartitions", { topic, count });
  const describeTopicConfigs = (t: Tenant, topic: string) => run(t, "describeTopicConfigs", { topic });
  const alterTopicConfigs = (t: Tenant, topic: string, changes: ConfigChanges) => run(t, "alterTopicConfigs", { topic, changes });
  const deleteTopic = (t: Tenant, topic: string) => run(t, "deleteTopic", { topic });
  const listGroups = (t: Tenant) => run(t, "listGroups", undefined);
  const describeGroup = (t: Tenant, groupId: string) => run(t, "describeGroup", { groupId });
  const resetOffsets = (t: Tenant, request: OffsetResetRequest) => run(t, "resetOffsets", request);
  const deleteGroup = (t: Tenant, groupId: string) => run(t, "deleteGroup", { groupId });
  const sendMessage = (t: Tenant, message: TestMessage) => run(t, "sendMessage", message);
  const readMessages = (t: Tenant, request: ReadRequest) => run(t, "readMessages", request);
  const closers: (() => Promise<unknown>)[] = [];
  const later = <T extends { disconnect(): Promise<void> }>(thing: T): T => {
    closers.push(() => thing.disconnect());
    return thing;
  };
  const bootstrap = (vc: VirtualClusterConfig, listener: string) => gateway.endpoints.find((e) => e.virtualCluster === vc.name && e.listener === listener)!.bootstrap;
  const kafkajs = (vc: VirtualClusterConfig, sasl?: SASLOptions) =>
    new Kafka({
      clientId: uniqueName("tenant-admin"),
      brokers: [bootstrap(vc, sasl === undefined ? "plain" : "sasl")],
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 100 },
      ...(sasl !== undefined && { sasl }),
    });
  const client = (vc: VirtualClusterConfig, principal?: string): Tenant => ({ vc: vc.name, principal: principal === undefined ? undefined : { type: "User", name: principal } });
  const topicAdmin = async (vc: VirtualClusterConfig) => {
    const a = later(kafkajs(vc).admin());
    await a.connect();
    return a;
  };
  /** A consumer of `topic` in `groupId` from the beginning, collecting what it receives. */
  const consume = async (vc: VirtualClusterConfig, groupId: string, topic: string) => {
    const consumer: Consumer = later(kafkajs(vc).consumer({ groupId, retry: { retries: 2 } }));
    const received: KafkaMessage[] = [];
    await consumer.connect();
    await subscribeWhenKnown(consumer, topic);
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
    return { consumer, received };
  };

  beforeAll(async () => {
    const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
    const base = await testVirtualCluster("shop", "shared", kafka.brokers.length + 2, nodeIdBase);
    shop = {
      ...base,
      prefix: `${uniqueName("shop")}.`,
      listeners: [base.listeners[0]!, await anotherListener(base.listeners[0]!, { name: "sasl", security: "sasl_plaintext", saslMechanisms: ["PLAIN"] })],
      users: [{ name: "carol", scramSha512: scramCredential("SCRAM-SHA-512", PASSWORD) }],
      acls: { rules: RULES, superUsers: [], allowIfNoAclFound: false },
    };
    other = { ...(await testVirtualCluster("other", "shared", kafka.brokers.length + 2, nodeIdBase)), prefix: `${uniqueName("other")}.` };
    const config: GatewayConfig = {
      ...testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [shop, other]),
      authentication: { sessionLifetimeMs: 0, failureDelayMs: 10, timeoutMs: 10_000 },
    };
    gateway = await startGateway(config);
    admin = client(shop);
    await createTopicsAndWait(await topicAdmin(shop), [
      { topic: "orders", numPartitions: 3, replicationFactor },
      { topic: "events", numPartitions: 1, replicationFactor },
      { topic: "inbox", numPartitions: 2, replicationFactor },
      { topic: "zipped", numPartitions: 1, replicationFactor },
    ]);
    await createTopicsAndWait(await topicAdmin(other), [{ topic: "b-secret", numPartitions: 1, replicationFactor }]);
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    for (const vc of [shop, other]) {
      if (gateway === undefined || vc === undefined) continue;
      const a = kafkajs(vc).admin();
      await a.connect();
      await a.deleteTopics({ topics: await a.listTopics(), timeout: 30_000 }).catch(() => undefined);
      await a.disconnect();
    }
    await gateway?.close(0);
  });

  it("topics: lists the tenant's own with partitions, size and throughput; creates, grows, configures and deletes", async () => {
    const producer = later(kafkajs(shop).producer());
    await producer.connect();
    await producer.send({ topic: "orders", messages: [{ value: "first" }, { value: "second" }] });

    const listed = await listTopics(admin);
    expect(listed.map((t) => t.name)).toEqual(["events", "inbox", "orders", "zipped"]);
    const orders = listed.find((t) => t.name === "orders")!;
    expect(orders).toMatchObject({ partitions: 3, replicationFactor });
    expect(orders.sizeBytes).toBeGreaterThan(0);
    // Throughput is a rate between two listings: bytes and messages produced through the gateway in between show up.
    await producer.send({ topic: "orders", messages: [{ value: "x".repeat(10_000) }] });
    const produced = await waitUntil(async () => (await listTopics(admin)).find((t) => t.name === "orders" && t.produceBytesPerSecond > 0), { what: "produce throughput on orders", timeoutMs: 20_000 });
    // One record over a window of at least a second (listings closer than that reuse the last rates).
    expect(produced.produceMessagesPerSecond).toBeGreaterThan(0);
    expect(produced.produceMessagesPerSecond).toBeLessThanOrEqual(1);
    // The admin worker's reads count as fetched, bytes and messages alike.
    const read = async () => {
      for (const partition of [0, 1, 2]) await readMessages(admin, { topic: "orders", partition });
      return (await listTopics(admin)).find((t) => t.name === "orders" && t.fetchMessagesPerSecond > 0);
    };
    const fetched = await waitUntil(read, { what: "fetch throughput on orders", timeoutMs: 20_000 });
    expect(fetched.fetchBytesPerSecond).toBeGreaterThan(0);

    const created = await createTopic(admin, { name: "payments", partitions: 2, replicationFactor, configs: { "retention.ms": "3600000" } });
    expect(created).toMatchObject({ name: "payments", partitions: 2, replicationFactor });
    expect(await failure(() => createTopic(admin, { name: "payments", partitions: 1 }))).toMatchObject({ kafkaError: "TOPIC_ALREADY_EXISTS", status: 409 });
    // A create returns once every broker shows the topic: the tenant's kafkajs client sees it at once, under its name.
    const tenantAdmin = await topicAdmin(shop);
    expect(await tenantAdmin.listTopics()).toContain("payments");

    await addPartitions(admin, "payments", 4);
    expect((await listTopics(admin)).find((t) => t.name === "payments")?.partitions).toBe(4);
    expect(await failure(() => addPartitions(admin, "payments", 2))).toMatchObject({ kafkaError: "INVALID_PARTITIONS", status: 400 });

    const before = new Map((await describeTopicConfigs(admin, "payments")).map((c) => [c.name, c]));
    expect(before.get("retention.ms")).toMatchObject({ value: "3600000", source: "DYNAMIC_TOPIC_CONFIG" });
    const brokerDefault = { name: "log.cleanup.policy", value: "delete", source: "DEFAULT_CONFIG" };
    expect(before.get("cleanup.policy")).toMatchObject({ value: "delete", source: "DEFAULT_CONFIG", default: brokerDefault });
    await alterTopicConfigs(admin, "payments", { set: { "retention.ms": "7200000", "cleanup.policy": "compact" } });
    await alterTopicConfigs(admin, "payments", { delete: ["retention.ms"] });
    // Brokers learn of a config change one by one; an alter returns once every broker shows it.
    const after = new Map((await describeTopicConfigs(admin, "payments")).map((c) => [c.name, c]));
    expect(after.get("cleanup.policy")).toMatchObject({ value: "compact", source: "DYNAMIC_TOPIC_CONFIG", default: brokerDefault });
    expect(after.get("retention.ms")).toMatchObject({ value: "604800000", source: "DEFAULT_CONFIG" });
    // The virtual cluster's config allowlist holds here as for its clients.
    expect(await failure(() => alterTopicConfigs(admin, "payments", { set: { "unclean.leader.election.enable": "true" } }))).toMatchObject({ kafkaError: "POLICY_VIOLATION", status: 409 });
    const kafkajsSees = async () => (await tenantAdmin.describeConfigs({ resources: [{ type: 2, name: "payments", configNames: ["cleanup.policy"] }], includeSynonyms: false })).resources[0]!.configEntries[0]!.configValue;
    expect(await kafkajsSees()).toBe("compact");

    await deleteTopic(admin, "payments");
    expect((await listTopics(admin)).map((t) => t.name)).not.toContain("payments");
    expect(await failure(() => deleteTopic(admin, "payments"))).toMatchObject({ kafkaError: "UNKNOWN_TOPIC_OR_PARTITION", status: 404 });
  });

  it("another tenant's topics and groups are never listed nor reachable", async () => {
    const { consumer } = await consume(other, "b-group", "b-secret");
    const theirs = later(kafkajs(other).producer());
    await theirs.connect();
    await theirs.send({ topic: "b-secret", messages: [{ value: "not for shop" }] });
    await waitUntil(async () => (await listGroups(client(other))).some((g) => g.groupId === "b-group"), { what: "b-group listed for its own tenant" });
    await consumer.disconnect();

    expect((await listTopics(admin)).map((t) => t.name)).not.toContain("b-secret");
    expect((await listGroups(admin)).map((g) => g.groupId)).not.toContain("b-group");
    const physical = `${other.prefix}b-secret`;
    for (const name of ["b-secret", physical]) {
      expect(await failure(() => readMessages(admin, { topic: name, partition: 0 }))).toMatchObject({ kafkaError: "UNKNOWN_TOPIC_OR_PARTITION", status: 404 });
      expect(await failure(() => describeTopicConfigs(admin, name))).toMatchObject({ status: 404 });
      expect(await failure(() => sendMessage(admin, { topic: name, value: Buffer.from("x") }))).toMatchObject({ status: 404 });
    }
    expect(await failure(() => describeGroup(admin, "b-group"))).toMatchObject({ kafkaError: "GROUP_ID_NOT_FOUND", status: 404 });
    // Its own tenant reads it, through its own names.
    expect((await readMessages(client(other), { topic: "b-secret", partition: 0 })).messages.map((m) => m.value?.toString())).toEqual(["not for shop"]);
  });

  it("an ACL-denied principal gets the error its kafkajs client gets; listings show what it may describe", async () => {
    const carol = kafkajs(shop, { mechanism: "plain", username: "carol", password: PASSWORD } as SASLOptions);
    const producer = later(carol.producer({ retry: { retries: 0 } }));
    await producer.connect();
    let kafkajsError: unknown;
    await producer.send({ topic: "orders", messages: [{ value: "no" }] }).catch((err: unknown) => (kafkajsError = err));
    expect(kafkajsErrorTypes(kafkajsError)).toContain("TOPIC_AUTHORIZATION_FAILED");

    const asCarol = client(shop, "carol");
    expect(await failure(() => sendMessage(asCarol, { topic: "orders", value: Buffer.from("no") }))).toMatchObject({ kafkaError: "TOPIC_AUTHORIZATION_FAILED", status: 403 });
    expect(await failure(() => createTopic(asCarol, { name: "carols", partitions: 1 }))).toMatchObject({ kafkaError: "TOPIC_AUTHORIZATION_FAILED", status: 403 });
    expect(await failure(() => readMessages(asCarol, { topic: "orders", partition: 0 }))).toMatchObject({ kafkaError: "TOPIC_AUTHORIZATION_FAILED", status: 403 });
    const carolAdmin = later(carol.admin());
    await carolAdmin.connect();
    expect(await carolAdmin.listTopics()).toEqual(["orders"]);
    expect((await listTopics(asCarol)).map((t) => t.name)).toEqual(["orders"]);
    expect(await listGroups(asCarol)).toEqual([]);
  });

  it("consumer groups: describe with members and lag, reset offsets only when empty (dry run first), delete", async () => {
    const producer = later(kafkajs(shop).producer());
    await producer.connect();
    const now = Date.now();
    const send = (count: number, from: number, timestamp: number) =>
      producer.send({ topic: "events", messages: Array.from({ length: count }, (_, i) => ({ value: `e${from + i}`, timestamp: String(timestamp) })) });
    await send(5, 0, now - 60_000);

    const groupId = "g-events";
    const first = await consume(shop, groupId, "events");
    await waitUntil(() => first.received.length === 5, { what: "5 messages consumed" });
    const running = await waitUntil(
      async () => {
        const g = await describeGroup(admin, groupId);
        return g.state === "Stable" && g.partitions[0]?.committedOffset === 5 ? g : undefined;
      },
      { what: "the group stable with offset 5 committed" },
    );
    expect(running.members).toHaveLength(1);
    expect(running.members[0]).toMatchObject({ assignment: [{ topic: "events", partitions: [0] }] });
    expect(running.members[0]!.clientId).toMatch(/^tenant-admin-/); // as the client named itself, not as upstream knows it
    expect(running.protocolType).toBe("consumer");
    expect((await listGroups(admin)).find((g) => g.groupId === groupId)).toMatchObject({ protocolType: "consumer", state: "Stable" });

    const refused = await failure(() => resetOffsets(admin, { groupId, to: { kind: "earliest" }, dryRun: true }));
    expect(refused).toMatchObject({ kafkaError: "NON_EMPTY_GROUP", status: 409 });
    expect(refused.message).toContain("Stable");

    await first.consumer.disconnect();
    await send(3, 5, now - 30_000);
    const idle = await waitUntil(
      async () => {
        const g = await describeGroup(admin, groupId);
        return g.state === "Empty" && g.totalLag === 3 ? g : undefined;
      },
      { what: "the group empty with a lag of 3" },
    );
    expect(idle.members).toEqual([]);
    expect(idle.partitions).toEqual([{ topic: "events", partition: 0, committedOffset: 5, endOffset: 8, lag: 3 }]);

    // A dry run says where the offsets would go, and commits nothing.
    expect(await resetOffsets(admin, { groupId, to: { kind: "offset", offset: 2 }, dryRun: true })).toEqual([{ topic: "events", partition: 0, previousOffset: 5, newOffset: 2 }]);
    expect((await describeGroup(admin, groupId)).partitions[0]!.committedOffset).toBe(5);
    expect(await resetOffsets(admin, { groupId, to: { kind: "timestamp", timestamp: now - 45_000 }, dryRun: true })).toMatchObject([{ newOffset: 5 }]);
    expect(await resetOffsets(admin, { groupId, to: { kind: "latest" }, topics: [{ topic: "events" }], dryRun: true })).toMatchObject([{ newOffset: 8 }]);
    expect(await resetOffsets(admin, { groupId, to: { kind: "offset", offset: 1_000 }, dryRun: true })).toMatchObject([{ newOffset: 8 }]);
    expect(await failure(() => resetOffsets(admin, { groupId, to: { kind: "earliest" }, topics: [{ topic: "events", partitions: [7] }] }))).toMatchObject({
      kafkaError: "UNKNOWN_TOPIC_OR_PARTITION",
      status: 404,
    });

    expect(await resetOffsets(admin, { groupId, to: { kind: "offset", offset: 2 } })).toEqual([{ topic: "events", partition: 0, previousOffset: 5, newOffset: 2 }]);
    // A kafkajs consumer of the group starts where the reset put it.
    const second = await consume(shop, groupId, "events");
    await waitUntil(() => second.received.length === 6, { what: "the 6 messages from offset 2" });
    expect(second.received.map((m) => m.offset)).toEqual(["2", "3", "4", "5", "6", "7"]);
    expect(second.received[0]!.value?.toString()).toBe("e2");
    await second.consumer.disconnect();

    await resetOffsets(admin, { groupId, to: { kind: "earliest" } });
    expect((await describeGroup(admin, groupId)).totalLag).toBe(8);
    await deleteGroup(admin, groupId);
    expect((await listGroups(admin)).map((g) => g.groupId)).not.toContain(groupId);
    expect(await failure(() => deleteGroup(admin, groupId))).toMatchObject({ kafkaError: "GROUP_ID_NOT_FOUND", status: 404 });
  });

  it("messages: a test message reaches a kafkajs consumer with its key, value and headers, and reads back", async () => {
    const sent = await sendMessage(admin, {
      topic: "inbox",
      partition: 1,
      key: Buffer.from("order-42"),
      value: Buffer.from('{"total": 42}'),
      headers: [{ key: "source", value: Buffer.from("control-plane") }],
    });
    expect(sent).toEqual({ topic: "inbox", partition: 1, offset: 0 });

    const { received } = await consume(shop, "inbox-reader", "inbox");
    const message = await waitUntil(() => received[0], { what: "the test message consumed" });
    expect(message.key?.toString()).toBe("order-42");
    expect(message.value?.toString()).toBe('{"total": 42}');
    expect(message.headers?.source?.toString()).toBe("control-plane");

    const read = await readMessages(admin, { topic: "inbox", partition: 1 });
    expect(read.messages).toHaveLength(1);
    expect(read.messages[0]).toMatchObject({ offset: 0, key: Buffer.from("order-42"), value: Buffer.from('{"total": 42}') });
    expect(read.messages[0]!.headers).toEqual([{ key: "source", value: Buffer.from("control-plane") }]);
    expect(read.nextOffset).toBe(1);
    expect(await failure(() => readMessages(admin, { topic: "inbox", partition: 0, limit: 0 }))).toMatchObject({ status: 400 });
  });

  it("messages: reads back what kafkajs produced, gzip-compressed, the latest N or from a timestamp", async () => {
    const producer = later(kafkajs(shop).producer());
    await producer.connect();
    const now = Date.now();
    for (const [i, ago] of [[0, 50_000], [1, 40_000], [2, 30_000]] as const) {
      await producer.send({
        topic: "zipped",
        compression: CompressionTypes.GZIP,
        messages: [0, 1].map((j) => ({ key: `k${i}${j}`, value: `value ${i}${j}`, headers: { batch: String(i) }, timestamp: String(now - ago + j) })),
      });
    }
    const latest = await readMessages(admin, { topic: "zipped", partition: 0, limit: 3 });
    expect(latest.notShown).toEqual([]);
    expect(latest.messages.map((m) => [m.offset, m.key?.toString(), m.value?.toString()])).toEqual([
      [3, "k11", "value 11"],
      [4, "k20", "value 20"],
      [5, "k21", "value 21"],
    ]);
    expect(latest.messages[0]!.headers).toEqual([{ key: "batch", value: Buffer.from("1") }]);
    expect(latest.messages[0]!.timestamp).toBe(now - 40_000 + 1);

    const fromTime = await readMessages(admin, { topic: "zipped", partition: 0, fromTimestamp: now - 45_000, limit: 3 });
    expect(fromTime.messages.map((m) => m.offset)).toEqual([2, 3, 4]);
    expect(fromTime.nextOffset).toBe(5);
    // A byte bound smaller than one batch still returns that one batch (as Kafka does), and no more.
    const small = await readMessages(admin, { topic: "zipped", partition: 0, fromTimestamp: 0, maxBytes: 1, limit: 10 });
    expect(small.messages.map((m) => m.offset)).toEqual([0, 1]);
  });

  it("the admin worker's pooled clients: one per principal, reused, replaced once their virtual cluster's config changes", async () => {
    // The worker's AdminTenants, here on the test's thread: what the data plane shares is answered by a stand-in.
    const tenants = new AdminTenants({ ask: async (q) => (q.kind === "charge" ? 0 : new Map()) as never, report: () => {} });
    closers.push(async () => tenants.close());
    tenants.apply(gateway.runtime.config);
    const lend = (vc: VirtualClusterConfig, principal?: string) => tenants.lease(vc.name, principal === undefined ? undefined : { type: "User", name: principal })!;
    const first = lend(shop);
    expect((await listTopicsWith(first.client)).map((t) => t.name)).toContain("orders");
    first.release();
    const again = lend(shop);
    expect(again.client).toBe(first.client);
    const carols = lend(shop, "carol");
    expect(carols.client).not.toBe(first.client);
    const others = lend(other);
    for (const lease of [again, carols, others]) lease.release();

    const withUser = (vc: VirtualClusterConfig, name: string) => ({ ...vc, users: [...(vc.users ?? []), { name, scramSha512: scramCredential("SCRAM-SHA-512", PASSWORD) }] });
    const config = gateway.runtime.config;
    const changed = { ...config, virtualClusters: config.virtualClusters.map((vc) => (vc.name === other.name ? withUser(vc, "dave") : vc)) };
    tenants.apply(changed);
    expect(others.client.isClosed).toBe(true);
    expect(first.client.isClosed).toBe(false); // another virtual cluster's change leaves shop's clients alone
    const kept = lend(shop);
    expect(kept.client).toBe(first.client);
    kept.release();

    tenants.apply({ ...changed, virtualClusters: changed.virtualClusters.map((vc) => (vc.name === shop.name ? withUser(vc, "erin") : vc)) });
    expect([first.client.isClosed, carols.client.isClosed]).toEqual([true, true]);
    const fresh = lend(shop);
    expect(fresh.client).not.toBe(first.client);
    expect((await listTopicsWith(fresh.client)).map((t) => t.name)).toContain("orders");
    fresh.release();
  });
});
