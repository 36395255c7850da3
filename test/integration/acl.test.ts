// ACLs per virtual cluster against real Kafka, with real clients: a producer-only user, a consumer-only user, an
// admin (super-user) and a user with no rules, through kafkajs, kcat and Kafka's own tools; partial Produce and Fetch
// on one connection; a consumer group with READ on the group but not on one of its topics; a transactional producer
// without WRITE on its transactional id; listings cut to what the principal may describe; prefixed, wildcard and
// deny rules; DescribeAcls answered from the rules; and two tenants whose `User:alice` share nothing.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type SASLOptions } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Operation as Op, PatternType, Permission, ResourceType as R } from "../../src/acl/operations.js";
import type { AclRule } from "../../src/acl/rule.js";
import type { GatewayConfig, VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { ErrorCode } from "../../src/protocol/error-codes.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { scramCredential } from "../../src/security/scram.js";
import { assertSucceeded, runProcess, uniqueName } from "../harness/clients.js";
import { anotherListener, brokerPortsOf, parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { runKafkaTool, spawnKafkaTool } from "../harness/java-tools.js";
import { runKcat } from "../harness/kcat.js";
import { RawKafkaConnection } from "../harness/raw-client.js";
import { recordBatch } from "../harness/record-batch.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const PASSWORD = "acl-test-password";
const user = (name: string) => ({ name, scramSha512: scramCredential("SCRAM-SHA-512", PASSWORD) });

function rule(principal: string, resourceType: R, name: string, operation: Op, extra: Partial<AclRule> = {}): AclRule {
  return { principal, host: "*", resourceType, patternType: PatternType.Literal, name, operation, permission: Permission.Allow, ...extra };
}

/** Tenant A: alice writes orders*, except orders-locked; bob reads orders in groups bob-*; admin is a super-user. */
const TENANT_A_RULES: AclRule[] = [
  rule("User:alice", R.Topic, "orders", Op.Write, { patternType: PatternType.Prefixed }),
  rule("User:alice", R.Topic, "orders-locked", Op.Write, { permission: Permission.Deny }),
  // alice may find its transactional id's coordinator (DESCRIBE), not use it (WRITE).
  rule("User:alice", R.TransactionalId, "alice-tx", Op.Describe),
  rule("User:bob", R.Topic, "orders", Op.Read),
  rule("User:bob", R.Group, "bob-", Op.Read, { patternType: PatternType.Prefixed }),
  // The plaintext access point (no authentication: User:ANONYMOUS) sets topics up and drives raw requests.
  rule("User:ANONYMOUS", R.Cluster, "kafka-cluster", Op.Create),
  rule("User:ANONYMOUS", R.Topic, "*", Op.Describe),
  rule("User:ANONYMOUS", R.Topic, "orders", Op.Write),
  rule("User:ANONYMOUS", R.Topic, "orders", Op.Read),
];

/** Tenant B: its own alice may only write b-only. */
const TENANT_B_RULES: AclRule[] = [rule("User:alice", R.Topic, "b-only", Op.Write), rule("User:ANONYMOUS", R.Cluster, "kafka-cluster", Op.Create), rule("User:ANONYMOUS", R.Topic, "*", Op.Describe)];

async function tenant(name: string, kafka: { brokers: readonly { nodeId: number }[] }, rules: AclRule[]): Promise<VirtualClusterConfig> {
  const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
  const vc = await testVirtualCluster(name, "shared", kafka.brokers.length + 2, nodeIdBase);
  const sasl = await anotherListener(vc.listeners[0]!, { name: "sasl", security: "sasl_plaintext", saslMechanisms: ["PLAIN", "SCRAM-SHA-512"] });
  return {
    ...vc,
    prefix: `${uniqueName(name)}.`,
    listeners: [{ ...vc.listeners[0]!, name: "internal" }, sasl],
    users: ["alice", "bob", "admin", "carol"].map(user),
    acls: { rules, superUsers: ["User:admin"], allowIfNoAclFound: false },
  };
}

/** Every kafkajs error type ("TOPIC_AUTHORIZATION_FAILED"...) in an error and what it wraps. */
function errorTypes(error: unknown): string[] {
  if (typeof error !== "object" || error === null) return [];
  const e = error as { type?: unknown; cause?: unknown; errors?: unknown; originalError?: unknown };
  const own = typeof e.type === "string" ? [e.type] : [];
  const nested = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])].flatMap(errorTypes);
  return [...own, ...nested];
}

