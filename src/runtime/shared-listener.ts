// A shared listener's connection context: one set of ports for several virtual clusters. A connection starts with a
// context that can only authenticate (the certificate-principal and SASL filters, built from the users the
// principals map to, each with the credentials of its own virtual cluster, and the API policy). Before
// authentication it answers ApiVersions with what every mapped virtual cluster may use, at versions every one of
// their physical clusters supports: clients don't ask again once authenticated. Once the principal is known, the
// connection is handed over to that virtual cluster's context for this listener (client-connection.ts), whose chain
// holds the same identity filters, so re-authentication goes on and can't change the principal, nor the virtual cluster.
import { authenticatesEveryClient, mappedUsers } from "../config/shared-listeners.js";
import type { GatewayConfig, SharedListenerConfig, VirtualClusterConfig } from "../config/types.js";
import { ACL_ANSWERED } from "../filters/acl.js";
import { intersectApiVersions } from "../filters/api-policy.js";
import { SASL_ANSWERED } from "../filters/authentication.js";
import type { Filter, VersionRange } from "../filters/filter.js";
import { createPreAuthenticationChain, identityFilters } from "../filters/index.js";
import { childLogger } from "../log.js";
import type { GatewayObserver } from "../observe/observer.js";
import { ApiKey } from "../protocol/messages/index.js";
import type { ConnectionContext } from "../proxy/client-connection.js";
import type { GatewayBudgets } from "../proxy/gateway-budgets.js";
import { LogThrottle } from "../proxy/log-throttle.js";
import { SaslAuthenticator } from "../security/sasl-authenticator.js";
import { ListenerEndpoint } from "../session/endpoint.js";
import { tenantVersionRanges } from "../tenancy/api-policy.js";
import { identityOptions } from "./identity-options.js";

/** The virtual cluster name of a shared listener's sessions before authentication: in metrics, logs and budgets. */
export const BEFORE_AUTHENTICATION = "*";

/** What a virtual cluster may forward: api key → versions (its allowlist within the codec). */
export function forwardableOf(vc: VirtualClusterConfig): ReadonlyMap<number, VersionRange> {
  return tenantVersionRanges(vc.deniedApis.map((api) => ApiKey[api as keyof typeof ApiKey]));
}

type ApiVersionRange = VersionRange & { readonly apiKey: number };

/** The ranges all of `maps` allow (an API missing from one is dropped). */
export function commonRanges(lists: readonly (readonly ApiVersionRange[])[]): ApiVersionRange[] {
  const [first = [], ...rest] = lists;
  return rest.reduce<ApiVersionRange[]>((common, list) => intersectApiVersions(common, new Map(list.map((r) => [r.apiKey, r]))), [...first]);
}

export interface SharedListenerSources {
  readonly config: GatewayConfig;
  readonly listener: SharedListenerConfig;
  readonly observer: GatewayObserver;
  readonly budgets: GatewayBudgets | undefined;
  /** A virtual cluster's context for this listener, its chain built around the listener's identity filters. */
  readonly contextOf: (vc: VirtualClusterConfig, identity: readonly Filter[]) => ConnectionContext;
}

/** The context connections of a shared listener start with; `handOver` gives each its virtual cluster's. */
export function sharedListenerContext({ config, listener, observer, budgets, contextOf }: SharedListenerSources): ConnectionContext {
  if (!authenticatesEveryClient(listener)) throw new Error(`shared listener ${listener.name} must authenticate its clients`); // the config checks it
  const mapped = mappedUsers(config, listener);
  const vcs = config.virtualClusters.filter((vc) => mapped.some((m) => m.virtualCluster === vc.name));
  const forwardable = new Map(commonRanges(vcs.map((vc) => [...forwardableOf(vc)].map(([apiKey, range]) => ({ apiKey, ...range })))).map((r) => [r.apiKey, r]));
  const usesSasl = listener.security === "sasl_plaintext" || listener.security === "sasl_tls";
  const answered = new Map([...(usesSasl ? SASL_ANSWERED : []), ...ACL_ANSWERED]);
  const log = childLogger({ virtualCluster: BEFORE_AUTHENTICATION, listener: listener.name });
  const users = mapped.map((m) => m.user);
  const contexts = new Map<string, ConnectionContext>();
  // Every physical cluster behind the listener, asked when a client first wants ApiVersions.
  const brokerApiVersions = async () => commonRanges(await Promise.all([...new Set([...contexts.values()].map((c) => c.connector!))].map((c) => c.apiVersions())));
  const who = identityOptions({ config, listener, authenticator: new SaslAuthenticator(users), users, brokerApiVersions, observer, log });
  const identity = identityFilters({ ...who, forwardable }, answered);
  for (const vc of vcs) contexts.set(vc.name, contextOf(vc, identity));
  const byPrincipal = new Map(mapped.map((m) => [m.user.name, contexts.get(m.virtualCluster)!]));
  return {
    endpoint: new ListenerEndpoint(BEFORE_AUTHENTICATION, listener),
    chain: createPreAuthenticationChain(identity, forwardable, answered),
    maxFrameBytes: config.limits.maxFrameBytes,
    observer,
    log,
    unreachableLog: new LogThrottle(),
    budgets,
    handOver: (session) => (session.principal === undefined ? undefined : byPrincipal.get(session.principal.name)),
  };
}
