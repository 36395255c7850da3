// SASL/OAUTHBEARER with JWTs the test signs (jose), against real Kafka through the gateway: kafkajs with a valid
// token produces; an expired token, a wrong audience, an unsigned ("alg": "none") token and a token for someone who
// is not a user of the virtual cluster are all refused alike; the token's expiry bounds the session lifetime.
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { GatewayConfig, OAuthBearerConfig, VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { assertSucceeded, uniqueName } from "../harness/clients.js";
import { runKafkaTool } from "../harness/java-tools.js";
import { anotherListener, parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { RawKafkaConnection } from "../harness/raw-client.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const ISSUER = "https://issuer.bulkhead.test";
const AUDIENCE = "kafka-gateway";

describe("SASL/OAUTHBEARER with JWTs", () => {
  const kafka = inject("kafka");
  let gateway: Gateway;
  let sasl: string;
  let internal: string;
  let sign: (claims: { sub?: string; aud?: string; expiresIn?: string | number }) => Promise<string>;
  let viaUrl: string;
  /** The JWKS endpoint's keys: a test adds a rotated key to it later. */
  const published: object[] = [];
  const jwksServer = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: published })));

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
    published.push(jwk);
    await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;

    sign = ({ sub = "svc-orders", aud = AUDIENCE, expiresIn = "1h" }) =>
      new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "test-key" }).setSubject(sub).setIssuer(ISSUER).setAudience(aud).setIssuedAt().setExpirationTime(expiresIn).sign(privateKey);
    const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
    const base = await testVirtualCluster("oauth", "shared", kafka.brokers.length + 2, nodeIdBase);
    const oauthListener = (name: string, oauthbearer: OAuthBearerConfig) =>
      anotherListener(base.listeners[0]!, { name, security: "sasl_plaintext", saslMechanisms: ["OAUTHBEARER"], oauthbearer });
    const vc: VirtualClusterConfig = {
      ...base,
      prefix: `${uniqueName("oauth")}.`,
      users: [{ name: "svc-orders" }],
      listeners: [
        { ...base.listeners[0]!, name: "internal" },
        await oauthListener("sasl", { jwks: JSON.stringify({ keys: [jwk] }), issuer: ISSUER, audience: AUDIENCE, principalClaim: "sub" }),
        await oauthListener("sasl-url", { jwksUrl, issuer: ISSUER, audience: AUDIENCE, principalClaim: "sub" }),
      ],
    };
    const config: GatewayConfig = testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [vc]);
    gateway = await startGateway(config);
    sasl = gateway.endpoints.find((e) => e.listener === "sasl")!.bootstrap;
    internal = gateway.endpoints.find((e) => e.listener === "internal")!.bootstrap;
    viaUrl = gateway.endpoints.find((e) => e.listener === "sasl-url")!.bootstrap;
  });
  afterAll(async () => {
    await gateway?.close(0);
    jwksServer.close();
  });

  const client = (token: () => Promise<string>) =>
    new Kafka({
      clientId: "oauth-test",
      brokers: [sasl],
      sasl: { mechanism: "oauthbearer", oauthBearerProvider: async () => ({ value: await token() }) },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });

  it("kafkajs with a valid token produces; the session's principal is the token's subject", async () => {
    const topic = uniqueName("oauth");
    const setup = new Kafka({ clientId: "oauth-setup", brokers: [internal], logLevel: logLevel.NOTHING }).admin();
    await setup.connect();
    await createTopicsAndWait(setup, [{ topic, numPartitions: 1, replicationFactor: 3 }]);
    await setup.disconnect();
    const kafkaClient = new Kafka({ clientId: "oauth-test", brokers: [sasl], sasl: { mechanism: "oauthbearer", oauthBearerProvider: async () => ({ value: await sign({}) }) }, logLevel: logLevel.NOTHING });
    const producer = kafkaClient.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: "with a token" }] });
    expect(gateway.runtime.sessions().some((s) => s.principal?.name === "svc-orders")).toBe(true);
    await producer.disconnect();
  });

  it.each([
    ["an expired token", () => sign({ expiresIn: Math.floor(Date.now() / 1000) - 60 })],
    ["a token for another audience", () => sign({ aud: "someone-else" })],
    ["a token whose subject is not a user of the virtual cluster", () => sign({ sub: "intruder" })],
    ["an unsigned token (alg none)", async () => {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
      return `${part({ alg: "none", typ: "JWT" })}.${part({ sub: "svc-orders", iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    }],
  ])("%s is refused with SASL_AUTHENTICATION_FAILED", async (_what, token) => {
    const admin = client(token).admin();
    await expect(admin.connect()).rejects.toThrow("Authentication failed: invalid username or password");
    await admin.disconnect();
  });

  it("Kafka's console producer gets its token from a token endpoint (OAuthBearerLoginCallbackHandler) and produces", async () => {
    // The client-credentials token endpoint of an identity provider, served here: it signs a token for the client id.
    const tokens = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        // Kafka's handler sends the client id and secret as HTTP Basic credentials (or, elsewhere, as form fields).
        const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        const clientId = basic !== undefined ? Buffer.from(basic, "base64").toString().split(":")[0]! : decodeURIComponent(/client_id=([^&]+)/.exec(body)?.[1] ?? "");
        void sign({ sub: clientId }).then((token) => {
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: token, token_type: "bearer", expires_in: 3600 }));
        });
      });
    });
    await new Promise<void>((resolve) => tokens.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(tokens.address() as AddressInfo).port}/token`;
    try {
      const topic = uniqueName("oauth-java");
      const setup = new Kafka({ clientId: "oauth-setup", brokers: [internal], logLevel: logLevel.NOTHING }).admin();
      await setup.connect();
      await createTopicsAndWait(setup, [{ topic, numPartitions: 1, replicationFactor: 3 }]);
      const dir = await mkdtemp(join(tmpdir(), "bulkhead-oauth-"));
      const props = join(dir, "client.properties");
      await writeFile(props, [
        "security.protocol=SASL_PLAINTEXT",
        "sasl.mechanism=OAUTHBEARER",
        "sasl.login.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
        `sasl.oauthbearer.token.endpoint.url=${endpoint}`,
        'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="svc-orders" clientSecret="not-checked-here";',
      ].join("\n"));
      const produced = await runKafkaTool("console-producer", ["--bootstrap-server", sasl, "--topic", topic, "--producer.config", props], {
        input: "a\nb\n",
        timeoutMs: 100_000,
        // Kafka 4 only calls token endpoints on this allowlist (KIP-1135's system property).
        jvmOptions: ["-Xmx256m", `-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${endpoint}`],
      });
      assertSucceeded("console-producer", produced);
      const offsets = await setup.fetchTopicOffsets(topic);
      await setup.disconnect();
      expect(offsets[0]!.high).toBe("2");
    } finally {
      tokens.close();
    }
  }, 150_000);

  it("keys from a JWKS URL, fetched again for a key id it doesn't know yet (a rotated key)", async () => {
    const login = async (token: string) => {
      const admin = new Kafka({ clientId: "oauth-url", brokers: [viaUrl], sasl: { mechanism: "oauthbearer", oauthBearerProvider: async () => ({ value: token }) }, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
      try {
        await admin.connect();
        await admin.listTopics();
      } finally {
        await admin.disconnect();
      }
    };
    await login(await sign({}));
    const rotated = await generateKeyPair("ES256");
    const token = await new SignJWT({}).setProtectedHeader({ alg: "ES256", kid: "rotated" }).setSubject("svc-orders").setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime("1h").sign(rotated.privateKey);
    await expect(login(token)).rejects.toThrow("Authentication failed"); // not published yet
    published.push({ ...(await exportJWK(rotated.publicKey)), kid: "rotated", alg: "ES256", use: "sig" });
    // The key set is fetched again at most every 5 s (the gateway's cooldown): wait for it, as the condition.
    await waitUntil(() => login(token).then(() => true), { what: "the rotated key to be fetched", timeoutMs: 30_000, intervalMs: 1_000 });
  }, 60_000);

  it("the token's expiry bounds the session lifetime", async () => {
    const raw = await RawKafkaConnection.connect(sasl);
    expect((await raw.send<{ errorCode: number }>(ApiKey.SaslHandshake, 1, { mechanism: "OAUTHBEARER" })).errorCode).toBe(0);
    const token = await sign({ expiresIn: "30s" });
    const auth = await raw.send<{ errorCode: number; sessionLifetimeMs: bigint }>(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`n,,\x01auth=Bearer ${token}\x01\x01`) });
    expect(auth.errorCode).toBe(0);
    expect(Number(auth.sessionLifetimeMs)).toBeGreaterThan(0);
    expect(Number(auth.sessionLifetimeMs)).toBeLessThanOrEqual(30_000);
    await raw.close();
  });
});
