// A tenant's consumer groups as control-plane operations: list, describe (members, committed offsets and lag per
// partition), reset offsets (only while the group is empty, as Kafka requires), delete. Every request goes through
// the virtual cluster's chain (tenant-client.ts): group ids and topics are the tenant's own, and ACLs apply.
import { ErrorCode } from "../protocol/error-codes.js";
import { readAssignment, type TopicPartitions } from "../tenancy/consumer-protocol.js";
import { AdminError, check } from "./admin-error.js";
import { withCoordinator } from "./group-coordinator.js";
import { EARLIEST, LATEST, listOffsets, partitionKey, type TopicPartition } from "./log-offsets.js";
import type { TenantClient } from "./tenant-client.js";
import { fetchBrokerIds, fetchTopics, type TopicInfo } from "./topic-metadata.js";

/** Versions: flexible ones that Kafka 3.x and 4.x both serve. */
const LIST_GROUPS_VERSION = 4;
const DESCRIBE_GROUPS_VERSION = 5;
const OFFSET_FETCH_VERSION = 8;
const OFFSET_COMMIT_VERSION = 8;
const DELETE_GROUPS_VERSION = 2;
/** The client's recently() key of the tenant's topics' metadata (partitions and leaders, for the lag). */
const TOPICS_KEY = "topics";
/** Kafka's states of a group with no members; only then may its offsets be reset. */
const RESETTABLE_STATES: ReadonlySet<string> = new Set(["Empty", "Dead"]);

export interface GroupListing {
  readonly groupId: string;
  readonly protocolType: string;
  readonly state: string;
}

export interface GroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly host: string;
  /** The partitions assigned to it (consumer groups); empty while none are, or for other protocol types. */
  readonly assignment: TopicPartitions[];
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Null when the group has committed nothing for the partition. */
  readonly committedOffset: number | null;
  /** Null when the topic is gone or not describable. */
  readonly endOffset: number | null;
  /** endOffset - committedOffset; null when either is unknown. */
  readonly lag: number | null;
}

export interface GroupDescription {
  readonly groupId: string;
  readonly state: string;
  readonly protocolType: string;
  /** The assignor the members agreed on (e.g. "range"). */
  readonly protocol: string;
  readonly members: GroupMember[];
  /** Every partition the group has an offset for or a member is assigned, by topic and partition. */
  readonly partitions: PartitionLag[];
  readonly totalLag: number;
}

export type OffsetTarget =
  | { readonly kind: "earliest" }
  | { readonly kind: "latest" }
  /** The first offset whose record is at or after this time (ms since the epoch); the log end if none is. */
  | { readonly kind: "timestamp"; readonly timestamp: number }
  /** Kept within the partition's log (clamped to its earliest and latest offsets), as kafka-consumer-groups does. */
  | { readonly kind: "offset"; readonly offset: number };

export interface OffsetResetRequest {
  readonly groupId: string;
  readonly to: OffsetTarget;
  /** Which partitions: each topic's named partitions, or all of them. Default: every partition the group has an offset for. */
  readonly topics?: readonly { readonly topic: string; readonly partitions?: readonly number[] }[];
  /** Work out the new offsets without committing them. */
  readonly dryRun?: boolean;
}

export interface OffsetReset {
  readonly topic: string;
  readonly partition: number;
  readonly previousOffset: number | null;
  readonly newOffset: number;
}

/** The tenant's groups (every coordinator is asked: each lists only the groups it coordinates). */
export async function listGroups(client: TenantClient): Promise<GroupListing[]> {
  const brokers = await fetchBrokerIds(client);
  const groups = new Map<string, GroupListing>();
  await Promise.all(
    brokers.map(async (broker) => {
      const response = await client.send("ListGroups", LIST_GROUPS_VERSION, { statesFilter: [] }, broker);
      check(response.errorCode, `list groups on broker ${broker}`);
      for (const g of response.groups) groups.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType, state: g.groupState ?? "Unknown" });
    }),
  );
  return [...groups.values()].sort((a, b) => a.groupId.localeCompare(b.groupId));
}

