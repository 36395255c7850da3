// A shared listener's starting context, without sockets: the identity filters are built once from the users its
// principals map to (each with its own virtual cluster's credentials) and shared with every virtual cluster's chain;
// the hand-over picks the principal's virtual cluster; and before authentication ApiVersions offers only what every
// mapped virtual cluster may use, at versions every physical cluster behind them supports.
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../../src/config/index.js";
import type { VirtualClusterConfig } from "../../../src/config/types.js";
import { FilterChain } from "../../../src/filters/chain.js";
import type { Filter } from "../../../src/filters/filter.js";
import { ApiKey } from "../../../src/protocol/messages/index.js";
import type { ConnectionContext } from "../../../src/proxy/client-connection.js";
import { commonRanges, sharedListenerContext } from "../../../src/runtime/shared-listener.js";
import { formatScramCredential } from "../../../src/security/credential-format.js";
import { scramCredential } from "../../../src/security/scram.js";
import { ListenerEndpoint } from "../../../src/session/endpoint.js";
import type { UpstreamConnector } from "../../../src/upstream/connector.js";
import { answered, decide, frame, testSession } from "../filters/chain-fixture.js";

const credential = (password: string) => formatScramCredential(scramCredential("SCRAM-SHA-512", password));

const config = parseConfig(
  stringify({
    clusters: [
      { name: "a", bootstrap: ["127.0.0.1:9092"] },
      { name: "b", bootstrap: ["127.0.0.1:9093"] },
    ],
    virtualClusters: [
      { name: "payments", cluster: "a", users: [{ name: "alice", scramSha512: credential("a") }], listeners: [{ name: "p", bind: "127.0.0.1", bootstrapPort: 19092, brokerPorts: "19093-19094", advertisedHost: "h" }] },
      { name: "analytics", cluster: "b", deniedApis: ["DeleteTopics"], users: [{ name: "bob", scramSha512: credential("b") }, { name: "alice", scramSha512: credential("other") }], listeners: [{ name: "p", bind: "127.0.0.1", bootstrapPort: 29092, brokerPorts: "29093-29094", advertisedHost: "h" }] },
    ],
    sharedListeners: [{ name: "public", bind: "127.0.0.1", bootstrapPort: 39092, brokerPorts: "39093-39094", advertisedHost: "h", security: "sasl_plaintext", saslMechanisms: ["PLAIN", "SCRAM-SHA-512"], principals: { alice: "payments", bob: "analytics" } }],
  }),
  "shared.yaml",
);

/** Each physical cluster's broker ranges: cluster "b" stops Metadata at v9 and doesn't serve DeleteTopics. */
const BROKERS: Record<string, { apiKey: number; minVersion: number; maxVersion: number }[]> = {
  a: [
    { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4 },
    { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 12 },
    { apiKey: ApiKey.DeleteTopics, minVersion: 0, maxVersion: 6 },
  ],
  b: [
    { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4 },
    { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 9 },
  ],
};

function build() {
  const identities: (readonly Filter[])[] = [];
  const contextOf = (vc: VirtualClusterConfig, identity: readonly Filter[]): ConnectionContext => {
    identities.push(identity);
    const connector = { name: vc.cluster, apiVersions: async () => BROKERS[vc.cluster]! } as unknown as UpstreamConnector;
    const listener = config.sharedListeners![0]!;
    return { endpoint: new ListenerEndpoint(vc.name, listener), virtualCluster: { name: vc.name, physicalCluster: vc.cluster }, chain: new FilterChain(identity), connector } as unknown as ConnectionContext;
  };
  const context = sharedListenerContext({ config, listener: config.sharedListeners![0]!, observer: {}, budgets: undefined, contextOf });
  return { context, identities };
}

describe("a shared listener's context", () => {
  it("starts as no virtual cluster, and hands a session over to its principal's", () => {
    const { context, identities } = build();
    expect(context.endpoint.virtualCluster).toBe("*");
    expect(context.virtualCluster).toBeUndefined();
    expect(context.connector).toBeUndefined();
    const as = (name: string | undefined) => {
      const session = testSession(context.endpoint);
      if (name !== undefined) session.principal = { type: "User", name };
      return context.handOver!(session)?.virtualCluster?.name;
    };
    expect([as("alice"), as("bob"), as("mallory"), as(undefined)]).toEqual(["payments", "analytics", undefined, undefined]);
    // One set of identity filters, in the pre-authentication chain and in each virtual cluster's.
    expect(identities).toHaveLength(2);
    expect(identities[0]).toBe(identities[1]);
    expect(context.chain.filters.slice(0, identities[0]!.length)).toEqual(identities[0]);
  });

  it("answers ApiVersions before authentication with what every mapped virtual cluster and physical cluster allow, and SASL", async () => {
    const { context } = build();
    const session = testSession(context.endpoint);
    context.chain.sessionOpened(session);
    const decision = await decide(context.chain, frame(ApiKey.ApiVersions, 3, { clientSoftwareName: "x", clientSoftwareVersion: "1" }), session);
    const { apiKeys } = answered(decision, ApiKey.ApiVersions, 3) as { apiKeys: { apiKey: number; maxVersion: number }[] };
    const offered = new Map(apiKeys.map((r) => [r.apiKey, r.maxVersion]));
    expect(offered.get(ApiKey.Metadata)).toBe(9);
    expect(offered.has(ApiKey.DeleteTopics)).toBe(false);
    expect(offered.has(ApiKey.SaslHandshake)).toBe(true);
    expect(offered.has(ApiKey.SaslAuthenticate)).toBe(true);
    context.chain.sessionClosed(session);
  });

  it("logs in alice with payments' password only: the map picks whose credentials count", async () => {
    const { context } = build();
    const login = async (password: string) => {
      const session = testSession(context.endpoint);
      context.chain.sessionOpened(session);
      await decide(context.chain, frame(ApiKey.SaslHandshake, 1, { mechanism: "PLAIN" }), session);
      const result = answered(await decide(context.chain, frame(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from(`\0alice\0${password}`) }), session), ApiKey.SaslAuthenticate, 2);
      context.chain.sessionClosed(session);
      return result.errorCode;
    };
    expect(await login("a")).toBe(0);
    expect(await login("other")).not.toBe(0);
  });

  it("keeps only the ranges every list has", () => {
    const common = commonRanges([BROKERS.a!, BROKERS.b!]);
    expect(common).toEqual([
      { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4 },
      { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 9 },
    ]);
    expect(commonRanges([])).toEqual([]);
  });
});
