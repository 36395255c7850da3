// The matrix rows no table column expresses, each as Kafka's KafkaApis has it.
import { ErrorCode } from "../protocol/error-codes.js";
import { ZERO_UUID } from "../tenancy/topic-ids.js";
import { CLUSTER_NAME, Operation as Op, ResourceType as R } from "./operations.js";
import type { AclQuery, IrregularVerdict, Obj } from "./row.js";

const E = ErrorCode;
/** The `authorizedOperations` value of a response whose request didn't ask for them (Integer.MIN_VALUE). */
const NOT_REQUESTED = -2147483648;

/** A response result's topic: the broker's name where it gives one, else its id's. */
const topicName = (q: AclQuery, t: Obj): string | undefined => {
  const id = t.topicId as string | undefined;
  const name = (t.name ?? t.topic) as string | null | undefined;
  return name !== undefined && name !== null && name !== "" ? name : id !== undefined ? q.topicName(id) : undefined;
};

/** A request entry's topic: a non-zero id decides, as it does for the broker. */
const requestedTopic = (q: AclQuery, t: Obj): string | undefined => {
  const id = t.topicId as string | undefined;
  return id !== undefined && id !== ZERO_UUID ? q.topicName(id) : ((t.name ?? t.topic) as string | undefined);
};

/**
 * InitProducerId: WRITE on the transactional id; without one (an idempotent producer), IDEMPOTENT_WRITE on the
 * cluster or WRITE on some topic (Kafka 3.0 and later).
 */
export function initProducerId(q: AclQuery, request: Obj): IrregularVerdict {
  const id = request.transactionalId as string | null;
  if (id !== null && id !== undefined) {
    if (q.authorizer.authorize(q.who, Op.Write, R.TransactionalId, id)) return undefined;
    return { error: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, denied: { type: R.TransactionalId, name: id, operation: Op.Write } };
  }
  if (q.authorizer.authorize(q.who, Op.IdempotentWrite, R.Cluster, CLUSTER_NAME) || q.authorizer.authorizeAny(q.who, Op.Write, R.Topic)) return undefined;
  return { error: E.CLUSTER_AUTHORIZATION_FAILED, denied: { type: R.Cluster, name: CLUSTER_NAME, operation: Op.IdempotentWrite } };
}

/**
 * AddPartitionsToTxn v0-3 (clients): WRITE on the transactional id, then on every topic; if one topic is denied,
 * nothing is added: the denied get TOPIC_AUTHORIZATION_FAILED, the others OPERATION_NOT_ATTEMPTED. v4+ is the
 * brokers' batched form (CLUSTER_ACTION): only a super-user passes.
 */
export function addPartitionsToTxn(q: AclQuery, request: Obj, version: number): IrregularVerdict {
  if (version >= 4) {
    if (q.authorizer.isSuperUser(q.who)) return undefined;
    return { error: E.CLUSTER_AUTHORIZATION_FAILED, denied: { type: R.Cluster, name: CLUSTER_NAME, operation: Op.All } };
  }
  const id = request.v3AndBelowTransactionalId as string;
  if (!q.authorizer.authorize(q.who, Op.Write, R.TransactionalId, id)) {
    return { error: E.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, denied: { type: R.TransactionalId, name: id, operation: Op.Write } };
  }
  const topics = request.v3AndBelowTopics as { name: string; partitions: number[] }[];
  const denied = topics.find((t) => !q.authorizer.authorize(q.who, Op.Write, R.Topic, t.name));
  if (denied === undefined) return undefined;
  const resultsByTopicV3AndBelow = topics.map((t) => {
    const partitionErrorCode = q.authorizer.authorize(q.who, Op.Write, R.Topic, t.name) ? E.OPERATION_NOT_ATTEMPTED : E.TOPIC_AUTHORIZATION_FAILED;
    return { name: t.name, resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode })) };
  });
  return { response: { throttleTimeMs: 0, resultsByTopicV3AndBelow }, denied: { type: R.Topic, name: denied.name, operation: Op.Write } };
}

/**
 * Metadata with auto-creation: a topic the principal may describe but not CREATE (on it or on the cluster) must not
 * be created, so auto-creation is turned off; an absent topic it asked for then reads TOPIC_AUTHORIZATION_FAILED.
 */
