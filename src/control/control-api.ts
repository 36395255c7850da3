// What the admin API's routes work with: the config service (which holds history and audit) and the event log.
// Route groups (routes/*.ts) are functions of the Fastify app and this; adding one is a file and a line in routes/index.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { TenantClientLease } from "../admin/tenant-client-pool.js";
import type { ControlRole } from "../config/control.js";
import type { Principal, Session } from "../session/session.js";
import type { Caller } from "./auth.js";
import type { ConfigService } from "./config-service.js";
import type { EventLog } from "./event-log.js";

export interface ControlApi {
  readonly configs: ConfigService;
  readonly events: EventLog;
  /** A pooled client of a virtual cluster for its topic, group and message routes (GatewayRuntime.adminClients). */
  readonly tenantClient?: (virtualCluster: string, principal: Principal | undefined) => TenantClientLease | undefined;
  /** Every open client session, read-only (GatewayRuntime.sessions), for the connections route. */
  readonly sessions?: () => readonly Session[];
}

export type ControlApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;
export type RouteGroup = (app: ControlApp, api: ControlApi) => void;

declare module "fastify" {
  interface FastifyRequest {
    /** Set on every route with config.role, once its token checked out. */
    caller: Caller;
  }
  interface FastifyContextConfig {
    /** The least role a route needs; routes without it are public (health, metrics, the OpenAPI document). */
    role?: ControlRole;
  }
}
