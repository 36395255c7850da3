// Wires a config snapshot to the data plane (a GatewayRuntime) and the control plane, and owns the lifecycle
// (start, readiness, reload, graceful drain).
import type { GatewayConfig, HostPort } from "./config/types.js";
import { startControlServer, type ControlServer } from "./control/server.js";
import { childLogger } from "./log.js";
import { MetricsObserver } from "./observe/metrics-observer.js";
import { ObserverSet, type GatewayObserver } from "./observe/observer.js";
import { GatewayRuntime, type ApplyResult } from "./runtime/gateway-runtime.js";

export interface GatewayEndpoint {
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
  /** Moves the data plane to a new validated config without dropping a connection (see GatewayRuntime.apply). */
  apply(next: GatewayConfig): Promise<ApplyResult>;
  readonly runtime: GatewayRuntime;
  /** Where the control server (health, readiness, metrics) listens. */
  readonly controlAddress: HostPort;
}

export interface GatewayOptions {
  /** Upstream connect timeout (also bounds how long a client waits when its broker is down). */
  connectTimeoutMs?: number;
  /** More observers of the data plane (tests' taps, later audit logs), next to the metrics. */
  observers?: readonly GatewayObserver[];
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const observer = new ObserverSet([new MetricsObserver(), ...(options.observers ?? [])]);
  const runtime = new GatewayRuntime({ observer, connectTimeoutMs: options.connectTimeoutMs });
  await runtime.apply(config);
  const log = childLogger({ component: "gateway" });
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
  let control: ControlServer;
  try {
    control = await startControlServer({ listen: config.control.listen, isReady });
  } catch (err) {
    runtime.stopAccepting();
    throw err;
  }

  return {
    get endpoints() {
      return endpoints();
    },
    runtime,
    controlAddress: control.address,
    connectionCount: () => runtime.connections().length,
    isReady,
    apply: async (next) => {
      const result = await runtime.apply(next);
      log.info({ ...result }, "config applied");
      return result;
    },
    close: (drainTimeoutMs = runtime.config.shutdown.drainTimeoutMs) => {
      closing ??= (async () => {
        runtime.stopAccepting();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainTimeoutMs)));
        await Promise.race([runtime.drain(), timedOut]);
        clearTimeout(timer);
        runtime.closeAll("gateway shutdown");
        await control.close();
        log.info("gateway closed");
      })();
      return closing;
    },
  };
}
