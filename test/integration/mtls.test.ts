// mTLS on a tls listener: a client certificate signed by the listener's client CA is required, its subject becomes
// the principal through Kafka-style mapping rules, and only the virtual cluster's users get in. Real clients: kcat
// (librdkafka) and kafkajs against real Kafka.
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { GatewayConfig, VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { parsePrincipalRule, type PrincipalRule } from "../../src/security/principal-mapping.js";
import { makeClientCertificate, makeTestCertificates, type TestCertificates } from "../../scripts/tls/certificates.js";
import { assertSucceeded, uniqueName } from "../harness/clients.js";
import { anotherListener, parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { runKcat } from "../harness/kcat.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";

describe("mTLS: client certificates as principals", () => {
  const kafka = inject("kafka");
  let certs: TestCertificates;
  let gateway: Gateway;
  let mtls: string;
  let internal: string;
  const closeReasons: string[] = [];

  beforeAll(async () => {
    certs = await makeTestCertificates();
    const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
    const base = await testVirtualCluster("mtls", "shared", kafka.brokers.length + 2, nodeIdBase);
    const rules = ["RULE:^CN=(.*?),OU=services,.*$/$1/L", "DEFAULT"].map((r) => parsePrincipalRule(r) as PrincipalRule);
    const vc: VirtualClusterConfig = {
      ...base,
      prefix: `${uniqueName("mtls")}.`,
      users: [{ name: "billing" }],
      listeners: [
        { ...base.listeners[0]!, name: "internal" },
        await anotherListener(base.listeners[0]!, {
          name: "mtls",
          security: "tls",
          tls: { certificate: certs.certificate, privateKey: certs.privateKey, clientCa: certs.ca, clientAuth: "required", principalMappingRules: rules },
        }),
      ],
    };
    const config: GatewayConfig = testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [vc]);
    gateway = await startGateway(config, { observers: [{ sessionClosed: (_s, reason) => closeReasons.push(reason) }] });
    mtls = gateway.endpoints.find((e) => e.listener === "mtls")!.bootstrap;
    internal = gateway.endpoints.find((e) => e.listener === "internal")!.bootstrap;
  });
  afterAll(async () => {
    await gateway?.close(0);
  });

  it("kcat with a user's certificate (CN=Billing,OU=services) produces and consumes", async () => {
    const client = await makeClientCertificate(certs, "/O=Example/OU=services/CN=Billing", "billing");
    const topic = uniqueName("mtls-kcat");
    const setup = new Kafka({ clientId: "mtls-setup", brokers: [internal], logLevel: logLevel.NOTHING }).admin();
    await setup.connect();
    await createTopicsAndWait(setup, [{ topic, numPartitions: 1, replicationFactor: 3 }]);
    await setup.disconnect();
    const options = ["-b", mtls, "-X", "security.protocol=SSL", "-X", `ssl.ca.location=${certs.caFile}`, "-X", `ssl.certificate.location=${client.certificateFile}`, "-X", `ssl.key.location=${client.privateKeyFile}`];
    assertSucceeded("kcat -P", await runKcat([...options, "-P", "-t", topic], { input: "m1\nm2\n" }));
    const consumed = assertSucceeded("kcat -C", await runKcat([...options, "-C", "-t", topic, "-o", "beginning", "-c", "2", "-e"]));
    expect(consumed.stdout.trim().split("\n")).toEqual(["m1", "m2"]);
  });

  it("kafkajs: a certificate whose principal is no user is closed; no certificate fails the handshake", async () => {
    const intruder = await makeClientCertificate(certs, "/O=Example/OU=services/CN=intruder", "intruder");
    const client = (ssl: object) => new Kafka({ clientId: "mtls-kafkajs", brokers: [mtls], ssl, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 5_000 }).admin();
    const withIntruder = client({ ca: [certs.ca], cert: intruder.certificate, key: intruder.privateKey });
    await expect(withIntruder.connect()).rejects.toThrow();
    await withIntruder.disconnect();
    expect(closeReasons).toContain("client certificate principal not allowed");
    const without = client({ ca: [certs.ca] });
    await expect(without.connect()).rejects.toThrow();
    await without.disconnect();
    const billing = await makeClientCertificate(certs, "/O=Example/OU=services/CN=Billing", "billing-2");
    const allowed = client({ ca: [certs.ca], cert: billing.certificate, key: billing.privateKey });
    await allowed.connect();
    expect(Array.isArray(await allowed.listTopics())).toBe(true);
    expect(gateway.runtime.sessions().some((s) => s.principal?.name === "billing" && s.endpoint.listener.name === "mtls")).toBe(true);
    await allowed.disconnect();
  });
});
