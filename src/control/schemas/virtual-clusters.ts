// Virtual clusters as the admin API reads and writes them: the config file's own `virtualClusters[]` entries.
import { z } from "zod";
import { configSection } from "./shared.js";

export const virtualClusterEntry = z
  .looseObject({
    name: z.string().min(1),
    cluster: z.string().min(1).describe("a physical cluster (clusters[].name)"),
    prefix: z.string().optional(),
    listeners: z.array(z.record(z.string(), z.unknown())).min(1),
  })
  .describe("a virtualClusters[] entry as config/README.md describes it");

/** Keys to set; a null removes the key (back to its default). */
export const virtualClusterPatch = z.record(z.string(), z.unknown()).describe("virtualClusters[] keys to set; null removes one");

export const virtualClusterList = z.object({ virtualClusters: z.array(configSection) });
