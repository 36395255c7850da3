/**
 * The isolation probe table: for every API a tenant may use, how tenant A (the attacker) tries to read, write,
 * describe, alter, delete, commit to, join or list tenant B's (the victim's) topic `orders`, group `g1` and
 * transactional id `t1`: by B's plain name, by B's fully prefixed name, by B's topic id and by listing.
 * Each probe asserts that the attempt failed or saw nothing; the suite (isolation-probes.test.ts) runs every row
 * at every version the gateway offers to A and checks afterwards that B's data is unchanged.
 */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { ErrorCode, errorCodeName } from "../../src/protocol/error-codes.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { Writer } from "../../src/protocol/writer.js";
import { waitUntil } from "../harness/wait.js";
import { ConnectionClosedError, type RawKafkaConnection } from "../harness/raw-client.js";
import { legacyMessageSet, recordBatch } from "../harness/record-batch.js";

/** What the attacker knows (or guesses) about the victim, and what the suite recorded about it. */
export interface Victim {
  /** B's own names, and the same fully prefixed ("analytics.orders"), as A would try them. */
  topic: string;
  group: string;
  txn: string;
  /** B's share group (KIP-932), with a share-partition start offset of B's: set only where the broker has share groups. */
  shareGroup: string;
  /** B's streams group (KIP-1071), reading B's orders: set only where the broker has streams groups. */
  streamsGroup: string;
  prefixed: { topic: string; group: string; txn: string; shareGroup: string; streamsGroup: string };
  topicId: string;
  partitions: number;
  /** Node id of the leader of each partition of B's topic. */
  leaders: number[];
  /** B's live consumer group member and its generation, B's transactional producer. */
  memberId: string;
  generationId: number;
  producerId: bigint;
  producerEpoch: number;
  /** A string inside every record B wrote; must never reach A. */
  secret: string;
}

export interface ProbeContext {
  version: number;
  victim: Victim;
  /** A's connection to its bootstrap (any broker). */
  bootstrap: RawKafkaConnection;
  /** A's connection to broker `nodeId` through A's own listener. */
  broker(nodeId: number): Promise<RawKafkaConnection>;
  /** Node ids of every broker (listings are per broker: each lists the groups and transactions it coordinates). */
  nodeIds: readonly number[];
  /** A's connection to the coordinator A's gateway names for `key` (keyType 0 group, 1 transaction). */
  coordinator(keyType: 0 | 1, key: string): Promise<RawKafkaConnection>;
  /** Physical topic names right now (straight from the cluster). */
  physicalTopics(): Promise<string[]>;
  /** A's prefix on the physical cluster. */
  attackerPrefix: string;
  /** The cluster's Kafka line: 4.x brokers close the connection on Produce v0-2 (advertised for librdkafka only). */
  kafkaLine: 3 | 4;
  /** Every decoded response to A passes through here: no record, topic id or member id of B's, nor A's prefix. */
  noLeak<T>(response: T): T;
  /** Physical group ids and transactional ids right now. */
  physicalGroups(): Promise<string[]>;
  physicalTransactionalIds(): Promise<string[]>;
}

export interface ProbeRow {
  /** What is tried and what must happen. */
  intent: string;
  probe(ctx: ProbeContext): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the decoded response of the probe's API
type Decoded = any;

/** Codes a coordinator answers while it takes over its partition or finishes an earlier transaction: ask again. */
const TRANSIENT_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.CONCURRENT_TRANSACTIONS,
]);

/**
 * Sends a request to the coordinator A's gateway names for `key`, again (finding the coordinator anew) until the
 * answer carries no transient coordinator error, for up to 15 s: on a loaded machine a fresh coordinator partition
 * takes a moment to load. The answer at 15 s is returned as it is, for the probe's own assertions to judge.
 */
async function askCoordinator(ctx: ProbeContext, keyType: 0 | 1, key: string, apiKey: number, request: () => object): Promise<Decoded> {
  const deadline = Date.now() + 15_000;
  let codes: number[] = [];
  const outcome = await waitUntil(async () => {
    let res: Decoded;
    try {
      const conn = await ctx.coordinator(keyType, key);
      res = await conn.send(apiKey, ctx.version, request());
    } catch (err) {
      return { err }; // a failed request (the connection closed on A) fails the probe now: waitUntil would retry a throw
    }
    codes = errorCodes(res);
    return (!codes.some((c) => TRANSIENT_ERRORS.has(c)) || Date.now() > deadline) && { res };
  }, {
    what: () => `api ${apiKey} v${ctx.version} ${key}: an answer from a settled coordinator (last codes ${codes.join(",")})`,
    timeoutMs: 60_000, // only if the coordinator stops answering at all: the condition itself gives up after 15 s
    intervalMs: 250,
  });
  if ("err" in outcome) throw outcome.err;
  return outcome.res;
}

/** Codes that say a request went to the wrong broker: a probe failing with one of these proves nothing. */
const ROUTING_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
]);

/** Every error code in a decoded message (`errorCode`, and AddPartitionsToTxn's `partitionErrorCode`). */
export function errorCodes(message: unknown): number[] {
  const codes: number[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object" && !Buffer.isBuffer(value)) {
      for (const [key, field] of Object.entries(value)) {
        if ((key === "errorCode" || key === "partitionErrorCode") && typeof field === "number") codes.push(field);
        else walk(field);
      }
    }
  };
  walk(message);
  return codes;
}

/**
 * The error codes that say whether the items of a request failed: a response-level errorCode of NONE next to
 * per-item codes only says the request as a whole was understood, so it is left out.
 */
export function itemErrorCodes(response: { errorCode?: number }): number[] {
  const perItem = errorCodes({ ...response, errorCode: undefined });
  return response.errorCode === undefined || (response.errorCode === ErrorCode.NONE && perItem.length > 0)
    ? perItem
    : [response.errorCode, ...perItem];
}

/** The attempt failed for a tenancy reason (not merely at the wrong broker). */
export function expectRefused(response: { errorCode?: number }, what: string): void {
  const codes = itemErrorCodes(response);
  expect(codes.length, `${what}: no error code at all`).toBeGreaterThan(0);
  for (const code of codes) {
    expect(code, `${what}: error codes ${codes.join(",")}`).not.toBe(ErrorCode.NONE);
    expect(ROUTING_ERRORS.has(code), `${what}: failed only for routing (${codes.join(",")}), so it proves nothing`).toBe(false);
  }
}

