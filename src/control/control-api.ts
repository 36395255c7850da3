// What the admin API's routes work with: the config service (which holds history and audit) and the event log.
// Route groups (routes/*.ts) are functions of the Fastify app and this; adding one is a file and a line in routes/index.ts.
// The control server runs on the admin worker thread, where these are proxies to the main thread's state
// (control/remote-control-api.ts); members that read it may therefore answer with a promise.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AdminArgs, AdminOperation, AdminResult } from "../admin/operations.js";
import type { ControlRole } from "../config/control.js";
import type { ByteRateReading } from "../limits/tenant-byte-rates.js";
import type { CapReading } from "../limits/tenant-caps.js";
import type { TopicThroughput } from "../admin/tenant-client.js";
import type { Principal, SessionTarget } from "../session/session.js";
import type { AuditLog } from "./audit-log.js";
import type { Caller } from "./auth.js";
import type { ConfigService } from "./config-service.js";
import type { EventFilter, GatewayEvent } from "./event-log.js";
import type { ConfigHistory } from "./history.js";

/** What routes use of the config service (ConfigService on the main thread, RemoteConfigs on the worker). */
export type ConfigAccess = Pick<ConfigService, "config" | "document" | "change" | "reload" | "rollback"> & {
  readonly history: Pick<ConfigHistory, "list" | "get">;
  readonly audit: Pick<AuditLog, "read">;
};

/** What the connections route reads of a session (a Session, or a plain copy of one sent from the main thread). */
export interface SessionView {
  readonly id: number;
  readonly openedAt: number;
  readonly clientId: string | null;
  readonly principal: Principal | undefined;
  readonly remote: string;
  readonly endpoint: { readonly listener: { readonly name: string } };
  readonly target: SessionTarget;
  readonly counters: { readonly requests: number; readonly bytesFromClient: number; readonly bytesToClient: number };
  readonly virtualCluster: { readonly name: string } | undefined;
}

/** Record bytes per second per topic and the byte-rate limits' throttle time so far (the bandwidth route). */
export interface BandwidthReadings {
  readonly rates: ReadonlyMap<string, TopicThroughput>;
  readonly throttled: { readonly all: ThrottleTotals; readonly topics: ReadonlyMap<string, ThrottleTotals> };
}
export type ThrottleTotals = { produce: number; fetch: number };

export interface ControlApi {
  readonly configs: ConfigAccess;
  readonly events: { read(filter: EventFilter): GatewayEvent[] | Promise<GatewayEvent[]> };
  /** The topic, group and message operations of the virtual clusters, run on the admin worker (GatewayRuntime.admin). */
  readonly tenantOperations?: TenantOperations;
  /** Every open client session, read-only (GatewayRuntime.sessions), for the connections route. */
  readonly sessions?: () => readonly SessionView[] | Promise<readonly SessionView[]>;
  /** A virtual cluster's bandwidth readings from the gateway's own counters; default: this thread's metrics. */
  readonly bandwidth?: (virtualCluster: string) => Promise<BandwidthReadings>;
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
