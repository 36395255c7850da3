// Answers of the admin API that the console (ui/) reads, in a module that imports zod only: the console's type check
// (ui/tsconfig.json: browser types, no Node) imports their inferred types, so a change here that breaks the console
// fails `npm run typecheck`. Route groups and the logs behind them use these same schemas.
import { z } from "zod";

export const EVENT_TYPES = ["authentication_failed", "throttled", "refused", "upstream_unreachable", "config_rejected"] as const;

export const gatewayEvent = z.object({
  at: z.string(),
  lastAt: z.string(),
  virtualCluster: z.string().optional(),
  type: z.enum(EVENT_TYPES),
  message: z.string(),
  count: z.int(),
});

export const auditEntry = z.object({
  at: z.string(),
  who: z.string(),
  action: z.string(),
  virtualCluster: z.string().optional(),
  version: z.int().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
