/**
 * Real clients of two tenants at the same time, through one gateway on one physical cluster. Both tenants use
 * the same names (topic `orders`, groups `g1`/`g2`, transactional id `t1`) and each must see only its own data:
 * kafkajs producer and consumer group; kcat; Kafka's Java tools (TopicCommand, ConfigCommand with the topic
 * config allowlist, console producer/consumer, ConsumerGroupCommand --reset-offsets inside the tenant); the
 * TransactionalMessageCopier with a read_committed consumer; and on Kafka 4.x the KIP-848 consumer protocol.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { kafkaLine } from "../../scripts/kafka/fetch.js";
import { assertSucceeded, subscribeWhenKnown } from "../harness/clients.js";
import { waitUntil } from "../harness/wait.js";
import { createReadyTopic } from "../harness/topic-propagation.js";
import { runKafkaTool, type KafkaTool } from "../harness/java-tools.js";
import { parseKcatMetadata, runKcat } from "../harness/kcat.js";
import { TENANT_NAMES, openTenantsSession, type Tenant, type TenantsSession } from "../harness/tenants.js";

const PARTITIONS = 3;
const KAFKAJS_MESSAGES = 300;
const KCAT_MESSAGES = 50;
const CONSOLE_MESSAGES = 20;
const TOTAL = KAFKAJS_MESSAGES + KCAT_MESSAGES + CONSOLE_MESSAGES;
const TOOL_TIMEOUT_MS = 90_000;

describe("two tenants with the same names, real clients at the same time", () => {
  const kafka = inject("kafka");
  let session: TenantsSession;
  let tenants: Tenant[];

  /** Runs `each` for both tenants at once. */
  const both = <T>(each: (tenant: Tenant) => Promise<T>) => Promise.all(tenants.map(each));

  const tool = (name: KafkaTool, args: string[], input?: string) =>
    runKafkaTool(name, args, { input, timeoutMs: TOOL_TIMEOUT_MS, version: kafka.version });

  /** Topic names of a tenant as the physical cluster holds them, without the prefix. */
  async function physicalTopicsOf(tenant: Tenant): Promise<string[]> {
    const all = await session.physical.admin.listTopics();
    return all.filter((t) => t.startsWith(tenant.prefix)).map((t) => t.slice(tenant.prefix.length)).sort();
  }

  /** The message lines of a tool's output (every value written here starts with its tenant's name), without tool notices. */
  const messageLines = (stdout: string) => stdout.split("\n").filter((line) => TENANT_NAMES.some((name) => line.startsWith(`${name}:`)));

  /**
   * retention.ms of physical topics, once it reads `expected` (a broker applies a config change when the metadata
   * log reaches it, so the broker asked may lag a moment), else as last read after 15 s.
   */
  async function retentionOf(topics: string[], expected: string[]): Promise<(string | undefined)[]> {
    const read = async () => {
      const described = await session.physical.admin.describeConfigs({
        resources: topics.map((name) => ({ type: 2, name, configNames: ["retention.ms"] })), includeSynonyms: false,
      });
      return described.resources.map((r) => r.configEntries[0]?.configValue);
    };
    // Brokers may disagree for a moment (the one asked is random): keep the read that matched.
    let last: (string | undefined)[] = [];
    await waitUntil(async () => JSON.stringify((last = await read())) === JSON.stringify(expected), { what: "retention.ms", timeoutMs: 15_000 })
      .catch(() => undefined);
    return last;
  }

  /** The values a tenant's consumer read must all be that tenant's own. */
  function expectOwn(tenant: Tenant, values: string[], count: number): void {
    const foreign = values.filter((v) => !v.startsWith(`${tenant.name}:`));
    expect(foreign, `${tenant.name} read another tenant's messages`).toEqual([]);
    expect(values).toHaveLength(count);
  }

  beforeAll(async () => {
    session = await openTenantsSession(kafka, "tenants-clients");
    tenants = [session.payments, session.analytics];
    await both((t) => createReadyTopic(t.admin, "orders", PARTITIONS));
  });

  afterAll(async () => {
    await session?.close();
  });

  it("kafkajs: each tenant's producer and consumer group g1 on orders see only their own messages", async () => {
    await both(async (tenant) => {
      // Idempotent: kafkajs retries a whole send when one partition fails, duplicating the rest otherwise.
      const producer = session.track(tenant.client.producer({ idempotent: true, maxInFlightRequests: 1 }));
      await producer.connect();
      await producer.send({
        topic: "orders",
        acks: -1,
        messages: Array.from({ length: KAFKAJS_MESSAGES }, (_, i) => ({ key: `k${i}`, value: `${tenant.name}:kafkajs-${i}` })),
      });
      const values: string[] = [];
      const consumer = session.track(tenant.client.consumer({ groupId: "g1", maxWaitTimeInMs: 500 }));
      await consumer.connect();
      await subscribeWhenKnown(consumer, "orders");
      await consumer.run({ autoCommitInterval: 200, eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
      await waitUntil(() => values.length >= KAFKAJS_MESSAGES, {
        what: () => `${tenant.name}'s consumer to read ${KAFKAJS_MESSAGES} messages (has ${values.length})`,
        timeoutMs: 60_000,
      });
      await consumer.commitOffsets([]); // flush the auto-commit before leaving
      await consumer.disconnect(); // g1 must be empty for --reset-offsets below
      expectOwn(tenant, values, KAFKAJS_MESSAGES);
      // On the physical cluster: the tenant's own topic holds exactly its messages; nothing named plain "orders".
      const offsets = await session.physical.admin.fetchTopicOffsets(tenant.physical("orders"));
      expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(KAFKAJS_MESSAGES);
    });
    expect(await session.physical.admin.listTopics()).not.toContain("orders");
  });

  it("kcat: -L lists only the tenant's own topics; produce and consume stay inside the tenant", async () => {
    await both(async (tenant) => {
      const listing = parseKcatMetadata(assertSucceeded("kcat -L", await runKcat(["-b", tenant.bootstrap, "-L"])).stdout);
      expect([...listing.topics.keys()].sort(), `${tenant.name}'s kcat -L`).toEqual(await physicalTopicsOf(tenant));
      expect(listing.topics.get("orders")).toHaveLength(PARTITIONS);
      const lines = Array.from({ length: KCAT_MESSAGES }, (_, i) => `${tenant.name}:kcat-${i}\n`).join("");
      assertSucceeded("kcat -P", await runKcat(["-b", tenant.bootstrap, "-P", "-t", "orders", "-X", "acks=all"], { input: lines }));
      const consumed = assertSucceeded("kcat -C", await runKcat(["-b", tenant.bootstrap, "-C", "-t", "orders", "-o", "beginning", "-e"]));
      expectOwn(tenant, messageLines(consumed.stdout), KAFKAJS_MESSAGES + KCAT_MESSAGES);
    });
  });

  it("Java tools: TopicCommand lists own topics; ConfigCommand alters own topic within the allowlist only", async () => {
    await both(async (tenant) => {
      const bootstrap = ["--bootstrap-server", tenant.bootstrap];
      const listed = assertSucceeded("topics --list", await tool("topics", [...bootstrap, "--list"]));
      expect(listed.stdout.split("\n").filter((l) => l !== "").sort()).toEqual(await physicalTopicsOf(tenant));

      const retention = tenant === session.payments ? "86400001" : "86400002";
      const topicConfig = [...bootstrap, "--alter", "--entity-type", "topics", "--entity-name", "orders"];
      assertSucceeded("configs --alter retention.ms", await tool("configs", [...topicConfig, "--add-config", `retention.ms=${retention}`]));
      expect(await retentionOf([tenant.physical("orders")], [retention])).toEqual([retention]);

      const refused = await tool("configs", [...topicConfig, "--add-config", "unclean.leader.election.enable=true"]);
      expect(refused.code, `non-allowlisted topic config: ${refused.stdout}${refused.stderr}`).not.toBe(0);
      expect(refused.stdout + refused.stderr).toMatch(/PolicyViolation/);

      const broker = await tool("configs", [...bootstrap, "--alter", "--entity-type", "brokers", "--entity-default", "--add-config", "log.cleaner.threads=2"]);
      expect(broker.code, `broker config: ${broker.stdout}${broker.stderr}`).not.toBe(0);
      expect(broker.stdout + broker.stderr).toMatch(/ClusterAuthorization|Cluster authorization failed/);
    });
    // Neither tenant's alteration touched the other's topic, nor a broker.
    expect(await retentionOf(tenants.map((t) => t.physical("orders")), ["86400001", "86400002"])).toEqual(["86400001", "86400002"]);
  });

  it("Java tools: console producer/consumer, and consumer-groups --reset-offsets --to-earliest inside one tenant only", async () => {
    await both(async (tenant) => {
      const lines = Array.from({ length: CONSOLE_MESSAGES }, (_, i) => `${tenant.name}:console-${i}\n`).join("");
      assertSucceeded("console-producer", await tool("console-producer", ["--bootstrap-server", tenant.bootstrap, "--topic", "orders", "--producer-property", "acks=all"], lines));
    });
    // Reset payments' g1 only: analytics' g1 (same name) must keep its committed offsets.
    const committed = async (tenant: Tenant) =>
      (await session.physical.admin.fetchOffsets({ groupId: tenant.physical("g1"), topics: [tenant.physical("orders")] }))[0]!
        .partitions.map((p) => Number(p.offset)).reduce((a, b) => a + b, 0);
    expect(await committed(session.payments)).toBe(KAFKAJS_MESSAGES);
    expect(await committed(session.analytics)).toBe(KAFKAJS_MESSAGES);
    const reset = assertSucceeded("consumer-groups --reset-offsets", await tool("consumer-groups", [
      "--bootstrap-server", session.payments.bootstrap, "--reset-offsets", "--to-earliest", "--execute", "--group", "g1", "--topic", "orders",
    ]));
    expect(reset.stdout).toMatch(/g1\s+orders\s+\d+\s+0/);
    expect(await committed(session.payments)).toBe(0);
    expect(await committed(session.analytics)).toBe(KAFKAJS_MESSAGES);

    // payments' g1 reads everything again; analytics' g1 only what came after its commit.
    const consume = (tenant: Tenant, count: number) => tool("console-consumer", [
      "--bootstrap-server", tenant.bootstrap, "--topic", "orders", "--group", "g1", "--max-messages", `${count}`, "--timeout-ms", "30000",
    ]);
    const [payments, analytics] = await Promise.all([consume(session.payments, TOTAL), consume(session.analytics, TOTAL - KAFKAJS_MESSAGES)]);
    expectOwn(session.payments, messageLines(assertSucceeded("console-consumer", payments).stdout), TOTAL);
    expectOwn(session.analytics, messageLines(assertSucceeded("console-consumer", analytics).stdout), TOTAL - KAFKAJS_MESSAGES);
  }, 3 * TOOL_TIMEOUT_MS);

  it("transactions: the Java transactional copier with the same transactional id t1 in both tenants; read_committed sees exactly the own copy", async () => {
    await both(async (tenant) => {
      await createReadyTopic(tenant.admin, "orders-copy", 1);
      const input = (await tenant.admin.fetchTopicOffsets("orders")).find((p) => p.partition === 0)!;
      const copier = assertSucceeded("transactional-copier", await tool("transactional-copier", [
        "--broker-list", tenant.bootstrap, "--input-topic", "orders", "--input-partition", "0", "--output-topic", "orders-copy",
        "--transactional-id", "t1", "--consumer-group", "g-copier", "--transaction-size", "20", "--enable-random-aborts", "--use-group-metadata",
      ]));
      expect(copier.stdout).toContain("ShutdownComplete");
      const copied = assertSucceeded("console-consumer read_committed", await tool("console-consumer", [
        "--bootstrap-server", tenant.bootstrap, "--topic", "orders-copy", "--from-beginning", "--isolation-level", "read_committed",
        "--max-messages", input.high, "--timeout-ms", "30000",
      ]));
      expectOwn(tenant, messageLines(copied.stdout), Number(input.high));
    });
  }, 3 * TOOL_TIMEOUT_MS);

  it("KIP-848: group.protocol=consumer console consumers of both tenants' g2 read only their own orders (Kafka 4.x)", async () => {
    if (kafkaLine(kafka.version) >= 4) {
      await both(async (tenant) => {
        const consumed = assertSucceeded("console-consumer group.protocol=consumer", await tool("console-consumer", [
          "--bootstrap-server", tenant.bootstrap, "--topic", "orders", "--group", "g2", "--from-beginning",
          "--consumer-property", "group.protocol=consumer", "--max-messages", `${TOTAL}`, "--timeout-ms", "30000",
        ]));
        expectOwn(tenant, messageLines(consumed.stdout), TOTAL);
      });
      const groups = (await session.physical.admin.listGroups()).groups.map((g) => g.groupId);
      expect(groups).toEqual(expect.arrayContaining(tenants.map((t) => t.physical("g2"))));
      expect(groups).not.toContain("g2");
    } else {
      // The KIP-848 protocol reached general availability in Kafka 4.0; 3.9 clusters run the classic one only.
      expect(kafka.version).toMatch(/^3\.9\./);
    }
  }, 2 * TOOL_TIMEOUT_MS);

  it("never told a client an upstream broker address", () => {
    expect(session.upstreamLeaks()).toEqual([]);
  });
});
