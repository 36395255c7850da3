// Physical clusters as the admin API lists them (GET /api/v1/physical-clusters): as configured, credentials redacted.
import { z } from "zod";
import { configSection } from "./shared.js";

export const physicalClusterList = z.object({ clusters: z.array(configSection) });
