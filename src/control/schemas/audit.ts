// The audit log as the admin API serves it (GET /api/v1/audit).
import { z } from "zod";
import { isoTime, limit } from "./shared.js";

export const auditEntry = z.object({
  at: z.string(),
  who: z.string(),
  action: z.string(),
  virtualCluster: z.string().optional(),
  version: z.int().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

export const auditQuery = z.object({
  who: z.string().optional().describe("a token name"),
  action: z.string().optional().describe("part of the action, e.g. limits or rollback"),
  virtualCluster: z.string().optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
  limit,
});
export const auditList = z.object({ entries: z.array(auditEntry) });