export const metadataAutoCreate = {
  request(q: AclQuery, request: Obj, version: number): IrregularVerdict {
    if (version < 4 || request.allowAutoTopicCreation !== true || request.topics === null) return undefined;
    if (q.authorizer.authorize(q.who, Op.Create, R.Cluster, CLUSTER_NAME)) return undefined;
    const names = (request.topics as Obj[]).map((t) => t.name).filter((n): n is string => typeof n === "string" && n !== "");
    const mayNotCreate = names.filter((n) => !q.authorizer.authorize(q.who, Op.Create, R.Topic, n));
    if (mayNotCreate.length === 0) return undefined;
    request.allowAutoTopicCreation = false;
    return { state: new Set(mayNotCreate) };
  },
  response(_q: AclQuery, response: Obj, _version: number, state: unknown): boolean {
    if (!(state instanceof Set)) return false;
    let changed = false;
    for (const t of response.topics as Obj[]) {
      if (t.errorCode === E.UNKNOWN_TOPIC_OR_PARTITION && state.has(t.name)) {
        t.errorCode = E.TOPIC_AUTHORIZATION_FAILED;
        changed = true;
      }
    }
    return changed;
  },
};

/** A fetch session's request (KIP-227) always reaches the broker, or the session's epochs would part. */
export function fetchSessionForwards(request: Obj, version: number): boolean {
  if (version < 7 || request.sessionId === 0) return false;
  // With nothing left to fetch the broker would wait maxWaitMs; Kafka answers at once when a partition has an error.
  request.maxWaitMs = 0;
  return true;
}

/** The authorizedOperations fields a response carries when its request asked, from this virtual cluster's rules. */
export function withAuthorizedOperations(q: AclQuery, response: Obj): boolean {
  let changed = false;
  if (typeof response.clusterAuthorizedOperations === "number" && response.clusterAuthorizedOperations !== NOT_REQUESTED) {
    response.clusterAuthorizedOperations = q.authorizer.authorizedOperations(q.who, R.Cluster, CLUSTER_NAME);
    changed = true;
  }
  for (const t of (response.topics as Obj[] | undefined) ?? []) {
    if (typeof t.topicAuthorizedOperations !== "number" || t.topicAuthorizedOperations === NOT_REQUESTED) continue;
    const name = topicName(q, t);
    t.topicAuthorizedOperations = name === undefined ? 0 : q.authorizer.authorizedOperations(q.who, R.Topic, name);
    changed = true;
  }
  for (const g of (response.groups as Obj[] | undefined) ?? []) {
    if (typeof g.authorizedOperations !== "number" || g.authorizedOperations === NOT_REQUESTED) continue;
    g.authorizedOperations = q.authorizer.authorizedOperations(q.who, R.Group, g.groupId as string);
    changed = true;
  }
  return changed;
}

/** CreateTopics v5+ returns the new topic's configs only to a principal that may DESCRIBE_CONFIGS it. */
export function createTopicsConfigs(q: AclQuery, response: Obj, version: number): boolean {
  if (version < 5) return false;
  let changed = false;
  for (const t of response.topics as Obj[]) {
    if (t.errorCode !== E.NONE || q.authorizer.authorize(q.who, Op.DescribeConfigs, R.Topic, t.name as string)) continue;
    Object.assign(t, { topicConfigErrorCode: E.TOPIC_AUTHORIZATION_FAILED, numPartitions: -1, replicationFactor: -1, configs: null });
    changed = true;
  }
  return changed;
}

/** DescribeTransactions shows only the partitions of topics the principal may describe. */
export function describeTransactionsTopics(q: AclQuery, response: Obj): boolean {
  let changed = false;
  for (const state of response.transactionStates as Obj[]) {
    const topics = state.topics as Obj[];
    const visible = topics.filter((t) => q.authorizer.authorize(q.who, Op.Describe, R.Topic, t.topic as string));
    if (visible.length !== topics.length) {
      state.topics = visible;
      changed = true;
    }
  }
  return changed;
}

interface OffsetFetchGroupsState {
  /** The request's groups, in order. */
  readonly groups: readonly string[];
  readonly deniedGroups: ReadonlyMap<string, Obj>;
  /** Per group: results for its denied topics. */
  readonly deniedTopics: ReadonlyMap<string, Obj[]>;
  /** Groups asked for all their topics: the answer shows the describable ones. */
  readonly allTopics: ReadonlySet<string>;
}

