// A tenant's open client connections, from the gateway's session table: who (client id, principal), from where,
// on which listener, and the bytes each moved. A broker console can't show these; only the gateway sees them.
import { notFound } from "../api-error.js";
import { requireInScope } from "../auth.js";
import type { RouteGroup } from "../control-api.js";
import { connectionList } from "../schemas/connections.js";
import { virtualClusterParams } from "../schemas/shared.js";

export const connectionRoutes: RouteGroup = (app, api) => {
  app.get("/api/v1/virtual-clusters/:name/connections", {
    config: { role: "viewer" },
    schema: { summary: "A virtual cluster's open client connections", params: virtualClusterParams, response: { 200: connectionList } },
  }, async (request) => {
    const name = request.params.name;
    requireInScope(request.caller, name);
    if (!api.configs.config.virtualClusters.some((vc) => vc.name === name)) throw notFound(`virtual cluster "${name}"`);
    const sessions = ((await api.sessions?.()) ?? []).filter((s) => s.virtualCluster?.name === name);
    return {
      connections: sessions.map((s) => ({
        id: s.id,
        openedAt: new Date(s.openedAt).toISOString(),
        clientId: s.clientId,
        principal: s.principal === undefined ? null : `${s.principal.type}:${s.principal.name}`,
        address: s.remote,
        listener: s.endpoint.listener.name,
        target: s.target.kind === "bootstrap" ? "bootstrap" : `broker ${s.target.nodeId}`,
        requests: s.counters.requests,
        bytesFromClient: s.counters.bytesFromClient,
        bytesToClient: s.counters.bytesToClient,
      })),
    };
  });
};
