// The audit log, read with filters. A scoped token reads only its virtual cluster's entries.
import { z } from "zod";
import { auditEntry } from "../api-schemas.js";
import { requireInScope } from "../auth.js";
import type { RouteGroup } from "../control-api.js";
import { isoTime, limit } from "./schemas.js";

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
      response: { 200: z.object({ entries: z.array(auditEntry) }) },
    },
  }, async (request) => {
    const scope = request.caller.virtualCluster;
    if (request.query.virtualCluster !== undefined) requireInScope(request.caller, request.query.virtualCluster);
    const entries = await configs.audit.read({ ...request.query, virtualCluster: scope ?? request.query.virtualCluster });
    return { entries };
  });
};