/** OffsetFetch v8+ asks for several groups, each with its own topics: DESCRIBE on each group and each topic. */
export const offsetFetchGroups = {
  request(q: AclQuery, request: Obj, version: number): IrregularVerdict {
    if (version < 8) return undefined;
    const groups = request.groups as Obj[];
    const deniedGroups = new Map<string, Obj>();
    const deniedTopics = new Map<string, Obj[]>();
    const allTopics = new Set<string>();
    let first: { type: R; name: string } | undefined;
    for (const g of groups) {
      const groupId = g.groupId as string;
      if (!q.authorizer.authorize(q.who, Op.Describe, R.Group, groupId)) {
        deniedGroups.set(groupId, { groupId, topics: [], errorCode: E.GROUP_AUTHORIZATION_FAILED });
        first ??= { type: R.Group, name: groupId };
        continue;
      }
      if (g.topics === null) {
        allTopics.add(groupId);
        continue;
      }
      const topics = g.topics as Obj[];
      const denied = topics.filter((t) => {
        const name = requestedTopic(q, t);
        return name !== undefined && !q.authorizer.authorize(q.who, Op.Describe, R.Topic, name);
      });
      if (denied.length === 0) continue;
      first ??= { type: R.Topic, name: requestedTopic(q, denied[0]!)! };
      g.topics = topics.filter((t) => !denied.includes(t));
      deniedTopics.set(
        groupId,
        denied.map((t) => ({
          name: t.name,
          topicId: t.topicId,
          partitions: (t.partitionIndexes as number[]).map((partitionIndex) => ({
            partitionIndex,
            committedOffset: -1n,
            committedLeaderEpoch: -1,
            metadata: "",
            errorCode: E.TOPIC_AUTHORIZATION_FAILED,
          })),
        })),
      );
    }
    if (first === undefined && allTopics.size === 0) return undefined;
    const state: OffsetFetchGroupsState = { groups: groups.map((g) => g.groupId as string), deniedGroups, deniedTopics, allTopics };
    request.groups = groups.filter((g) => !deniedGroups.has(g.groupId as string));
    if ((request.groups as Obj[]).length === 0) {
      return { response: { throttleTimeMs: 0, groups: state.groups.map((id) => deniedGroups.get(id)!) }, denied: { ...first!, operation: Op.Describe } };
    }
    return { state };
  },
  response(q: AclQuery, response: Obj, version: number, state: unknown): boolean {
    if (version < 8 || state === undefined) return false;
    const s = state as OffsetFetchGroupsState;
    const byId = new Map((response.groups as Obj[]).map((g) => [g.groupId as string, g]));
    for (const [groupId, g] of byId) {
      let topics = g.topics as Obj[];
      if (s.allTopics.has(groupId)) {
        topics = topics.filter((t) => {
          const name = topicName(q, t);
          return name === undefined || q.authorizer.authorize(q.who, Op.Describe, R.Topic, name);
        });
      }
      g.topics = [...topics, ...(s.deniedTopics.get(groupId) ?? [])];
    }
    response.groups = s.groups.map((id) => s.deniedGroups.get(id) ?? byId.get(id)).filter((g) => g !== undefined);
    return true;
  },
};

/**
 * A share session's request (KIP-932 ShareFetch, ShareAcknowledge) always reaches the broker: its epoch advances
 * with every request, and the session may still hold partitions the principal may read.
 */
export function shareSessionForwards(request: Obj): boolean {
  // With nothing left to fetch the broker would wait maxWaitMs (ShareFetch only).
  if (typeof request.maxWaitMs === "number") request.maxWaitMs = 0;
  return true;
}

interface ShareOffsetsState {
  /** Per group: results for the topics it named that the principal may not DESCRIBE. */
  readonly deniedTopics: ReadonlyMap<string, Obj[]>;
  /** Groups asked for all their topics: the answer shows the describable ones. */
  readonly allTopics: ReadonlySet<string>;
}

/**
 * DescribeShareGroupOffsets: DESCRIBE on each group (the matrix's entries), and on each topic, as Kafka checks it:
 * a named topic the principal may not describe reads TOPIC_AUTHORIZATION_FAILED, and a group asked for all its
 * topics shows only the describable ones.
 */
