// Physical clusters as the admin API lists them (GET /api/v1/physical-clusters): as configured, credentials redacted.
import { z } from "zod";
import { physicalCluster } from "../../config/physical-cluster.js";
import { unreadSecret } from "../../config/secret-reference.js";
import { asWritten } from "../../config/written-form.js";

/** A clusters[] entry as the config file writes it, credentials redacted. */
export const configuredPhysicalCluster = asWritten(physicalCluster(unreadSecret)).describe("a clusters[] entry as the config file writes it (credentials redacted)");

export const physicalClusterList = z.object({ clusters: z.array(configuredPhysicalCluster) });
