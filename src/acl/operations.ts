// Kafka's ACL vocabulary with its wire codes (org.apache.kafka.common.acl / .resource): resource types, operations,
// pattern types and permissions, which operations each resource type knows, and which operations imply others.
export const ResourceType = { Topic: 2, Group: 3, Cluster: 4, TransactionalId: 5 } as const;
export type ResourceType = (typeof ResourceType)[keyof typeof ResourceType];

export const Operation = {
  All: 2,
  Read: 3,
  Write: 4,
  Create: 5,
  Delete: 6,
  Alter: 7,
  Describe: 8,
  DescribeConfigs: 10,
  AlterConfigs: 11,
  IdempotentWrite: 12,
} as const;
export type Operation = (typeof Operation)[keyof typeof Operation];

export const PatternType = { Literal: 3, Prefixed: 4 } as const;
export type PatternType = (typeof PatternType)[keyof typeof PatternType];

export const Permission = { Deny: 2, Allow: 3 } as const;
export type Permission = (typeof Permission)[keyof typeof Permission];

/** Kafka's only cluster resource name. */
export const CLUSTER_NAME = "kafka-cluster";
/** A literal rule with this name matches every resource of its type. */
export const WILDCARD = "*";

/** Config spellings (Kafka's, as `kafka-acls` prints them) → codes. */
export const RESOURCE_TYPE_NAMES: Readonly<Record<string, ResourceType>> = {
  topic: ResourceType.Topic,
  group: ResourceType.Group,
  cluster: ResourceType.Cluster,
  transactionalId: ResourceType.TransactionalId,
};
export const OPERATION_NAMES: Readonly<Record<string, Operation>> = {
  ALL: Operation.All,
  READ: Operation.Read,
  WRITE: Operation.Write,
  CREATE: Operation.Create,
  DELETE: Operation.Delete,
  ALTER: Operation.Alter,
  DESCRIBE: Operation.Describe,
  DESCRIBE_CONFIGS: Operation.DescribeConfigs,
  ALTER_CONFIGS: Operation.AlterConfigs,
  IDEMPOTENT_WRITE: Operation.IdempotentWrite,
};

/**
 * The operations a rule may name per resource type (Kafka's "Operations and Resources on Protocols" table, less
 * CLUSTER_ACTION and the delegation-token ones, which no tenant API needs). A rule naming another can never match.
 */
export const OPERATIONS_BY_RESOURCE: ReadonlyMap<ResourceType, ReadonlySet<Operation>> = new Map([
  [
    ResourceType.Topic,
    new Set<Operation>([Operation.All, Operation.Read, Operation.Write, Operation.Create, Operation.Delete, Operation.Alter, Operation.Describe, Operation.DescribeConfigs, Operation.AlterConfigs]),
  ],
  [ResourceType.Group, new Set<Operation>([Operation.All, Operation.Read, Operation.Delete, Operation.Describe])],
  [
    ResourceType.Cluster,
    new Set<Operation>([Operation.All, Operation.Create, Operation.Alter, Operation.Describe, Operation.DescribeConfigs, Operation.AlterConfigs, Operation.IdempotentWrite]),
  ],
  [ResourceType.TransactionalId, new Set<Operation>([Operation.All, Operation.Write, Operation.Describe])],
]);

/** What an allow rule for `granted` also allows: READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS. */
export function implies(granted: Operation, wanted: Operation): boolean {
  if (granted === wanted || granted === Operation.All) return true;
  if (wanted === Operation.Describe) {
    return granted === Operation.Read || granted === Operation.Write || granted === Operation.Delete || granted === Operation.Alter;
  }
  return wanted === Operation.DescribeConfigs && granted === Operation.AlterConfigs;
}

/** Every operation a resource type knows, ALL excluded: the bits of an `authorizedOperations` field. */
export function concreteOperations(type: ResourceType): Operation[] {
  return [...OPERATIONS_BY_RESOURCE.get(type)!].filter((op) => op !== Operation.All);
}
