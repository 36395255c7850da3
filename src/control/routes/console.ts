// The console (ui/, built into dist/console/ by `npm run build`) as static files under /ui. A tiny route rather than
// a static-file plugin: the build writes three files, read once here, so no path from a request ever reaches the
// file system. Public like /healthz: the page holds no data; the user pastes a token, which only the API checks.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RouteGroup } from "../control-api.js";

const TYPES: Readonly<Record<string, string>> = {
  "index.html": "text/html; charset=utf-8",
  "console.js": "text/javascript; charset=utf-8",
  "console.css": "text/css; charset=utf-8",
};

/** dist/console next to dist/control (the built gateway), or the build's output when running from src/ with tsx. */
const CANDIDATES = ["../../console/", "../../../dist/console/"].map((dir) => fileURLToPath(new URL(dir, import.meta.url)));

export const consoleRoutes: RouteGroup = (app) => {
  const dir = CANDIDATES.find((d) => existsSync(`${d}index.html`));
  if (dir === undefined) {
    app.get("/ui", async (_request, reply) => reply.code(404).type("text/plain").send("the console is not built: run npm run build\n"));
    return;
  }
  const files = new Map(
    Object.entries(TYPES).map(([file, type]) => {
      const body = readFileSync(`${dir}${file}`);
      return [file, { type, body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` }];
    }),
  );
  app.get("/ui", async (_request, reply) => reply.redirect("/ui/"));
  app.get("/ui/*", { schema: { hide: true } }, async (request, reply) => {
    const wanted = (request.params as { "*": string })["*"];
    // Any other path is a page of the single-page app: it gets index.html, which must never be cached stale.
    const file = files.get(wanted) ?? files.get("index.html")!;
    // The names carry no hash, so a browser revalidates every time: a 304 costs a round trip, never a stale console.
    reply.header("cache-control", "no-cache").header("etag", file.etag).header("x-content-type-options", "nosniff");
    if (request.headers["if-none-match"] === file.etag) return reply.code(304).send();
    return reply.type(file.type).send(file.body);
  });
};
