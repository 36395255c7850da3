// SASL users of a virtual cluster (operator). A password arrives only to be hashed at once into SCRAM-SHA-256 and
// SCRAM-SHA-512 credentials (salted, as `bulkhead credentials hash` makes them); it is never stored, logged or echoed.
import { formatScramCredential } from "../../security/credential-format.js";
import { scramCredentialAsync } from "../../security/scram.js";
import { ApiError, notFound } from "../api-error.js";
import { requireInScope } from "../auth.js";
import { plainVirtualCluster, userIndex, virtualClusterIndex } from "../config-document.js";
import type { RouteGroup } from "../control-api.js";
import { changed, virtualClusterParams } from "../schemas/shared.js";
import { newUser, userList, userParams } from "../schemas/users.js";

export const userRoutes: RouteGroup = (app, { configs }) => {
  const subject = (name: string) => (document: unknown) => plainVirtualCluster(document, name)?.users ?? [];

  app.get("/api/v1/virtual-clusters/:name/users", {
    config: { role: "viewer" },
    schema: { summary: "A virtual cluster's users and the SCRAM mechanisms they have credentials for", params: virtualClusterParams, response: { 200: userList } },
  }, async (request) => {
    requireInScope(request.caller, request.params.name);
    const vc = plainVirtualCluster(configs.document(), request.params.name);
    if (vc === undefined) throw notFound(`virtual cluster "${request.params.name}"`);
    const users = (Array.isArray(vc.users) ? vc.users : []) as Record<string, unknown>[];
    return {
      users: users.map((u) => ({
        name: String(u.name),
        mechanisms: (["SCRAM-SHA-256", "SCRAM-SHA-512"] as const).filter((m) => u[m === "SCRAM-SHA-256" ? "scramSha256" : "scramSha512"] !== undefined),
      })),
    };
  });

  app.post("/api/v1/virtual-clusters/:name/users", {
    config: { role: "operator" },
    schema: { summary: "Add a SASL user (SCRAM-SHA-256 and SCRAM-SHA-512); it can log in at once", params: virtualClusterParams, body: newUser, response: { 201: changed } },
  }, async (request, reply) => {
    const { name } = request.params;
    requireInScope(request.caller, name);
    const { name: userName, password, iterations } = request.body;
    // Hashed off the event loop (libuv's thread pool), both at once: the data plane shares this thread.
    const [sha256, sha512] = await Promise.all([scramCredentialAsync("SCRAM-SHA-256", password, iterations), scramCredentialAsync("SCRAM-SHA-512", password, iterations)]);
    const entry = { name: userName, scramSha256: formatScramCredential(sha256), scramSha512: formatScramCredential(sha512) };
    const version = await configs.change({
      who: request.caller.name,
      action: `POST /api/v1/virtual-clusters/${name}/users (${userName})`,
      virtualCluster: name,
      subject: subject(name),
      edit: (doc) => {
        const vc = virtualClusterIndex(doc, name);
        if (userIndex(doc, vc, userName) >= 0) throw new ApiError(409, "conflict", `user "${userName}" exists in virtual cluster "${name}"`);
        const users = ["virtualClusters", vc, "users"];
        if (doc.hasIn(users)) doc.addIn(users, doc.createNode(entry));
        else doc.setIn(users, doc.createNode([entry])); // addIn would make a map
      },
    });
    return reply.code(201).send({ version });
  });

  app.delete("/api/v1/virtual-clusters/:name/users/:user", {
    config: { role: "operator" },
    schema: { summary: "Remove a user; its open sessions stay, new logins fail", params: userParams, response: { 200: changed } },
  }, async (request) => {
    const { name, user: userName } = request.params;
    requireInScope(request.caller, name);
    const version = await configs.change({
      who: request.caller.name,
      action: `DELETE /api/v1/virtual-clusters/${name}/users/${userName}`,
      virtualCluster: name,
      subject: subject(name),
      edit: (doc) => {
        const vc = virtualClusterIndex(doc, name);
        const index = userIndex(doc, vc, userName);
        if (index < 0) throw notFound(`user "${userName}"`);
        doc.deleteIn(["virtualClusters", vc, "users", index]);
      },
    });
    return { version };
  });
};
