// Physical clusters (admin, unscoped tokens): listed as configured, credentials redacted.
import { z } from "zod";
import { requireUnscoped } from "../auth.js";
import { plainPhysicalClusters } from "../config-document.js";
import type { RouteGroup } from "../control-api.js";
import { redact } from "../redact.js";
import { configSection } from "./schemas.js";

export const physicalClusterRoutes: RouteGroup = (app, { configs }) => {
  app.get("/api/v1/physical-clusters", {
    config: { role: "admin" },
    schema: { summary: "The physical Kafka clusters (credentials redacted)", response: { 200: z.object({ clusters: z.array(configSection) }) } },
  }, async (request) => {
    requireUnscoped(request.caller);
    return { clusters: plainPhysicalClusters(configs.document()).map(redact) };
  });
};
