// Schemas every route group shares: path parameters, query filters, and the version a change produced.
import { z } from "zod";

export const virtualClusterParams = z.object({ name: z.string().min(1).describe("the virtual cluster's name") });

export const versionInfo = z.object({
  version: z.int(),
  at: z.string(),
  by: z.string(),
  reason: z.string(),
});

/** What every change answers: the config version it produced. */
export const changed = z.object({ version: versionInfo });

export const limit = z.coerce.number().int().min(1).max(10_000).default(100).describe("at most this many, the newest");
export const isoTime = z.iso.datetime({ offset: true }).describe("an ISO 8601 time");
