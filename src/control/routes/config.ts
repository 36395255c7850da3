// The config as a whole: reload it from the store, list and read kept versions, diff two, roll back to one.
// Gateway-wide, so unscoped tokens only; documents are served redacted.
import { createTwoFilesPatch } from "diff";
import { notFound } from "../api-error.js";
import { requireUnscoped } from "../auth.js";
import type { RouteGroup } from "../control-api.js";
import { redactYaml } from "../redact.js";
import { configDiff, diffQuery, keptVersion, reloadResult, rollbackRequest, versionList, versionParams } from "../schemas/config.js";
import { changed } from "../schemas/shared.js";

export const configRoutes: RouteGroup = (app, { configs }) => {
  app.post("/api/v1/config/reload", {
    config: { role: "admin" },
    schema: { summary: "Read the config file again and apply it (a bad file is refused; the old config stays)", response: { 200: reloadResult } },
  }, async (request) => {
    requireUnscoped(request.caller);
    return configs.reload("api", request.caller.name);
  });

  app.get("/api/v1/config/versions", {
    config: { role: "viewer" },
    schema: { summary: "The kept config versions, oldest first", response: { 200: versionList } },
  }, async (request) => {
    requireUnscoped(request.caller);
    return { versions: await configs.history.list() };
  });

  app.get("/api/v1/config/versions/:version", {
    config: { role: "viewer" },
    schema: { summary: "One version: who made it, and the document (secrets redacted)", params: versionParams, response: { 200: keptVersion } },
  }, async (request) => {
    requireUnscoped(request.caller);
    const kept = await configs.history.get(request.params.version);
    if (kept === undefined) throw notFound(`config version ${request.params.version}`);
    return { version: kept.info, document: redactYaml(kept.text) };
  });

  app.get("/api/v1/config/diff", {
    config: { role: "viewer" },
    schema: {
      summary: "A unified diff between two versions (secrets redacted)",
      querystring: diffQuery,
      response: { 200: configDiff },
    },
  }, async (request) => {
    requireUnscoped(request.caller);
    const { from, to } = request.query;
    const [a, b] = await Promise.all([configs.history.get(from), configs.history.get(to)]);
    if (a === undefined) throw notFound(`config version ${from}`);
    if (b === undefined) throw notFound(`config version ${to}`);
    return { from, to, diff: createTwoFilesPatch(`version ${from}`, `version ${to}`, redactYaml(a.text), redactYaml(b.text)) };
  });

  app.post("/api/v1/config/rollback", {
    config: { role: "admin" },
    schema: { summary: "Make an earlier version the config in force (as a new version)", body: rollbackRequest, response: { 200: changed } },
  }, async (request) => {
    requireUnscoped(request.caller);
    return { version: await configs.rollback(request.body.version, request.caller.name) };
  });
};
