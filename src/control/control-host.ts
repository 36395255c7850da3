// The main thread's side of the control server, which runs on the admin worker thread: it answers what the routes
// read or change of the main thread's state, by method name (remote-control-api.ts asks). The config service stays
// here, where the runtime it applies to lives; so do the event log, the sessions, the limits' readings, readiness and
// the metrics registry (a scrape's text is rendered here, where the data plane counts).
import type { Registry } from "prom-client";
import type { ConfigSnapshot } from "../config/store.js";
import type { ByteRateReading } from "../limits/tenant-byte-rates.js";
import type { CapReading } from "../limits/tenant-caps.js";
import type { Session } from "../session/session.js";
import type { AuditFilter } from "./audit-log.js";
import type { ConfigService, EditedChange, ReloadTrigger } from "./config-service.js";
import type { EventFilter, EventLog } from "./event-log.js";
import type { SessionView } from "./control-api.js";
import { bandwidthReader } from "./routes/bandwidth.js";

/** The config document in force, as the control server on the worker keeps it. */
export type ControlSnapshot = ConfigSnapshot;

/** The main thread's state behind the admin API (absent: a gateway started from a config object, health only). */
export interface MainControlState {
  readonly configs: ConfigService;
  readonly events: EventLog;
  readonly sessions: () => readonly Session[];
  readonly limitUsage: (virtualCluster: string) => Promise<readonly (ByteRateReading | CapReading)[] | undefined>;
}

export interface ControlHostOptions {
  readonly isReady: () => Promise<boolean>;
  readonly registry: Registry;
  readonly state?: MainControlState | undefined;
}

export type ControlMethods = ReturnType<typeof controlMethods>;
export type ControlMethod = keyof ControlMethods;

function controlMethods({ isReady, registry, state }: ControlHostOptions) {
  const bandwidth = bandwidthReader();
  const api = (): MainControlState => {
    if (state === undefined) throw new Error("this gateway has no admin API");
    return state;
  };
  return {
    isReady: () => isReady(),
    metrics: () => registry.metrics(),
    changeEdited: (change: EditedChange) => api().configs.changeEdited(change),
    reload: (trigger: ReloadTrigger, who: string) => api().configs.reload(trigger, who),
    rollback: (target: number, who: string) => api().configs.rollback(target, who),
    versions: () => api().configs.history.list(),
    version: (version: number) => api().configs.history.get(version),
    audit: (filter: AuditFilter) => api().configs.audit.read(filter),
    events: async (filter: EventFilter) => api().events.read(filter),
    sessions: async () => api().sessions().map(sessionView),
    limitUsage: (virtualCluster: string) => api().limitUsage(virtualCluster),
    bandwidth: (virtualCluster: string) => bandwidth(virtualCluster),
  };
}

export class ControlHost {
  private readonly methods: ControlMethods;

  constructor(options: ControlHostOptions) {
    this.methods = controlMethods(options);
  }

  answer(method: ControlMethod, args: readonly unknown[]): Promise<unknown> {
    const call = this.methods[method] as (...args: readonly unknown[]) => Promise<unknown>;
    return call(...args);
  }
}

/** A session's fields the connections route shows, as plain data that can cross to the worker. */
function sessionView(session: Session): SessionView {
  const { id, openedAt, clientId, principal, remote, target, counters } = session;
  return {
    id,
    openedAt,
    clientId,
    principal: principal && { type: principal.type, name: principal.name },
    remote,
    endpoint: { listener: { name: session.endpoint.listener.name } },
    target: { ...target },
    counters: { requests: counters.requests, bytesFromClient: counters.bytesFromClient, bytesToClient: counters.bytesToClient },
    virtualCluster: session.virtualCluster && { name: session.virtualCluster.name },
  };
}