/** The names of `physical` in the namespace `prefix`, without it, sorted: what a listing must show that tenant. */
function ownedBy(prefix: string, physical: readonly string[]): string[] {
  return physical.filter((name) => name.startsWith(prefix)).map((name) => name.slice(prefix.length)).sort();
}

/** A topic id that exists nowhere (22-char base64url, Kafka's Uuid form). */
export function randomTopicId(): string {
  return randomBytes(16).toString("base64url");
}

/** Fields that differ between any two answers: throttling, and the random broker KRaft names as "controller". */
const VOLATILE_FIELDS = new Set(["throttleTimeMs", "controllerId"]);

/** A decoded response with a value A itself sent (a topic id, a member id) replaced by "<echo>": no leak to echo it. */
export function withoutEcho(response: unknown, sent: string): unknown {
  return JSON.parse(stringify(response).replaceAll(sent, "<echo>"), (key, value: unknown) => (VOLATILE_FIELDS.has(key) ? 0 : value));
}

/**
 * Sends the same request with B's topic id and with an id that exists nowhere: the answers must be identical
 * (after naming both ids alike), so A learns nothing, and must carry an error: UNKNOWN_TOPIC_ID where the id is
 * the only thing wrong with the request (`expected`).
 */
async function sameAsUnknownId(
  conn: RawKafkaConnection,
  apiKey: number,
  version: number,
  build: (topicId: string) => object,
  ctx: ProbeContext,
  expected: number | undefined = ErrorCode.UNKNOWN_TOPIC_ID,
): Promise<void> {
  const unknownId = randomTopicId();
  const victims = ctx.noLeak(withoutEcho(await conn.send(apiKey, version, build(ctx.victim.topicId)), ctx.victim.topicId));
  const unknowns = withoutEcho(await conn.send(apiKey, version, build(unknownId)), unknownId);
  expect(victims, `api ${apiKey} v${version} by B's topic id vs an unknown id`).toEqual(unknowns);
  const codes = errorCodes(victims);
  if (expected !== undefined) expect(codes, `api ${apiKey} v${version} by B's topic id`).toContain(expected);
  else expect(codes.some((c) => c !== ErrorCode.NONE), `api ${apiKey} v${version} by B's topic id: ${codes}`).toBe(true);
}

/** JSON of a decoded message with bigints as numbers-in-strings and byte fields as latin1 text (searchable). */
export function stringify(message: unknown): string {
  return JSON.stringify(message, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    if (typeof raw === "bigint") return raw.toString();
    if (Buffer.isBuffer(raw)) return raw.toString("latin1");
    return value;
  });
}

const names = (v: Victim) => [v.topic, v.prefixed.topic];
const groups = (v: Victim) => [v.group, v.prefixed.group];
const txns = (v: Victim) => [v.txn, v.prefixed.txn];

const shareGroups = (v: Victim) => [v.shareGroup, v.prefixed.shareGroup];
const streamsGroups = (v: Victim) => [v.streamsGroup, v.prefixed.streamsGroup];

/** A StreamsGroupHeartbeat: joining (epoch 0) with a stateless topology reading `sources` and `regexes`, or leaving (-1). */
export function streamsHeartbeat(groupId: string, memberId: string, memberEpoch: number, sources: string[] = [], regexes: string[] = []): object {
  const joining = memberEpoch === 0;
  const subtopology = {
    subtopologyId: "0", sourceTopics: sources, sourceTopicRegex: regexes, stateChangelogTopics: [], repartitionSinkTopics: [], repartitionSourceTopics: [], copartitionGroups: [],
  };
  return {
    groupId, memberId, memberEpoch, endpointInformationEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: joining ? 10_000 : -1,
    topology: joining ? { epoch: 0, subtopologies: [subtopology] } : null,
    activeTasks: joining ? [] : null, standbyTasks: joining ? [] : null, warmupTasks: joining ? [] : null,
    processId: joining ? memberId : null, userEndpoint: null, clientTags: joining ? [] : null, taskOffsets: joining ? [] : null, taskEndOffsets: joining ? [] : null,
    shutdownApplication: false,
  };
}

/** Runs `attempt` for B's group id by its plain and its prefixed name, on A's coordinator for that name. */
async function eachGroup(ctx: ProbeContext, attempt: (groupId: string, conn: RawKafkaConnection) => Promise<void>, of = groups): Promise<void> {
  for (const groupId of of(ctx.victim)) await attempt(groupId, await ctx.coordinator(0, groupId));
}

/** A member id of A's own, fresh for each request (share members pick their ids, KIP-932). */
const memberIdOfA = () => randomTopicId();

/** A's connection to the leader of B's partition 0: where a leaked topic request would really be served. */
const leaderOfB = (ctx: ProbeContext) => ctx.broker(ctx.victim.leaders[0]!);

function topicsByName(ctx: ProbeContext, partition: (index: number) => object, nameField = "name") {
  return names(ctx.victim).map((name) => ({ [nameField]: name, partitions: [partition(0)] }));
}

/**
 * A probe sending one request per name of B's (plain and prefixed group or transactional id) to the coordinator A's
 * gateway names for it; each must be refused, and may be checked further by `also`.
 */
function refusedAtCoordinator(
  apiKey: number,
  keyType: 0 | 1,
  keys: (victim: Victim) => string[],
  build: (key: string, ctx: ProbeContext) => object,
  also?: (response: Decoded, ctx: ProbeContext) => void,
  echoesMemberId = false,
): ProbeRow["probe"] {
  return async (ctx) => {
    for (const key of keys(ctx.victim)) {
      const response = await askCoordinator(ctx, keyType, key, apiKey, () => build(key, ctx));
      // A response naming B's member id only because A sent it (LeaveGroup's per-member answers) tells A nothing.
      const res = echoesMemberId ? response : ctx.noLeak(response);
      if (echoesMemberId) ctx.noLeak(withoutEcho(response, ctx.victim.memberId));
      expectRefused(res, `api ${apiKey} v${ctx.version} ${key}`);
      also?.(res, ctx);
    }
  };
}

/** A probe sending one request naming B's topic to the broker leading B's partition 0; it must be refused. */
function refusedAtLeader(apiKey: number, build: (ctx: ProbeContext) => object, also?: (response: Decoded, ctx: ProbeContext) => void): ProbeRow["probe"] {
  return async (ctx) => {
    const conn = await leaderOfB(ctx);
    const res = ctx.noLeak(await conn.send(apiKey, ctx.version, build(ctx)));
    expectRefused(res, `api ${apiKey} v${ctx.version}`);
    also?.(res, ctx);
  };
}

