// Wires a config snapshot to the data plane (a GatewayRuntime) and the control plane, and owns the lifecycle
// (start, readiness, reload, graceful drain).
import { dirname, join, resolve } from "node:path";
import type { ConfigStore } from "./config/store.js";
import type { GatewayConfig, HostPort } from "./config/types.js";
import { AuditLog } from "./control/audit-log.js";
import { ConfigService, type ReloadTrigger } from "./control/config-service.js";
import type { ControlApi } from "./control/control-api.js";
import { EventLog } from "./control/event-log.js";
import { ConfigHistory } from "./control/history.js";
import { watchConfigFile } from "./control/reload-triggers.js";
import { ControlHost, type MainControlState } from "./control/control-host.js";
import { childLogger } from "./log.js";
import { metrics } from "./observe/metrics.js";
import { MetricsObserver } from "./observe/metrics-observer.js";
import { ObserverSet, type GatewayObserver } from "./observe/observer.js";
import { GatewayRuntime, type ApplyResult } from "./runtime/gateway-runtime.js";

export interface GatewayEndpoint {
  /** "*" for a shared listener (the principal picks the virtual cluster). */
  virtualCluster: string;
  listener: string;
  /** "advertisedHost:bootstrapPort", what clients put in bootstrap.servers. */
  bootstrap: string;
}

export interface Gateway {
  /** The current config's endpoints. */
  readonly endpoints: readonly GatewayEndpoint[];
  /** Stops accepting, lets in-flight requests finish for up to drainTimeoutMs, then closes what is left. */
  close(drainTimeoutMs?: number): Promise<void>;
  /**
   * True when some physical cluster's bootstrap server answers, and close() hasn't begun. Not "every": one tenant's
   * dead cluster must not take the gateway out of rotation for the tenants of the others (bulkheads).
   */
  isReady(): Promise<boolean>;
  connectionCount(): number;
  /**
   * Moves the data plane to a new validated config without dropping a connection, except that a virtual cluster moved
   * to another physical cluster has its connections drained (see GatewayRuntime.apply).
   */
  apply(next: GatewayConfig): Promise<ApplyResult>;
  readonly runtime: GatewayRuntime;
  /** Where the control server (health, readiness, metrics, admin API) listens. */
  readonly controlAddress: HostPort;
  /**
   * Reads the config store again and applies it (SIGHUP, a changed file); a bad config is rejected and the old one
   * stays. Without a store (a gateway started from a config object) this rejects.
   */
  reload(trigger: ReloadTrigger): Promise<unknown>;
  /** The admin API's state, when the gateway runs from a config store. */
  readonly controlApi: ControlApi | undefined;
}

export interface GatewayOptions {
  /** Upstream connect timeout (also bounds how long a client waits when its broker is down). */
  connectTimeoutMs?: number;
  /** More observers of the data plane (tests' taps, later audit logs), next to the metrics. */
  observers?: readonly GatewayObserver[];
  /**
   * Where `config` came from, as stored (`text`): with it, the admin API, config history, the audit and event logs
   * (under control.stateDir, next to the store) and reloads when the store's file changes.
   */
  store?: { readonly store: ConfigStore; readonly text: string };
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const log = childLogger({ component: "gateway" });
  const stateDir = options.store && resolve(dirname(options.store.store.name), config.control.stateDir ?? "bulkhead-state");
  const tenantsOf = (cluster: string): string[] => runtime.config.virtualClusters.filter((vc) => vc.cluster === cluster).map((vc) => vc.name);
  const events = stateDir === undefined ? undefined : new EventLog(join(stateDir, "events"), config.control.keepEvents ?? 1000, tenantsOf, childLogger({ component: "events" }));
  const observer = new ObserverSet([new MetricsObserver(), ...(events ? [events] : []), ...(options.observers ?? [])]);
  const runtime = new GatewayRuntime({ observer, connectTimeoutMs: options.connectTimeoutMs });
  await runtime.apply(config);
  const apply = async (next: GatewayConfig) => {
    const result = await runtime.apply(next);
    log.info({ ...result }, "config applied");
    return result;
  };
  let controlApi: ControlApi | undefined;
  let controlState: MainControlState | undefined;
  let stopWatching = () => {};
  if (options.store && stateDir !== undefined && events !== undefined) {
    const history = new ConfigHistory(stateDir, config.control.keepVersions ?? 100);
    const audit = new AuditLog(join(stateDir, "audit.jsonl"));
    const configs = new ConfigService(options.store.store, { text: options.store.text, config }, apply, history, audit, events, childLogger({ component: "config" }));
    await configs.recordStartup();
    controlApi = { configs, events, tenantOperations: runtime.admin, sessions: () => runtime.sessions(), limitUsage: (vc) => runtime.limitUsage(vc) };
    controlState = { configs, events, sessions: () => runtime.sessions(), limitUsage: (vc) => runtime.limitUsage(vc) };
    configs.onInstalled = (snapshot) => runtime.admin.controlInstalled(snapshot);
    stopWatching = watchConfigFile(options.store.store.name, (trigger) => configs.reload(trigger, trigger), log);
  }
  const endpoints = (): GatewayEndpoint[] =>
    runtime.activeListeners().map((l) => ({
      virtualCluster: l.endpoint.virtualCluster,
      listener: l.endpoint.listener.name,
      bootstrap: `${l.endpoint.bootstrap.host}:${l.endpoint.bootstrap.port}`,
    }));
  log.info({ endpoints: endpoints() }, "gateway listening");

  let closing: Promise<void> | undefined;
  const isReady = async (): Promise<boolean> => {
    if (closing !== undefined) return false; // draining: load balancers should stop sending clients
    const probes = runtime.connectors().map((connector) => connector.probe());
    return (await Promise.all(probes)).some(Boolean);
  };
  // The control server runs on the admin worker thread; what its routes read of this thread's state, this answers.
  const controlHost = new ControlHost({ isReady, registry: metrics.registry, state: controlState });
  let controlAddress: HostPort;
  try {
    const snapshot = controlState && { text: controlState.configs.text, config: controlState.configs.config };
    controlAddress = await runtime.admin.serveControl({ listen: config.control.listen, metricsContentType: metrics.registry.contentType, snapshot }, controlHost);
  } catch (err) {
    stopWatching();
    await events?.close();
    runtime.stopAccepting();
    throw err;
  }

  return {
    get endpoints() {
      return endpoints();
    },
    runtime,
    controlAddress,
    connectionCount: () => runtime.connections().length,
    isReady,
    apply,
    controlApi,
    reload: async (trigger) => {
      if (controlApi === undefined) throw new Error("this gateway was started without a config store: nothing to reload");
      return controlApi.configs.reload(trigger, trigger);
    },
    close: (drainTimeoutMs = runtime.config.shutdown.drainTimeoutMs) => {
      closing ??= (async () => {
        runtime.stopAccepting();
        stopWatching();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainTimeoutMs)));
        await Promise.race([runtime.drain(), timedOut]);
        clearTimeout(timer);
        runtime.closeAll("gateway shutdown");
        await runtime.admin.stopServing();
        await events?.close();
        log.info("gateway closed");
      })();
      return closing;
    },
  };
}
