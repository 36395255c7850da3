// A tenant's topics (src/admin/topics.ts): list with partitions, size and throughput (viewer); create, add
// partitions, alter configs and delete (operator); configs with their defaults (viewer).
import { z } from "zod";
import type { RouteGroup } from "../control-api.js";
import { virtualClusterParams } from "../schemas/shared.js";
import { createdTopic, grownTopic, newTopic, partitionCount, topicConfigChange, topicConfigList, topicList, topicParams } from "../schemas/topics.js";
import { asTenant } from "./tenant-operation.js";

export const topicRoutes: RouteGroup = (app, api) => {
  const url = "/api/v1/virtual-clusters/:name/topics";

  app.get(url, {
    config: { role: "viewer" },
    schema: { summary: "A tenant's topics with partitions, replication, size on disk and throughput", params: virtualClusterParams, response: { 200: topicList } },
  }, async (request) => ({ topics: await asTenant(api, request.caller, request.params.name, "listTopics", undefined) }));

  app.post(url, {
    config: { role: "operator" },
    schema: { summary: "Create a topic (the virtual cluster's caps, config allowlist and ACLs apply)", params: virtualClusterParams, body: newTopic, response: { 201: createdTopic } },
  }, async (request, reply) => reply.code(201).send(await asTenant(api, request.caller, request.params.name, "createTopic", request.body)));

  app.post(`${url}/:topic/partitions`, {
    config: { role: "operator" },
    schema: { summary: "Grow a topic to `count` partitions", params: topicParams, body: partitionCount, response: { 200: grownTopic } },
  }, async (request) => {
    await asTenant(api, request.caller, request.params.name, "addPartitions", { topic: request.params.topic, count: request.body.count });
    return { partitions: request.body.count };
  });

  app.get(`${url}/:topic/configs`, {
    config: { role: "viewer" },
    schema: { summary: "A topic's configs with their sources and defaults", params: topicParams, response: { 200: topicConfigList } },
  }, async (request) => ({ configs: await asTenant(api, request.caller, request.params.name, "describeTopicConfigs", { topic: request.params.topic }) }));

  app.patch(`${url}/:topic/configs`, {
    config: { role: "operator" },
    schema: {
      summary: "Set and remove topic configs (only those of the virtual cluster's allowlist)",
      params: topicParams,
      body: topicConfigChange,
      response: { 204: z.null().describe("altered") },
    },
  }, async (request, reply) => {
    await asTenant(api, request.caller, request.params.name, "alterTopicConfigs", { topic: request.params.topic, changes: request.body });
    return reply.code(204).send(null);
  });

  app.delete(`${url}/:topic`, {
    config: { role: "operator" },
    schema: { summary: "Delete a topic", params: topicParams, response: { 204: z.null().describe("deleted") } },
  }, async (request, reply) => {
    await asTenant(api, request.caller, request.params.name, "deleteTopic", { topic: request.params.topic });
    return reply.code(204).send(null);
  });
};
