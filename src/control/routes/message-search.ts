// Search a partition's messages for a text (src/admin/message-search.ts): one bounded step of a scan that the caller
// resumes at `nextOffset` until it reaches `endOffset`, showing progress and free to stop between steps. A caller
// that goes away mid-step stops it too. The virtual cluster's ACLs and fetch byte rates apply to every read (viewer).
import { z } from "zod";
import { MAX_MATCHES, MAX_SCANNED, searchMessages } from "../../admin/message-search.js";
import type { RouteGroup } from "../control-api.js";
import { virtualClusterParams } from "./schemas.js";
import { asTenant } from "./tenant-operation.js";

const encoding = z.enum(["utf8", "base64"]).default("utf8").describe("how keys, values and header values are written as text");
const bytes = z.string().nullable();
const searchQuery = z.object({
  contains: z.string().min(1).describe("UTF-8 text to find in a key, a value or a header value"),
  fromOffset: z.coerce.number().int().min(0).default(0),
  maxScanned: z.coerce.number().int().min(1).max(MAX_SCANNED).default(1000).describe("read at most this many messages in this step"),
  maxMatches: z.coerce.number().int().min(1).max(MAX_MATCHES).default(100),
  encoding,
});
const searchResult = z.object({
  matches: z.array(z.object({ offset: z.number(), timestamp: z.number(), key: bytes, value: bytes, headers: z.array(z.object({ key: z.string(), value: bytes })) })),
  scanned: z.int(),
  nextOffset: z.number().describe("where the next step resumes"),
  endOffset: z.number().describe("the log end offset when this step began: the scan is done once nextOffset reaches it"),
});

export const messageSearchRoutes: RouteGroup = (app, api) => {
  app.get("/api/v1/virtual-clusters/:name/topics/:topic/partitions/:partition/messages/search", {
    config: { role: "viewer" },
    schema: {
      summary: "Search a partition for messages containing a text: one bounded step of a resumable scan",
      params: virtualClusterParams.extend({ topic: z.string().min(1), partition: z.coerce.number().int().min(0) }),
      querystring: searchQuery,
      response: { 200: searchResult },
    },
  }, async (request, reply) => {
    const { contains, fromOffset, maxScanned, maxMatches, encoding: enc } = request.query;
    const { topic, partition } = request.params;
    const gone = new AbortController();
    reply.raw.on("close", () => gone.abort());
    const found = await asTenant(api, request.caller, request.params.name, (client) =>
      searchMessages(client, { topic, partition, fromOffset, contains: Buffer.from(contains, "utf8"), maxScanned, maxMatches, signal: gone.signal }),
    );
    const text = (b: Buffer | null) => (b === null ? null : b.toString(enc));
    return { ...found, matches: found.matches.map((m) => ({ ...m, key: text(m.key), value: text(m.value), headers: m.headers.map((h) => ({ key: h.key, value: text(h.value) })) })) };
  });
};
