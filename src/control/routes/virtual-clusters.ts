// Virtual clusters (admin): list, read, create, change and delete, with their listeners, prefix and physical
// cluster. Bodies are the config file's own `virtualClusters[]` entries; the whole new config is validated before
// anything changes. A scoped token sees and changes only its own virtual cluster.
import type { z } from "zod";
import { ApiError, notFound } from "../api-error.js";
import { inScope, requireInScope, requireUnscoped } from "../auth.js";
import { plainVirtualCluster, plainVirtualClusters, virtualClusterIndex } from "../config-document.js";
import type { RouteGroup } from "../control-api.js";
import { redact } from "../redact.js";
import { changed, virtualClusterParams } from "../schemas/shared.js";
import { configuredVirtualCluster, virtualClusterEntry, virtualClusterList, virtualClusterPatch } from "../schemas/virtual-clusters.js";

/** The document in force is a valid config, so each entry is written as the schema says (the serializer checks it). */
const configured = (vc: Record<string, unknown>) => redact(vc) as z.infer<typeof configuredVirtualCluster>;

export const virtualClusterRoutes: RouteGroup = (app, { configs }) => {
  const subject = (name: string) => (document: unknown) => plainVirtualCluster(document, name);

  app.get("/api/v1/virtual-clusters", {
    config: { role: "viewer" },
    schema: { summary: "Virtual clusters (a scoped token: its own)", response: { 200: virtualClusterList } },
  }, async (request) => ({
    virtualClusters: plainVirtualClusters(configs.document()).filter((vc) => inScope(request.caller, String(vc.name))).map(configured),
  }));

  app.get("/api/v1/virtual-clusters/:name", {
    config: { role: "viewer" },
    schema: { summary: "One virtual cluster as configured", params: virtualClusterParams, response: { 200: configuredVirtualCluster } },
  }, async (request) => {
    requireInScope(request.caller, request.params.name);
    const vc = plainVirtualCluster(configs.document(), request.params.name);
    if (vc === undefined) throw notFound(`virtual cluster "${request.params.name}"`);
    return configured(vc);
  });

  app.post("/api/v1/virtual-clusters", {
    config: { role: "admin" },
    schema: { summary: "Create a virtual cluster: its listeners open at once", body: virtualClusterEntry, response: { 201: changed } },
  }, async (request, reply) => {
    requireUnscoped(request.caller);
    const body = request.body;
    const version = await configs.change({
      who: request.caller.name,
      action: `POST /api/v1/virtual-clusters (${body.name})`,
      virtualCluster: body.name,
      subject: subject(body.name),
      edit: (doc) => {
        if (plainVirtualCluster(doc.toJS(), body.name) !== undefined) throw new ApiError(409, "conflict", `virtual cluster "${body.name}" exists`);
        doc.addIn(["virtualClusters"], doc.createNode(body));
      },
    });
    return reply.code(201).send({ version });
  });

  app.patch("/api/v1/virtual-clusters/:name", {
    config: { role: "admin" },
    schema: { summary: "Change a virtual cluster's keys (listeners, prefix, physical cluster, ...)", params: virtualClusterParams, body: virtualClusterPatch, response: { 200: changed } },
  }, async (request) => {
    const { name } = request.params;
    requireInScope(request.caller, name);
    if ("name" in request.body) throw new ApiError(400, "invalid_request", "a virtual cluster can't be renamed; create another and delete this one");
    const version = await configs.change({
      who: request.caller.name,
      action: `PATCH /api/v1/virtual-clusters/${name}`,
      virtualCluster: name,
      subject: subject(name),
      edit: (doc) => {
        const index = virtualClusterIndex(doc, name);
        for (const [key, value] of Object.entries(request.body)) {
          if (value === null) doc.deleteIn(["virtualClusters", index, key]);
          else doc.setIn(["virtualClusters", index, key], doc.createNode(value));
        }
      },
    });
    return { version };
  });

  app.delete("/api/v1/virtual-clusters/:name", {
    config: { role: "admin" },
    schema: { summary: "Delete a virtual cluster: its listeners stop accepting", params: virtualClusterParams, response: { 200: changed } },
  }, async (request) => {
    const { name } = request.params;
    requireInScope(request.caller, name);
    const version = await configs.change({
      who: request.caller.name,
      action: `DELETE /api/v1/virtual-clusters/${name}`,
      virtualCluster: name,
      subject: subject(name),
      edit: (doc) => void doc.deleteIn(["virtualClusters", virtualClusterIndex(doc, name)]),
    });
    return { version };
  });
};