async function failureOf(action: () => Promise<unknown>): Promise<string[]> {
  try {
    await action();
  } catch (error) {
    return errorTypes(error);
  }
  throw new Error("expected the action to fail");
}

describe("ACLs per virtual cluster", () => {
  const kafka = inject("kafka");
  let gateway: Gateway;
  let a: VirtualClusterConfig;
  let b: VirtualClusterConfig;
  const denials: string[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  const bootstrap = (vc: VirtualClusterConfig, listener: string) => gateway.endpoints.find((e) => e.virtualCluster === vc.name && e.listener === listener)!.bootstrap;
  const client = (vc: VirtualClusterConfig, username: string, mechanism: "plain" | "scram-sha-512" = "plain") =>
    new Kafka({
      clientId: `acl-${username}`,
      brokers: [bootstrap(vc, "sasl")],
      sasl: { mechanism, username, password: PASSWORD } as SASLOptions,
      logLevel: logLevel.NOTHING,
      retry: { retries: 2, initialRetryTime: 100 },
    });
  const setupAdmin = async (vc: VirtualClusterConfig) => {
    const admin = new Kafka({ clientId: "acl-setup", brokers: [bootstrap(vc, "internal")], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    return admin;
  };
  const topics = { orders: "orders", locked: "orders-locked", secret: "secret", bOnly: "b-only" };
  /** The node all of tenant A's single-partition topics live on, so one request can span them. */
  let leader: number;

  beforeAll(async () => {
    a = await tenant("acl-a", kafka, TENANT_A_RULES);
    b = await tenant("acl-b", kafka, TENANT_B_RULES);
    const config: GatewayConfig = {
      ...testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [a, b]),
      authentication: { sessionLifetimeMs: 0, failureDelayMs: 10, timeoutMs: 10_000 },
    };
    gateway = await startGateway(config, { observers: [{ authorizationDenied: (session, api, type) => denials.push(`${session.endpoint.virtualCluster}:${api}:${type}`) }] });
    leader = Math.min(...kafka.brokers.map((x) => x.nodeId));
    const replicaAssignment = [{ partition: 0, replicas: [leader] }];
    await createTopicsAndWait(await setupAdmin(a), [topics.orders, topics.locked, topics.secret].map((topic) => ({ topic, replicaAssignment })));
    await createTopicsAndWait(await setupAdmin(b), [topics.orders, topics.bOnly].map((topic) => ({ topic, replicaAssignment })));
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await gateway?.close(0);
  });

  const connect = async <T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(thing: T): Promise<T> => {
    await thing.connect();
    closers.push(() => thing.disconnect());
    return thing;
  };

  it("a producer-only user (kafkajs): writes orders*, is refused orders-locked (deny wins), can't consume or see other topics", async () => {
    const producer = await connect(client(a, "alice").producer({ retry: { retries: 0 } }));
    await producer.send({ topic: topics.orders, messages: [{ value: "by alice" }] });
    expect(await failureOf(() => producer.send({ topic: topics.locked, messages: [{ value: "no" }] }))).toContain("TOPIC_AUTHORIZATION_FAILED");
    const admin = await connect(client(a, "alice").admin());
    // Metadata for all topics: only the describable ones (WRITE implies DESCRIBE; the deny is on WRITE only).
    expect((await admin.listTopics()).sort()).toEqual([topics.orders, topics.locked].sort());
    const consumer = client(a, "alice").consumer({ groupId: "alice-group", retry: { retries: 0 } });
    await connect(consumer);
    await consumer.subscribe({ topics: [topics.orders] });
    const failed = new Promise<unknown>((resolve) => consumer.on(consumer.events.CRASH, (event) => resolve(event.payload.error)));
    await consumer.run({ eachMessage: async () => undefined });
    // kafkajs reports the GROUP_AUTHORIZATION_FAILED of FindCoordinator as "no coordinator" (the Java tools test below
    // shows the precise GroupAuthorizationException).
    expect((await failed) as Error).toMatchObject({ name: "KafkaJSGroupCoordinatorNotFound" });
  });

  it("a consumer-only user (kafkajs): reads orders in its group; can't produce; a group with an undescribable topic fails", async () => {
    const admin = await setupAdmin(a);
    const before = Number((await admin.fetchTopicOffsets(topics.orders))[0]!.high);
    const producer = await connect(client(a, "alice").producer());
    await producer.send({ topic: topics.orders, messages: [{ value: "for bob" }] });
    const consumer = await connect(client(a, "bob").consumer({ groupId: "bob-1" }));
    await consumer.subscribe({ topics: [topics.orders], fromBeginning: true });
    const seen: string[] = [];
    const done = new Promise<void>((resolve) =>
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length === before + 1) resolve();
        },
      }),
    );
    await done;
    expect(seen.at(-1)).toBe("for bob");
    const bobProducer = await connect(client(a, "bob").producer({ retry: { retries: 0 } }));
    expect(await failureOf(() => bobProducer.send({ topic: topics.orders, messages: [{ value: "no" }] }))).toContain("TOPIC_AUTHORIZATION_FAILED");
    // READ on the group, not on secret.
    const mixed = client(a, "bob").consumer({ groupId: "bob-2", retry: { retries: 0 } });
    await connect(mixed);
    expect(await failureOf(() => mixed.subscribe({ topics: [topics.orders, topics.secret] }).then(() => mixed.run({ eachMessage: async () => undefined })))).toContain("TOPIC_AUTHORIZATION_FAILED");
  });

  it("a transactional producer without WRITE on its transactional id: TRANSACTIONAL_ID_AUTHORIZATION_FAILED (kafkajs)", async () => {
    const producer = await connect(client(a, "alice").producer({ transactionalId: "alice-tx", maxInFlightRequests: 1, idempotent: true, retry: { retries: 1 } }));
    expect(await failureOf(() => producer.transaction())).toContain("TRANSACTIONAL_ID_AUTHORIZATION_FAILED");
  });

  it("a user with no rules is refused everything; the super-user may do anything (kafkajs admin)", async () => {
    const carol = await connect(client(a, "carol").admin({ retry: { retries: 0 } }));
    expect(await carol.listTopics()).toEqual([]);
    expect(await failureOf(() => carol.createTopics({ topics: [{ topic: uniqueName("carol") }] }))).toContain("TOPIC_AUTHORIZATION_FAILED");
    expect(await failureOf(() => carol.deleteTopics({ topics: [topics.orders] }))).toContain("TOPIC_AUTHORIZATION_FAILED");
    // bob-1 exists (the consumer test's group): a listing shows carol none of it.
    expect(await carol.listGroups()).toEqual({ groups: [] });
    const admin = await connect(client(a, "admin", "scram-sha-512").admin());
    const created = uniqueName("by-admin");
    await admin.createTopics({ topics: [{ topic: created }], waitForLeaders: false });
    // A 3.9 cluster's brokers learn of a new topic one by one: wait for the listing rather than read it once.
    // (Each listing may ask another broker: the assertion is on the one listing that has it.)
    const listed = await waitUntil(async () => {
      const names = await admin.listTopics();
      return names.includes(created) ? names : undefined;
    }, { what: `the super-user to list ${created}` });
    expect(listed).toEqual(expect.arrayContaining([topics.orders, topics.secret, created]));
    await admin.deleteTopics({ topics: [created] });
    // DescribeAcls, answered from the rules with the tenant's names (kafkajs describeAcls: resource type ANY=1...).
    const acls = await admin.describeAcls({ resourceType: 1, resourcePatternType: 1, operation: 1, permissionType: 1, principal: "User:alice" });
    expect(acls.resources.map((r) => `${r.resourceName}:${r.resourcePatternType}`).sort()).toEqual(["alice-tx:3", "orders-locked:3", "orders:4"]);
    const admins = await admin.listGroups();
    expect(admins.groups.map((g) => g.groupId)).toContain("bob-1");
  });

  it("one Produce and one Fetch spanning an allowed and a denied topic: the allowed part is served, the denied answered, in order", async () => {
    const brokerPort = brokerPortsOf(a.listeners[0]!).first + (leader - a.listeners[0]!.nodeIdBase);
    const conn = await RawKafkaConnection.connect(`127.0.0.1:${brokerPort}`, "acl-raw");
    closers.push(() => conn.close());
    const admin = await setupAdmin(a);
    const end = async (topic: string) => (await admin.fetchTopicOffsets(topic))[0]!.high;
    const [ordersBefore, secretBefore] = [await end(topics.orders), await end(topics.secret)];
    const produced = await conn.send(ApiKey.Produce, 9, {
      acks: -1,
      timeoutMs: 10_000,
      topicData: [topics.secret, topics.orders].map((name) => ({ name, partitionData: [{ index: 0, records: [recordBatch(["raw"])] }] })),
    });
    expect(produced.responses.map((t: { name: string; partitionResponses: { errorCode: number }[] }) => [t.name, t.partitionResponses[0]!.errorCode])).toEqual([
      [topics.secret, ErrorCode.TOPIC_AUTHORIZATION_FAILED],
      [topics.orders, ErrorCode.NONE],
    ]);
    expect(await end(topics.secret)).toBe(secretBefore);
    expect(Number(await end(topics.orders))).toBe(Number(ordersBefore) + 1);
    const partition = { partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n };
    const fetched = await conn.send(ApiKey.Fetch, 12, {
      replicaId: -1,
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [topics.orders, topics.secret].map((topic) => ({ topic, partitions: [partition] })),
      forgottenTopicsData: [],
      rackId: "",
    });
    const byTopic = fetched.responses.map((t: { topic: string; partitions: { errorCode: number; records: Buffer[] | null }[] }) => [t.topic, t.partitions[0]!.errorCode, (t.partitions[0]!.records ?? []).length > 0]);
    expect(byTopic).toEqual([
      [topics.orders, ErrorCode.NONE, true],
      [topics.secret, ErrorCode.TOPIC_AUTHORIZATION_FAILED, false],
    ]);
    expect(denials).toEqual(expect.arrayContaining([`${a.name}:Produce:Topic`, `${a.name}:Fetch:Topic`]));
  });

  it("two tenants' User:alice share nothing: each may write only what its own virtual cluster allows", async () => {
    const inB = await connect(client(b, "alice").producer({ retry: { retries: 0 } }));
    await inB.send({ topic: topics.bOnly, messages: [{ value: "b's alice" }] });
    expect(await failureOf(() => inB.send({ topic: topics.orders, messages: [{ value: "no" }] }))).toContain("TOPIC_AUTHORIZATION_FAILED");
    const inA = await connect(client(a, "alice").admin());
    expect(await inA.listTopics()).not.toContain(topics.bOnly);
  });

  it("a reload that takes a permission away applies to the open connection at once, without reconnecting it", async () => {
    const producer = await connect(client(a, "alice").producer({ retry: { retries: 0 } }));
    await producer.send({ topic: topics.orders, messages: [{ value: "before the reload" }] });
    const config = gateway.runtime.config;
    const withoutOrders = TENANT_A_RULES.filter((r) => !(r.principal === "User:alice" && r.operation === Op.Write && r.permission === Permission.Allow));
    const reloaded = { ...config, virtualClusters: config.virtualClusters.map((vc) => (vc.name === a.name ? { ...vc, acls: { ...vc.acls!, rules: withoutOrders } } : vc)) };
    const sessionsBefore = gateway.runtime.sessions().length;
    try {
      await gateway.apply(reloaded);
      expect(await failureOf(() => producer.send({ topic: topics.orders, messages: [{ value: "after the reload" }] }))).toContain("TOPIC_AUTHORIZATION_FAILED");
      expect(gateway.runtime.sessions().length).toBeGreaterThanOrEqual(sessionsBefore);
    } finally {
      await gateway.apply(config);
    }
    await producer.send({ topic: topics.orders, messages: [{ value: "allowed again" }] });
  });

  it("a Java consumer's fetch session (KIP-227) gets no record written after its READ is taken away, and reports the denial", async () => {
    const dir = await mkdtemp(join(tmpdir(), "acl-session-"));
    const props = join(dir, "bob.properties");
    await writeFile(props, `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="${PASSWORD}";\n`);
    const producer = await connect(client(a, "alice").producer());
    const before = `before-${uniqueName("r")}`;
    await producer.send({ topic: topics.orders, messages: [{ value: before }] });
    const consumer = await spawnKafkaTool("console-consumer", ["--bootstrap-server", bootstrap(a, "sasl"), "--topic", topics.orders, "--group", `bob-${uniqueName("s")}`, "--from-beginning", "--consumer.config", props]);
    closers.push(() => consumer.stop());
    let output = "";
    consumer.child.stdout!.setEncoding("utf8").on("data", (d: string) => (output += d));
    consumer.child.stderr!.setEncoding("utf8").on("data", (d: string) => (output += d));
    await waitUntil(() => output.includes(before), { what: "the consumer to read the record written before the reload", timeoutMs: 60_000 });
    const config = gateway.runtime.config;
    const withoutBobsRead = TENANT_A_RULES.filter((r) => !(r.principal === "User:bob" && r.resourceType === R.Topic));
    try {
      await gateway.apply({ ...config, virtualClusters: config.virtualClusters.map((vc) => (vc.name === a.name ? { ...vc, acls: { ...vc.acls!, rules: withoutBobsRead } } : vc)) });
      const after = `after-${uniqueName("r")}`;
      await producer.send({ topic: topics.orders, messages: [{ value: after }] });
      // The open session's next fetches carry the partition as TOPIC_AUTHORIZATION_FAILED: the consumer stops on it.
      await consumer.exited;
      expect(output).toContain("TopicAuthorizationException");
      expect(output).not.toContain(after);
    } finally {
      await gateway.apply(config);
    }
  }, 120_000);

  it("kcat (librdkafka, SCRAM-SHA-512): the consumer-only user lists only orders and can't produce", async () => {
    const options = ["-b", bootstrap(a, "sasl"), "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=bob", "-X", `sasl.password=${PASSWORD}`];
    const listing = assertSucceeded("kcat -L", await runKcat([...options, "-L", "-J"]));
    expect((JSON.parse(listing.stdout) as { topics: { topic: string }[] }).topics.map((t) => t.topic)).toEqual([topics.orders]);
    // A consumer without READ: the refused Fetch reads like a broker's (empty record set, offsets -1, no preferred
    // replica), so librdkafka reports the error once instead of looping on a parse failure or reporting the end.
    const alice = ["-b", bootstrap(a, "sasl"), "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=alice", "-X", `sasl.password=${PASSWORD}`];
    const read = await runProcess("kcat", [...alice, "-C", "-t", topics.orders, "-o", "beginning", "-e"], { timeoutMs: 60_000 });
    const said = `${read.stdout}${read.stderr}`;
    expect(said).toMatch(/Topic authorization failed/i);
    expect(said).not.toMatch(/parse failure|Reached end/);
    // Not runKcat: its -q would hide the delivery report.
    const refused = await runProcess("kcat", [...options, "-P", "-t", topics.orders], { input: "nope\n", timeoutMs: 60_000 });
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/Topic authorization failed|TOPIC_AUTHORIZATION_FAILED/i);
  });

  it("Kafka's tools: kafka-acls --list shows the tenant's rules; the console producer reports TopicAuthorizationException", async () => {
    const dir = await mkdtemp(join(tmpdir(), "acl-"));
    const props = join(dir, "admin.properties");
    const jaas = (name: string) => `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${name}" password="${PASSWORD}";\n`;
    await writeFile(props, `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n${jaas("admin")}`);
    const listed = assertSucceeded("kafka-acls --list", await runKafkaTool("acls", ["--bootstrap-server", bootstrap(a, "sasl"), "--command-config", props, "--list", "--topic", "orders-locked"], { timeoutMs: 100_000 }));
    expect(listed.stdout).toMatch(/User:alice.*WRITE.*DENY/);
    const aliceProps = join(dir, "alice.properties");
    await writeFile(aliceProps, `security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n${jaas("alice")}`);
    const refused = await runKafkaTool("console-producer", ["--bootstrap-server", bootstrap(a, "sasl"), "--topic", topics.locked, "--producer.config", aliceProps], { input: "no\n", timeoutMs: 100_000 });
    expect(`${refused.stdout}${refused.stderr}`).toContain("TopicAuthorizationException");
    // READ on orders* is not alice's, nor any group: the consumer names the group it may not use.
    const consumer = await runKafkaTool("console-consumer", ["--bootstrap-server", bootstrap(a, "sasl"), "--topic", topics.orders, "--group", "alice-group", "--timeout-ms", "30000", "--consumer.config", aliceProps], { timeoutMs: 100_000 });
    expect(`${consumer.stdout}${consumer.stderr}`).toContain("GroupAuthorizationException");
  }, 240_000);
});
