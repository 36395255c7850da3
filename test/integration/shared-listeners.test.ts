// Shared listeners against real Kafka: one SASL listener (one bootstrap port, one port per broker) serves two virtual
// clusters, and the principal picks the one: alice → payments, bob → analytics. Each produces and consumes through
// the same bootstrap with kafkajs and sees only its own tenant's topics, which land upstream under its prefix. carol
// is a user of both virtual clusters, each with its own password; the map sends her to analytics, where only that
// password works. A wrong password and a user no principal maps fail like any failed login. kcat goes through the
// shared listener too. Before authentication nothing reaches a broker and no upstream connection is opened; after
// it, the session and its metrics belong to its virtual cluster. A reload that changes the map moves new
// connections only.
import { Kafka, logLevel, type Admin, type SASLOptions } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { GatewayConfig, SharedListenerConfig, UserConfig, VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { metrics } from "../../src/observe/metrics.js";
import type { AuthenticationOutcome } from "../../src/observe/observer.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { scramCredential } from "../../src/security/scram.js";
import { assertSucceeded, uniqueName } from "../harness/clients.js";
import { freePortRange, parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { runKcat } from "../harness/kcat.js";
import { ConnectionClosedError, RawKafkaConnection } from "../harness/raw-client.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const PASSWORD = {
  alice: "alice-pays-the-bills",
  bob: "bob-counts-the-clicks",
  carolInPayments: "carol-in-payments",
  carolInAnalytics: "carol-in-analytics",
  dave: "dave-is-not-mapped",
};

function user(name: string, password: string): UserConfig {
  return { name, scramSha256: scramCredential("SCRAM-SHA-256", password), scramSha512: scramCredential("SCRAM-SHA-512", password) };
}

const FAILED = "Authentication failed: invalid username or password";

describe("a shared listener: the principal picks the virtual cluster", () => {
  const kafka = inject("kafka");
  const replicationFactor = Math.min(3, kafka.brokers.length);
  let gateway: Gateway;
  let config: GatewayConfig;
  let shared: SharedListenerConfig;
  let bootstrap: string;
  const vcs = {} as Record<"payments" | "analytics", VirtualClusterConfig>;
  /** Admins of each virtual cluster's own plaintext listener, for the tests' set-up. */
  const setup = {} as Record<"payments" | "analytics", Admin>;
  let physical: Admin;
  const forwarded: { session: number; virtualCluster: string; apiKey: number }[] = [];
  const authentications: { virtualCluster: string; principal: string | undefined; outcome: AuthenticationOutcome }[] = [];
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
    const brokerPorts = kafka.brokers.length + 2;
    const users = { payments: [user("alice", PASSWORD.alice), user("carol", PASSWORD.carolInPayments)], analytics: [user("bob", PASSWORD.bob), user("carol", PASSWORD.carolInAnalytics), user("dave", PASSWORD.dave)] };
    for (const name of ["payments", "analytics"] as const) {
      vcs[name] = { ...(await testVirtualCluster(name, "shared", brokerPorts, nodeIdBase)), prefix: `${uniqueName(name)}.`, users: users[name] };
    }
    const first = await freePortRange(brokerPorts + 1);
    shared = {
      name: "shared",
      bind: "127.0.0.1",
      bootstrapPort: first,
      brokerPorts: { first: first + 1, last: first + brokerPorts },
      nodeIdBase,
      advertisedHost: "127.0.0.1",
      security: "sasl_plaintext",
      saslMechanisms: ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"],
      principals: { alice: "payments", bob: "analytics", carol: "analytics" },
    };
    config = {
      ...testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [vcs.payments, vcs.analytics]),
      sharedListeners: [shared],
      authentication: { sessionLifetimeMs: 0, failureDelayMs: 50, timeoutMs: 10_000 },
    };
    gateway = await startGateway(config, {
      observers: [
        {
          requestForwarded: (session, request) => forwarded.push({ session: session.id, virtualCluster: session.endpoint.virtualCluster, apiKey: request.apiKey }),
          authentication: (session, _mechanism, outcome) => authentications.push({ virtualCluster: session.endpoint.virtualCluster, principal: session.principal?.name, outcome }),
        },
      ],
    });
    const endpoint = gateway.endpoints.find((e) => e.listener === "shared")!;
    expect(endpoint.virtualCluster).toBe("*");
    bootstrap = endpoint.bootstrap;
    for (const name of ["payments", "analytics"] as const) {
      const own = gateway.endpoints.find((e) => e.virtualCluster === name)!.bootstrap;
      setup[name] = new Kafka({ clientId: "shared-test-setup", brokers: [own], logLevel: logLevel.NOTHING }).admin();
      await setup[name].connect();
    }
    physical = new Kafka({ clientId: "shared-test-physical", brokers: kafka.bootstrap.split(","), logLevel: logLevel.NOTHING }).admin();
    await physical.connect();
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    for (const admin of Object.values(setup)) await admin.disconnect();
    await gateway?.close(0);
    if (physical !== undefined) {
      const ours = (await physical.listTopics()).filter((t) => t.startsWith(vcs.payments.prefix) || t.startsWith(vcs.analytics.prefix));
      if (ours.length > 0) await physical.deleteTopics({ topics: ours }).catch(() => undefined);
      await physical.disconnect();
    }
  });

  /** A kafkajs client of the shared listener; `retries: 0` where a test wants the first failure. */
  const client = (sasl: SASLOptions, retries = 5) =>
    new Kafka({ clientId: "shared-test", brokers: [bootstrap], sasl, logLevel: logLevel.NOTHING, connectionTimeout: 10_000, retry: { retries } });

  const createTopic = (vc: "payments" | "analytics", topic: string) => createTopicsAndWait(setup[vc], [{ topic, numPartitions: 1, replicationFactor }]);

  /** What kafkajs reports for a login, or undefined when it succeeded. */
  const loginError = async (sasl: SASLOptions): Promise<Error | undefined> => {
    const admin = client(sasl, 0).admin();
    const err = await admin.connect().then(
      () => undefined,
      (e: Error) => e,
    );
    await admin.disconnect();
    return err;
  };

  /** A raw connection to the shared bootstrap that logged in with SASL/PLAIN. */
  const rawLogin = async (name: string, password: string, clientId: string): Promise<RawKafkaConnection> => {
    const raw = await RawKafkaConnection.connect(bootstrap, clientId);
    closers.push(() => raw.close());
    expect((await raw.send<{ errorCode: number }>(ApiKey.SaslHandshake, 1, { mechanism: "PLAIN" })).errorCode).toBe(0);
    const auth = await raw.send<{ errorCode: number }>(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`\0${name}\0${password}`) });
    expect(auth.errorCode).toBe(0);
    return raw;
  };

  const connectionOf = (clientId: string) => gateway.runtime.connections().find((c) => c.session.clientId === clientId);
  const metadata = { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };

  it("alice and bob produce and consume through the same bootstrap, each in its own virtual cluster only", async () => {
    const topic = uniqueName("orders");
    const paymentsOnly = uniqueName("invoices");
    await createTopic("payments", topic);
    await createTopic("payments", paymentsOnly);
    await createTopic("analytics", topic);
    const sent = { alice: ["a1", "a2"], bob: ["b1", "b2", "b3"] };
    const received: Record<string, string[]> = { alice: [], bob: [] };
    for (const [name, mechanism] of [["alice", "scram-sha-512"], ["bob", "scram-sha-256"]] as const) {
      const tenantClient = client({ mechanism, username: name, password: PASSWORD[name] } as SASLOptions);
      const admin = tenantClient.admin();
      await admin.connect();
      closers.push(() => admin.disconnect());
      const topics = await admin.listTopics();
      expect(topics).toContain(topic);
      expect(topics.includes(paymentsOnly)).toBe(name === "alice");
      expect(topics.some((t) => t.includes(vcs.payments.prefix) || t.includes(vcs.analytics.prefix))).toBe(false);
      const producer = tenantClient.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      closers.push(() => producer.disconnect());
      await producer.send({ topic, messages: sent[name].map((value) => ({ value })) });
      const consumer = tenantClient.consumer({ groupId: uniqueName(`${name}-group`) });
      await consumer.connect();
      closers.push(() => consumer.disconnect());
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received[name]!.push(message.value!.toString()) });
      await waitUntil(() => received[name]!.length >= sent[name].length, { what: `${name} to read back what it wrote`, timeoutMs: 60_000 });
      expect(received[name]).toEqual(sent[name]);
    }
    const high = async (vc: VirtualClusterConfig) => (await physical.fetchTopicOffsets(vc.prefix + topic))[0]!.high;
    expect(await high(vcs.payments)).toBe("2");
    expect(await high(vcs.analytics)).toBe("3");
    expect(authentications).toContainEqual({ virtualCluster: "payments", principal: "alice", outcome: "ok" });
    expect(authentications).toContainEqual({ virtualCluster: "analytics", principal: "bob", outcome: "ok" });
  }, 120_000);

  it("carol is a user of both virtual clusters; the map sends her to analytics, where only analytics' password works", async () => {
    expect(await loginError({ mechanism: "scram-sha-512", username: "carol", password: PASSWORD.carolInAnalytics })).toBeUndefined();
    const inPayments = await loginError({ mechanism: "scram-sha-512", username: "carol", password: PASSWORD.carolInPayments });
    expect(inPayments?.name).toBe("KafkaJSSASLAuthenticationError");
    expect(inPayments?.message).toContain(FAILED);
    expect(authentications).toContainEqual({ virtualCluster: "analytics", principal: "carol", outcome: "ok" });
    expect(authentications.some((a) => a.principal === "carol" && a.virtualCluster === "payments")).toBe(false);
  });

  it("a wrong password and a user no principal maps (valid credentials in analytics) get the same SASL_AUTHENTICATION_FAILED", async () => {
    const wrong = await loginError({ mechanism: "scram-sha-256", username: "alice", password: "not-alice's-password" });
    const unmapped = await loginError({ mechanism: "scram-sha-256", username: "dave", password: PASSWORD.dave });
    const unmappedPlain = await loginError({ mechanism: "plain", username: "dave", password: PASSWORD.dave });
    expect(wrong?.name).toBe("KafkaJSSASLAuthenticationError");
    expect(wrong?.message).toContain(FAILED);
    expect(unmapped?.message).toBe(wrong?.message);
    expect(unmappedPlain?.message).toContain(FAILED);
    expect(authentications.filter((a) => a.outcome === "failed").every((a) => a.virtualCluster === "*")).toBe(true);
  });

  it("kcat (librdkafka) through the shared listener with SASL_PLAINTEXT SCRAM-SHA-512: bob produces and consumes in analytics", async () => {
    const topic = uniqueName("kcat-shared");
    await createTopic("analytics", topic);
    const options = ["-b", bootstrap, "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=bob", "-X", `sasl.password=${PASSWORD.bob}`];
    assertSucceeded("kcat -P", await runKcat([...options, "-P", "-t", topic], { input: "one\ntwo\nthree\n" }));
    const consumed = assertSucceeded("kcat -C", await runKcat([...options, "-C", "-t", topic, "-o", "beginning", "-c", "3", "-e"]));
    expect(consumed.stdout.trim().split("\n")).toEqual(["one", "two", "three"]);
    expect((await physical.fetchTopicOffsets(vcs.analytics.prefix + topic))[0]!.high).toBe("3");
  });

  it("before authentication: ApiVersions from the gateway, no upstream connection, nothing forwarded; after it, the session and its metrics are analytics'", async () => {
    const clientId = uniqueName("raw-before");
    const raw = await RawKafkaConnection.connect(bootstrap, clientId);
    closers.push(() => raw.close());
    const versions = await raw.send<{ errorCode: number; apiKeys: { apiKey: number }[] }>(ApiKey.ApiVersions, 3, { clientSoftwareName: "raw", clientSoftwareVersion: "1" });
    expect(versions.errorCode).toBe(0);
    const offered = versions.apiKeys.map((r) => r.apiKey);
    for (const api of [ApiKey.SaslHandshake, ApiKey.SaslAuthenticate, ApiKey.Produce, ApiKey.Fetch, ApiKey.Metadata]) expect(offered).toContain(api);
    const before = connectionOf(clientId)!;
    expect(before.phase).toBe("authenticating");
    expect(before.upstreamAddress).toBeUndefined();
    expect(before.session.virtualCluster).toBeUndefined();
    expect(forwarded.filter((f) => f.session === before.session.id)).toEqual([]);
    await expect(raw.send(ApiKey.Metadata, 12, metadata)).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(forwarded.filter((f) => f.session === before.session.id)).toEqual([]);

    const loggedIn = uniqueName("raw-bob");
    const bob = await rawLogin("bob", PASSWORD.bob, loggedIn);
    await bob.send(ApiKey.Metadata, 12, metadata);
    const after = connectionOf(loggedIn)!;
    expect(after.session.virtualCluster?.name).toBe("analytics");
    expect(after.upstreamAddress).toBeDefined();
    expect(forwarded.filter((f) => f.session === after.session.id).map((f) => `${f.virtualCluster} ${f.apiKey}`)).toEqual([`analytics ${ApiKey.Metadata}`]);
    const open = (await metrics.connections.get()).values.find((v) => v.labels.virtual_cluster === "analytics" && v.labels.listener === "shared");
    expect(open?.value).toBeGreaterThanOrEqual(1);
  });

  it("a reload that maps carol to payments moves new connections only: an open one stays in analytics", async () => {
    const early = uniqueName("raw-carol-early");
    const open = await rawLogin("carol", PASSWORD.carolInAnalytics, early);
    const result = await gateway.apply({ ...config, sharedListeners: [{ ...shared, principals: { ...shared.principals, carol: "payments" } }] });
    expect(result.updated).toContain("*/shared");
    await open.send(ApiKey.Metadata, 12, metadata);
    expect(connectionOf(early)!.session.virtualCluster?.name).toBe("analytics");
    expect(forwarded.filter((f) => f.session === connectionOf(early)!.session.id).map((f) => f.virtualCluster)).toEqual(["analytics"]);

    const late = uniqueName("raw-carol-late");
    const moved = await rawLogin("carol", PASSWORD.carolInPayments, late);
    await moved.send(ApiKey.Metadata, 12, metadata);
    expect(connectionOf(late)!.session.virtualCluster?.name).toBe("payments");
    expect((await loginError({ mechanism: "scram-sha-512", username: "carol", password: PASSWORD.carolInAnalytics }))?.message).toContain(FAILED);
  });
});
