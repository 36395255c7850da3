// A virtual cluster's `acls` section: rules in Kafka's terms (as `kafka-acls` states them), on the tenant's own,
// unprefixed names. A rule that can never match (an operation its resource type doesn't have, a host that is not an
// address, a topic name Kafka would refuse) is a config error, not a silent no-op.
import { isIP } from "node:net";
import { z } from "zod";
import {
  CLUSTER_NAME,
  OPERATION_NAMES,
  OPERATIONS_BY_RESOURCE,
  PatternType,
  Permission,
  RESOURCE_TYPE_NAMES,
  ResourceType,
  WILDCARD,
} from "../acl/operations.js";
import type { AclRule, AclSettings } from "../acl/rule.js";

const principal = z.string().regex(/^User:[^\s]+$/, 'must be "User:<name>", or "User:*" for every user');
const TOPIC_NAME = /^[A-Za-z0-9._-]+$/;

const unknownOperation = (issue: { input?: unknown }) =>
  `${JSON.stringify(issue.input)} is not a Kafka ACL operation; expected one of ${Object.keys(OPERATION_NAMES).join(", ")}`;

const rule = z
  .strictObject({
    principal,
    host: z.string().default("*"),
    resourceType: z.enum(Object.keys(RESOURCE_TYPE_NAMES) as [string, ...string[]]),
    patternType: z.enum(["literal", "prefixed"]).default("literal"),
    // Cluster rules need no name: Kafka's cluster resource is always "kafka-cluster".
    name: z.string().min(1).optional(),
    operations: z.array(z.enum(Object.keys(OPERATION_NAMES) as [string, ...string[]], { error: unknownOperation })).min(1, "needs at least one operation"),
    permission: z.enum(["allow", "deny"]).default("allow"),
  })
  .transform((r, ctx): AclRule[] => {
    const type = RESOURCE_TYPE_NAMES[r.resourceType]!;
    const problem = (message: string, path: string) => ctx.issues.push({ code: "custom", message, path: [path], input: r });
    if (r.host !== "*" && isIP(r.host) === 0) problem(`${JSON.stringify(r.host)} is not an IP address or "*": a rule matches client addresses`, "host");
    const name = r.name ?? (type === ResourceType.Cluster ? CLUSTER_NAME : undefined);
    if (name === undefined) problem(`required for a ${r.resourceType} rule`, "name");
    else if (type === ResourceType.Cluster && name !== CLUSTER_NAME) problem(`a cluster rule's name can only be "${CLUSTER_NAME}"`, "name");
    else if (r.patternType === "prefixed" && name === WILDCARD) problem('a prefixed rule can\'t be "*" (use a literal "*" for every resource)', "name");
    else if (type === ResourceType.Topic && name !== WILDCARD && !TOPIC_NAME.test(name)) {
      problem("no topic can have this name (letters, digits, '.', '_' and '-' only)", "name");
    }
    const known = OPERATIONS_BY_RESOURCE.get(type)!;
    r.operations.forEach((op, i) => {
      if (!known.has(OPERATION_NAMES[op]!)) {
        const allowed = Object.keys(OPERATION_NAMES).filter((k) => known.has(OPERATION_NAMES[k]!));
        ctx.issues.push({ code: "custom", message: `${op} never applies to a ${r.resourceType}; expected one of ${allowed.join(", ")}`, path: ["operations", i], input: op });
      }
    });
    return r.operations.map((op) => ({
      principal: r.principal,
      host: r.host,
      resourceType: type,
      patternType: r.patternType === "prefixed" ? PatternType.Prefixed : PatternType.Literal,
      name: name ?? "",
      operation: OPERATION_NAMES[op]!,
      permission: r.permission === "deny" ? Permission.Deny : Permission.Allow,
    }));
  });

export const aclsSchema = z
  .strictObject({
    allowIfNoAclFound: z.boolean().default(false),
    superUsers: z.array(principal).default(() => []),
    rules: z.array(rule).default(() => []),
  })
  .transform((acls): AclSettings => ({ ...acls, rules: acls.rules.flat() }));
