// Liveness, readiness and Prometheus metrics: unauthenticated, for probes and scrapers, unchanged from the first
// control server (bodies, content types, 405 with Allow for other methods).
import type { Registry } from "prom-client";
import { childLogger } from "../../log.js";
import { errorBodyOf } from "../api-error.js";
import type { ControlApp } from "../control-api.js";

const log = childLogger({ component: "control" });

export interface HealthOptions {
  readonly isReady: () => Promise<boolean>;
  /** The metrics in Prometheus text; on the admin worker, asked of the main thread where they are counted. */
  readonly registry: Pick<Registry, "contentType" | "metrics">;
  readonly readyTimeoutMs: number;
}

const OTHER_METHODS = ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

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

export function healthRoutes(app: ControlApp, options: HealthOptions): void {
  const json = (status: string) => `${JSON.stringify({ status })}\n`;
  const routes: Record<string, () => Promise<{ status: number; type: string; body: string }>> = {
    "/healthz": async () => ({ status: 200, type: "application/json", body: json("ok") }),
    "/readyz": async () => {
      const ready = await checkReady(options.isReady, options.readyTimeoutMs);
      return { status: ready ? 200 : 503, type: "application/json", body: json(ready ? "ready" : "not ready") };
    },
    "/metrics": async () => ({ status: 200, type: options.registry.contentType, body: await options.registry.metrics() }),
  };
  for (const [url, answer] of Object.entries(routes)) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) => {
      const { status, type, body } = await answer();
      // A Buffer goes out with the content type exactly as set (Fastify would add a charset to a string's).
      return reply.code(status).header("content-type", type).header("cache-control", "no-store").send(Buffer.from(body));
    });
    app.route({
      method: [...OTHER_METHODS],
      url,
      schema: { hide: true },
      handler: async (_request, reply) => reply.code(405).header("allow", "GET, HEAD").send(errorBodyOf("method_not_allowed", "method not allowed")),
    });
  }
}
