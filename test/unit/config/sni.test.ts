// SNI routing in config: a TLS listener without broker ports, whose host names name the brokers; several virtual
// clusters may share its port when no host name could be claimed by two of them.
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { makeTestCertificates } from "../../../scripts/tls/certificates.js";
import { ConfigError, parseConfig } from "../../../src/config/index.js";

const certs = await makeTestCertificates();

function sniListener(tenant: string, extra: Record<string, unknown> = {}) {
  return {
    name: "sni",
    bind: "0.0.0.0",
    bootstrapPort: 9093,
    security: "tls",
    tls: { certificate: certs.certificate, privateKey: certs.privateKey },
    sni: { bootstrapHost: `bootstrap.${tenant}.kafka.example`, brokerHostPattern: `broker-{nodeId}.${tenant}.kafka.example` },
    ...extra,
  };
}

function config(...listeners: Record<string, unknown>[]) {
  return stringify({
    clusters: [{ name: "local", bootstrap: ["127.0.0.1:9092"] }],
    virtualClusters: listeners.map((listener, i) => ({ name: `t${i}`, cluster: "local", listeners: [listener] })),
  });
}

function issuesOf(text: string): string[] {
  try {
    parseConfig(text, "sni.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map(({ path, message }) => `${path}: ${message}`);
  }
  throw new Error("expected a ConfigError");
}

describe("config: SNI routing", () => {
  it("takes a TLS listener with sni and neither brokerPorts nor advertisedHost", () => {
    const parsed = parseConfig(config(sniListener("payments")), "sni.yaml");
    expect(parsed.virtualClusters[0]!.listeners[0]!.sni).toEqual({ bootstrapHost: "bootstrap.payments.kafka.example", brokerHostPattern: "broker-{nodeId}.payments.kafka.example" });
    expect(parsed.virtualClusters[0]!.listeners[0]!.brokerPorts).toBeUndefined();
  });

  it("lets two virtual clusters share one SNI port when their host names can't overlap", () => {
    expect(() => parseConfig(config(sniListener("payments"), sniListener("analytics")), "sni.yaml")).not.toThrow();
  });

  it("refuses overlapping host names on a shared port, or a shared port one side doesn't route by SNI", () => {
    const overlapping = sniListener("analytics", { sni: { bootstrapHost: "bootstrap.analytics.kafka.example", brokerHostPattern: "broker-1{nodeId}.payments.kafka.example" } });
    expect(issuesOf(config(sniListener("payments"), overlapping))).toEqual([expect.stringMatching(/^virtualClusters\[1\]\.listeners\[0\]\.bootstrapPort: port 9093 on "0.0.0.0" clashes with/)]);
    const plain = { name: "plain", bind: "0.0.0.0", bootstrapPort: 9093, brokerPorts: "9094-9096", advertisedHost: "localhost" };
    expect(issuesOf(config(sniListener("payments"), plain))).toEqual([expect.stringMatching(/^virtualClusters\[1\]\.listeners\[0\]\.bootstrapPort: .*clashes/)]);
  });

  it("refuses sni without TLS, beside broker ports or an advertised host, and a pattern without one {nodeId}", () => {
    expect(issuesOf(config(sniListener("p", { security: "plaintext", tls: undefined })))).toContainEqual(expect.stringMatching(/\.sni: needs TLS \(security tls or sasl_tls\), not plaintext/));
    expect(issuesOf(config(sniListener("p", { brokerPorts: "9094-9096" })))).toEqual([expect.stringMatching(/\.brokerPorts: not with sni/)]);
    expect(issuesOf(config(sniListener("p", { advertisedHost: "localhost" })))).toEqual([expect.stringMatching(/\.advertisedHost: not with sni/)]);
    const noPlaceholder = sniListener("p", { sni: { bootstrapHost: "b.p", brokerHostPattern: "broker.p" } });
    expect(issuesOf(config(noPlaceholder))).toEqual([expect.stringMatching(/\.sni\.brokerHostPattern: must contain \{nodeId\} exactly once/)]);
  });
});