/** State, members and lag; an AdminError (GROUP_ID_NOT_FOUND) for a group that has neither members nor offsets. */
export async function describeGroup(client: TenantClient, groupId: string): Promise<GroupDescription> {
  const [group, committed] = await withCoordinator(client, groupId, (coordinator) => Promise.all([describe(client, groupId, coordinator), committedOffsets(client, groupId, coordinator)]));
  const members = group.members.map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId ?? null,
    clientId: ownClientId(client, m.clientId),
    host: m.clientHost,
    assignment: (group.protocolType === "consumer" ? readAssignment(m.memberAssignment) : undefined) ?? [],
  }));
  if (group.groupState === "Dead" && committed.size === 0) throw AdminError.kafka(ErrorCode.GROUP_ID_NOT_FOUND, `describe group ${groupId}`);

  const wanted = new Map<string, TopicPartition>();
  for (const [key, { topic, partition }] of committed) wanted.set(key, { topic, partition });
  for (const m of members) for (const { topic, partitions } of m.assignment) for (const p of partitions) wanted.set(partitionKey(topic, p), { topic, partition: p });
  const topics = await recentTopics(client, wanted.values());
  const known = [...wanted.values()].filter(({ topic, partition }) => topics.get(topic)?.partitions.some((p) => p.partition === partition) === true);
  // A leader that moved within the second refuses: the next call asks for the metadata afresh.
  const ends = await listOffsets(client, topics, known, LATEST).catch((err: unknown) => {
    client.forget(TOPICS_KEY);
    throw err;
  });
  let totalLag = 0;
  const partitions = [...wanted].map(([key, { topic, partition }]): PartitionLag => {
    const committedOffset = committed.get(key)?.offset ?? null;
    const end = ends.get(key);
    const lag = committedOffset === null || end === undefined ? null : Math.max(0, Number(end) - committedOffset);
    totalLag += lag ?? 0;
    return { topic, partition, committedOffset, endOffset: end === undefined ? null : Number(end), lag };
  });
  partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return { groupId, state: group.groupState, protocolType: group.protocolType, protocol: group.protocolData, members, partitions, totalLag };
}

/** Moves the group's committed offsets (or, with dryRun, only says where they would go); the group must be empty. */
export async function resetOffsets(client: TenantClient, request: OffsetResetRequest): Promise<OffsetReset[]> {
  const { groupId } = request;
  const what = `reset offsets of group ${groupId}`;
  return withCoordinator(client, groupId, async (coordinator) => {
    const group = await describe(client, groupId, coordinator);
    if (!RESETTABLE_STATES.has(group.groupState)) {
      throw AdminError.kafka(ErrorCode.NON_EMPTY_GROUP, what, `the group is ${group.groupState} with ${group.members.length} member(s); offsets can only be reset while it has none (stop its consumers first)`);
    }
    const committed = await committedOffsets(client, groupId, coordinator);
    const topicNames = request.topics?.map((t) => t.topic) ?? [...new Set([...committed.values()].map((c) => c.topic))];
    if (topicNames.length === 0) throw new AdminError("ERR_ADMIN_INVALID", `${what}: the group has no committed offsets; name the topics to reset`);
    const topics = new Map((await fetchTopics(client, topicNames)).map((t) => [t.name, t]));
    const partitions = request.topics === undefined ? [...committed.values()] : selectedPartitions(request.topics, topics);

    const newOffsets = await targetOffsets(client, topics, partitions, request.to);
    const resets = partitions.map(({ topic, partition }) => ({
      topic,
      partition,
      previousOffset: committed.get(partitionKey(topic, partition))?.offset ?? null,
      newOffset: Number(newOffsets.get(partitionKey(topic, partition))!),
    }));
    if (request.dryRun !== true) await commit(client, groupId, coordinator, resets);
    return resets.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  });
}

export async function deleteGroup(client: TenantClient, groupId: string): Promise<void> {
  await withCoordinator(client, groupId, async (coordinator) => {
    const response = await client.send("DeleteGroups", DELETE_GROUPS_VERSION, { groupsNames: [groupId] }, coordinator);
    const result = response.results[0];
    check(result?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `delete group ${groupId}`, result?.errorMessage);
  });
}

/** The tenant's topics, kept for a second on the client; asked afresh when one of `wanted` isn't there (it may be new). */
async function recentTopics(client: TenantClient, wanted: Iterable<TopicPartition>): Promise<Map<string, TopicInfo>> {
  const load = async () => new Map((await fetchTopics(client)).map((t) => [t.name, t]));
  const topics = await client.recently(TOPICS_KEY, load);
  for (const { topic } of wanted) {
    if (!topics.has(topic)) {
      client.forget(TOPICS_KEY);
      return client.recently(TOPICS_KEY, load);
    }
  }
  return topics;
}

