// The config as a whole: reload, kept versions, the diff of two, rollback.
import { z } from "zod";
import { versionInfo } from "./shared.js";

export const reloadResult = z.object({ changed: z.boolean(), version: versionInfo.optional() });
export const versionList = z.object({ versions: z.array(versionInfo) });
export const versionParams = z.object({ version: z.coerce.number().int().min(1) });
export const keptVersion = z.object({ version: versionInfo, document: z.string() });
export const diffQuery = z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) });
export const configDiff = z.object({ from: z.int(), to: z.int(), diff: z.string() });
export const rollbackRequest = z.strictObject({ version: z.int().min(1) });
