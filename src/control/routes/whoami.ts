// Who the caller's token is: its name, role and scope. The console asks this once, to show only what the token may do
// and to take a tenant's token straight to its own virtual cluster (the API still checks every call).
import { z } from "zod";
import { CONTROL_ROLES } from "../../config/control.js";
import type { RouteGroup } from "../control-api.js";

export const whoamiRoutes: RouteGroup = (app) => {
  app.get("/api/v1/whoami", {
    config: { role: "viewer" },
    schema: {
      summary: "The caller's token: name, role and the virtual cluster it is scoped to (none: every one)",
      response: { 200: z.object({ name: z.string(), role: z.enum(CONTROL_ROLES), virtualCluster: z.string().nullable() }) },
    },
  }, async (request) => ({ name: request.caller.name, role: request.caller.role, virtualCluster: request.caller.virtualCluster ?? null }));
};
