// Kafka's ACL semantics, one rule at a time: deny over allow, implied DESCRIBE, literal / prefixed / wildcard names,
// principals and hosts, allowIfNoAclFound, super-users, idempotent WRITE on any topic, and reload.
import { describe, expect, it } from "vitest";
import { Authorizer } from "../../../src/acl/authorizer.js";
import { Operation as Op, PatternType, Permission, ResourceType as R } from "../../../src/acl/operations.js";
import type { AclRule, AclSettings } from "../../../src/acl/rule.js";

const alice = { principal: "User:alice", host: "10.0.0.1" };
const bob = { principal: "User:bob", host: "10.0.0.2" };

function rule(partial: Partial<AclRule> & Pick<AclRule, "name" | "operation">): AclRule {
  return { principal: "User:alice", host: "*", resourceType: R.Topic, patternType: PatternType.Literal, permission: Permission.Allow, ...partial };
}

function authorizer(rules: AclRule[], extra: Partial<AclSettings> = {}): Authorizer {
  return new Authorizer({ rules, superUsers: [], allowIfNoAclFound: false, ...extra });
}

describe("Authorizer", () => {
  it("without an acls section, everything is allowed", () => {
    const a = new Authorizer(undefined);
    expect(a.enabled).toBe(false);
    expect(a.authorize(alice, Op.Delete, R.Topic, "orders")).toBe(true);
  });

  it("no rule naming the resource: denied, unless allowIfNoAclFound", () => {
    const rules = [rule({ name: "orders", operation: Op.Read })];
    expect(authorizer(rules).authorize(bob, Op.Read, R.Topic, "payments")).toBe(false);
    expect(authorizer(rules, { allowIfNoAclFound: true }).authorize(bob, Op.Read, R.Topic, "payments")).toBe(true);
    // A rule names the resource (for someone else): allowIfNoAclFound no longer applies.
    expect(authorizer(rules, { allowIfNoAclFound: true }).authorize(bob, Op.Read, R.Topic, "orders")).toBe(false);
  });

  it("literal, prefixed and wildcard names", () => {
    const a = authorizer([rule({ name: "orders", operation: Op.Read }), rule({ name: "audit.", patternType: PatternType.Prefixed, operation: Op.Write }), rule({ name: "*", operation: Op.Describe, resourceType: R.Group })]);
    expect(a.authorize(alice, Op.Read, R.Topic, "orders")).toBe(true);
    expect(a.authorize(alice, Op.Read, R.Topic, "orders2")).toBe(false);
    expect(a.authorize(alice, Op.Write, R.Topic, "audit.eu")).toBe(true);
    expect(a.authorize(alice, Op.Write, R.Topic, "audit")).toBe(false);
    expect(a.authorize(alice, Op.Describe, R.Group, "any-group")).toBe(true);
    expect(a.authorize(alice, Op.Describe, R.Topic, "any-topic")).toBe(false); // the wildcard is per resource type
  });

  it("READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS; ALL implies everything", () => {
    for (const op of [Op.Read, Op.Write, Op.Delete, Op.Alter]) expect(authorizer([rule({ name: "t", operation: op })]).authorize(alice, Op.Describe, R.Topic, "t")).toBe(true);
    expect(authorizer([rule({ name: "t", operation: Op.Create })]).authorize(alice, Op.Describe, R.Topic, "t")).toBe(false);
    expect(authorizer([rule({ name: "t", operation: Op.AlterConfigs })]).authorize(alice, Op.DescribeConfigs, R.Topic, "t")).toBe(true);
    expect(authorizer([rule({ name: "t", operation: Op.DescribeConfigs })]).authorize(alice, Op.AlterConfigs, R.Topic, "t")).toBe(false);
    expect(authorizer([rule({ name: "t", operation: Op.All })]).authorize(alice, Op.AlterConfigs, R.Topic, "t")).toBe(true);
    // Implication is for allows only: a DESCRIBE allow doesn't grant READ.
    expect(authorizer([rule({ name: "t", operation: Op.Describe })]).authorize(alice, Op.Read, R.Topic, "t")).toBe(false);
  });

  it("deny wins over allow, by principal wildcard too; a deny of READ doesn't deny DESCRIBE, a deny of ALL does", () => {
    const allowAll = rule({ principal: "User:*", name: "*", operation: Op.All });
    const a = authorizer([allowAll, rule({ name: "secret", operation: Op.Read, permission: Permission.Deny })]);
    expect(a.authorize(alice, Op.Read, R.Topic, "secret")).toBe(false);
    expect(a.authorize(alice, Op.Describe, R.Topic, "secret")).toBe(true);
    expect(a.authorize(bob, Op.Read, R.Topic, "secret")).toBe(true);
    const b = authorizer([allowAll, rule({ principal: "User:*", name: "sec", patternType: PatternType.Prefixed, operation: Op.All, permission: Permission.Deny })]);
    expect(b.authorize(bob, Op.Describe, R.Topic, "secret")).toBe(false);
    expect(b.authorize(bob, Op.Describe, R.Topic, "open")).toBe(true);
  });

  it("a rule's host must be the client's address", () => {
    const a = authorizer([rule({ name: "t", operation: Op.Read, host: "10.0.0.1" })]);
    expect(a.authorize(alice, Op.Read, R.Topic, "t")).toBe(true);
    expect(a.authorize({ ...alice, host: "10.0.0.9" }, Op.Read, R.Topic, "t")).toBe(false);
  });

  it("super-users bypass the rules, deny rules included", () => {
    const a = authorizer([rule({ principal: "User:*", name: "*", operation: Op.All, permission: Permission.Deny })], { superUsers: ["User:bob"] });
    expect(a.authorize(bob, Op.Delete, R.Topic, "anything")).toBe(true);
    expect(a.authorize(alice, Op.Describe, R.Topic, "anything")).toBe(false);
  });

  it("WRITE on any topic (an idempotent producer): some allow that no deny covers", () => {
    expect(authorizer([rule({ name: "t", operation: Op.Write })]).authorizeAny(alice, Op.Write, R.Topic)).toBe(true);
    expect(authorizer([rule({ name: "t", operation: Op.Read })]).authorizeAny(alice, Op.Write, R.Topic)).toBe(false);
    expect(authorizer([rule({ name: "t", operation: Op.Write }), rule({ name: "t", operation: Op.Write, permission: Permission.Deny })]).authorizeAny(alice, Op.Write, R.Topic)).toBe(false);
    const prefixDeny = rule({ name: "t", patternType: PatternType.Prefixed, operation: Op.Write, permission: Permission.Deny });
    expect(authorizer([rule({ name: "tx", operation: Op.Write }), prefixDeny]).authorizeAny(alice, Op.Write, R.Topic)).toBe(false);
    expect(authorizer([rule({ name: "ux", operation: Op.Write }), prefixDeny]).authorizeAny(alice, Op.Write, R.Topic)).toBe(true);
    expect(authorizer([rule({ name: "*", operation: Op.Write }), rule({ name: "*", operation: Op.All, permission: Permission.Deny })]).authorizeAny(alice, Op.Write, R.Topic)).toBe(false);
  });

  it("authorizedOperations: one bit per allowed operation code", () => {
    const bits = authorizer([rule({ name: "t", operation: Op.Read })]).authorizedOperations(alice, R.Topic, "t");
    expect(bits).toBe((1 << Op.Read) | (1 << Op.Describe));
  });

  it("update() swaps the rules and forgets cached decisions", () => {
    const a = authorizer([rule({ name: "t", operation: Op.Read })]);
    expect(a.authorize(alice, Op.Read, R.Topic, "t")).toBe(true);
    a.update({ rules: [], superUsers: [], allowIfNoAclFound: false });
    expect(a.authorize(alice, Op.Read, R.Topic, "t")).toBe(false);
    a.update(undefined);
    expect(a.authorize(alice, Op.Read, R.Topic, "t")).toBe(true);
  });
});
