// Shared listeners in config: one set of ports for several virtual clusters, where the authenticated principal picks
// the virtual cluster through the listener's `principals` map. Such a listener must authenticate every client (SASL,
// or TLS with a required client certificate), and each principal must be a user of the virtual cluster it maps to:
// the same user name may exist in two virtual clusters, each with its own credentials, and the map says which one
// this listener serves.
import { checkListenerSecurity } from "./listener-security.js";
import type { SemanticIssue } from "./semantic.js";
import type { GatewayConfig, ListenerConfig, SharedListenerConfig, UserConfig } from "./types.js";

/** A principal of a shared listener, with the user (and its credentials) of the virtual cluster it maps to. */
export interface MappedUser {
  readonly virtualCluster: string;
  readonly user: UserConfig;
}

/** Whether a listener makes every client authenticate before its first request reaches a broker. */
export function authenticatesEveryClient(listener: ListenerConfig): boolean {
  const security = listener.security ?? "plaintext";
  return security === "sasl_plaintext" || security === "sasl_tls" || (security === "tls" && listener.tls?.clientAuth === "required");
}

/** The principals of `listener` that name a user of an existing virtual cluster (all of them, in a valid config). */
export function mappedUsers(config: GatewayConfig, listener: SharedListenerConfig): MappedUser[] {
  return Object.entries(listener.principals).flatMap(([principal, virtualCluster]) => {
    const user = config.virtualClusters.find((vc) => vc.name === virtualCluster)?.users?.find((u) => u.name === principal);
    return user === undefined ? [] : [{ virtualCluster, user }];
  });
}

export function checkSharedListeners(config: GatewayConfig): SemanticIssue[] {
  const defined = config.virtualClusters.map((vc) => vc.name).join(", ");
  return (config.sharedListeners ?? []).flatMap((listener, s) => {
    const path = ["sharedListeners", s];
    const issues: SemanticIssue[] = [];
    if (!authenticatesEveryClient(listener)) {
      const security = listener.security ?? "plaintext";
      const now = security === "tls" ? `tls with clientAuth ${listener.tls?.clientAuth ?? "none"}` : security;
      issues.push({ path: [...path, "security"], message: `a shared listener must authenticate every client, since the principal picks the virtual cluster: sasl_plaintext, sasl_tls, or tls with tls.clientAuth required (this one is ${now})` });
    }
    for (const [principal, virtualCluster] of Object.entries(listener.principals)) {
      const v = config.virtualClusters.findIndex((vc) => vc.name === virtualCluster);
      const at = [...path, "principals", principal];
      if (v < 0) issues.push({ path: at, message: `unknown virtual cluster "${virtualCluster}" (defined: ${defined})` });
      else if (config.virtualClusters[v]!.users?.some((u) => u.name === principal) !== true) {
        issues.push({ path: at, message: `"${principal}" is not a user of virtual cluster "${virtualCluster}" (virtualClusters[${v}].users)` });
      }
    }
    const users = mappedUsers(config, listener).map((m) => m.user);
    // Without users, each principal was reported above (the schema requires one).
    issues.push(...checkListenerSecurity(listener, path, users, { who: "user its principals map to", none: undefined }));
    return issues;
  });
}
