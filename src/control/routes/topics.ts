// A tenant's topics (src/admin/topics.ts): list with partitions, size and throughput (viewer); create, add
// partitions, alter configs and delete (operator); configs with their defaults (viewer).
import { z } from "zod";
import { addPartitions, alterTopicConfigs, createTopic, deleteTopic, describeTopicConfigs, listTopics } from "../../admin/topics.js";
import type { RouteGroup } from "../control-api.js";
import { virtualClusterParams } from "./schemas.js";
import { asTenant } from "./tenant-operation.js";

const topicParams = virtualClusterParams.extend({ topic: z.string().min(1).describe("the topic's name, as the tenant's clients know it") });
const configValues = z.record(z.string(), z.string());
const topicSummary = z.object({
  name: z.string(),
  partitions: z.int(),
  replicationFactor: z.int(),
  sizeBytes: z.number().nullable().describe("bytes on the brokers' disks, every replica counted; null when not readable"),
  produceBytesPerSecond: z.number(),
  fetchBytesPerSecond: z.number(),
});
const newTopic = z.strictObject({
  name: z.string().min(1),
  partitions: z.int().min(1).optional().describe("default: the brokers' num.partitions"),
  replicationFactor: z.int().min(1).optional().describe("default: the brokers' default.replication.factor"),
  configs: configValues.optional().describe("topic configs from the virtual cluster's allowlist"),
});
const configSource = z.string().describe("Kafka's config source, e.g. DYNAMIC_TOPIC_CONFIG, DEFAULT_CONFIG");
const topicConfig = z.object({
  name: z.string(),
  value: z.string().nullable(),
  source: configSource,
  default: z.object({ name: z.string(), value: z.string().nullable(), source: configSource }).nullable(),
  readOnly: z.boolean(),
  sensitive: z.boolean(),
});

export const topicRoutes: RouteGroup = (app, api) => {
  const url = "/api/v1/virtual-clusters/:name/topics";

  app.get(url, {
    config: { role: "viewer" },
    schema: { summary: "A tenant's topics with partitions, replication, size on disk and throughput", params: virtualClusterParams, response: { 200: z.object({ topics: z.array(topicSummary) }) } },
  }, async (request) => ({ topics: await asTenant(api, request.caller, request.params.name, listTopics) }));

  app.post(url, {
    config: { role: "operator" },
    schema: { summary: "Create a topic (the virtual cluster's caps, config allowlist and ACLs apply)", params: virtualClusterParams, body: newTopic, response: { 201: z.object({ name: z.string(), topicId: z.string().optional(), partitions: z.int(), replicationFactor: z.int() }) } },
  }, async (request, reply) => reply.code(201).send(await asTenant(api, request.caller, request.params.name, (client) => createTopic(client, request.body))));

  app.post(`${url}/:topic/partitions`, {
    config: { role: "operator" },
    schema: { summary: "Grow a topic to `count` partitions", params: topicParams, body: z.strictObject({ count: z.int().min(1).describe("the new total") }), response: { 200: z.object({ partitions: z.int() }) } },
  }, async (request) => {
    await asTenant(api, request.caller, request.params.name, (client) => addPartitions(client, request.params.topic, request.body.count));
    return { partitions: request.body.count };
  });

  app.get(`${url}/:topic/configs`, {
    config: { role: "viewer" },
    schema: { summary: "A topic's configs with their sources and defaults", params: topicParams, response: { 200: z.object({ configs: z.array(topicConfig) }) } },
  }, async (request) => ({ configs: await asTenant(api, request.caller, request.params.name, (client) => describeTopicConfigs(client, request.params.topic)) }));

  app.patch(`${url}/:topic/configs`, {
    config: { role: "operator" },
    schema: {
      summary: "Set and remove topic configs (only those of the virtual cluster's allowlist)",
      params: topicParams,
      body: z.strictObject({ set: configValues.optional(), delete: z.array(z.string()).optional().describe("back to the default") }),
      response: { 204: z.null().describe("altered") },
    },
  }, async (request, reply) => {
    await asTenant(api, request.caller, request.params.name, (client) => alterTopicConfigs(client, request.params.topic, request.body));
    return reply.code(204).send(null);
  });

  app.delete(`${url}/:topic`, {
    config: { role: "operator" },
    schema: { summary: "Delete a topic", params: topicParams, response: { 204: z.null().describe("deleted") } },
  }, async (request, reply) => {
    await asTenant(api, request.caller, request.params.name, (client) => deleteTopic(client, request.params.topic));
    return reply.code(204).send(null);
  });
};
