// One ACL decision against a virtual cluster with 1,000 rules (literal and prefixed topics, groups, transactional
// ids, for 100 principals): cached (the common case: a client names the same few topics in every request) and
// uncached (the first request after a reload, which clears the cache). Run alone: npx tsx bench/acl-decision.bench.ts
import assert from "node:assert/strict";
import { Authorizer } from "../src/acl/authorizer.js";
import { Operation, PatternType, Permission, ResourceType } from "../src/acl/operations.js";
import type { AclRule, AclSettings } from "../src/acl/rule.js";
import { runCases } from "./lib/report.js";

const RULES = 1_000;
const rules: AclRule[] = Array.from({ length: RULES }, (_, i) => ({
  principal: `User:user-${i % 100}`,
  host: "*",
  resourceType: [ResourceType.Topic, ResourceType.Topic, ResourceType.Group, ResourceType.TransactionalId][i % 4]!,
  patternType: i % 3 === 0 ? PatternType.Prefixed : PatternType.Literal,
  name: i % 3 === 0 ? `team-${i % 50}.` : `resource-${i}`,
  operation: [Operation.Read, Operation.Write, Operation.Describe][i % 3]!,
  permission: i % 17 === 0 ? Permission.Deny : Permission.Allow,
}));
const settings: AclSettings = { rules, superUsers: [], allowIfNoAclFound: false };
const authorizer = new Authorizer(settings);
// user-1 writes resource-1 (rule 1: literal topic WRITE); a name under a prefix rule too.
const who = { principal: "User:user-1", host: "10.0.0.1" };
assert.equal(authorizer.authorize(who, Operation.Write, ResourceType.Topic, "resource-1"), true);
assert.equal(authorizer.authorize(who, Operation.Read, ResourceType.Topic, "resource-1"), false);

await runCases(`ACL decision, ${RULES} rules`, [
  { name: "cached decision", fn: () => void authorizer.authorize(who, Operation.Write, ResourceType.Topic, "resource-1") },
  {
    name: "uncached decision (cache cleared before each)",
    fn: () => void authorizer.authorize(who, Operation.Write, ResourceType.Topic, "resource-1"),
    beforeEach: () => authorizer.update(settings),
  },
]);
