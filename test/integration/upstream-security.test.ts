// The gateway's side towards the brokers: TLS to a SASL_SSL listener of the real cluster, logged in with the
// gateway's own SCRAM credential, while tenants authenticate with theirs (which the brokers don't even know), and
// what a wrong gateway credential does (the cluster is not ready, clients are closed, nothing hangs).
import { Kafka, logLevel } from "kafkajs";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { GatewayConfig, PhysicalClusterConfig, VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { metrics } from "../../src/observe/metrics.js";
import { scramCredential } from "../../src/security/scram.js";
import { uniqueName } from "../harness/clients.js";
import { anotherListener, parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";

const TENANT_PASSWORD = "tenant-only-password";

describe("TLS and the gateway's own SASL login towards the brokers", () => {
  const kafka = inject("kafka");
  const gateways: Gateway[] = [];
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close(0);
  });

  async function gatewayOver(secure: NonNullable<typeof kafka.secure>, password: string, mechanism: "SCRAM-SHA-512" | "SCRAM-SHA-256" | "PLAIN") {
    const nodeIdBase = Math.min(...secure.brokers.map((b) => b.nodeId));
    const cluster: PhysicalClusterConfig = {
      name: "secure-upstream",
      bootstrap: parseHostPorts(secure.bootstrap),
      tls: { ca: secure.ca, verifyHostname: true },
      sasl: { mechanism, username: secure.username, password },
    };
    const base = await testVirtualCluster("upstream", "secure-upstream", secure.brokers.length + 2, nodeIdBase);
    const vc: VirtualClusterConfig = {
      ...base,
      prefix: `${uniqueName("up")}.`,
      // The tenant logs in to the gateway with a user the brokers don't know; a plaintext access point of the same
      // virtual cluster serves the tests' topic set-up (its readiness probe speaks no SASL).
      users: [{ name: "tenant-user", scramSha512: scramCredential("SCRAM-SHA-512", TENANT_PASSWORD) }],
      listeners: [
        { ...base.listeners[0]!, name: "internal" },
        await anotherListener(base.listeners[0]!, { name: "sasl", security: "sasl_plaintext" }),
      ],
    };
    const config: GatewayConfig = testGatewayConfig([cluster], [vc], { connectTimeoutMs: 5_000 });
    const gateway = await startGateway(config, { connectTimeoutMs: 5_000 });
    gateways.push(gateway);
    return gateway;
  }

  it("kafkajs, logged in to the gateway as its tenant, produces through TLS and the gateway's SCRAM-SHA-512 login", async () => {
    const secure = kafka.secure;
    if (secure === undefined) throw new Error("needs the launcher's SASL_SSL listener (not available with BULKHEAD_TEST_BOOTSTRAP)");
    const gateway = await gatewayOver(secure, secure.password, "SCRAM-SHA-512");
    expect(await gateway.isReady()).toBe(true);
    const bootstrap = (listener: string) => gateway.endpoints.find((e) => e.listener === listener)!.bootstrap;
    const setup = new Kafka({ clientId: "upstream-security-setup", brokers: [bootstrap("internal")], logLevel: logLevel.NOTHING }).admin();
    await setup.connect();
    const topic = uniqueName("upstream-tls");
    await createTopicsAndWait(setup, [{ topic, numPartitions: 2, replicationFactor: 3 }]);
    await setup.disconnect();
    const client = new Kafka({
      clientId: "upstream-security",
      brokers: [bootstrap("sasl")],
      sasl: { mechanism: "scram-sha-512", username: "tenant-user", password: TENANT_PASSWORD },
      logLevel: logLevel.NOTHING,
    });
    const admin = client.admin();
    await admin.connect();
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(20);
    // Broker addresses the gateway learned are the SASL_SSL listener's, never shown to the client.
    const { brokers } = await admin.describeCluster();
    const upstreamPorts = new Set(secure.brokers.map((b) => b.port));
    expect(brokers.some((b) => upstreamPorts.has(b.port))).toBe(false);
    await producer.disconnect();
    await admin.disconnect();
  });

  it("a wrong gateway credential: not ready, each client closed promptly, counted as a login error", async () => {
    const secure = kafka.secure;
    if (secure === undefined) throw new Error("needs the launcher's SASL_SSL listener (not available with BULKHEAD_TEST_BOOTSTRAP)");
    const before = (await metrics.upstreamErrors.get()).values.find((v) => v.labels.cluster === "secure-upstream" && v.labels.reason === "login")?.value ?? 0;
    const gateway = await gatewayOver(secure, "not-the-gateway-password", "SCRAM-SHA-256");
    expect(await gateway.isReady()).toBe(false);
    const admin = new Kafka({ clientId: "upstream-wrong", brokers: [gateway.endpoints[0]!.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 10_000 }).admin();
    await expect(admin.connect()).rejects.toThrow();
    await admin.disconnect();
    const after = (await metrics.upstreamErrors.get()).values.find((v) => v.labels.cluster === "secure-upstream" && v.labels.reason === "login")?.value ?? 0;
    expect(after).toBeGreaterThan(before);
  });
});
