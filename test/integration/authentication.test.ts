// SASL terminated by the gateway, with real clients against real Kafka: kafkajs with PLAIN, SCRAM-SHA-256 and
// SCRAM-SHA-512 over TLS, kcat (librdkafka) over SASL_SSL, Kafka's console tools with SCRAM; the exact error each
// client reports for a wrong password, an unknown user and a disabled mechanism; nothing reaches a broker before
// authentication; re-authentication mid-traffic (KIP-368) and a session closed when its lifetime ends.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SASLOptions } from "kafkajs";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { GatewayConfig, ListenerConfig, VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway } from "../../src/gateway.js";
import type { AuthenticationOutcome } from "../../src/observe/observer.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { scramCredential } from "../../src/security/scram.js";
import { ScramClientExchange } from "../../src/security/scram-client.js";
import { makeTestCertificates, type TestCertificates } from "../../scripts/tls/certificates.js";
import { assertSucceeded, uniqueName } from "../harness/clients.js";
import { anotherListener, parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { runKafkaTool } from "../harness/java-tools.js";
import { runKcat } from "../harness/kcat.js";
import { ConnectionClosedError, RawKafkaConnection } from "../harness/raw-client.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const PASSWORD = "correct-horse-battery-staple";
const alice = {
  name: "alice",
  scramSha256: scramCredential("SCRAM-SHA-256", PASSWORD),
  scramSha512: scramCredential("SCRAM-SHA-512", PASSWORD),
};

interface Recorded {
  forwarded: { session: number; apiKey: number }[];
  authentications: { session: number; mechanism: string; outcome: AuthenticationOutcome }[];
}

async function secureGateway(kafka: { bootstrap: string; brokers: readonly { nodeId: number }[] }, certs: TestCertificates, sessionLifetimeMs: number) {
  const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
  const vc = await testVirtualCluster("secure", "shared", kafka.brokers.length + 2, nodeIdBase);
  const tlsListener: ListenerConfig = {
    ...vc.listeners[0]!,
    name: "sasl-tls",
    security: "sasl_tls",
    saslMechanisms: ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"],
    tls: { certificate: certs.certificate, privateKey: certs.privateKey },
  };
  const plainListener = await anotherListener(vc.listeners[0]!, { name: "sasl-plain", security: "sasl_plaintext", saslMechanisms: ["PLAIN", "SCRAM-SHA-512"] });
  // A plaintext access point of the same virtual cluster (a private network's), for the tests' own topic set-up: the
  // harness waits for a new topic through raw connections that speak no SASL.
  const internal = await anotherListener(vc.listeners[0]!, { name: "internal" });
  const secure: VirtualClusterConfig = { ...vc, prefix: `${uniqueName("secure")}.`, listeners: [tlsListener, plainListener, internal], users: [alice] };
  const config: GatewayConfig = {
    ...testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [secure]),
    authentication: { sessionLifetimeMs, failureDelayMs: 50, timeoutMs: 10_000 },
  };
  const recorded: Recorded = { forwarded: [], authentications: [] };
  const gateway = await startGateway(config, {
    observers: [
      {
        requestForwarded: (session, request) => recorded.forwarded.push({ session: session.id, apiKey: request.apiKey }),
        authentication: (session, mechanism, outcome) => recorded.authentications.push({ session: session.id, mechanism, outcome }),
      },
    ],
  });
  const bootstrap = (listener: string) => gateway.endpoints.find((e) => e.listener === listener)!.bootstrap;
  const setup = new Kafka({ clientId: "auth-test-setup", brokers: [bootstrap("internal")], logLevel: logLevel.NOTHING }).admin();
  await setup.connect();
  /** Creates a topic of the virtual cluster through its plaintext listener and waits until every broker knows it. */
  const createTopic = (topic: string) => createTopicsAndWait(setup, [{ topic, numPartitions: 1, replicationFactor: 3 }]);
  const close = async () => {
    await setup.disconnect();
    await gateway.close(0);
  };
  return { gateway, recorded, tls: bootstrap("sasl-tls"), plain: bootstrap("sasl-plain"), createTopic, close };
}

