// A virtual cluster's `acls` section: rules in Kafka's terms (as `kafka-acls` states them), on the tenant's own,
// unprefixed names. A rule that can never match (an operation its resource type doesn't have, a host that is not an
// address, a topic name Kafka would refuse) is a config error, not a silent no-op.
import { isIP } from "node:net";
import { CLUSTER_NAME, OPERATION_NAMES, OPERATIONS_BY_RESOURCE, PatternType, Permission, RESOURCE_TYPE_NAMES, ResourceType, WILDCARD } from "../acl/operations.js";
import type { AclRule, AclSettings } from "../acl/rule.js";
import { aclRuleFields, aclsFields } from "./acl-fields.js";

const TOPIC_NAME = /^[A-Za-z0-9._-]+$/;

const rule = aclRuleFields.transform((r, ctx): AclRule[] => {
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

export const aclsSchema = aclsFields(rule).transform((acls): AclSettings => ({ ...acls, rules: acls.rules.flat() }));
