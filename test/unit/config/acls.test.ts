// The `acls` section of a virtual cluster: Kafka's vocabulary in, one rule per operation out; rules that can never
// match are refused with the path and the reason.
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { Operation, PatternType, Permission, ResourceType } from "../../../src/acl/operations.js";
import { ConfigError, parseConfig } from "../../../src/config/index.js";

function withAcls(acls: unknown) {
  return stringify({
    clusters: [{ name: "local", bootstrap: ["127.0.0.1:9092"] }],
    virtualClusters: [
      { name: "demo", cluster: "local", listeners: [{ name: "plain", bind: "0.0.0.0", bootstrapPort: 19092, brokerPorts: "19093-19095", advertisedHost: "localhost" }], acls },
    ],
  });
}

function issuesOf(text: string) {
  try {
    parseConfig(text, "acls.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map(({ path, message }) => ({ path, message }));
  }
  throw new Error("expected a ConfigError");
}

describe("config: acls", () => {
  it("no section: undefined (every principal allowed); an empty one: on, with nothing allowed", () => {
    const without = parseConfig(withAcls(undefined), "acls.yaml");
    expect(without.virtualClusters[0]!.acls).toBeUndefined();
    expect(parseConfig(withAcls({}), "acls.yaml").virtualClusters[0]!.acls).toEqual({ allowIfNoAclFound: false, superUsers: [], rules: [] });
  });

  it("expands each rule into one per operation, with Kafka's codes and defaults (any host, literal, allow)", () => {
    const config = parseConfig(
      withAcls({
        superUsers: ["User:ops"],
        rules: [
          { principal: "User:alice", resourceType: "topic", name: "orders", operations: ["READ", "DESCRIBE"] },
          { principal: "User:*", host: "10.1.2.3", resourceType: "group", patternType: "prefixed", name: "app-", operations: ["ALL"], permission: "deny" },
          { principal: "User:bob", resourceType: "cluster", operations: ["IDEMPOTENT_WRITE"] },
        ],
      }),
      "acls.yaml",
    );
    expect(config.virtualClusters[0]!.acls).toEqual({
      allowIfNoAclFound: false,
      superUsers: ["User:ops"],
      rules: [
        { principal: "User:alice", host: "*", resourceType: ResourceType.Topic, patternType: PatternType.Literal, name: "orders", operation: Operation.Read, permission: Permission.Allow },
        { principal: "User:alice", host: "*", resourceType: ResourceType.Topic, patternType: PatternType.Literal, name: "orders", operation: Operation.Describe, permission: Permission.Allow },
        { principal: "User:*", host: "10.1.2.3", resourceType: ResourceType.Group, patternType: PatternType.Prefixed, name: "app-", operation: Operation.All, permission: Permission.Deny },
        { principal: "User:bob", host: "*", resourceType: ResourceType.Cluster, patternType: PatternType.Literal, name: "kafka-cluster", operation: Operation.IdempotentWrite, permission: Permission.Allow },
      ],
    });
  });

  it("refuses rules that can never match, naming the path and the reason", () => {
    const issues = issuesOf(
      withAcls({
        rules: [
          { principal: "User:alice", resourceType: "group", name: "g", operations: ["WRITE"] },
          { principal: "User:alice", host: "gateway.example", resourceType: "topic", name: "t", operations: ["READ"] },
          { principal: "User:alice", resourceType: "topic", operations: ["READ"] },
          { principal: "User:alice", resourceType: "cluster", name: "other", operations: ["ALTER"] },
          { principal: "User:alice", resourceType: "topic", name: "a b", operations: ["READ"] },
          { principal: "alice", resourceType: "topic", name: "t", operations: ["READ"] },
          { principal: "User:alice", resourceType: "topic", name: "t", operations: ["FLY"] },
          { principal: "User:alice", resourceType: "topic", patternType: "prefixed", name: "*", operations: ["READ"] },
        ],
      }),
    );
    const at = (i: number) => issues.filter((x) => x.path.startsWith(`virtualClusters[0].acls.rules[${i}]`)).map((x) => `${x.path}: ${x.message}`);
    expect(at(0)).toEqual([expect.stringMatching(/operations\[0\]: WRITE never applies to a group; expected one of ALL, READ, DELETE, DESCRIBE$/)]);
    expect(at(1)).toEqual([expect.stringMatching(/\.host: "gateway.example" is not an IP address/)]);
    expect(at(2)).toEqual([expect.stringMatching(/\.name: required for a topic rule/)]);
    expect(at(3)).toEqual([expect.stringMatching(/\.name: a cluster rule's name can only be "kafka-cluster"/)]);
    expect(at(4)).toEqual([expect.stringMatching(/\.name: no topic can have this name/)]);
    expect(at(5)).toEqual([expect.stringMatching(/\.principal: must be "User:<name>"/)]);
    expect(at(6)).toEqual([expect.stringMatching(/\.operations\[0\]: .*FLY/)]);
    expect(at(7)).toEqual([expect.stringMatching(/\.name: a prefixed rule can't be "\*"/)]);
  });
});
