// What the admin API's routes work with: the config service (which holds history and audit) and the event log.
// Route groups (routes/*.ts) are functions of the Fastify app and this; adding one is a file and a line in routes/index.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AdminArgs, AdminOperation, AdminResult } from "../admin/operations.js";
import type { ControlRole } from "../config/control.js";
import type { ByteRateReading } from "../limits/tenant-byte-rates.js";
import type { CapReading } from "../limits/tenant-caps.js";
import type { Principal, Session } from "../session/session.js";
import type { Caller } from "./auth.js";
import type { ConfigService } from "./config-service.js";
import type { EventLog } from "./event-log.js";

export interface ControlApi {
  readonly configs: ConfigService;
  readonly events: EventLog;
  /** The topic, group and message operations of the virtual clusters, run on the admin worker (GatewayRuntime.admin). */
  readonly tenantOperations?: TenantOperations;
  /** Every open client session, read-only (GatewayRuntime.sessions), for the connections route. */
  readonly sessions?: () => readonly Session[];
  /** A virtual cluster's use of each configured limit (GatewayRuntime.limitUsage); undefined: no such virtual cluster. */
  readonly limitUsage?: (virtualCluster: string) => Promise<readonly (ByteRateReading | CapReading)[] | undefined>;
}

export interface TenantOperations {
  /** Whether the config in force has the virtual cluster. */
  has(virtualCluster: string): boolean;
  /** Runs `operation` as `principal` (undefined: a super-user of the virtual cluster); rejects with an AdminError. */
  run<N extends AdminOperation>(virtualCluster: string, principal: Principal | undefined, operation: N, args: AdminArgs<N>, signal?: AbortSignal): Promise<AdminResult<N>>;
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
