// Rules that span several fields and so cannot live in the schema: references between sections, unique names,
// tenant prefixes (prefixes.ts), and ports that would clash when the listeners bind.
import { createSecureContext } from "node:tls";
import { formatRange } from "./addresses.js";
import { formatPath, type ConfigPath } from "./errors.js";
import { checkBudgets } from "./budgets.js";
import { checkPrefixes } from "./prefixes.js";
import type { GatewayConfig, PortRange } from "./types.js";
import { SniHosts, type SniConfig } from "../session/sni-hosts.js";

export interface SemanticIssue {
  readonly path: ConfigPath;
  readonly message: string;
}

/** A set of ports some listener will bind on one address. */
interface PortClaim {
  readonly bind: string;
  readonly ports: PortRange;
  readonly path: ConfigPath;
  /** A bootstrap port of an SNI-routed listener: it may be shared (sharesSniPort). */
  readonly sni?: SniConfig | undefined;
  readonly clientAuth?: string | undefined;
}

// Binding the wildcard address takes the port on every interface, so it clashes with any other bind address.
const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0"]);

function sameInterface(a: string, b: string): boolean {
  return a === b || WILDCARD_ADDRESSES.has(a) || WILDCARD_ADDRESSES.has(b);
}

function overlaps(a: PortRange, b: PortRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

function checkUniqueNames(items: readonly { name: string }[], path: ConfigPath, what: string): SemanticIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: SemanticIssue[] = [];
  items.forEach((item, i) => {
    const earlier = firstIndex.get(item.name);
    if (earlier === undefined) {
      firstIndex.set(item.name, i);
    } else {
      const message = `duplicate ${what} name "${item.name}" (first at ${formatPath([...path, earlier])})`;
      issues.push({ path: [...path, i, "name"], message });
    }
  });
  return issues;
}

function portClaims(config: GatewayConfig): PortClaim[] {
  const claims: PortClaim[] = [];
  config.virtualClusters.forEach((vc, v) =>
    vc.listeners.forEach((listener, l) => {
      const path = ["virtualClusters", v, "listeners", l];
      const port = listener.bootstrapPort;
      claims.push({ bind: listener.bind, ports: { first: port, last: port }, path: [...path, "bootstrapPort"], sni: listener.sni, clientAuth: listener.tls?.clientAuth });
      if (listener.brokerPorts !== undefined) claims.push({ bind: listener.bind, ports: listener.brokerPorts, path: [...path, "brokerPorts"] });
    }),
  );
  const { host, port } = config.control.listen;
  claims.push({ bind: host, ports: { first: port, last: port }, path: ["control", "listen"] });
  return claims;
}

function checkPortClashes(claims: readonly PortClaim[]): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  claims.forEach((claim, i) => {
    const clash = claims
      .slice(0, i)
      .find((earlier) => sameInterface(earlier.bind, claim.bind) && overlaps(earlier.ports, claim.ports) && !sharesSniPort(earlier, claim));
    if (clash) {
      const other = `${formatPath(clash.path)} (${formatRange(clash.ports)} on "${clash.bind}")`;
      issues.push({ path: claim.path, message: `${formatRange(claim.ports)} on "${claim.bind}" clashes with ${other}` });
    }
  });
  return issues;
}

/**
 * SNI-routed listeners may share one port (several virtual clusters behind one TLS port) when no host name could be
 * claimed by both and they ask for client certificates alike (one TLS server serves them all).
 */
function sharesSniPort(a: PortClaim, b: PortClaim): boolean {
  if (a.sni === undefined || b.sni === undefined || a.bind !== b.bind || (a.clientAuth ?? "none") !== (b.clientAuth ?? "none")) return false;
  return !new SniHosts(a.sni).overlaps(new SniHosts(b.sni));
}

/** Listener security and the users it needs: TLS material where TLS is on, users where SASL is. */
function checkSecurity(config: GatewayConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  config.virtualClusters.forEach((vc, v) => {
    const users = vc.users ?? [];
    issues.push(...checkUniqueNames(users, ["virtualClusters", v, "users"], "user"));
    vc.listeners.forEach((listener, l) => {
      const path = ["virtualClusters", v, "listeners", l];
      const security = listener.security ?? "plaintext";
      const usesTls = security === "tls" || security === "sasl_tls";
      const usesSasl = security === "sasl_plaintext" || security === "sasl_tls";
      if (usesTls && listener.tls === undefined) issues.push({ path: [...path, "tls"], message: `required for a ${security} listener (certificate and privateKey)` });
      if (!usesTls && listener.tls !== undefined) issues.push({ path: [...path, "tls"], message: `only for tls and sasl_tls listeners (this one is ${security})` });
      if (usesTls && listener.tls !== undefined) {
        try {
          createSecureContext({ cert: listener.tls.certificate, key: listener.tls.privateKey });
        } catch (error) {
          issues.push({ path: [...path, "tls"], message: `the certificate and private key don't load: ${(error as Error).message}` });
        }
      }
      if (!usesSasl && listener.saslMechanisms !== undefined) issues.push({ path: [...path, "saslMechanisms"], message: `only for sasl_plaintext and sasl_tls listeners (this one is ${security})` });
      if (!usesSasl) return;
      if (users.length === 0) issues.push({ path: [...path, "security"], message: `a ${security} listener needs users: virtualClusters[${v}].users is empty` });
      const oauth = listener.saslMechanisms?.includes("OAUTHBEARER") === true;
      if (oauth && listener.oauthbearer === undefined) issues.push({ path: [...path, "oauthbearer"], message: "required when saslMechanisms has OAUTHBEARER (jwks or jwksUrl, issuer, audience)" });
      if (!oauth && listener.oauthbearer !== undefined) issues.push({ path: [...path, "oauthbearer"], message: "only used when saslMechanisms has OAUTHBEARER" });
      for (const mechanism of listener.saslMechanisms ?? []) {
        const key = mechanism === "SCRAM-SHA-256" ? "scramSha256" : mechanism === "SCRAM-SHA-512" ? "scramSha512" : undefined;
        if (key !== undefined && users.length > 0 && !users.some((u) => u[key] !== undefined)) {
          issues.push({ path: [...path, "saslMechanisms"], message: `${mechanism} is offered but no user of this virtual cluster has a ${key} credential` });
        }
      }
    });
  });
  return issues;
}

export function checkSemantics(config: GatewayConfig): SemanticIssue[] {
  const clusterNames = config.clusters.map((cluster) => cluster.name);
  const unknownClusters = config.virtualClusters.flatMap((vc, v) => {
    if (clusterNames.includes(vc.cluster)) return [];
    const message = `unknown cluster "${vc.cluster}" (defined: ${clusterNames.join(", ")})`;
    return [{ path: ["virtualClusters", v, "cluster"], message }];
  });
  return [
    ...checkUniqueNames(config.clusters, ["clusters"], "cluster"),
    ...checkUniqueNames(config.virtualClusters, ["virtualClusters"], "virtual cluster"),
    ...config.virtualClusters.flatMap((vc, v) =>
      checkUniqueNames(vc.listeners, ["virtualClusters", v, "listeners"], "listener"),
    ),
    ...unknownClusters,
    ...checkPrefixes(config),
    ...checkPortClashes(portClaims(config)),
    ...checkSecurity(config),
    ...checkBudgets(config),
  ];
}