export const describeShareGroupOffsetsTopics = {
  request(q: AclQuery, request: Obj): IrregularVerdict {
    const deniedTopics = new Map<string, Obj[]>();
    const allTopics = new Set<string>();
    for (const g of request.groups as Obj[]) {
      const groupId = g.groupId as string;
      if (g.topics === null) {
        allTopics.add(groupId);
        continue;
      }
      const topics = g.topics as Obj[];
      const denied = topics.filter((t) => !q.authorizer.authorize(q.who, Op.Describe, R.Topic, t.topicName as string));
      if (denied.length === 0) continue;
      g.topics = topics.filter((t) => !denied.includes(t));
      deniedTopics.set(groupId, denied.map((t) => ({
        topicName: t.topicName,
        topicId: ZERO_UUID,
        partitions: (t.partitions as number[]).map((partitionIndex) => ({
          partitionIndex, startOffset: -1n, leaderEpoch: -1, lag: -1n, errorCode: E.TOPIC_AUTHORIZATION_FAILED, errorMessage: null,
        })),
      })));
    }
    return deniedTopics.size === 0 && allTopics.size === 0 ? undefined : { state: { deniedTopics, allTopics } satisfies ShareOffsetsState };
  },
  response(q: AclQuery, response: Obj, _version: number, state: unknown): boolean {
    if (state === undefined) return false;
    const s = state as ShareOffsetsState;
    for (const g of response.groups as Obj[]) {
      const groupId = g.groupId as string;
      let topics = g.topics as Obj[];
      if (s.allTopics.has(groupId)) topics = topics.filter((t) => q.authorizer.authorize(q.who, Op.Describe, R.Topic, t.topicName as string));
      g.topics = [...topics, ...(s.deniedTopics.get(groupId) ?? [])];
    }
    return true;
  },
};

/** Every topic a streams topology names (KIP-1071): sources, repartition sinks, changelogs, repartition sources. */
export function topologyTopics(topology: Obj | null | undefined): string[] {
  const subtopologies = (topology?.subtopologies as Obj[] | null | undefined) ?? [];
  return subtopologies.flatMap((s) => [
    ...(s.sourceTopics as string[]),
    ...(s.repartitionSinkTopics as string[]),
    ...(s.stateChangelogTopics as Obj[]).map((t) => t.name as string),
    ...(s.repartitionSourceTopics as Obj[]).map((t) => t.name as string),
  ]);
}

/**
 * StreamsGroupHeartbeat joining with a topology: the group coordinator creates its internal topics (changelogs,
 * repartition sources) where missing, which Kafka allows with CREATE on the cluster or on each topic. Upstream the
 * gateway's own credentials would create them whatever the tenant's rules, so a join naming an internal topic the
 * principal may not create is refused as a whole.
 */
export function streamsInternalTopics(q: AclQuery, request: Obj): IrregularVerdict {
  const subtopologies = ((request.topology as Obj | null | undefined)?.subtopologies as Obj[] | undefined) ?? [];
  if (subtopologies.length === 0 || q.authorizer.authorize(q.who, Op.Create, R.Cluster, CLUSTER_NAME)) return undefined;
  const internal = subtopologies.flatMap((s) => [...(s.stateChangelogTopics as Obj[]), ...(s.repartitionSourceTopics as Obj[])].map((t) => t.name as string));
  const denied = internal.find((name) => !q.authorizer.authorize(q.who, Op.Create, R.Topic, name));
  return denied === undefined ? undefined : { error: E.TOPIC_AUTHORIZATION_FAILED, denied: { type: R.Topic, name: denied, operation: Op.Create } };
}

/**
 * ShareGroupDescribe and StreamsGroupDescribe: a described group naming a topic the principal may not DESCRIBE is
 * answered TOPIC_AUTHORIZATION_FAILED, with nothing of the group, as KafkaApis does; then the authorized operations.
 */
export function describedGroupTopics(topicsOf: (group: Obj) => string[]): (q: AclQuery, response: Obj) => boolean {
  return (q, response) => {
    let changed = false;
    for (const g of response.groups as Obj[]) {
      if (g.errorCode !== E.NONE) continue;
      if (topicsOf(g).every((name) => q.authorizer.authorize(q.who, Op.Describe, R.Topic, name))) continue;
      g.errorCode = E.TOPIC_AUTHORIZATION_FAILED;
      g.errorMessage = "The described group uses topics that the client is not authorized to describe.";
      g.members = [];
      if ("topology" in g) g.topology = null;
      if ("topologyDescription" in g) g.topologyDescription = null;
      changed = true;
    }
    return withAuthorizedOperations(q, response) || changed;
  };
}
