// Shared listeners in config: one set of ports for several virtual clusters, the authenticated principal picking the
// virtual cluster. Every principal must be a user of the virtual cluster it maps to, the listener must authenticate
// every client, and its ports must clash with no other listener's nor the control port.
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { makeTestCertificates } from "../../../scripts/tls/certificates.js";
import { ConfigError, parseConfig } from "../../../src/config/index.js";
import { formatScramCredential } from "../../../src/security/credential-format.js";
import { scramCredential } from "../../../src/security/scram.js";

const certs = await makeTestCertificates();
const sha512 = (password: string) => formatScramCredential(scramCredential("SCRAM-SHA-512", password));

function shared(extra: Record<string, unknown> = {}) {
  return {
    name: "public",
    bind: "0.0.0.0",
    bootstrapPort: 49092,
    brokerPorts: "49100-49102",
    advertisedHost: "localhost",
    security: "sasl_plaintext",
    saslMechanisms: ["SCRAM-SHA-512"],
    principals: { alice: "payments", carol: "analytics" },
    ...extra,
  };
}

function config(...sharedListeners: Record<string, unknown>[]) {
  const vc = (name: string, port: number, users: string[]) => ({
    name,
    cluster: "local",
    listeners: [{ name: "plain", bind: "127.0.0.1", bootstrapPort: port, brokerPorts: `${port + 1}-${port + 3}`, advertisedHost: "localhost" }],
    users: users.map((user) => ({ name: user, scramSha512: sha512(`${user}@${name}`) })),
  });
  return stringify({
    clusters: [{ name: "local", bootstrap: ["127.0.0.1:9092"] }],
    virtualClusters: [vc("payments", 19092, ["alice", "carol"]), vc("analytics", 29092, ["bob", "carol"])],
    sharedListeners,
  });
}

function issuesOf(text: string): string[] {
  try {
    parseConfig(text, "shared.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map(({ path, message }) => `${path}: ${message}`);
  }
  throw new Error("expected a ConfigError");
}

describe("config: shared listeners", () => {
  it("takes a SASL listener whose principals map to users of existing virtual clusters (a name in both, mapped to one)", () => {
    const parsed = parseConfig(config(shared()), "shared.yaml");
    expect(parsed.sharedListeners).toHaveLength(1);
    expect(parsed.sharedListeners![0]!.principals).toEqual({ alice: "payments", carol: "analytics" });
    expect(parsed.sharedListeners![0]!.brokerPorts).toEqual({ first: 49100, last: 49102 });
    expect(parseConfig(config(), "shared.yaml").sharedListeners).toEqual([]);
  });

  it("takes SNI routing and mTLS with a required client certificate, as a virtual cluster's listener would", () => {
    const tls = { certificate: certs.certificate, privateKey: certs.privateKey, clientCa: certs.ca };
    const sni = { bootstrapHost: "bootstrap.kafka.example", brokerHostPattern: "broker-{nodeId}.kafka.example" };
    const mtls = shared({ security: "tls", saslMechanisms: undefined, tls, brokerPorts: undefined, advertisedHost: undefined, sni });
    expect(() => parseConfig(config(mtls), "shared.yaml")).not.toThrow();
  });

  it("refuses an unknown virtual cluster and a principal that is not a user of the one it maps to", () => {
    expect(issuesOf(config(shared({ principals: { alice: "payment", bob: "payments" } })))).toEqual([
      'sharedListeners[0].principals.alice: unknown virtual cluster "payment" (defined: payments, analytics)',
      'sharedListeners[0].principals.bob: "bob" is not a user of virtual cluster "payments" (virtualClusters[0].users)',
    ]);
  });

  it("refuses a listener that doesn't make every client authenticate, and an empty map", () => {
    expect(issuesOf(config(shared({ security: "plaintext", saslMechanisms: undefined })))).toEqual([
      expect.stringMatching(/^sharedListeners\[0\]\.security: a shared listener must authenticate every client.*\(this one is plaintext\)$/),
    ]);
    const tls = { certificate: certs.certificate, privateKey: certs.privateKey, clientCa: certs.ca, clientAuth: "requested" };
    expect(issuesOf(config(shared({ security: "tls", saslMechanisms: undefined, tls })))).toEqual([expect.stringMatching(/\.security: .*\(this one is tls with clientAuth requested\)$/)]);
    expect(issuesOf(config(shared({ principals: {} })))).toEqual(["sharedListeners[0].principals: needs at least one principal: name → virtual cluster"]);
  });

  it("refuses ports that clash with a virtual cluster's listener, another shared listener or the control port", () => {
    expect(issuesOf(config(shared({ bootstrapPort: 19093, brokerPorts: "49100-49102" })))).toEqual([
      expect.stringMatching(/^sharedListeners\[0\]\.bootstrapPort: port 19093 on "0.0.0.0" clashes with virtualClusters\[0\]\.listeners\[0\]\.brokerPorts/),
    ]);
    expect(issuesOf(config(shared(), shared({ name: "second", bootstrapPort: 49101, brokerPorts: "49200-49202" })))).toEqual([
      expect.stringMatching(/^sharedListeners\[1\]\.bootstrapPort: port 49101 .* clashes with sharedListeners\[0\]\.brokerPorts/),
    ]);
    expect(issuesOf(config(shared({ bootstrapPort: 9190 })))).toEqual([expect.stringMatching(/^control\.listen: port 9190 .* clashes with sharedListeners\[0\]\.bootstrapPort/)]);
    expect(issuesOf(config(shared(), shared({ bootstrapPort: 49200, brokerPorts: "49201-49203" })))).toEqual([
      'sharedListeners[1].name: duplicate shared listener name "public" (first at sharedListeners[0])',
    ]);
  });

  it("checks its SASL settings against the users its principals map to", () => {
    expect(issuesOf(config(shared({ saslMechanisms: ["SCRAM-SHA-256"] })))).toEqual([
      "sharedListeners[0].saslMechanisms: SCRAM-SHA-256 is offered but no user its principals map to has a scramSha256 credential",
    ]);
    expect(issuesOf(config(shared({ saslMechanisms: ["OAUTHBEARER"] })))).toEqual([expect.stringMatching(/^sharedListeners\[0\]\.oauthbearer: required when saslMechanisms has OAUTHBEARER/)]);
  });
});
