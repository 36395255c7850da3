// A virtual cluster's `acls` section as the config file writes it: its keys and their types, in a module that imports
// zod only (the admin API's console types the section from it). acls.ts checks what these can't and turns each rule
// into AclRules.
import { z } from "zod";
import { OPERATION_NAMES, RESOURCE_TYPE_NAMES } from "../acl/operations.js";

const principal = z.string().regex(/^User:[^\s]+$/, 'must be "User:<name>", or "User:*" for every user');

const unknownOperation = (issue: { input?: unknown }) =>
  `${JSON.stringify(issue.input)} is not a Kafka ACL operation; expected one of ${Object.keys(OPERATION_NAMES).join(", ")}`;

export const aclRuleFields = z.strictObject({
  principal,
  host: z.string().default("*"),
  resourceType: z.enum(Object.keys(RESOURCE_TYPE_NAMES) as [string, ...string[]]),
  patternType: z.enum(["literal", "prefixed"]).default("literal"),
  // Cluster rules need no name: Kafka's cluster resource is always "kafka-cluster".
  name: z.string().min(1).optional(),
  operations: z.array(z.enum(Object.keys(OPERATION_NAMES) as [string, ...string[]], { error: unknownOperation })).min(1, "needs at least one operation"),
  permission: z.enum(["allow", "deny"]).default("allow"),
});

/** The section's keys, with `rule` for each of its rules. */
export const aclsFields = <R extends z.ZodType>(rule: R) =>
  z.strictObject({
    allowIfNoAclFound: z.boolean().default(false),
    superUsers: z.array(principal).default(() => []),
    rules: z.array(rule).default(() => []),
  });
