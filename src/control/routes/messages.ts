// Messages of a tenant's topic (src/admin/messages.ts): send a test message (operator), read the latest N of a
// partition or those from a timestamp or an offset on, bounded in count and bytes (viewer). Keys, values and header
// values are text in the request's `encoding`: utf8 (default) or base64 for binary data.
import { z } from "zod";
import { MAX_READ_BYTES, MAX_READ_COUNT, readMessages, sendMessage } from "../../admin/messages.js";
import type { RouteGroup } from "../control-api.js";
import { virtualClusterParams } from "./schemas.js";
import { asTenant } from "./tenant-operation.js";

const encoding = z.enum(["utf8", "base64"]).default("utf8").describe("how keys, values and header values are written as text");
const topicParams = virtualClusterParams.extend({ topic: z.string().min(1) });
const bytes = z.string().nullable();
const header = z.object({ key: z.string(), value: bytes });
const testMessage = z.strictObject({
  partition: z.int().min(0).default(0),
  key: bytes.default(null),
  value: bytes,
  headers: z.array(header).default([]),
  encoding,
});
const readQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_READ_COUNT).default(20).describe("at most this many messages"),
  fromTimestamp: z.coerce.number().int().min(0).optional().describe("from the first message at or after this time (ms since the epoch); default: the latest `limit`"),
  fromOffset: z.coerce.number().int().min(0).optional().describe("from this offset on (kept within the partition's log); wins over fromTimestamp"),
  maxBytes: z.coerce.number().int().min(1).max(MAX_READ_BYTES).default(1024 * 1024).describe("about this many record bytes at most (at least one batch)"),
  encoding,
});
const readResult = z.object({
  messages: z.array(z.object({ offset: z.number(), timestamp: z.number(), key: bytes, value: bytes, headers: z.array(header) })),
  notShown: z.array(z.object({ fromOffset: z.number(), toOffset: z.number(), compression: z.string() })).describe("batches compressed with snappy, lz4 or zstd: not decoded"),
  nextOffset: z.number(),
});

export const messageRoutes: RouteGroup = (app, api) => {
  app.post("/api/v1/virtual-clusters/:name/topics/:topic/messages", {
    config: { role: "operator" },
    schema: { summary: "Send one test message", params: topicParams, body: testMessage, response: { 201: z.object({ topic: z.string(), partition: z.int(), offset: z.number() }) } },
  }, async (request, reply) => {
    // Bodies reach handlers as sent (validation.ts): parsed again here for the defaults.
    const { partition, key, value, headers, encoding: enc } = testMessage.parse(request.body);
    const buffer = (text: string | null) => (text === null ? null : Buffer.from(text, enc));
    const sent = await asTenant(api, request.caller, request.params.name, (client) =>
      sendMessage(client, { topic: request.params.topic, partition, key: buffer(key), value: buffer(value), headers: headers.map((h) => ({ key: h.key, value: buffer(h.value) })) }),
    );
    return reply.code(201).send(sent);
  });

  app.get("/api/v1/virtual-clusters/:name/topics/:topic/partitions/:partition/messages", {
    config: { role: "viewer" },
    schema: { summary: "Read a partition's latest messages, or those from a timestamp on", params: topicParams.extend({ partition: z.coerce.number().int().min(0) }), querystring: readQuery, response: { 200: readResult } },
  }, async (request) => {
    const { limit, fromTimestamp, fromOffset, maxBytes, encoding: enc } = request.query;
    const { topic, partition } = request.params;
    const read = await asTenant(api, request.caller, request.params.name, (client) => readMessages(client, { topic, partition, limit, maxBytes, ...(fromTimestamp !== undefined && { fromTimestamp }), ...(fromOffset !== undefined && { fromOffset }) }));
    const text = (b: Buffer | null) => (b === null ? null : b.toString(enc));
    return { ...read, messages: read.messages.map((m) => ({ ...m, key: text(m.key), value: text(m.value), headers: m.headers.map((h) => ({ key: h.key, value: text(h.value) })) })) };
  });
};
