// Control-plane HTTP server: liveness, readiness and Prometheus metrics on its own address. It never shares
// a port with the data plane (config validation forbids it) and serves nothing but these routes.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { HostPort } from "../config/types.js";
import { childLogger } from "../log.js";
import { metrics } from "../observe/metrics.js";

export interface ControlServerOptions {
  listen: HostPort;
  /** Whether the gateway can serve traffic (e.g. listeners bound, upstream reachable). */
  isReady: () => Promise<boolean>;
  /** Defaults to the gateway's metrics registry. */
  registry?: Registry;
  /** A readiness check slower than this counts as not ready, so probes get an answer in time. */
  readyTimeoutMs?: number;
}

export interface ControlServer {
  /** The bound address (the real port when `listen.port` was 0). */
  readonly address: HostPort;
  /** Stops listening and closes open (keep-alive) connections. */
  close(): Promise<void>;
}

const log = childLogger({ component: "control" });

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" }).end(body);
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  send(res, status, "application/json", `${JSON.stringify(body)}\n`);
}

async function checkReady(isReady: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([isReady(), timeout]);
  } catch (error) {
    log.warn({ err: error }, "readiness check failed");
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const registry = options.registry ?? metrics.registry;
  const readyTimeoutMs = options.readyTimeoutMs ?? 2000;

  const routes: Record<string, (res: ServerResponse) => Promise<void>> = {
    "/healthz": async (res) => sendJson(res, 200, { status: "ok" }),
    "/readyz": async (res) => {
      const ready = await checkReady(options.isReady, readyTimeoutMs);
      sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready" });
    },
    "/metrics": async (res) => send(res, 200, registry.contentType, await registry.metrics()),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://control").pathname;
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route) return sendJson(res, 404, { error: "not found" });
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return sendJson(res, 405, { error: "method not allowed" });
    }
    await route(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error, path: req.url }, "control request failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => log.error({ err: error }, "control server error"));

  const bound = server.address() as AddressInfo;
  log.info({ host: bound.address, port: bound.port }, "control plane listening");
  return {
    address: { host: bound.address, port: bound.port },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
