// The topic and partition caps, as a pure decision: given what the tenant has and what a CreateTopics or
// CreatePartitions asks for, which topics may go ahead. Topics are taken in request order, each one counted as
// created for the ones after it, so a single request can't jump the cap. A refusal is Kafka's POLICY_VIOLATION, what a
// broker's CreateTopicPolicy answers: not retriable, so clients report it instead of retrying (THROTTLING_QUOTA_EXCEEDED
// is for a mutation *rate*, KIP-599, and clients retry it).

/** Partitions of a topic created with numPartitions -1 and no assignment: Kafka's num.partitions default. */
export const DEFAULT_PARTITIONS = 1;

export interface TopicCapSettings {
  readonly maxTopics?: number | undefined;
  readonly maxPartitions?: number | undefined;
}

/** A topic to create (`existing` false) or to grow (true), with the partition count it would have. */
export interface TopicGrowth {
  readonly name: string;
  readonly partitions: number;
  readonly existing: boolean;
}

export interface TopicCapRefusal {
  readonly cap: "topics" | "partitions";
  readonly message: string;
}

/**
 * One verdict per growth, in order: undefined (within the caps) or the refusal. `usage` is the tenant's topics now
 * (name → partitions); it is not changed. A growth the broker will refuse anyway (a topic that exists, or a grow of
 * one that doesn't) is let through for the broker to answer.
 */
export function checkTopicCaps(usage: ReadonlyMap<string, number>, caps: TopicCapSettings, growths: readonly TopicGrowth[]): (TopicCapRefusal | undefined)[] {
  let topics = usage.size;
  let partitions = 0;
  for (const count of usage.values()) partitions += count;
  const seen = new Set<string>();
  return growths.map(({ name, partitions: wanted, existing }) => {
    const now = usage.get(name);
    if (existing ? now === undefined : now !== undefined || seen.has(name)) return undefined;
    seen.add(name);
    const added = Math.max(0, wanted - (now ?? 0));
    if (!existing && caps.maxTopics !== undefined && topics + 1 > caps.maxTopics) {
      return { cap: "topics", message: `topic "${name}" would exceed this virtual cluster's cap of ${caps.maxTopics} topics (${topics} exist)` };
    }
    if (caps.maxPartitions !== undefined && partitions + added > caps.maxPartitions) {
      return {
        cap: "partitions",
        message: `${added} more partitions for topic "${name}" would exceed this virtual cluster's cap of ${caps.maxPartitions} partitions (${partitions} exist)`,
      };
    }
    if (!existing) topics++;
    partitions += added;
    return undefined;
  });
}

/** The partition count a CreateTopics entry asks for: numPartitions, else its manual assignment, else the default. */
export function requestedPartitions(topic: { numPartitions: number; assignments: readonly unknown[] }): number {
  if (topic.numPartitions > 0) return topic.numPartitions;
  return topic.assignments.length > 0 ? topic.assignments.length : DEFAULT_PARTITIONS;
}
