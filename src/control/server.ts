// Control-plane HTTP server (Fastify): liveness, readiness and Prometheus metrics, and, when the gateway runs from a
// config file, the admin API under /api/v1 with its OpenAPI document at /api/openapi.json. It never shares a port
// with the data plane (config validation forbids it), nor its thread: the gateway runs it on the admin worker
// (admin-worker.ts), with a ControlApi that asks the main thread for what lives there (remote-control-api.ts). Every
// error, a 404 included, has one body shape (api-error.ts).
import type { AddressInfo } from "node:net";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyError } from "fastify";
import { serializerCompiler, jsonSchemaTransform, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Registry } from "prom-client";
import { DEFAULT_MAX_IN_FLIGHT_PER_TOKEN } from "../config/control.js";
import { ConfigError } from "../config/errors.js";
import type { HostPort } from "../config/types.js";
import { childLogger } from "../log.js";
import { metrics } from "../observe/metrics.js";
import { ApiError, errorBodyOf } from "./api-error.js";
import { authenticate, requireRole } from "./auth.js";
import { ConfigApplyError } from "./config-service.js";
import { InFlightLimit } from "./in-flight-limit.js";
import type { ControlApi } from "./control-api.js";
import { healthRoutes } from "./routes/health.js";
import { API_ROUTES } from "./routes/index.js";
import { validatorCompiler } from "./validation.js";

export interface ControlServerOptions {
  listen: HostPort;
  /** Whether the gateway can serve traffic (e.g. listeners bound, upstream reachable). */
  isReady: () => Promise<boolean>;
  /** Defaults to the gateway's metrics registry (on the admin worker: asks the main thread's). */
  registry?: Pick<Registry, "contentType" | "metrics">;
  /** A readiness check slower than this counts as not ready, so probes get an answer in time. */
  readyTimeoutMs?: number;
  /** The admin API's state; absent (a gateway started from a config object, not a file): no admin API. */
  api?: ControlApi | undefined;
}

export interface ControlServer {
  /** The bound address (the real port when `listen.port` was 0). */
  readonly address: HostPort;
  /** Stops listening and closes open (keep-alive) connections. */
  close(): Promise<void>;
}

const log = childLogger({ component: "control" });

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const app = Fastify({ logger: false, forceCloseConnections: true }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) log.error({ err: error, path: request.url }, "control request failed");
    return reply.code(status).header("cache-control", "no-store").send(body);
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBodyOf("not_found", `no route ${request.method} ${request.url.split("?")[0]}`)));

  healthRoutes(app, { isReady: options.isReady, registry: options.registry ?? metrics.registry, readyTimeoutMs: options.readyTimeoutMs ?? 2000 });

  const api = options.api;
  if (api !== undefined) {
    await app.register(swagger, {
      openapi: {
        info: { title: "Bulkhead admin API", version: "1" },
        components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
    });
    // Every /api/v1 route names the least role it needs (config.role; one that doesn't needs admin: default deny).
    // Tokens are read from the config in force, so a reload adds or revokes them at once. Each token has at most
    // control.maxInFlightPerToken requests in flight (in-flight-limit.ts); its place is freed when the answer is sent
    // or the caller hangs up.
    const limit = new InFlightLimit(() => api.configs.config.control.maxInFlightPerToken ?? DEFAULT_MAX_IN_FLIGHT_PER_TOKEN);
    app.addHook("onRequest", async (request, reply) => {
      const role = request.routeOptions.config.role ?? (request.routeOptions.url?.startsWith("/api/v1/") === true ? "admin" : undefined);
      if (role === undefined) return;
      request.caller = authenticate(request.headers.authorization, api.configs.config.control.tokens ?? []);
      requireRole(request.caller, role);
      const leave = limit.enter(request.caller.name);
      if (leave === undefined) {
        void reply.header("retry-after", "1");
        throw new ApiError(429, "too_many_requests", `token "${request.caller.name}" already has ${limit.count(request.caller.name)} admin API requests in flight (control.maxInFlightPerToken)`);
      }
      reply.raw.once("close", leave);
    });
    for (const routes of API_ROUTES) routes(app, api);
    app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  }

  await app.listen({ host: options.listen.host, port: options.listen.port });
  const bound = app.server.address() as AddressInfo;
  log.info({ host: bound.address, port: bound.port }, "control plane listening");
  return { address: { host: bound.address, port: bound.port }, close: () => app.close() };
}

/** Fastify's own refusals (malformed JSON, a body too large, an unknown content type) in our codes. */
const HTTP_ERROR_CODES: Readonly<Record<number, string>> = { 400: "invalid_request", 404: "not_found", 413: "too_large", 415: "unsupported_media_type" };

function toErrorResponse(error: FastifyError): { status: number; body: object } {
  if (error instanceof ApiError) return { status: error.status, body: errorBodyOf(error.code, error.message, error.details) };
  if (error instanceof ConfigError) {
    const details = error.issues.map(({ file, path, line, col, message }) => ({ file, path, line, col, reason: message }));
    return { status: 422, body: errorBodyOf("invalid_config", error.message, details) };
  }
  if (error instanceof ConfigApplyError) return { status: 409, body: errorBodyOf("not_applied", error.message) };
  if (error.validation !== undefined || error.code === "FST_ERR_VALIDATION") {
    const details = (error as FastifyError & { details?: unknown }).details;
    return { status: 400, body: errorBodyOf("invalid_request", error.message, details) };
  }
  const status = error.statusCode ?? 500;
  if (status < 500) return { status, body: errorBodyOf(HTTP_ERROR_CODES[status] ?? "bad_request", error.message) };
  return { status: 500, body: errorBodyOf("internal", "internal error") };
}