async function describe(client: TenantClient, groupId: string, coordinator: number) {
  const response = await client.send("DescribeGroups", DESCRIBE_GROUPS_VERSION, { groups: [groupId], includeAuthorizedOperations: false }, coordinator);
  const group = response.groups[0];
  if (group === undefined) throw AdminError.kafka(ErrorCode.UNKNOWN_SERVER_ERROR, `describe group ${groupId}`, "the response holds no group");
  check(group.errorCode, `describe group ${groupId}`, group.errorMessage);
  return group;
}

/** The group's committed offsets, by partition key. */
async function committedOffsets(client: TenantClient, groupId: string, coordinator: number): Promise<Map<string, TopicPartition & { offset: number }>> {
  const response = await client.send("OffsetFetch", OFFSET_FETCH_VERSION, { groups: [{ groupId, topics: null }], requireStable: false }, coordinator);
  const group = response.groups?.[0];
  check(group?.errorCode ?? response.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `fetch the offsets of group ${groupId}`);
  const offsets = new Map<string, TopicPartition & { offset: number }>();
  for (const topic of group!.topics) {
    const name = topic.name!;
    for (const p of topic.partitions) {
      check(p.errorCode, `fetch the offset of group ${groupId} for ${name}-${p.partitionIndex}`);
      if (p.committedOffset >= 0n) offsets.set(partitionKey(name, p.partitionIndex), { topic: name, partition: p.partitionIndex, offset: Number(p.committedOffset) });
    }
  }
  return offsets;
}

/** The tenancy layer tags client ids upstream with the virtual cluster ("shop/app-1"): shown as the client sent it. */
function ownClientId(client: TenantClient, upstream: string): string {
  const tag = `${client.virtualCluster}/`;
  return upstream.startsWith(tag) ? upstream.slice(tag.length) : upstream;
}

function selectedPartitions(selection: NonNullable<OffsetResetRequest["topics"]>, topics: ReadonlyMap<string, TopicInfo>): TopicPartition[] {
  const out = new Map<string, TopicPartition>();
  for (const { topic, partitions } of selection) {
    const all = topics.get(topic)!.partitions.map((p) => p.partition);
    for (const partition of partitions ?? all) out.set(partitionKey(topic, partition), { topic, partition });
  }
  return [...out.values()];
}

/** Where each partition's offset goes. */
async function targetOffsets(client: TenantClient, topics: ReadonlyMap<string, TopicInfo>, partitions: readonly TopicPartition[], to: OffsetTarget): Promise<Map<string, bigint>> {
  if (to.kind === "earliest") return listOffsets(client, topics, partitions, EARLIEST);
  const latest = await listOffsets(client, topics, partitions, LATEST);
  if (to.kind === "latest") return latest;
  if (to.kind === "timestamp") {
    const atTime = await listOffsets(client, topics, partitions, BigInt(to.timestamp));
    // No record that new: the log end, as kafka-consumer-groups does.
    for (const [key, offset] of atTime) if (offset < 0n) atTime.set(key, latest.get(key)!);
    return atTime;
  }
  const earliest = await listOffsets(client, topics, partitions, EARLIEST);
  const wanted = BigInt(to.offset);
  const out = new Map<string, bigint>();
  for (const [key, end] of latest) {
    const start = earliest.get(key)!;
    out.set(key, wanted < start ? start : wanted > end ? end : wanted);
  }
  return out;
}

/** Commits as an admin client does: outside any generation (-1, no member id), which Kafka allows only in an empty group. */
async function commit(client: TenantClient, groupId: string, coordinator: number, resets: readonly OffsetReset[]): Promise<void> {
  const byTopic = new Map<string, OffsetReset[]>();
  for (const r of resets) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
  const response = await client.send(
    "OffsetCommit",
    OFFSET_COMMIT_VERSION,
    {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: "",
      groupInstanceId: null,
      topics: [...byTopic].map(([name, list]) => ({
        name,
        partitions: list.map((r) => ({ partitionIndex: r.partition, committedOffset: BigInt(r.newOffset), committedLeaderEpoch: -1, committedMetadata: "" })),
      })),
    },
    coordinator,
  );
  for (const topic of response.topics) for (const p of topic.partitions) check(p.errorCode, `commit the offset of group ${groupId} for ${topic.name}-${p.partitionIndex}`, null);
}
