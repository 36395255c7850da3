// A tenant's consumer groups: the listing, one group with lag per partition, and an offset reset with its dry run.
import { z } from "zod";
import { virtualClusterParams } from "./shared.js";

export const groupParams = virtualClusterParams.extend({ group: z.string().min(1).describe("the group id, as the tenant's clients know it") });
export const groupSummary = z.object({ groupId: z.string(), protocolType: z.string(), state: z.string() });
export const groupList = z.object({ groups: z.array(groupSummary) });
const topicPartitions = z.object({ topic: z.string(), partitions: z.array(z.int()) });
export const groupDescription = z.object({
  groupId: z.string(),
  state: z.string(),
  protocolType: z.string(),
  protocol: z.string(),
  members: z.array(z.object({ memberId: z.string(), groupInstanceId: z.string().nullable(), clientId: z.string(), host: z.string(), assignment: z.array(topicPartitions) })),
  partitions: z.array(z.object({ topic: z.string(), partition: z.int(), committedOffset: z.number().nullable(), endOffset: z.number().nullable(), lag: z.number().nullable() })),
  totalLag: z.number(),
});
export const offsetTarget = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("earliest") }),
  z.strictObject({ kind: z.literal("latest") }),
  z.strictObject({ kind: z.literal("timestamp"), timestamp: z.int().min(0).describe("ms since the epoch") }),
  z.strictObject({ kind: z.literal("offset"), offset: z.int().min(0).describe("kept within each partition's log") }),
]);
export const resetRequest = z.strictObject({
  to: offsetTarget,
  topics: z.array(z.strictObject({ topic: z.string().min(1), partitions: z.array(z.int().min(0)).optional() })).optional().describe("default: every partition the group has an offset for"),
  dryRun: z.boolean().default(false).describe("show the new offsets without committing them"),
});
export const resetResult = z.object({ dryRun: z.boolean(), offsets: z.array(z.object({ topic: z.string(), partition: z.int(), previousOffset: z.number().nullable(), newOffset: z.number() })) });
