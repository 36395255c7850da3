// Physical clusters (admin, unscoped tokens): listed as configured, credentials redacted.
import type { z } from "zod";
import { requireUnscoped } from "../auth.js";
import { plainPhysicalClusters } from "../config-document.js";
import type { RouteGroup } from "../control-api.js";
import { redact } from "../redact.js";
import { physicalClusterList, type configuredPhysicalCluster } from "../schemas/physical-clusters.js";

/** The document in force is a valid config, so each entry is written as the schema says (the serializer checks it). */
const configured = (cluster: Record<string, unknown>) => redact(cluster) as z.infer<typeof configuredPhysicalCluster>;

export const physicalClusterRoutes: RouteGroup = (app, { configs }) => {
  app.get("/api/v1/physical-clusters", {
    config: { role: "admin" },
    schema: { summary: "The physical Kafka clusters (credentials redacted)", response: { 200: physicalClusterList } },
  }, async (request) => {
    requireUnscoped(request.caller);
    return { clusters: plainPhysicalClusters(configs.document()).map(configured) };
  });
};
