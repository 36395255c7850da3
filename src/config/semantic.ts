// Rules that span several fields and so cannot live in the schema: references between sections, unique names,
// tenant prefixes (prefixes.ts), listener security (listener-security.ts), shared listeners' principal maps
// (shared-listeners.ts), and ports that would clash when the listeners bind (shared listeners' included).
import { formatRange } from "./addresses.js";
import { formatPath, type ConfigPath } from "./errors.js";
import { checkBudgets } from "./budgets.js";
import { checkControlTokens } from "./control.js";
import { checkListenerSecurity } from "./listener-security.js";
import { checkPrefixes } from "./prefixes.js";
import { checkSharedListeners } from "./shared-listeners.js";
import type { GatewayConfig, ListenerConfig, PortRange } from "./types.js";
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
  const claim = (listener: ListenerConfig, path: ConfigPath) => {
    const port = listener.bootstrapPort;
    claims.push({ bind: listener.bind, ports: { first: port, last: port }, path: [...path, "bootstrapPort"], sni: listener.sni, clientAuth: listener.tls?.clientAuth });
    if (listener.brokerPorts !== undefined) claims.push({ bind: listener.bind, ports: listener.brokerPorts, path: [...path, "brokerPorts"] });
  };
  config.virtualClusters.forEach((vc, v) => vc.listeners.forEach((listener, l) => claim(listener, ["virtualClusters", v, "listeners", l])));
  (config.sharedListeners ?? []).forEach((listener, s) => claim(listener, ["sharedListeners", s]));
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
  return config.virtualClusters.flatMap((vc, v) => {
    const users = vc.users ?? [];
    const described = { who: "user of this virtual cluster", none: `virtualClusters[${v}].users is empty` };
    return [
      ...checkUniqueNames(users, ["virtualClusters", v, "users"], "user"),
      ...vc.listeners.flatMap((listener, l) => checkListenerSecurity(listener, ["virtualClusters", v, "listeners", l], users, described)),
    ];
  });
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
    ...checkUniqueNames(config.sharedListeners ?? [], ["sharedListeners"], "shared listener"),
    ...config.virtualClusters.flatMap((vc, v) =>
      checkUniqueNames(vc.listeners, ["virtualClusters", v, "listeners"], "listener"),
    ),
    ...unknownClusters,
    ...checkPrefixes(config),
    ...checkPortClashes(portClaims(config)),
    ...checkSecurity(config),
    ...checkSharedListeners(config),
    ...checkBudgets(config),
    ...checkControlTokens(config),
  ];
}
