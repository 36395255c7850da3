// A virtual cluster's use of each of its configured limits (byte rates and caps), as this gateway instance enforces
// them: the numbers the usage gauges show, read from the runtime's own buckets and caps at the time of asking.
import { notFound } from "../api-error.js";
import { requireInScope } from "../auth.js";
import type { RouteGroup } from "../control-api.js";
import { virtualClusterParams } from "../schemas/shared.js";
import { usageAnswer } from "../schemas/usage.js";

export const usageRoutes: RouteGroup = (app, api) => {
  app.get("/api/v1/virtual-clusters/:name/usage", {
    config: { role: "viewer" },
    schema: { summary: "A virtual cluster's use of each configured limit (byte rates and caps) on this gateway instance", params: virtualClusterParams, response: { 200: usageAnswer } },
  }, async (request) => {
    const name = request.params.name;
    requireInScope(request.caller, name);
    const limits = await api.limitUsage?.(name);
    if (limits === undefined) throw notFound(`virtual cluster "${name}"`);
    return { at: new Date().toISOString(), limits: [...limits] };
  });
};
