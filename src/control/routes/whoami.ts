// Who the caller's token is: its name, role and scope. The console asks this once, to show only what the token may do
// and to take a tenant's token straight to its own virtual cluster (the API still checks every call).
import type { RouteGroup } from "../control-api.js";
import { whoAmI } from "../schemas/whoami.js";

export const whoamiRoutes: RouteGroup = (app) => {
  app.get("/api/v1/whoami", {
    config: { role: "viewer" },
    schema: {
      summary: "The caller's token: name, role and the virtual cluster it is scoped to (none: every one)",
      response: { 200: whoAmI },
    },
  }, async (request) => ({ name: request.caller.name, role: request.caller.role, virtualCluster: request.caller.virtualCluster ?? null }));
};
