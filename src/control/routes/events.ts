// The event log, read with filters by virtual cluster, type and time. A scoped token reads only its own events.
import { requireInScope } from "../auth.js";
import type { RouteGroup } from "../control-api.js";
import { eventList, eventQuery } from "../schemas/events.js";

export const eventRoutes: RouteGroup = (app, { events }) => {
  app.get("/api/v1/events", {
    config: { role: "viewer" },
    schema: {
      summary: "Exceptional events per virtual cluster (authentication failures, throttling, refusals, upstream unreachable, rejected configs)",
      querystring: eventQuery,
      response: { 200: eventList },
    },
  }, async (request) => {
    const { virtualCluster, ...filter } = request.query;
    if (virtualCluster !== undefined) requireInScope(request.caller, virtualCluster);
    const only = virtualCluster ?? request.caller.virtualCluster;
    return { events: await events.read({ ...filter, virtualClusters: only === undefined ? undefined : [only] }) };
  });
};
