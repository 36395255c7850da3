// Search a partition's messages for a text (src/admin/message-search.ts): one bounded step of a scan that the caller
// resumes at `nextOffset` until it reaches `endOffset`, showing progress and free to stop between steps. A caller
// that goes away mid-step stops it too. The virtual cluster's ACLs and fetch byte rates apply to every read (viewer).
import type { RouteGroup } from "../control-api.js";
import { partitionParams, searchQuery, searchResult } from "../schemas/messages.js";
import { asTenant } from "./tenant-operation.js";

export const messageSearchRoutes: RouteGroup = (app, api) => {
  app.get("/api/v1/virtual-clusters/:name/topics/:topic/partitions/:partition/messages/search", {
    config: { role: "viewer" },
    schema: {
      summary: "Search a partition for messages containing a text: one bounded step of a resumable scan",
      params: partitionParams,
      querystring: searchQuery,
      response: { 200: searchResult },
    },
  }, async (request, reply) => {
    const { contains, fromOffset, maxScanned, maxMatches, encoding: enc } = request.query;
    const { topic, partition } = request.params;
    const gone = new AbortController();
    reply.raw.on("close", () => gone.abort());
    const found = await asTenant(
      api,
      request.caller,
      request.params.name,
      "searchMessages",
      { topic, partition, fromOffset, contains: Buffer.from(contains, "utf8"), maxScanned, maxMatches },
      gone.signal,
    );
    const text = (b: Buffer | null) => (b === null ? null : b.toString(enc));
    return { ...found, matches: found.matches.map((m) => ({ ...m, key: text(m.key), value: text(m.value), headers: m.headers.map((h) => ({ key: h.key, value: text(h.value) })) })) };
  });
};