/** A classic consumer protocol subscription (ConsumerProtocolSubscription v0): the topics, no user data. */
function consumerSubscription(topics: readonly string[]): Buffer {
  const w = new Writer();
  w.writeInt16(0);
  w.writeInt32(topics.length);
  for (const topic of topics) w.writeString(topic);
  w.writeNullableBytes(null);
  return Buffer.concat(w.toChunks());
}

const BROKER_RESOURCE = 4;
/** A cluster-wide dynamic broker config the denied requests try to set: harmless should it ever get through. */
export const BROKER_CONFIG = "log.cleaner.backoff.ms";
export const BROKER_CONFIG_VALUE = "15001";
const TOPIC_RESOURCE = 2;

export const PROBES: Readonly<Partial<Record<keyof typeof ApiKey, ProbeRow>>> = {
  Produce: {
    intent: "write a record into B's orders by name (v<13; a legacy message set at v0-2) or by B's topic id (v13+): refused, nothing written",
    async probe(ctx) {
      const conn = await leaderOfB(ctx);
      const legacy = ctx.version < 3;
      const records = [legacy ? legacyMessageSet([`attack-${ctx.version}`]) : recordBatch([`attack-${ctx.version}`])];
      const partitionData = [{ index: 0, records }];
      if (ctx.version < 13) {
        const request = { acks: -1, timeoutMs: 10_000, topicData: names(ctx.victim).map((name) => ({ name, partitionData })) };
        const sent = conn.send(ApiKey.Produce, ctx.version, legacy ? request : { transactionalId: null, ...request });
        if (legacy && ctx.kafkaLine >= 4) {
          // Kafka 4 advertises Produce v0-2 (KAFKA-18659) and closes the connection on them: its answer, forwarded.
          await expect(sent, `Produce v${ctx.version} by name on Kafka 4`).rejects.toBeInstanceOf(ConnectionClosedError);
          return;
        }
        expectRefused(ctx.noLeak(await sent), `Produce v${ctx.version} by name`);
      } else {
        await sameAsUnknownId(conn, ApiKey.Produce, ctx.version, (topicId) => ({
          transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ topicId, partitionData: [{ index: 0, records }] }],
        }), ctx);
      }
    },
  },
  Fetch: {
    intent: "read B's orders by name (v<13) or by B's topic id (v13+): refused, no records",
    async probe(ctx) {
      const conn = await leaderOfB(ctx);
      const partition = (p: number) => ({ partition: p, fetchOffset: 0n, partitionMaxBytes: 1 << 20 });
      const request = (topics: object[]) => ({ maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, topics });
      if (ctx.version < 13) {
        const res = ctx.noLeak(await conn.send(ApiKey.Fetch, ctx.version, request(topicsByName(ctx, partition, "topic"))));
        expectRefused(res, `Fetch v${ctx.version} by name`);
      } else {
        await sameAsUnknownId(conn, ApiKey.Fetch, ctx.version, (topicId) => request([{ topicId, partitions: [partition(0)] }]), ctx);
      }
    },
  },
  ListOffsets: {
    intent: "read B's end offsets by name: refused",
    probe: refusedAtLeader(ApiKey.ListOffsets, (ctx) => ({ replicaId: -1, topics: topicsByName(ctx, (p) => ({ partitionIndex: p, timestamp: -1n })) })),
  },
  Metadata: {
    intent: "describe B's orders by name and by id (v12+), and list all topics: B's topic never shows",
    async probe(ctx) {
      const v = ctx.version;
      // v0-3 always ask the broker to auto-create named topics (in A's namespace, but then the other probes would
      // meet a topic "orders" of A's own): those versions only list.
      const noAutoCreate = v >= 4 ? { allowAutoTopicCreation: false } : {};
      if (v >= 4) {
        const byName = ctx.noLeak(await ctx.bootstrap.send(ApiKey.Metadata, v, { topics: names(ctx.victim).map((name) => ({ name })), ...noAutoCreate }));
        for (const topic of byName.topics) {
          expect(topic.errorCode, `Metadata v${v} ${topic.name}`).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          expect(topic.partitions).toEqual([]);
        }
      }
      // All topics: v0 asks with an empty list, later versions with null.
      const all = ctx.noLeak(await ctx.bootstrap.send(ApiKey.Metadata, v, { topics: v === 0 ? [] : null, ...noAutoCreate }));
      const listed = (all.topics as { name: string }[]).map((t) => t.name).sort();
      expect(listed, `Metadata v${v} all topics`).toEqual(ownedBy(ctx.attackerPrefix, await ctx.physicalTopics()));
      if (v >= 12) {
        await sameAsUnknownId(ctx.bootstrap, ApiKey.Metadata, v, (topicId) => ({ topics: [{ topicId, name: null }], allowAutoTopicCreation: false }), ctx);
      }
    },
  },
  OffsetCommit: {
    intent: "commit offsets for B's orders in B's g1 (by name, by topic id in v10+): refused",
    async probe(ctx) {
      const v = ctx.version;
      await eachGroup(ctx, async (groupId, conn) => {
        const partitions = [{ partitionIndex: 0, committedOffset: 424242n, committedMetadata: "attack" }];
        const request = (topics: object[]) => ({
          groupId, generationIdOrMemberEpoch: ctx.victim.generationId, memberId: ctx.victim.memberId, topics,
        });
        if (v < 10) {
          const res = ctx.noLeak(await conn.send(ApiKey.OffsetCommit, v, request(names(ctx.victim).map((name) => ({ name, partitions })))));
          expectRefused(res, `OffsetCommit v${v} group ${groupId}`);
        } else {
          // An admin-style commit (no member), so the topic id is the only thing that can fail.
          await sameAsUnknownId(conn, ApiKey.OffsetCommit, v, (topicId) => ({
            groupId, generationIdOrMemberEpoch: -1, memberId: "", topics: [{ topicId, partitions }],
          }), ctx);
        }
      });
    },
  },
  OffsetFetch: {
    intent: "read B's committed offsets of g1, for B's orders (by name / by id v10+) and for all topics: nothing",
    async probe(ctx) {
      const v = ctx.version;
      await eachGroup(ctx, async (groupId, conn) => {
        const committed = (res: unknown) => stringify(res).match(/"committedOffset":"(\d+)"/g) ?? [];
        if (v < 8) {
          const byName = ctx.noLeak(await conn.send(ApiKey.OffsetFetch, v, {
            groupId, topics: names(ctx.victim).map((name) => ({ name, partitionIndexes: [0] })),
          }));
          expect(committed(byName), `OffsetFetch v${v} ${groupId}`).toEqual([]);
          if (v >= 2) {
            const all = ctx.noLeak(await conn.send(ApiKey.OffsetFetch, v, { groupId, topics: null }));
            expect(all.topics, `OffsetFetch v${v} all of ${groupId}`).toEqual([]);
          }
        } else {
          const topics = v < 10
            ? names(ctx.victim).map((name) => ({ name, partitionIndexes: [0] }))
            : [{ topicId: ctx.victim.topicId, partitionIndexes: [0] }];
          const res = ctx.noLeak(v >= 10 ? withoutEcho(await conn.send(ApiKey.OffsetFetch, v, { groups: [{ groupId, topics }] }), ctx.victim.topicId)
            : await conn.send(ApiKey.OffsetFetch, v, { groups: [{ groupId, topics }] }));
          expect(committed(res), `OffsetFetch v${v} ${groupId}`).toEqual([]);
          const all = ctx.noLeak(await conn.send(ApiKey.OffsetFetch, v, { groups: [{ groupId, topics: null }] }));
          expect(all.groups[0].topics, `OffsetFetch v${v} all of ${groupId}`).toEqual([]);
          if (v >= 10) {
            await sameAsUnknownId(conn, ApiKey.OffsetFetch, v, (topicId) => ({
              groups: [{ groupId, topics: [{ topicId, partitionIndexes: [0] }] }],
            }), ctx, undefined);
          }
        }
      });
    },
  },
  FindCoordinator: {
    intent: "look up the coordinators of B's g1 and t1: A gets its own (the key it sent, never B's name or a prefix)",
    async probe(ctx) {
      const v = ctx.version;
      for (const [keyType, keys] of [[0, groups(ctx.victim)], [1, txns(ctx.victim)]] as const) {
        if (v >= 4) {
          const res = ctx.noLeak(await ctx.bootstrap.send(ApiKey.FindCoordinator, v, { keyType, coordinatorKeys: keys }));
          expect(res.coordinators.map((c: { key: string }) => c.key)).toEqual(keys);
        } else {
          for (const key of keys) {
            if (keyType === 1 && v === 0) continue; // v0 has no key type
            ctx.noLeak(await ctx.bootstrap.send(ApiKey.FindCoordinator, v, { key, keyType }));
          }
        }
      }
    },
  },
  JoinGroup: {
    intent: "join B's g1 (which has a live member): A lands in a group of its own, sees no member of B",
    async probe(ctx) {
      const v = ctx.version;
      await eachGroup(ctx, async (groupId, conn) => {
        // Subscribed to B's topic by both names: the names inside the protocol bytes are namespaced too.
        const subscription = consumerSubscription(names(ctx.victim));
        const join = (memberId: string) => conn.send(ApiKey.JoinGroup, v, {
          groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, protocolType: "consumer",
          protocols: [{ name: "range", metadata: subscription }],
        });
        let res = ctx.noLeak(await join(""));
        if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED) res = ctx.noLeak(await join(res.memberId));
        // Alone in a fresh group of its own, A is its leader and the only member.
        expect(res.errorCode, `JoinGroup v${v} ${groupId}`).toBe(ErrorCode.NONE);
        expect(res.leader, `JoinGroup v${v} ${groupId}: someone else leads A's group`).toBe(res.memberId);
        expect((res.members as { memberId: string }[]).map((m) => m.memberId)).toEqual([res.memberId]);
        expect(res.members[0].metadata.equals(subscription), `JoinGroup v${v}: A's subscription came back changed`).toBe(true);
        await conn.send(ApiKey.LeaveGroup, 3, { groupId, members: [{ memberId: res.memberId }] });
      });
    },
  },
  Heartbeat: {
    intent: "heartbeat as B's member of g1: refused",
    probe: refusedAtCoordinator(ApiKey.Heartbeat, 0, groups, (groupId, { victim }) => ({
      groupId, generationId: victim.generationId, memberId: victim.memberId,
    })),
  },
  LeaveGroup: {
    intent: "make B's member leave g1: refused (B's member stays)",
    probe: refusedAtCoordinator(ApiKey.LeaveGroup, 0, groups, (groupId, { victim, version }) => (version >= 3
      ? { groupId, members: [{ memberId: victim.memberId }] }
      : { groupId, memberId: victim.memberId }), undefined, true),
  },
  SyncGroup: {
    intent: "sync as B's member of g1 (read its assignment): refused, no assignment",
    probe: refusedAtCoordinator(ApiKey.SyncGroup, 0, groups, (groupId, { victim }) => ({
      groupId, generationId: victim.generationId, memberId: victim.memberId, protocolType: "consumer",
      protocolName: "RoundRobinAssigner", assignments: [],
    }), (res: { assignment: Buffer }) => expect(res.assignment.length).toBe(0)),
  },
  DescribeGroups: {
    intent: "describe B's g1: A sees no such group (no members, no state)",
    async probe(ctx) {
      await eachGroup(ctx, async (groupId, conn) => {
        const res = ctx.noLeak(await conn.send(ApiKey.DescribeGroups, ctx.version, { groups: [groupId] }));
        const group = res.groups[0] as { groupId: string; groupState: string; members: unknown[]; errorCode: number };
        // B's group is Stable with a member; A's own g1 (JoinGroup probes) is at most an Empty group.
        expect(ROUTING_ERRORS.has(group.errorCode), `DescribeGroups v${ctx.version} ${groupId}: ${group.errorCode}`).toBe(false);
        expect(group.members, `DescribeGroups v${ctx.version} ${group.groupId}`).toEqual([]);
        expect(["Dead", "Empty", ""]).toContain(group.errorCode === ErrorCode.NONE ? group.groupState : "");
      });
    },
  },
  ListGroups: {
    intent: "list all groups: only A's own",
    async probe(ctx) {
      const listed: string[] = [];
      for (const nodeId of ctx.nodeIds) {
        const res = ctx.noLeak(await (await ctx.broker(nodeId)).send(ApiKey.ListGroups, ctx.version, {}));
        expect(res.errorCode).toBe(ErrorCode.NONE);
        listed.push(...(res.groups as { groupId: string }[]).map((g) => g.groupId));
      }
      // Exactly A's groups (A's own "g1" and "analytics.g1" may exist: JoinGroup probes; B's would come twice then).
      expect(listed.sort(), `ListGroups v${ctx.version}`).toEqual(ownedBy(ctx.attackerPrefix, await ctx.physicalGroups()));
    },
  },
  CreateTopics: {
    intent: "create B's orders (validate only) and a topic under B's prefix: both only ever in A's namespace",
    async probe(ctx) {
      const v = ctx.version;
      const validate = ctx.noLeak(await ctx.bootstrap.send(ApiKey.CreateTopics, v, {
        topics: names(ctx.victim).map((name) => ({ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })),
        timeoutMs: 30_000, validateOnly: true,
      }));
      // TOPIC_ALREADY_EXISTS would mean the name reached B's topic.
      expect(errorCodes(validate), `CreateTopics v${v} validateOnly`).toEqual(names(ctx.victim).map(() => ErrorCode.NONE));
      const injected = `${ctx.victim.prefixed.topic}-injected-v${v}`;
      const created = ctx.noLeak(await ctx.bootstrap.send(ApiKey.CreateTopics, v, {
        topics: [{ name: injected, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 30_000, validateOnly: false,
      }));
      expect(errorCodes(created)).toEqual([ErrorCode.NONE]);
      // Brokers learn of a new topic one by one: wait until the one asked lists it.
      const physical = await waitUntil(async () => {
        const topics = await ctx.physicalTopics();
        return topics.includes(ctx.attackerPrefix + injected) && topics;
      }, { what: `${ctx.attackerPrefix + injected} on the physical cluster`, timeoutMs: 15_000 });
      expect(physical).not.toContain(injected);
    },
  },
  DeleteTopics: {
    intent: "delete B's orders by name and by B's topic id (v6+): refused, the topic stays",
    async probe(ctx) {
      const v = ctx.version;
      const res = ctx.noLeak(await ctx.bootstrap.send(ApiKey.DeleteTopics, v, v >= 6
        ? { topics: names(ctx.victim).map((name) => ({ name })), timeoutMs: 10_000 }
        : { topicNames: names(ctx.victim), timeoutMs: 10_000 }));
      expect(errorCodes(res), `DeleteTopics v${v}`).toEqual(names(ctx.victim).map(() => ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      if (v >= 6) {
        await sameAsUnknownId(ctx.bootstrap, ApiKey.DeleteTopics, v, (topicId) => ({ topics: [{ name: null, topicId }], timeoutMs: 10_000 }), ctx);
      }
    },
  },
  DeleteRecords: {
    intent: "delete B's records (move its log start): refused",
    probe: refusedAtLeader(ApiKey.DeleteRecords, (ctx) => ({ topics: topicsByName(ctx, (p) => ({ partitionIndex: p, offset: 1n })), timeoutMs: 10_000 })),
  },
  InitProducerId: {
    intent: "init B's t1 (would fence B's producer): A gets a producer id of its own, B's epoch is untouched",
    async probe(ctx) {
      for (const transactionalId of txns(ctx.victim)) {
        const res = ctx.noLeak(await askCoordinator(ctx, 1, transactionalId, ApiKey.InitProducerId, () => ({ transactionalId, transactionTimeoutMs: 60_000 })));
        expect(res.errorCode, `InitProducerId v${ctx.version} ${transactionalId}: ${errorCodeName(res.errorCode)}`).toBe(ErrorCode.NONE);
        expect(res.producerId, `InitProducerId v${ctx.version} ${transactionalId}`).not.toBe(ctx.victim.producerId);
      }
    },
  },
  OffsetForLeaderEpoch: {
    intent: "read B's leader epochs: refused",
    probe: refusedAtLeader(ApiKey.OffsetForLeaderEpoch, (ctx) => ({
      replicaId: -1, topics: topicsByName(ctx, (p) => ({ partition: p, leaderEpoch: 0, currentLeaderEpoch: -1 }), "topic"),
    })),
  },
  AddPartitionsToTxn: {
    intent: "add B's orders to B's transaction t1 with B's producer id: refused",
    probe: refusedAtCoordinator(ApiKey.AddPartitionsToTxn, 1, txns, (transactionalId, { victim, version }) => {
      const topics = names(victim).map((name) => ({ name, partitions: [0] }));
      const { producerId, producerEpoch } = victim;
      return version >= 4
        ? { transactions: [{ transactionalId, producerId, producerEpoch, verifyOnly: false, topics }] }
        : { v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: topics };
    }),
  },
  AddOffsetsToTxn: {
    intent: "add B's g1 to B's transaction t1: refused",
    probe: refusedAtCoordinator(ApiKey.AddOffsetsToTxn, 1, txns, (transactionalId, { victim }) => ({
      transactionalId, producerId: victim.producerId, producerEpoch: victim.producerEpoch, groupId: victim.group,
    })),
  },
  EndTxn: {
    intent: "abort B's transaction t1: refused (B's transaction stays open)",
    probe: refusedAtCoordinator(ApiKey.EndTxn, 1, txns, (transactionalId, { victim }) => ({
      transactionalId, producerId: victim.producerId, producerEpoch: victim.producerEpoch, committed: false,
    })),
  },
  TxnOffsetCommit: {
    intent: "commit offsets to B's g1 inside B's transaction t1, naming B's orders (by topic id in v6): refused",
    async probe(ctx) {
      const { victim, version } = ctx;
      for (const transactionalId of txns(victim)) {
        const conn = await ctx.coordinator(0, victim.group);
        const partitions = [{ partitionIndex: 0, committedOffset: 424242n, committedMetadata: "attack" }];
        const request = (topics: object[]) => ({
          transactionalId, groupId: victim.group, producerId: victim.producerId, producerEpoch: victim.producerEpoch, topics,
        });
        if (version >= 6) {
          await sameAsUnknownId(conn, ApiKey.TxnOffsetCommit, version, (topicId) => request([{ topicId, partitions }]), ctx, undefined);
          continue;
        }
        const res = ctx.noLeak(await conn.send(ApiKey.TxnOffsetCommit, version, request(names(victim).map((name) => ({ name, partitions })))));
        const codes = errorCodes(res);
        expect(codes.length > 0 && codes.every((c) => c !== ErrorCode.NONE), `TxnOffsetCommit v${version}: ${codes}`).toBe(true);
      }
    },
  },
  DescribeConfigs: {
    intent: "read B's topic configs: refused; a broker resource: CLUSTER_AUTHORIZATION_FAILED",
    async probe(ctx) {
      const v = ctx.version;
      const res = ctx.noLeak(await ctx.bootstrap.send(ApiKey.DescribeConfigs, v, {
        resources: names(ctx.victim).map((resourceName) => ({ resourceType: TOPIC_RESOURCE, resourceName, configurationKeys: null })),
        includeSynonyms: false,
      }));
      for (const result of res.results) {
        expect(result.errorCode, `DescribeConfigs v${v} ${result.resourceName}`).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        expect(result.configs).toEqual([]);
      }
      const broker = ctx.noLeak(await ctx.bootstrap.send(ApiKey.DescribeConfigs, v, {
        resources: [{ resourceType: BROKER_RESOURCE, resourceName: String(ctx.victim.leaders[0]), configurationKeys: null }],
        includeSynonyms: false,
      }));
      expect(errorCodes(broker)).toEqual([ErrorCode.CLUSTER_AUTHORIZATION_FAILED]);
    },
  },
  AlterConfigs: {
    intent: "set B's topic retention: refused; a broker resource: CLUSTER_AUTHORIZATION_FAILED",
    async probe(ctx) {
      const configs = [{ name: "retention.ms", value: "1000" }];
      const res = ctx.noLeak(await ctx.bootstrap.send(ApiKey.AlterConfigs, ctx.version, {
        resources: names(ctx.victim).map((resourceName) => ({ resourceType: TOPIC_RESOURCE, resourceName, configs })), validateOnly: false,
      }));
      expectRefused(res, `AlterConfigs v${ctx.version}`);
      const broker = ctx.noLeak(await ctx.bootstrap.send(ApiKey.AlterConfigs, ctx.version, {
        resources: [{ resourceType: BROKER_RESOURCE, resourceName: "", configs: [{ name: BROKER_CONFIG, value: BROKER_CONFIG_VALUE }] }], validateOnly: false,
      }));
      expect(errorCodes(broker)).toEqual([ErrorCode.CLUSTER_AUTHORIZATION_FAILED]);
    },
  },
  CreatePartitions: {
    intent: "add partitions to B's orders: refused",
    probe: refusedAtLeader(ApiKey.CreatePartitions, ({ victim }) => ({
      topics: names(victim).map((name) => ({ name, count: victim.partitions + 2, assignments: null })), timeoutMs: 10_000, validateOnly: false,
    })),
  },
  DeleteGroups: {
    intent: "delete B's g1: refused (B's group stays)",
    async probe(ctx) {
      await eachGroup(ctx, async (groupId, conn) => {
        const res = ctx.noLeak(await conn.send(ApiKey.DeleteGroups, ctx.version, { groupsNames: [groupId] }));
        // A's own g1 may exist (JoinGroup probes); deleting that is A's right. B's group is checked by the suite.
        expect(errorCodes(res).some((c) => ROUTING_ERRORS.has(c)), `DeleteGroups v${ctx.version} ${groupId}`).toBe(false);
      });
    },
  },
  IncrementalAlterConfigs: {
    intent: "set B's topic retention: refused; a broker resource: CLUSTER_AUTHORIZATION_FAILED",
    async probe(ctx) {
      const configs = [{ name: "retention.ms", configOperation: 0, value: "1000" }];
      const res = ctx.noLeak(await ctx.bootstrap.send(ApiKey.IncrementalAlterConfigs, ctx.version, {
        resources: names(ctx.victim).map((resourceName) => ({ resourceType: TOPIC_RESOURCE, resourceName, configs })), validateOnly: false,
      }));
      expectRefused(res, `IncrementalAlterConfigs v${ctx.version}`);
      const broker = ctx.noLeak(await ctx.bootstrap.send(ApiKey.IncrementalAlterConfigs, ctx.version, {
        resources: [{ resourceType: BROKER_RESOURCE, resourceName: "", configs: [{ name: BROKER_CONFIG, configOperation: 0, value: BROKER_CONFIG_VALUE }] }],
        validateOnly: false,
      }));
      expect(errorCodes(broker)).toEqual([ErrorCode.CLUSTER_AUTHORIZATION_FAILED]);
    },
  },
  OffsetDelete: {
    intent: "delete B's committed offsets of g1: refused",
    probe: refusedAtCoordinator(ApiKey.OffsetDelete, 0, groups, (groupId, { victim }) => ({
      groupId, topics: names(victim).map((name) => ({ name, partitions: [{ partitionIndex: 0 }] })),
    })),
  },
  DescribeCluster: {
    intent: "describe the cluster: brokers at A's gateway addresses, nothing of B",
    async probe(ctx) {
      const res = ctx.noLeak(await ctx.bootstrap.send(ApiKey.DescribeCluster, ctx.version, { includeClusterAuthorizedOperations: false, endpointType: 1 }));
      expect(res.errorCode).toBe(ErrorCode.NONE);
    },
  },
  DescribeProducers: {
    intent: "list the producers writing B's orders (B's transactional producer): refused",
    probe: refusedAtLeader(ApiKey.DescribeProducers, ({ victim }) => ({ topics: names(victim).map((name) => ({ name, partitionIndexes: [0] })) }),
      (res, { victim }) => expect(stringify(res)).not.toContain(`"producerId":"${victim.producerId}"`)),
  },
  DescribeTransactions: {
    intent: "describe B's t1: A sees none (or only its own t1 from the InitProducerId probe)",
    async probe(ctx) {
      for (const transactionalId of txns(ctx.victim)) {
        const conn = await ctx.coordinator(1, transactionalId);
        const res = ctx.noLeak(await conn.send(ApiKey.DescribeTransactions, ctx.version, { transactionalIds: [transactionalId] }));
        for (const state of res.transactionStates) {
          expect(ROUTING_ERRORS.has(state.errorCode)).toBe(false);
          expect(state.producerId).not.toBe(ctx.victim.producerId);
          expect(state.topics).toEqual([]);
        }
      }
    },
  },
  ListTransactions: {
    intent: "list all transactions: only A's own",
    async probe(ctx) {
      const listed: { transactionalId: string; producerId: bigint }[] = [];
      for (const nodeId of ctx.nodeIds) {
        const res = ctx.noLeak(await (await ctx.broker(nodeId)).send(ApiKey.ListTransactions, ctx.version, { stateFilters: [], producerIdFilters: [] }));
        expect(res.errorCode).toBe(ErrorCode.NONE);
        listed.push(...res.transactionStates);
      }
      for (const state of listed) expect(state.producerId, `ListTransactions v${ctx.version}`).not.toBe(ctx.victim.producerId);
      expect(listed.map((s) => s.transactionalId).sort()).toEqual(ownedBy(ctx.attackerPrefix, await ctx.physicalTransactionalIds()));
    },
  },
  ConsumerGroupHeartbeat: {
    intent: "join B's g1 with the KIP-848 protocol, subscribing to B's orders by name and by regex: no assignment of B's",
    async probe(ctx) {
      await eachGroup(ctx, async (groupId, conn) => {
        const subscriptions: object[] = [{ subscribedTopicNames: names(ctx.victim) }];
        if (ctx.version >= 1) subscriptions.push({ subscribedTopicNames: null, subscribedTopicRegex: ".*" });
        for (const subscription of subscriptions) {
          const memberId = ctx.version >= 1 ? randomTopicId() : ""; // v1+: the member picks its id
          const res = ctx.noLeak(await conn.send(ApiKey.ConsumerGroupHeartbeat, ctx.version, {
            groupId, memberId, memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 10_000,
            serverAssignor: null, topicPartitions: [], ...subscription,
          }));
          expect(ROUTING_ERRORS.has(res.errorCode)).toBe(false);
          expect(stringify(res.assignment ?? {})).not.toContain(ctx.victim.topicId);
          if (res.errorCode === ErrorCode.NONE) {
            await conn.send(ApiKey.ConsumerGroupHeartbeat, ctx.version, {
              groupId, memberId: res.memberId, memberEpoch: -1, instanceId: null, rackId: null, rebalanceTimeoutMs: 10_000,
              subscribedTopicNames: null, serverAssignor: null, topicPartitions: null,
            });
          }
        }
      });
    },
  },
  ConsumerGroupDescribe: {
    intent: "describe B's g1 as a KIP-848 group: nothing of B's",
    async probe(ctx) {
      await eachGroup(ctx, async (groupId, conn) => {
        const res = ctx.noLeak(await conn.send(ApiKey.ConsumerGroupDescribe, ctx.version, { groupIds: [groupId], includeAuthorizedOperations: false }));
        expect(ROUTING_ERRORS.has(res.groups[0].errorCode), `ConsumerGroupDescribe ${groupId}: ${res.groups[0].errorCode}`).toBe(false);
        expect(res.groups[0].members).toEqual([]);
      });
    },
  },
  StreamsGroupHeartbeat: {
    intent: "join B's streams group app1 with a topology reading B's orders by both names and by regex: no task, nothing of B's",
    async probe(ctx) {
      await eachGroup(ctx, async (groupId, conn) => {
        const memberId = memberIdOfA();
        const res = ctx.noLeak(await conn.send(ApiKey.StreamsGroupHeartbeat, ctx.version, streamsHeartbeat(groupId, memberId, 0, names(ctx.victim), [".*"])));
        expect(ROUTING_ERRORS.has(res.errorCode), `StreamsGroupHeartbeat ${groupId}: ${res.errorCode}`).toBe(false);
        for (const tasks of [res.activeTasks, res.standbyTasks, res.warmupTasks]) expect(tasks ?? []).toEqual([]);
        if (res.errorCode === ErrorCode.NONE) ctx.noLeak(await conn.send(ApiKey.StreamsGroupHeartbeat, ctx.version, streamsHeartbeat(groupId, res.memberId, -1)));
      }, streamsGroups);
    },
  },
  StreamsGroupDescribe: {
    intent: "describe B's streams group app1: nothing of B's (at most A's own, memberless group)",
    async probe(ctx) {
      await eachGroup(ctx, async (groupId, conn) => {
        const res = ctx.noLeak(await conn.send(ApiKey.StreamsGroupDescribe, ctx.version, { groupIds: [groupId], includeAuthorizedOperations: false }));
        const group = res.groups[0];
        expect(ROUTING_ERRORS.has(group.errorCode), `StreamsGroupDescribe ${groupId}: ${group.errorCode}`).toBe(false);
        expect(group.members, `StreamsGroupDescribe ${groupId}`).toEqual([]);
        // A's own group (from the heartbeat probe) reads the topics A named; B's reads B's orders (B's group: checked by the suite).
        const sources = ((group.topology?.subtopologies ?? []) as { sourceTopics: string[] }[]).flatMap((st) => st.sourceTopics);
        for (const source of sources) expect(names(ctx.victim), `StreamsGroupDescribe ${groupId}`).toContain(source);
      }, streamsGroups);
    },
  },
  ShareGroupHeartbeat: {
    intent: "join B's share group sg1, subscribing to B's orders by both names: no assignment of B's",
    async probe(ctx) {
      await eachGroup(ctx, async (groupId, conn) => {
        const memberId = memberIdOfA();
        const heartbeat = (memberEpoch: number, subscribedTopicNames: string[] | null) => conn.send(ApiKey.ShareGroupHeartbeat, ctx.version, {
          groupId, memberId, memberEpoch, rackId: null, subscribedTopicNames,
        });
        const res = ctx.noLeak(await heartbeat(0, names(ctx.victim)));
        expect(ROUTING_ERRORS.has(res.errorCode), `ShareGroupHeartbeat ${groupId}: ${res.errorCode}`).toBe(false);
        expect(stringify(res.assignment ?? {})).not.toContain(ctx.victim.topicId);
        if (res.errorCode === ErrorCode.NONE) ctx.noLeak(await heartbeat(-1, null));
      }, shareGroups);
    },
  },
  ShareGroupDescribe: {
    intent: "describe B's share group sg1: nothing of B's (at most A's own, memberless group)",
    async probe(ctx) {
      await eachGroup(ctx, async (groupId, conn) => {
        const res = ctx.noLeak(await conn.send(ApiKey.ShareGroupDescribe, ctx.version, { groupIds: [groupId], includeAuthorizedOperations: false }));
        const group = res.groups[0];
        expect(ROUTING_ERRORS.has(group.errorCode), `ShareGroupDescribe ${groupId}: ${group.errorCode}`).toBe(false);
        expect(group.members, `ShareGroupDescribe ${groupId}`).toEqual([]);
      }, shareGroups);
    },
  },
  ShareFetch: {
    intent: "fetch B's orders by B's topic id in a share group: answered as for an id that exists nowhere, no records",
    async probe(ctx) {
      const conn = await leaderOfB(ctx);
      await sameAsUnknownId(conn, ApiKey.ShareFetch, ctx.version, (topicId) => ({
        groupId: ctx.victim.shareGroup, memberId: memberIdOfA(), shareSessionEpoch: 0, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20,
        maxRecords: 100, batchSize: 100, shareAcquireMode: 0, isRenewAck: false,
        topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [] }] }], forgottenTopicsData: [],
      }), ctx, undefined);
    },
  },
  ShareAcknowledge: {
    intent: "in a share session of A's, acknowledge (reject) records of B's orders by B's topic id: answered as for an id that exists nowhere",
    async probe(ctx) {
      const conn = await leaderOfB(ctx);
      // Each acknowledgement in a share session of its own (opened by a ShareFetch of nothing), so the topic id is
      // the only thing the broker can find wrong.
      const acknowledge = async (topicId: string) => {
        const memberId = memberIdOfA();
        const groupId = ctx.victim.shareGroup;
        const fetchVersion = Math.min(ctx.version, 2);
        const opened = await conn.send(ApiKey.ShareFetch, fetchVersion, {
          groupId, memberId, shareSessionEpoch: 0, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, maxRecords: 1, batchSize: 1,
          shareAcquireMode: 0, isRenewAck: false, topics: [], forgottenTopicsData: [],
        });
        expect(opened.errorCode, `ShareFetch opening a share session for ${memberId}`).toBe(ErrorCode.NONE);
        return conn.send(ApiKey.ShareAcknowledge, ctx.version, {
          groupId, memberId, shareSessionEpoch: 1, isRenewAck: false,
          topics: [{ topicId, partitions: [{ partitionIndex: 0, acknowledgementBatches: [{ firstOffset: 0n, lastOffset: 5n, acknowledgeTypes: [3] }] }] }],
        });
      };
      const unknownId = randomTopicId();
      const victims = ctx.noLeak(withoutEcho(await acknowledge(ctx.victim.topicId), ctx.victim.topicId));
      const unknowns = withoutEcho(await acknowledge(unknownId), unknownId);
      expect(victims, `ShareAcknowledge v${ctx.version} by B's topic id vs an unknown id`).toEqual(unknowns);
      expect(errorCodes(victims), `ShareAcknowledge v${ctx.version} by B's topic id`).toContain(ErrorCode.UNKNOWN_TOPIC_ID);
    },
  },
  DescribeShareGroupOffsets: {
    intent: "read B's share-partition start offsets of sg1, for B's orders by both names and for all topics: nothing",
    async probe(ctx) {
      await eachGroup(ctx, async (groupId, conn) => {
        const byName = ctx.noLeak(await conn.send(ApiKey.DescribeShareGroupOffsets, ctx.version, {
          groups: [{ groupId, topics: names(ctx.victim).map((topicName) => ({ topicName, partitions: [0] })) }],
        }));
        expect(stringify(byName), `DescribeShareGroupOffsets v${ctx.version} ${groupId}`).not.toMatch(/"startOffset":"[1-9]/);
        const all = ctx.noLeak(await conn.send(ApiKey.DescribeShareGroupOffsets, ctx.version, { groups: [{ groupId, topics: null }] }));
        expect(ROUTING_ERRORS.has(all.groups[0].errorCode)).toBe(false);
        expect(all.groups[0].topics, `DescribeShareGroupOffsets v${ctx.version} all of ${groupId}`).toEqual([]);
      }, shareGroups);
    },
  },
  AlterShareGroupOffsets: {
    intent: "move B's share-partition start offset of sg1 on B's orders: refused (the topic is unknown in A's namespace)",
    probe: refusedAtCoordinator(ApiKey.AlterShareGroupOffsets, 0, shareGroups, (groupId, { victim }) => ({
      groupId, topics: names(victim).map((topicName) => ({ topicName, partitions: [{ partitionIndex: 0, startOffset: 1n }] })),
    })),
  },
  DeleteShareGroupOffsets: {
    intent: "delete B's share-group offsets of sg1 for B's orders: nothing deleted (A's own sg1 holds no such topic)",
    async probe(ctx) {
      await eachGroup(ctx, async (groupId) => {
        const res = ctx.noLeak(await askCoordinator(ctx, 0, groupId, ApiKey.DeleteShareGroupOffsets, () => ({
          groupId, topics: names(ctx.victim).map((topicName) => ({ topicName })),
        })));
        // No topic result reads as deleted; B's offsets are checked by the suite afterwards.
        for (const topic of res.responses) expect(topic.errorCode, `DeleteShareGroupOffsets ${groupId} ${topic.topicName}`).not.toBe(ErrorCode.NONE);
        expect(ROUTING_ERRORS.has(res.errorCode)).toBe(false);
      }, shareGroups);
    },
  },
  DescribeTopicPartitions: {
    intent: "describe B's orders by name, and page into it with a cursor: refused, nothing listed",
    async probe(ctx) {
      const res = ctx.noLeak(await ctx.bootstrap.send(ApiKey.DescribeTopicPartitions, ctx.version, {
        topics: names(ctx.victim).map((name) => ({ name })), responsePartitionLimit: 100, cursor: null,
      }));
      for (const topic of res.topics) {
        expect(topic.errorCode, `DescribeTopicPartitions ${topic.name}`).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        expect(topic.partitions).toEqual([]);
      }
      for (const topicName of names(ctx.victim)) {
        const paged = ctx.noLeak(await ctx.bootstrap.send(ApiKey.DescribeTopicPartitions, ctx.version, {
          topics: [{ name: topicName }], responsePartitionLimit: 100, cursor: { topicName, partitionIndex: 0 },
        }));
        for (const topic of paged.topics) expect(topic.partitions).toEqual([]);
      }
    },
  },
  ApiVersions: {
    intent: "no tenant resources: A is offered nothing beyond the tenant allowlist (checked by the suite)",
    async probe(ctx) {
      const res = ctx.noLeak(await ctx.bootstrap.send(ApiKey.ApiVersions, ctx.version, { clientSoftwareName: "probe", clientSoftwareVersion: "1" }));
      expect(res.errorCode).toBe(ErrorCode.NONE);
    },
  },
};
