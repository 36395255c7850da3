// A section of one virtual cluster (limits, acls) read and replaced as a whole: GET (viewer), PUT (operator), DELETE
// (operator, back to none). The body, and the answer (secrets redacted), is the section as the config file writes it.
import type { z } from "zod";
import { notFound } from "../api-error.js";
import { requireInScope } from "../auth.js";
import { plainVirtualCluster, virtualClusterIndex } from "../config-document.js";
import type { ControlApi, ControlApp } from "../control-api.js";
import { redact } from "../redact.js";
import { changed, virtualClusterParams } from "../schemas/shared.js";

export function tenantSectionRoutes(app: ControlApp, { configs }: ControlApi, key: string, body: z.ZodType, answer: z.ZodType, what: string): void {
  const url = `/api/v1/virtual-clusters/:name/${key}`;
  const section = (name: string) => (document: unknown) => plainVirtualCluster(document, name)?.[key];
  const change = (name: string, who: string, method: string, value: unknown) =>
    configs.change({
      who,
      action: `${method} /api/v1/virtual-clusters/${name}/${key}`,
      virtualCluster: name,
      subject: section(name),
      edit: (doc) => {
        const path = ["virtualClusters", virtualClusterIndex(doc, name), key];
        if (value === undefined) doc.deleteIn(path);
        else doc.setIn(path, doc.createNode(value));
      },
    });

  app.get(url, {
    config: { role: "viewer" },
    schema: { summary: `A virtual cluster's ${what}`, params: virtualClusterParams, response: { 200: answer } },
  }, async (request) => {
    requireInScope(request.caller, request.params.name);
    const vc = plainVirtualCluster(configs.document(), request.params.name);
    if (vc === undefined) throw notFound(`virtual cluster "${request.params.name}"`);
    return { [key]: redact(vc[key] ?? null) };
  });

  app.put(url, {
    config: { role: "operator" },
    schema: { summary: `Replace a virtual cluster's ${what}; applies to open connections at once`, params: virtualClusterParams, body, response: { 200: changed } },
  }, async (request) => {
    requireInScope(request.caller, request.params.name);
    return { version: await change(request.params.name, request.caller.name, "PUT", request.body) };
  });

  app.delete(url, {
    config: { role: "operator" },
    schema: { summary: `Remove a virtual cluster's ${what}`, params: virtualClusterParams, response: { 200: changed } },
  }, async (request) => {
    requireInScope(request.caller, request.params.name);
    return { version: await change(request.params.name, request.caller.name, "DELETE", undefined) };
  });
}
