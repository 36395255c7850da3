// Offsets of partitions' logs, asked of each partition's leader with ListOffsets (through the chain, as the tenant's
// clients ask): the earliest, the latest (the log end), or the first offset at or after a timestamp.
import { AdminError, check } from "./admin-error.js";
import type { TenantClient } from "./tenant-client.js";
import type { TopicInfo } from "./topic-metadata.js";
import { leaderOf } from "./topic-metadata.js";

/** v7: flexible, and the max-timestamp spec; Kafka 3.0 to 4.x serve it. */
const LIST_OFFSETS_VERSION = 7;
/** ListOffsets' special timestamps. */
export const LATEST = -1n;
export const EARLIEST = -2n;

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** "topic\npartition": a key for maps of partitions (topic names may hold any character but a newline is not legal). */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\n${partition}`;
}

/**
 * For each partition, the offset ListOffsets gives for `timestamp` (LATEST, EARLIEST, or ms since the epoch: then
 * -1 when no record is that new). `topics` must hold every named topic's metadata (for the leaders).
 */
export async function listOffsets(client: TenantClient, topics: ReadonlyMap<string, TopicInfo>, partitions: readonly TopicPartition[], timestamp: bigint): Promise<Map<string, bigint>> {
  const byLeader = new Map<number, Map<string, number[]>>();
  for (const { topic, partition } of partitions) {
    const info = topics.get(topic);
    if (info === undefined) throw new AdminError("ERR_ADMIN_INVALID", `no metadata for topic ${topic}`);
    const leader = leaderOf(info, partition);
    let byTopic = byLeader.get(leader);
    if (byTopic === undefined) byLeader.set(leader, (byTopic = new Map()));
    let list = byTopic.get(topic);
    if (list === undefined) byTopic.set(topic, (list = []));
    list.push(partition);
  }
  const offsets = new Map<string, bigint>();
  await Promise.all(
    [...byLeader].map(async ([leader, byTopic]) => {
      const response = await client.send(
        "ListOffsets",
        LIST_OFFSETS_VERSION,
        {
          replicaId: -1,
          isolationLevel: 0,
          topics: [...byTopic].map(([name, indexes]) => ({
            name,
            partitions: indexes.map((partitionIndex) => ({ partitionIndex, currentLeaderEpoch: -1, timestamp })),
          })),
        },
        leader,
      );
      for (const topic of response.topics) {
        for (const p of topic.partitions) {
          check(p.errorCode, `list offsets of ${topic.name}-${p.partitionIndex}`);
          offsets.set(partitionKey(topic.name, p.partitionIndex), p.offset);
        }
      }
    }),
  );
  return offsets;
}
