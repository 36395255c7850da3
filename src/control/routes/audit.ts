// The audit log, read with filters. A scoped token reads only its virtual cluster's entries.
import { requireInScope } from "../auth.js";
import type { RouteGroup } from "../control-api.js";
import { auditList, auditQuery } from "../schemas/audit.js";

export const auditRoutes: RouteGroup = (app, { configs }) => {
  app.get("/api/v1/audit", {
    config: { role: "viewer" },
    schema: {
      summary: "Control-plane changes: who, when, what, before and after (secrets redacted)",
      querystring: auditQuery,
      response: { 200: auditList },
    },
  }, async (request) => {
    const scope = request.caller.virtualCluster;
    if (request.query.virtualCluster !== undefined) requireInScope(request.caller, request.query.virtualCluster);
    const entries = await configs.audit.read({ ...request.query, virtualCluster: scope ?? request.query.virtualCluster });
    return { entries };
  });
};
