// Virtual clusters as the admin API reads and writes them: the config file's own `virtualClusters[]` entries.
import { z } from "zod";
import { listener } from "../../config/listener.js";
import { unreadSecret } from "../../config/secret-reference.js";
import { user } from "../../config/user.js";
import { asWritten } from "../../config/written-form.js";
import { aclsSection } from "./acls.js";
import { limitsSection } from "./limits.js";

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

/** A listener as the config file writes it (secrets redacted). */
export const listenerSection = asWritten(listener(unreadSecret));

/** A virtualClusters[] entry as the config file writes it, secrets redacted: what GET answers. */
export const configuredVirtualCluster = virtualClusterEntry
  .extend({
    topicConfigAllowlist: z.array(z.string()).optional(),
    deniedApis: z.array(z.string()).optional(),
    listeners: z.array(listenerSection),
    users: z.array(asWritten(user(() => unreadSecret))).optional(),
    limits: limitsSection.optional(),
    acls: aclsSection.optional(),
  })
  .describe("a virtualClusters[] entry as the config file writes it (secrets redacted)");

export const virtualClusterList = z.object({ virtualClusters: z.array(configuredVirtualCluster) });
