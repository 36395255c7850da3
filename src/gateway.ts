// Wires a config snapshot to the data plane: one address map and one topic id map per physical cluster,
// one tenant context per virtual cluster, one Listener per virtual-cluster listener; and owns the
// lifecycle (start, readiness, graceful drain).
import type { GatewayConfig, HostPort, PhysicalClusterConfig } from "./config/types.js";
import { startControlServer, type ControlServer } from "./control/server.js";
import { createRequestFilter, createResponseFilter } from "./filters/index.js";
import { childLogger } from "./log.js";
import { BrokerAddressMap } from "./proxy/broker-address-map.js";
import type { ResponseTap } from "./proxy/client-connection.js";
import { ListenerEndpoint } from "./proxy/endpoint.js";
import { Listener } from "./proxy/listener.js";
import { ListenerMeters } from "./proxy/meters.js";
import { fetchClusterBrokers, fetchTopicIds } from "./proxy/metadata-fetch.js";
import { DEFAULT_CONNECT_TIMEOUT_MS, connectFirst } from "./proxy/upstream-connect.js";
import { LogThrottle } from "./proxy/log-throttle.js";
import { TenantNamespace } from "./tenancy/namespace.js";
import type { TenantContext } from "./tenancy/rewrite.js";
import { TopicIdMap } from "./tenancy/topic-ids.js";

export interface GatewayEndpoint {
  virtualCluster: string;
  listener: string;
  /** "advertisedHost:bootstrapPort", what clients put in bootstrap.servers. */
  bootstrap: string;
}

export interface Gateway {
  readonly endpoints: readonly GatewayEndpoint[];
  /** Stops accepting, lets in-flight requests finish for up to drainTimeoutMs, then closes what is left. */
  close(drainTimeoutMs?: number): Promise<void>;
  /**
   * True when some physical cluster has a reachable bootstrap server, and close() hasn't begun. Not "every": one tenant's dead
   * cluster must not take the gateway out of rotation for the tenants of the others (bulkheads).
   */
  isReady(): Promise<boolean>;
  connectionCount(): number;
  /** Where the control server (health, readiness, metrics) listens. */
  readonly controlAddress: HostPort;
}

export interface GatewayOptions {
  /** Upstream connect timeout (also bounds how long a client waits when its broker is down). */
  connectTimeoutMs?: number;
  /** Test-only: sees every response frame sent to a client. Unset in production. */
  responseTap?: ResponseTap;
  /**
   * Test-only: called for every request forwarded to a broker (after tenancy decided to forward it; never for a
   * request the gateway answered itself). Unset in production.
   */
  upstreamRequestTap?: (info: { virtualCluster: string; apiKey: number; apiVersion: number }) => void;
}

const READY_PROBE_TIMEOUT_MS = 2_000;

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const clusters = new Map<string, { config: PhysicalClusterConfig; addressMap: BrokerAddressMap; topicIds: TopicIdMap }>();
  for (const cluster of config.clusters) {
    const addressMap = new BrokerAddressMap(() => fetchClusterBrokers(cluster.bootstrap, connectTimeoutMs));
    const topicIds = new TopicIdMap(() => fetchTopicIds(cluster.bootstrap, connectTimeoutMs));
    clusters.set(cluster.name, { config: cluster, addressMap, topicIds });
  }

  const listeners: Listener[] = [];
  for (const virtualCluster of config.virtualClusters) {
    const cluster = clusters.get(virtualCluster.cluster);
    // The config loader already checks this reference; guard anyway for hand-built configs.
    if (!cluster) throw new Error(`virtual cluster ${virtualCluster.name} names unknown cluster ${virtualCluster.cluster}`);
    const tenant: TenantContext = {
      ns: new TenantNamespace(virtualCluster.name, virtualCluster.prefix),
      topicIds: cluster.topicIds,
      topicConfigAllowlist: new Set(virtualCluster.topicConfigAllowlist),
    };
    const tap = options.upstreamRequestTap;
    const upstreamRequestTap =
      tap && ((apiKey: number, apiVersion: number) => tap({ virtualCluster: virtualCluster.name, apiKey, apiVersion }));
    for (const listenerConfig of virtualCluster.listeners) {
      const endpoint = new ListenerEndpoint(virtualCluster.name, listenerConfig);
      const log = childLogger({ virtualCluster: virtualCluster.name, listener: listenerConfig.name });
      listeners.push(
        new Listener(endpoint, {
          physicalCluster: cluster.config.name,
          bootstrap: cluster.config.bootstrap,
          addressMap: cluster.addressMap,
          responseFilter: createResponseFilter(endpoint, cluster.addressMap, tenant, log),
          requestFilter: createRequestFilter(tenant, log),
          maxFrameBytes: config.limits.maxFrameBytes,
          connectTimeoutMs,
          meters: new ListenerMeters(virtualCluster.name, listenerConfig.name, cluster.config.name),
          log,
          unreachableLog: new LogThrottle(),
          responseTap: options.responseTap,
          upstreamRequestTap,
        }),
      );
    }
  }

  try {
    for (const listener of listeners) await listener.start();
  } catch (err) {
    for (const listener of listeners) listener.stopAccepting();
    throw err;
  }
  const log = childLogger({ component: "gateway" });
  const endpoints = listeners.map((l) => ({
    virtualCluster: l.endpoint.virtualCluster,
    listener: l.endpoint.listener.name,
    bootstrap: `${l.endpoint.bootstrap.host}:${l.endpoint.bootstrap.port}`,
  }));
  log.info({ endpoints }, "gateway listening");

  let closing: Promise<void> | undefined;
  const isReady = async (): Promise<boolean> => {
    if (closing !== undefined) return false; // draining: load balancers should stop sending clients
    const probes = [...clusters.values()].map((c) =>
      connectFirst(c.config.bootstrap, READY_PROBE_TIMEOUT_MS).then(
        (socket) => (socket.destroy(), true),
        () => false,
      ),
    );
    return (await Promise.all(probes)).some(Boolean);
  };
  let control: ControlServer;
  try {
    control = await startControlServer({ listen: config.control.listen, isReady });
  } catch (err) {
    for (const listener of listeners) listener.stopAccepting();
    throw err;
  }

  return {
    endpoints,
    controlAddress: control.address,
    connectionCount: () => listeners.reduce((n, l) => n + l.connections.size, 0),
    isReady,
    close: (drainTimeoutMs = config.shutdown.drainTimeoutMs) => {
      closing ??= (async () => {
        for (const listener of listeners) listener.stopAccepting();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainTimeoutMs)));
        await Promise.race([Promise.all(listeners.map((l) => l.drain())), timedOut]);
        clearTimeout(timer);
        for (const listener of listeners) listener.closeAll("gateway shutdown");
        await control.close();
        log.info("gateway closed");
      })();
      return closing;
    },
  };
}
