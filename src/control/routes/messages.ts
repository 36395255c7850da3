// Messages of a tenant's topic (src/admin/messages.ts): send a test message (operator), read the latest N of a
// partition or those from a timestamp or an offset on, bounded in count and bytes (viewer). Keys, values and header
// values are text in the request's `encoding`: utf8 (default) or base64 for binary data.
import type { RouteGroup } from "../control-api.js";
import { messageTopicParams, partitionParams, readQuery, readResult, sentMessage, testMessage } from "../schemas/messages.js";
import { asTenant } from "./tenant-operation.js";

export const messageRoutes: RouteGroup = (app, api) => {
  app.post("/api/v1/virtual-clusters/:name/topics/:topic/messages", {
    config: { role: "operator" },
    schema: { summary: "Send one test message", params: messageTopicParams, body: testMessage, response: { 201: sentMessage } },
  }, async (request, reply) => {
    // Bodies reach handlers as sent (validation.ts): parsed again here for the defaults.
    const { partition, key, value, headers, encoding: enc } = testMessage.parse(request.body);
    const buffer = (text: string | null) => (text === null ? null : Buffer.from(text, enc));
    const sent = await asTenant(api, request.caller, request.params.name, "sendMessage", {
      topic: request.params.topic,
      partition,
      key: buffer(key),
      value: buffer(value),
      headers: headers.map((h) => ({ key: h.key, value: buffer(h.value) })),
    });
    return reply.code(201).send(sent);
  });

  app.get("/api/v1/virtual-clusters/:name/topics/:topic/partitions/:partition/messages", {
    config: { role: "viewer" },
    schema: { summary: "Read a partition's latest messages, or those from a timestamp on", params: partitionParams, querystring: readQuery, response: { 200: readResult } },
  }, async (request) => {
    const { limit, fromTimestamp, fromOffset, maxBytes, encoding: enc } = request.query;
    const { topic, partition } = request.params;
    const read = await asTenant(api, request.caller, request.params.name, "readMessages", { topic, partition, limit, maxBytes, ...(fromTimestamp !== undefined && { fromTimestamp }), ...(fromOffset !== undefined && { fromOffset }) });
    const text = (b: Buffer | null) => (b === null ? null : b.toString(enc));
    return { ...read, messages: read.messages.map((m) => ({ ...m, key: text(m.key), value: text(m.value), headers: m.headers.map((h) => ({ key: h.key, value: text(h.value) })) })) };
  });
};