/** A kafkajs client of the secure listeners; `retries: 0` where a test wants the first failure. */
function client(bootstrap: string, certs: TestCertificates | undefined, sasl: SASLOptions, extra: { reauthenticationThreshold?: number; retries?: number } = {}): Kafka {
  return new Kafka({
    clientId: "auth-test",
    brokers: [bootstrap],
    ssl: certs ? { ca: [certs.ca] } : false,
    sasl,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 10_000,
    retry: { retries: extra.retries ?? 5 },
    ...(extra.reauthenticationThreshold !== undefined && { reauthenticationThreshold: extra.reauthenticationThreshold }),
  });
}

describe("authentication on SASL listeners", () => {
  const kafka = inject("kafka");
  let certs: TestCertificates;
  let env: Awaited<ReturnType<typeof secureGateway>>;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    certs = await makeTestCertificates();
    env = await secureGateway(kafka, certs, 0);
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await env?.close();
  });

  it.each(["plain", "scram-sha-256", "scram-sha-512"] as const)("kafkajs %s over TLS: produce inside the tenant, and the end offset counts it", async (mechanism) => {
    const kafkaClient = client(env.tls, certs, { mechanism, username: "alice", password: PASSWORD } as SASLOptions);
    const admin = kafkaClient.admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    const topic = uniqueName(`auth-${mechanism}`);
    await env.createTopic(topic);
    const producer = kafkaClient.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    closers.push(() => producer.disconnect());
    await producer.send({ topic, messages: [{ value: `hello over ${mechanism}` }] });
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.map((o) => o.high)).toEqual(["1"]);
    expect(env.recorded.authentications.some((a) => a.mechanism === mechanism.toUpperCase() && a.outcome === "ok")).toBe(true);
  });

  it("a wrong password and an unknown user get the same SASL_AUTHENTICATION_FAILED answer (kafkajs)", async () => {
    const failure = async (username: string, password: string) => {
      const admin = client(env.tls, certs, { mechanism: "scram-sha-256", username, password }, { retries: 0 }).admin();
      const err = await admin.connect().then(
        () => undefined,
        (e: Error) => e,
      );
      await admin.disconnect();
      return err;
    };
    const wrong = await failure("alice", "not-the-password");
    const unknown = await failure("mallory", "anything");
    expect(wrong?.name).toBe("KafkaJSSASLAuthenticationError");
    expect(wrong?.message).toContain("Authentication failed: invalid username or password");
    expect(unknown?.message).toBe(wrong?.message);
  });

  it("a mechanism the listener doesn't offer is refused (kafkajs SCRAM-SHA-256 on the PLAIN and SCRAM-SHA-512 listener)", async () => {
    const admin = client(env.plain, undefined, { mechanism: "scram-sha-256", username: "alice", password: PASSWORD }, { retries: 0 }).admin();
    await expect(admin.connect()).rejects.toThrow("The broker does not support the requested SASL mechanism"); // UNSUPPORTED_SASL_MECHANISM
    await admin.disconnect();
  });

  it("before authentication: ApiVersions offers SASL, anything else closes, no upstream connection, nothing reaches a broker", async () => {
    const raw = await RawKafkaConnection.connect(env.plain);
    const versions = await raw.send<{ errorCode: number; apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[] }>(ApiKey.ApiVersions, 3, {
      clientSoftwareName: "raw",
      clientSoftwareVersion: "1",
    });
    expect(versions.errorCode).toBe(0);
    expect(versions.apiKeys).toContainEqual({ apiKey: ApiKey.SaslHandshake, minVersion: 0, maxVersion: 1 });
    expect(versions.apiKeys).toContainEqual({ apiKey: ApiKey.SaslAuthenticate, minVersion: 0, maxVersion: 2 });
    expect(versions.apiKeys.some((r) => r.apiKey === ApiKey.Produce)).toBe(true);
    const sessions = env.gateway.runtime.connections().filter((c) => c.phase === "authenticating");
    expect(sessions.length).toBeGreaterThanOrEqual(1);
    const ids = new Set(sessions.map((c) => c.session.id));
    await expect(raw.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(env.recorded.forwarded.filter((f) => ids.has(f.session))).toEqual([]);
  });

  it("kcat (librdkafka) with SASL_SSL SCRAM-SHA-512 against the test CA: produce and consume", async () => {
    const topic = uniqueName("auth-kcat");
    await env.createTopic(topic);
    const options = ["-b", env.tls, "-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", "sasl.username=alice", "-X", `sasl.password=${PASSWORD}`, "-X", `ssl.ca.location=${certs.caFile}`];
    assertSucceeded("kcat -P", await runKcat([...options, "-P", "-t", topic], { input: "one\ntwo\nthree\n" }));
    const consumed = assertSucceeded("kcat -C", await runKcat([...options, "-C", "-t", topic, "-o", "beginning", "-c", "3", "-e"]));
    expect(consumed.stdout.trim().split("\n")).toEqual(["one", "two", "three"]);
  });

  it("Kafka's console producer and consumer with sasl.jaas.config SCRAM-SHA-256 over SASL_SSL (PEM truststore)", async () => {
    const topic = uniqueName("auth-java");
    const props = join(certs.dir, "client.properties");
    await writeFile(
      props,
      [
        "security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-256",
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="${PASSWORD}";`,
        "ssl.truststore.type=PEM",
        `ssl.truststore.location=${certs.caFile}`,
      ].join("\n"),
    );
    await env.createTopic(topic);
    const lines = ["a", "b", "c"];
    assertSucceeded(
      "console-producer",
      await runKafkaTool("console-producer", ["--bootstrap-server", env.tls, "--topic", topic, "--producer.config", props], { input: lines.map((l) => `${l}\n`).join(""), timeoutMs: 100_000 }),
    );
    const consumed = assertSucceeded(
      "console-consumer",
      await runKafkaTool("console-consumer", ["--bootstrap-server", env.tls, "--topic", topic, "--from-beginning", "--max-messages", "3", "--timeout-ms", "60000", "--consumer.config", props], { timeoutMs: 100_000 }),
    );
    // Kafka 4's tools print a deprecation notice for --consumer.config on stdout.
    expect(consumed.stdout.trim().split("\n").filter((line) => !line.includes("deprecated"))).toEqual(lines);
  }, 240_000);
});

describe("session lifetime (KIP-368)", () => {
  const kafka = inject("kafka");
  const LIFETIME_MS = 3_000;
  let certs: TestCertificates;
  let env: Awaited<ReturnType<typeof secureGateway>>;

  beforeAll(async () => {
    certs = await makeTestCertificates();
    env = await secureGateway(kafka, certs, LIFETIME_MS);
  });
  afterAll(async () => {
    await env?.close();
  });

  it("kafkajs re-authenticates mid-traffic on the same connections; every message arrives", async () => {
    // Re-authenticate once less than 2 s of the 3 s lifetime are left: about every second of traffic.
    const kafkaClient = client(env.tls, certs, { mechanism: "scram-sha-512", username: "alice", password: PASSWORD }, { reauthenticationThreshold: 2_000 });
    const admin = kafkaClient.admin();
    await admin.connect();
    const topic = uniqueName("reauth");
    await env.createTopic(topic);
    const producer = kafkaClient.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const closedBefore = new Set(env.gateway.runtime.sessions().map((s) => s.id));
    let sent = 0;
    // Traffic until some session has authenticated three times on one connection.
    await waitUntil(
      async () => {
        await producer.send({ topic, messages: [{ value: `m${sent++}` }] });
        const perSession = new Map<number, number>();
        for (const a of env.recorded.authentications) if (a.outcome === "ok") perSession.set(a.session, (perSession.get(a.session) ?? 0) + 1);
        return [...perSession.values()].some((n) => n >= 3);
      },
      { what: "a session re-authenticated twice", timeoutMs: 60_000, intervalMs: 250 },
    );
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(Number(offsets[0]!.high)).toBe(sent);
    expect(env.recorded.authentications.filter((a) => a.outcome !== "ok")).toEqual([]);
    expect(closedBefore.size).toBeGreaterThan(0);
    await producer.disconnect();
    await admin.disconnect();
  }, 120_000);

  it("a session that outlives its lifetime without re-authenticating is closed at its next request", async () => {
    const raw = await RawKafkaConnection.connect(env.plain);
    expect((await raw.send<{ errorCode: number }>(ApiKey.SaslHandshake, 1, { mechanism: "PLAIN" })).errorCode).toBe(0);
    const auth = await raw.send<{ errorCode: number; sessionLifetimeMs: bigint }>(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`\0alice\0${PASSWORD}`) });
    expect(auth).toMatchObject({ errorCode: 0, sessionLifetimeMs: BigInt(LIFETIME_MS) });
    const metadata = { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false };
    await raw.send(ApiKey.Metadata, 12, metadata); // authenticated: forwarded
    const authenticatedAt = Date.now();
    // The condition is time itself: the lifetime has to pass.
    await waitUntil(() => Date.now() - authenticatedAt > LIFETIME_MS, { what: "the session lifetime to pass", timeoutMs: LIFETIME_MS * 3, intervalMs: 100 });
    await expect(raw.send(ApiKey.Metadata, 12, metadata)).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(env.recorded.authentications.some((a) => a.outcome === "expired")).toBe(true);
  });

  it("a wrong SCRAM proof is answered SASL_AUTHENTICATION_FAILED, then the connection closes", async () => {
    const raw = await RawKafkaConnection.connect(env.plain);
    expect((await raw.send<{ errorCode: number }>(ApiKey.SaslHandshake, 1, { mechanism: "SCRAM-SHA-512" })).errorCode).toBe(0);
    const first = await raw.send<{ errorCode: number; authBytes: Buffer }>(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from("n,,n=alice,r=abcdef") });
    expect(first.errorCode).toBe(0);
    const nonce = /r=([^,]+)/.exec(first.authBytes.toString())![1]!;
    const final = Buffer.from(`c=biws,r=${nonce},p=${Buffer.alloc(64).toString("base64")}`);
    const failed = await raw.send<{ errorCode: number; errorMessage: string }>(ApiKey.SaslAuthenticate, 2, { authBytes: final });
    expect(failed).toMatchObject({ errorCode: 58, errorMessage: "Authentication failed: invalid username or password" }); // SASL_AUTHENTICATION_FAILED
    await expect(raw.send(ApiKey.ApiVersions, 3, { clientSoftwareName: "raw", clientSoftwareVersion: "1" })).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it("the legacy flow (SaslHandshake v0, then raw SCRAM tokens) logs in, and the connection then reaches the broker", async () => {
    const raw = await RawKafkaConnection.connect(env.plain);
    expect((await raw.send<{ errorCode: number }>(ApiKey.SaslHandshake, 0, { mechanism: "SCRAM-SHA-512" })).errorCode).toBe(0);
    const client = new ScramClientExchange("SCRAM-SHA-512", "alice", PASSWORD);
    const serverFinal = await raw.sendToken(client.final(await raw.sendToken(client.first())));
    expect(client.verify(serverFinal)).toBe(true);
    const marks = env.recorded.forwarded.length;
    const metadata = await raw.send<{ brokers: unknown[] }>(ApiKey.Metadata, 1, { topics: [] });
    expect(metadata.brokers.length).toBeGreaterThan(0);
    expect(env.recorded.forwarded.slice(marks).map((r) => r.apiKey)).toContain(ApiKey.Metadata);
    await raw.close();
  });

  it("the legacy flow with a wrong password: the connection closes, and nothing reaches a broker", async () => {
    const marks = env.recorded.forwarded.length;
    const raw = await RawKafkaConnection.connect(env.plain);
    expect((await raw.send<{ errorCode: number }>(ApiKey.SaslHandshake, 0, { mechanism: "PLAIN" })).errorCode).toBe(0);
    await expect(raw.sendToken(Buffer.from("\0alice\0not-the-password"))).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(env.recorded.forwarded.slice(marks)).toEqual([]);
  });
});
