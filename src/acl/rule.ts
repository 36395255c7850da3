// One ACL rule of a virtual cluster, as the config states it (names are the tenant's own, unprefixed), and who asks.
import type { Operation, PatternType, Permission, ResourceType } from "./operations.js";

export interface AclRule {
  /** "User:alice", or "User:*" for every user. */
  readonly principal: string;
  /** A client address, or "*" for any. */
  readonly host: string;
  readonly resourceType: ResourceType;
  readonly patternType: PatternType;
  /** The resource name, or the prefix; a literal "*" matches every resource of the type. */
  readonly name: string;
  readonly operation: Operation;
  readonly permission: Permission;
}

/** A virtual cluster's ACLs (its `acls` config section). */
export interface AclSettings {
  readonly rules: readonly AclRule[];
  /** Principals ("User:admin") that bypass this virtual cluster's rules, and no other's. */
  readonly superUsers: readonly string[];
  /** Allow when no rule names the resource (Kafka's allow.everyone.if.no.acl.found); default false. */
  readonly allowIfNoAclFound: boolean;
}

/** Who asks: a principal ("User:alice"; "User:ANONYMOUS" without authentication) from a client address. */
export interface Requester {
  readonly principal: string;
  readonly host: string;
}

export const WILDCARD_PRINCIPAL = "User:*";
export const ANY_HOST = "*";

export function ruleApplies(rule: AclRule, who: Requester): boolean {
  return (rule.principal === who.principal || rule.principal === WILDCARD_PRINCIPAL) && (rule.host === ANY_HOST || rule.host === who.host);
}
