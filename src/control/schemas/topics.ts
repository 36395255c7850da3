// A tenant's topics: the listing with size and throughput, creation, partitions and configs with their defaults.
import { z } from "zod";
import { virtualClusterParams } from "./shared.js";

export const topicParams = virtualClusterParams.extend({ topic: z.string().min(1).describe("the topic's name, as the tenant's clients know it") });
const configValues = z.record(z.string(), z.string());
export const topicSummary = z.object({
  name: z.string(),
  partitions: z.int(),
  replicationFactor: z.int(),
  sizeBytes: z.number().nullable().describe("bytes on the brokers' disks, every replica counted; null when not readable"),
  produceBytesPerSecond: z.number(),
  fetchBytesPerSecond: z.number(),
  produceMessagesPerSecond: z.number().describe("records produced per second through the gateway, from the batch headers' counts"),
  fetchMessagesPerSecond: z.number().describe("records fetched per second through the gateway"),
});
export const topicList = z.object({ topics: z.array(topicSummary) });
export const newTopic = z.strictObject({
  name: z.string().min(1),
  partitions: z.int().min(1).optional().describe("default: the brokers' num.partitions"),
  replicationFactor: z.int().min(1).optional().describe("default: the brokers' default.replication.factor"),
  configs: configValues.optional().describe("topic configs from the virtual cluster's allowlist"),
});
export const createdTopic = z.object({ name: z.string(), topicId: z.string().optional(), partitions: z.int(), replicationFactor: z.int() });
export const partitionCount = z.strictObject({ count: z.int().min(1).describe("the new total") });
export const grownTopic = z.object({ partitions: z.int() });
const configSource = z.string().describe("Kafka's config source, e.g. DYNAMIC_TOPIC_CONFIG, DEFAULT_CONFIG");
export const topicConfig = z.object({
  name: z.string(),
  value: z.string().nullable(),
  source: configSource,
  default: z.object({ name: z.string(), value: z.string().nullable(), source: configSource }).nullable(),
  readOnly: z.boolean(),
  sensitive: z.boolean(),
});
export const topicConfigList = z.object({ configs: z.array(topicConfig) });
export const topicConfigChange = z.strictObject({ set: configValues.optional(), delete: z.array(z.string()).optional().describe("back to the default") });
