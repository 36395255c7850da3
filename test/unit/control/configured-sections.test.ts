// The admin API answers config sections as the file writes them (secrets redacted). Its serializer encodes every answer
// with the route's schema (zod's encode, then JSON), so each section of a valid config must come through unchanged.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { configSchema } from "../../../src/config/schema.js";
import { formatScramCredential } from "../../../src/security/credential-format.js";
import { scramCredential } from "../../../src/security/scram.js";
import { redact } from "../../../src/control/redact.js";
import { aclsAnswer } from "../../../src/control/schemas/acls.js";
import { limitsAnswer } from "../../../src/control/schemas/limits.js";
import { physicalClusterList } from "../../../src/control/schemas/physical-clusters.js";
import { virtualClusterList } from "../../../src/control/schemas/virtual-clusters.js";

const SCRAM = formatScramCredential(scramCredential("SCRAM-SHA-256", "alice-password"));

/** Every kind of listener, users with and without credentials, and sections that leave out their defaults. */
const CONFIG = `
clusters:
  - name: local
    bootstrap: "127.0.0.1:9092, 127.0.0.1:9093"
    tls: { ca: { env: BROKER_CA }, verifyHostname: false }
    sasl: { mechanism: SCRAM-SHA-512, username: gateway, password: { env: GATEWAY_PASSWORD } }
  - name: other
    bootstrap: ["127.0.0.1:9192"]
    sasl: { mechanism: PLAIN, username: gateway, password: inline-password }
virtualClusters:
  - name: payments
    cluster: local
    deniedApis: [DeleteTopics]
    listeners:
      - { name: plain, bind: 127.0.0.1, bootstrapPort: 19092, brokerPorts: "19093-19095", advertisedHost: localhost }
      - name: sni
        bind: 0.0.0.0
        bootstrapPort: 19443
        sni: { bootstrapHost: payments.kafka.example.com, brokerHostPattern: "broker-{nodeId}.payments.kafka.example.com" }
        security: sasl_tls
        saslMechanisms: [SCRAM-SHA-256, OAUTHBEARER]
        oauthbearer: { jwks: '{"keys": []}', issuer: "https://idp.example.com", audience: kafka }
        tls:
          certificate: { env: PAYMENTS_CERTIFICATE }
          privateKey: inline-private-key
          clientCa: { file: ca.pem }
          principalMappingRules: ["RULE:^CN=([^,]+),.*$/$1/L", DEFAULT]
    users:
      - { name: alice, scramSha256: "${SCRAM}" }
      - { name: bob, scramSha256: { env: BOB_SCRAM } }
      - { name: billing-service }
    limits:
      maxConnections: 100
      maxRetainedBytes: 10GiB
      tenantByteRate: { produce: 10MiB/s, pushDown: true }
      topicByteRates: { default: { fetch: 5MiB/s }, prefixes: { "logs.": { produce: unlimited } } }
      principalByteRates: { principals: { alice: { produce: 1000 } } }
    acls:
      superUsers: ["User:admin"]
      rules:
        - { principal: "User:alice", resourceType: topic, patternType: prefixed, name: orders, operations: [READ, WRITE] }
        - { principal: "User:*", host: 10.0.0.1, resourceType: cluster, operations: [DESCRIBE], permission: deny }
  - name: analytics
    cluster: other
    prefix: analytics-
    topicConfigAllowlist: [retention.ms]
    listeners:
      - { name: plain, bind: 127.0.0.1, bootstrapPort: 29092, brokerPorts: "29093-29095", advertisedHost: localhost, nodeIdBase: 1 }
    acls: {}
`;

/** What the API's serializer does with an answer: encode it with the route's schema, then write it as JSON. */
const served = <T extends z.ZodType>(schema: T, answer: z.output<T>): unknown => JSON.parse(JSON.stringify(z.encode(schema, answer)));

async function documents(): Promise<Record<string, unknown>[]> {
  const example = parse(await readFile(new URL("../../../config/bulkhead.example.yaml", import.meta.url), "utf8")) as Record<string, unknown>;
  return [parse(CONFIG) as Record<string, unknown>, example];
}

type Plain = Record<string, unknown> & { virtualClusters: Record<string, unknown>[]; clusters: Record<string, unknown>[] };

describe("the admin API's answers of config sections", () => {
  beforeEach(() => {
    for (const name of ["BROKER_CA", "GATEWAY_PASSWORD", "PAYMENTS_CERTIFICATE"]) vi.stubEnv(name, "secret text");
    vi.stubEnv("BOB_SCRAM", SCRAM);
  });
  afterEach(() => void vi.unstubAllEnvs());

  it("are each section of a valid config as written, secrets redacted", async () => {
    const [rich] = await documents();
    const dir = await mkdtemp(join(tmpdir(), "bulkhead-sections-"));
    await writeFile(join(dir, "ca.pem"), "secret text");
    expect(configSchema(dir).safeParse(rich).error).toBeUndefined();
    for (const document of (await documents()) as Plain[]) {
      const virtualClusters = document.virtualClusters.map(redact) as z.output<typeof virtualClusterList>["virtualClusters"];
      expect(served(virtualClusterList, { virtualClusters })).toEqual({ virtualClusters });
      const clusters = document.clusters.map(redact) as z.output<typeof physicalClusterList>["clusters"];
      expect(served(physicalClusterList, { clusters })).toEqual({ clusters });
      for (const vc of document.virtualClusters) {
        expect(served(limitsAnswer, { limits: redact(vc.limits ?? null) as never })).toEqual({ limits: redact(vc.limits ?? null) });
        expect(served(aclsAnswer, { acls: redact(vc.acls ?? null) as never })).toEqual({ acls: redact(vc.acls ?? null) });
      }
    }
  });

  it("have every secret redacted and every reference kept", async () => {
    const [rich] = (await documents()) as Plain[];
    const { virtualClusters, clusters } = { virtualClusters: rich!.virtualClusters.map(redact), clusters: rich!.clusters.map(redact) } as Plain;
    const text = JSON.stringify(served(virtualClusterList, { virtualClusters } as never)) + JSON.stringify(served(physicalClusterList, { clusters } as never));
    for (const secret of ["inline-private-key", "inline-password", SCRAM, '{"keys": []}']) expect(text).not.toContain(secret);
    for (const reference of ["BROKER_CA", "PAYMENTS_CERTIFICATE", "BOB_SCRAM", "ca.pem"]) expect(text).toContain(reference);
  });

  it("can't hold what no config can: an unknown key of a listener or a limit", () => {
    const listener = { name: "plain", bind: "127.0.0.1", bootstrapPort: 19092, brokerPorts: "19093-19095", advertisedHost: "localhost" };
    const vc = { name: "a", cluster: "local", listeners: [listener] };
    expect(() => served(virtualClusterList, { virtualClusters: [vc] })).not.toThrow();
    expect(() => served(virtualClusterList, { virtualClusters: [{ ...vc, listeners: [{ ...listener, bootstrapPrt: 1 }] }] } as never)).toThrow(/bootstrapPrt/);
    expect(() => served(limitsAnswer, { limits: { maxTopcs: 1 } } as never)).toThrow(/maxTopcs/);
  });
});
