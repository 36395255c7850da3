// A virtual cluster's usage against each of its configured limits, as this gateway instance enforces them: the same
// numbers the bulkhead_byte_rate_usage_ratio and bulkhead_cap_usage_ratio gauges show, with what each is measured against.
import { z } from "zod";

const ratio = z
  .number()
  .nullable()
  .describe("use of the limit: 0 idle, 1 at the limit, above 1 over it (a bucket in debt: clients throttled); null: not measured here (yet)");

const byteRateUsage = z.object({
  kind: z.literal("byteRate"),
  scope: z.enum(["tenant", "principal", "topic"]),
  name: z.string().nullable().describe("the principal or topic; null: the tenant, the busiest topic the config doesn't name, or every principal"),
  direction: z.enum(["produce", "fetch"]),
  ratio: ratio.describe("the bucket's use of its burst (one second of the rate), as the byte-rate usage gauge has it"),
  max: z.number().describe("bytes per second this gateway instance enforces (the configured rate / limits.instances)"),
  pushedDown: z.boolean().describe("the brokers enforce it (tenantByteRate.pushDown): no usage here"),
});

const capUsage = z.object({
  kind: z.literal("cap"),
  cap: z.enum(["connections", "connection_rate", "request_rate", "topics", "partitions", "retained_bytes"]),
  used: z.number().nullable().describe("open connections, topics, partitions or bytes on disk; null for a rate (its ratio is its bucket's), or not measured yet"),
  max: z.number().describe("the cap: a count, bytes, or per second for this gateway instance"),
  ratio,
});

export const limitUsage = z.discriminatedUnion("kind", [byteRateUsage, capUsage]);
/** GET …/usage: an empty list for a virtual cluster without limits. */
export const usageAnswer = z.object({ at: z.string(), limits: z.array(limitUsage) });
