// The event log as the admin API serves it (GET /api/v1/events); the event log itself keeps events of this shape.
import { z } from "zod";
import { isoTime, limit } from "./shared.js";

export const EVENT_TYPES = ["authentication_failed", "throttled", "refused", "upstream_unreachable", "config_rejected"] as const;

export const gatewayEvent = z.object({
  at: z.string(),
  lastAt: z.string(),
  virtualCluster: z.string().optional(),
  type: z.enum(EVENT_TYPES),
  message: z.string(),
  count: z.int(),
});

export const eventQuery = z.object({ virtualCluster: z.string().optional(), type: z.enum(EVENT_TYPES).optional(), since: isoTime.optional(), until: isoTime.optional(), limit });
export const eventList = z.object({ events: z.array(gatewayEvent) });
