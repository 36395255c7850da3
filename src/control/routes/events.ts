// The event log, read with filters by virtual cluster, type and time. A scoped token reads only its own events.
import { z } from "zod";
import { requireInScope } from "../auth.js";
import type { RouteGroup } from "../control-api.js";
import { EVENT_TYPES, gatewayEvent } from "../api-schemas.js";
import { isoTime, limit } from "./schemas.js";

export const eventRoutes: RouteGroup = (app, { events }) => {
  app.get("/api/v1/events", {
    config: { role: "viewer" },
    schema: {
      summary: "Exceptional events per virtual cluster (authentication failures, throttling, refusals, upstream unreachable, rejected configs)",
      querystring: z.object({ virtualCluster: z.string().optional(), type: z.enum(EVENT_TYPES).optional(), since: isoTime.optional(), until: isoTime.optional(), limit }),
      response: { 200: z.object({ events: z.array(gatewayEvent) }) },
    },
  }, async (request) => {
    const { virtualCluster, ...filter } = request.query;
    if (virtualCluster !== undefined) requireInScope(request.caller, virtualCluster);
    const only = virtualCluster ?? request.caller.virtualCluster;
    return { events: events.read({ ...filter, virtualClusters: only === undefined ? undefined : [only] }) };
  });
};
