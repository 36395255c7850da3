// The audit log, read with filters. A scoped token reads only its virtual cluster's entries.
import { z } from "zod";
import { requireInScope } from "../auth.js";
import type { RouteGroup } from "../control-api.js";
import { isoTime, limit } from "./schemas.js";

const entry = z.object({
  at: z.string(),
  who: z.string(),
  action: z.string(),
  virtualCluster: z.string().optional(),
  version: z.int().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

export const auditRoutes: RouteGroup = (app, { configs }) => {
  app.get("/api/v1/audit", {
    config: { role: "viewer" },
    schema: {
      summary: "Control-plane changes: who, when, what, before and after (secrets redacted)",
      querystring: z.object({
        who: z.string().optional().describe("a token name"),
        action: z.string().optional().describe("part of the action, e.g. limits or rollback"),
        virtualCluster: z.string().optional(),
        since: isoTime.optional(),
        until: isoTime.optional(),
        limit,
      }),
      response: { 200: z.object({ entries: z.array(entry) }) },
    },
  }, async (request) => {
    const scope = request.caller.virtualCluster;
    if (request.query.virtualCluster !== undefined) requireInScope(request.caller, request.query.virtualCluster);
    const entries = await configs.audit.read({ ...request.query, virtualCluster: scope ?? request.query.virtualCluster });
    return { entries };
  });
};
