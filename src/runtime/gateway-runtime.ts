// The live data plane: the physical clusters (one upstream connector and topic id map each), the virtual clusters'
// listeners and the shared listeners (shared-listener.ts), and through them every open session. apply(config) moves
// it to a new validated config snapshot: listeners whose ports stay the same get the new context in place (new
// connections use it, open ones keep theirs), listeners that are gone stop accepting (their connections carry on),
// and new ones are bound. Nothing is dropped, except that the connections of a virtual cluster moved to another
// physical cluster are drained (drainMoved), so that its clients reconnect to the new one.
import type { Logger } from "pino";
import type { GatewayConfig, ListenerConfig, PhysicalClusterConfig, VirtualClusterConfig } from "../config/types.js";
import type { Filter } from "../filters/filter.js";
import { createFilterChain } from "../filters/index.js";
import { childLogger } from "../log.js";
import { budgetUsageSources, capUsageSources, limitUsageSources, metrics, type BudgetUsageSource, type CapUsageSource, type LimitUsageSource } from "../observe/metrics.js";
import type { GatewayObserver } from "../observe/observer.js";
import type { ClientConnection, ConnectionContext } from "../proxy/client-connection.js";
import { Listener } from "../proxy/listener.js";
import { SniPorts } from "../proxy/sni-port.js";
import { GatewayBudgets } from "../proxy/gateway-budgets.js";
import { resolveBudgets } from "../config/budgets.js";
import { openFileLimit } from "../limits/fd-limit.js";
import { LogThrottle } from "../proxy/log-throttle.js";
import { ListenerEndpoint } from "../session/endpoint.js";
import type { Session } from "../session/session.js";
import { TenantNamespace } from "../tenancy/namespace.js";
import type { TenantContext } from "../tenancy/rewrite.js";
import { TopicIdMap } from "../tenancy/topic-ids.js";
import { UpstreamConnector } from "../upstream/connector.js";
import { Authorizer } from "../acl/authorizer.js";
import { TenantByteRates, type ByteRateReading } from "../limits/tenant-byte-rates.js";
import { ClientQuotaSync } from "../limits/client-quota-sync.js";
import { pushDownClientId } from "../limits/quota-push-down.js";
import { TenantCaps, type CapReading, type TenantCapsContext } from "../limits/tenant-caps.js";
import { LogDirSizes } from "../limits/log-dir-sizes.js";
import { fetchLogDirSizes, upstreamUsage } from "../limits/upstream-usage.js";
import { SaslAuthenticator } from "../security/sasl-authenticator.js";
import { fetchTopicIds } from "../upstream/metadata-fetch.js";
import { AdminThread } from "../admin/admin-thread.js";
import { AdminWorkerHost } from "../admin/admin-worker-host.js";
import { TopicThroughputMeter } from "../admin/topic-throughput.js";
import { identityOptions } from "./identity-options.js";
import { forwardableOf, sharedListenerContext } from "./shared-listener.js";

export interface RuntimeOptions {
  readonly observer: GatewayObserver;
  /** Upstream connect timeout (also bounds how long a client waits when its broker is down). */
  readonly connectTimeoutMs?: number | undefined;
}

interface PhysicalCluster {
  readonly config: PhysicalClusterConfig;
  readonly connector: UpstreamConnector;
  readonly topicIds: TopicIdMap;
  readonly unreachableLog: LogThrottle;
  /** Bytes per topic on its disks, one snapshot shared by the retained-bytes caps of its virtual clusters. */
  readonly logDirs: LogDirSizes;
}

/** What apply() changed, by "virtualCluster/listener". */
export interface ApplyResult {
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly removed: readonly string[];
}

export class GatewayRuntime {
  private configNow: GatewayConfig | undefined;
  private clusters = new Map<string, PhysicalCluster>();
  private listeners = new Map<string, Listener>();
  /** Per virtual cluster, kept across reloads: open sessions' filters hold these, so new rates reach them at once. */
  private byteRates = new Map<string, TenantByteRates>();
  /** Per virtual cluster, kept across reloads: open sessions' ACL filters hold these, so new rules apply at once. */
  private authorizers = new Map<string, Authorizer>();
  /** Per virtual cluster, kept across reloads: listeners and open sessions' filters hold these, so new caps apply at once. */
  private caps = new Map<string, TenantCaps>();
  /** Per virtual cluster: its physical cluster now (a move drains its connections). */
  private tenants = new Map<string, PhysicalCluster>();
  /** Topic throughput for the control plane's topic listings, from the gateway's own byte and record counters. */
  private readonly throughput = new TopicThroughputMeter(metrics.topicBytes, metrics.topicRecords);
  /**
   * The control plane's tenant operations, run on the admin worker thread with its own tenant clients (built from each
   * config this runtime applies); byte-rate charges, log-dir sizes and topic throughput are answered from here.
   */
  readonly admin: AdminThread;
  /** The process's memory and connection budgets, kept across reloads (every listener and connection holds them). */
  private budgets: GatewayBudgets | undefined;
  /** Listeners no longer in the config whose connections are still open: drained and closed with the rest. */
  private readonly retired = new Set<Listener>();
  /** TLS ports that route by host name (SNI), each shared by the listeners that name it. */
  private readonly sniPorts = new SniPorts();
  private readonly log: Logger = childLogger({ component: "runtime" });

  constructor(private readonly options: RuntimeOptions) {
    const host = new AdminWorkerHost({
      byteRates: (vc) => this.byteRates.get(vc),
      logDirs: (cluster) => this.clusters.get(cluster)?.logDirs,
      throughput: this.throughput,
      observer: options.observer,
    });
    this.admin = new AdminThread({ answer: (q) => host.answer(q), report: (e) => host.report(e), log: this.log, connectTimeoutMs: options.connectTimeoutMs });
    limitUsageSources.add(this.byteRateUsage);
    capUsageSources.add(this.capUsage);
    budgetUsageSources.add(this.budgetUsage);
  }

  /** The budget usage gauge asks this at scrape time. */
  private readonly budgetUsage: BudgetUsageSource = (set) => {
    this.budgets?.forEachUsage((scope, budget, ratio) => set({ scope, budget }, ratio));
  };

  /** Tenant byte rates pushed down to the brokers as client quotas, kept in step with each config. */
  readonly quotaSync = new ClientQuotaSync(this.log);

  /** The byte-rate usage gauge asks this at scrape time. */
  private readonly byteRateUsage: LimitUsageSource = (set) => {
    const nowMs = performance.now();
    for (const [vc, rates] of this.byteRates) rates.forEachUsage(nowMs, (scope, name, direction, usage) => set({ virtual_cluster: vc, scope, name, direction }, usage));
  };

  /** The cap usage gauge asks this at scrape time. */
  private readonly capUsage: CapUsageSource = (set) => {
    for (const [vc, caps] of this.caps) for (const { cap, ratio } of caps.usage()) if (ratio !== null) set({ virtual_cluster: vc, cap }, ratio);
  };

  /** A virtual cluster's use of each configured limit, the gauges' numbers (the admin API's usage route); undefined: no such virtual cluster. */
  async limitUsage(virtualCluster: string): Promise<(ByteRateReading | CapReading)[] | undefined> {
    const rates = this.byteRates.get(virtualCluster);
    const caps = this.caps.get(virtualCluster);
    if (rates === undefined || caps === undefined) return undefined;
    const nowMs = performance.now();
    return [...rates.readings(nowMs), ...caps.usage(nowMs), ...(await caps.topicReadings())];
  }

  get config(): GatewayConfig {
    if (this.configNow === undefined) throw new Error("the runtime has no config yet");
    return this.configNow;
  }

  /** The physical clusters' connectors (readiness probes go through them). */
  connectors(): UpstreamConnector[] {
    return [...this.clusters.values()].map((c) => c.connector);
  }

  /** The listeners in the current config, in config order. */
  activeListeners(): Listener[] {
    return [...this.listeners.values()];
  }

  /** Every open connection, including those of listeners a newer config removed. */
  connections(): ClientConnection[] {
    const all: ClientConnection[] = [];
    for (const listener of [...this.listeners.values(), ...this.retired]) all.push(...listener.connections);
    return all;
  }

  /** A read-only view of every open session. */
  sessions(): Session[] {
    return this.connections().map((c) => c.session);
  }

  /**
   * Moves to `next`. Binds new ports before anything else changes; if one can't be bound, everything stays as it was
   * and this rejects, naming the listener and port.
   */
  async apply(next: GatewayConfig): Promise<ApplyResult> {
    for (const listener of this.retired) if (listener.connections.size === 0) this.retired.delete(listener);
    // Created with the first config (the contexts below hold it); later configs resize it once they are in force.
    const budgets = resolveBudgets(next, openFileLimit());
    this.budgets ??= new GatewayBudgets(budgets, next.virtualClusters.length, this.options.observer, childLogger({ component: "budgets" }));
    const clusters = new Map<string, PhysicalCluster>();
    for (const config of next.clusters) {
      const known = this.clusters.get(config.name);
      clusters.set(config.name, known !== undefined && sameBootstrap(known.config, config) ? known : this.physicalCluster(config));
    }

    const listeners = new Map<string, Listener>();
    const byteRates = new Map<string, { rates: TenantByteRates; vc: VirtualClusterConfig; tenant: TenantContext }>();
    const authorizers = new Map<string, { authorizer: Authorizer; vc: VirtualClusterConfig }>();
    const capsByName = new Map<string, { caps: TenantCaps; vc: VirtualClusterConfig; ctx: TenantCapsContext }>();
    const fresh: Listener[] = [];
    const updated: { listener: Listener; context: ConnectionContext }[] = [];
    /** The same ports as before: the new context in place; else a new listener, bound below. */
    const place = (key: string, listenerConfig: ListenerConfig, context: ConnectionContext) => {
      const known = this.listeners.get(key);
      if (known !== undefined && sameBinding(known.endpoint.listener, listenerConfig)) {
        updated.push({ listener: known, context });
        listeners.set(key, known);
      } else {
        const listener = new Listener(context, this.sniPorts);
        fresh.push(listener);
        listeners.set(key, listener);
      }
    };
    /** What a shared listener's virtual clusters need to build their contexts for it. */
    const sharedParts = new Map<string, (identity: readonly Filter[], listener: ListenerConfig) => ConnectionContext>();
    for (const vc of next.virtualClusters) {
      const cluster = clusters.get(vc.cluster);
      // The config loader already checks this reference; guard anyway for hand-built configs.
      if (!cluster) throw new Error(`virtual cluster ${vc.name} names unknown cluster ${vc.cluster}`);
      const authenticator = new SaslAuthenticator(vc.users ?? []);
      const tenant: TenantContext = {
        ns: new TenantNamespace(vc.name, vc.prefix),
        topicIds: cluster.topicIds,
        topicConfigAllowlist: new Set(vc.topicConfigAllowlist),
        upstreamClientId: vc.limits?.tenantByteRate?.pushDown === true ? pushDownClientId(vc.name) : undefined,
      };
      const rates = this.byteRates.get(vc.name) ?? new TenantByteRates(vc.limits, next.limits.instances ?? 1, tenant);
      byteRates.set(vc.name, { rates, vc, tenant });
      const authorizer = this.authorizers.get(vc.name) ?? new Authorizer(vc.acls);
      authorizers.set(vc.name, { authorizer, vc });
      const capsContext = this.capsContext(vc, tenant, cluster, next.limits.instances ?? 1);
      const caps = this.caps.get(vc.name) ?? new TenantCaps(vc.limits, capsContext);
      capsByName.set(vc.name, { caps, vc, ctx: capsContext });
      for (const listenerConfig of vc.listeners) {
        place(`${vc.name}/${listenerConfig.name}`, listenerConfig, this.context(next, vc, listenerConfig, cluster, tenant, authenticator, rates, authorizer, caps));
      }
      sharedParts.set(vc.name, (identity, listener) => this.context(next, vc, listener, cluster, tenant, authenticator, rates, authorizer, caps, identity));
    }
    for (const shared of next.sharedListeners ?? []) {
      const contextOf = (vc: VirtualClusterConfig, identity: readonly Filter[]) => sharedParts.get(vc.name)!(identity, shared);
      const context = sharedListenerContext({ config: next, listener: shared, observer: this.options.observer, budgets: this.budgets, contextOf });
      place(`${context.endpoint.virtualCluster}/${shared.name}`, shared, context);
    }
    const leaving = [...this.listeners.values()].filter((l) => ![...listeners.values()].includes(l));

    // Ports may move from a leaving listener to a new one: stop the leaving first, and restore them on failure.
    for (const listener of leaving) listener.stopAccepting();
    const started: Listener[] = [];
    try {
      for (const listener of fresh) {
        started.push(listener);
        await listener.start();
      }
    } catch (err) {
      for (const listener of started) listener.stopAccepting();
      for (const listener of leaving) await listener.start().catch((e: unknown) => this.log.error({ err: e }, "could not rebind a listener after a failed apply"));
      throw err;
    }

    for (const { listener, context } of updated) listener.setContext(context);
    for (const listener of leaving) if (listener.connections.size > 0) this.retired.add(listener);
    this.clusters = clusters;
    this.listeners = listeners;
    this.configNow = next;
    for (const { authorizer, vc } of authorizers.values()) authorizer.update(vc.acls);
    this.authorizers = new Map([...authorizers].map(([name, { authorizer }]) => [name, authorizer]));
    for (const { rates, vc, tenant } of byteRates.values()) rates.update(vc.limits, next.limits.instances ?? 1, tenant);
    this.byteRates = new Map([...byteRates].map(([name, { rates }]) => [name, rates]));
    this.quotaSync.apply(next, new Map([...clusters].map(([name, cluster]) => [name, cluster.connector])));
    for (const [name, caps] of this.caps) if (capsByName.get(name)?.caps !== caps) caps.close();
    for (const { caps, vc, ctx } of capsByName.values()) {
      caps.update(vc.limits, ctx);
      caps.start();
    }
    this.caps = new Map([...capsByName].map(([name, { caps }]) => [name, caps]));
    // The admin worker drops the clients of the virtual clusters whose config changed.
    this.admin.apply(next);
    const moved = new Set(next.virtualClusters.filter((vc) => this.tenants.has(vc.name) && this.tenants.get(vc.name) !== clusters.get(vc.cluster)).map((vc) => vc.name));
    this.tenants = new Map(next.virtualClusters.map((vc) => [vc.name, clusters.get(vc.cluster)!]));
    this.drainMoved(moved, next.shutdown.drainTimeoutMs);
    this.budgets.update(budgets, next.virtualClusters.length);
    const name = (l: Listener) => `${l.endpoint.virtualCluster}/${l.endpoint.listener.name}`;
    return { added: fresh.map(name), updated: updated.map((u) => name(u.listener)), removed: leaving.map(name) };
  }

  private physicalCluster(config: PhysicalClusterConfig): PhysicalCluster {
    const connector = new UpstreamConnector(config, this.options.connectTimeoutMs);
    return {
      config,
      connector,
      topicIds: new TopicIdMap(() => fetchTopicIds(connector)),
      unreachableLog: new LogThrottle(),
      logDirs: new LogDirSizes(() => fetchLogDirSizes(connector)),
    };
  }

  private context(
    config: GatewayConfig,
    vc: VirtualClusterConfig,
    listener: ListenerConfig,
    cluster: PhysicalCluster,
    tenant: TenantContext,
    authenticator: SaslAuthenticator,
    rates: TenantByteRates,
    authorizer: Authorizer,
    caps: TenantCaps,
    identity?: readonly Filter[],
  ): ConnectionContext {
    const endpoint = new ListenerEndpoint(vc.name, listener);
    const log = childLogger({ virtualCluster: vc.name, listener: listener.name });
    const forwardable = forwardableOf(vc);
    // A shared listener's identity filters serve every virtual cluster it maps to; a virtual cluster's own listener
    // gets its own, for the virtual cluster's users.
    const who =
      identity !== undefined
        ? { identity }
        : identityOptions({ config, listener, authenticator, users: vc.users ?? [], brokerApiVersions: () => cluster.connector.apiVersions(), observer: this.options.observer, log });
    return {
      endpoint,
      virtualCluster: { name: vc.name, physicalCluster: cluster.config.name },
      chain: createFilterChain({ ...who, endpoint, addressMap: cluster.connector.addressMap, tenant, forwardable, log, acl: { authorizer, observer: this.options.observer }, byteRates: { rates, observer: this.options.observer }, caps }),
      admission: caps,
      connector: cluster.connector,
      maxFrameBytes: config.limits.maxFrameBytes,
      observer: this.options.observer,
      log,
      unreachableLog: cluster.unreachableLog,
      budgets: this.budgets,
    };
  }

  private capsContext(vc: VirtualClusterConfig, tenant: TenantContext, cluster: PhysicalCluster, instances: number): TenantCapsContext {
    const observer = this.options.observer;
    return {
      usage: upstreamUsage(cluster.connector, cluster.logDirs, tenant.ns),
      instances,
      log: childLogger({ virtualCluster: vc.name, component: "caps" }),
      refused: (cap) => observer.capRefused?.(vc.name, cap),
    };
  }

  stopAccepting(): void {
    for (const listener of this.listeners.values()) listener.stopAccepting();
  }

  /**
   * Virtual clusters now on another physical cluster (another `cluster`, or new brokers for theirs): their open
   * connections still reach the old brokers, so each finishes what it has in flight and closes, and the clients
   * reconnect to the new cluster. Whatever is still open after the drain period is closed.
   */
  private drainMoved(moved: ReadonlySet<string>, drainTimeoutMs: number): void {
    if (moved.size === 0) return;
    const draining = this.connections().filter((c) => moved.has(c.virtualClusterName));
    this.log.info({ virtualClusters: [...moved], connections: draining.length }, "moved to another physical cluster: draining their connections");
    for (const connection of draining) connection.drain();
    setTimeout(() => {
      for (const connection of draining) connection.close("moved to another physical cluster");
    }, drainTimeoutMs).unref();
  }

  /** Asks every connection to finish what it has read and close; resolves when none is left. */
  async drain(): Promise<void> {
    await Promise.all([...this.listeners.values(), ...this.retired].map((l) => l.drain()));
  }

  closeAll(reason: string): void {
    for (const listener of [...this.listeners.values(), ...this.retired]) listener.closeAll(reason);
    this.retired.clear();
    void this.admin.close();
    for (const caps of this.caps.values()) caps.close(); // their pollers
    this.budgets?.close();
    budgetUsageSources.delete(this.budgetUsage);
    limitUsageSources.delete(this.byteRateUsage);
    this.quotaSync.close();
    capUsageSources.delete(this.capUsage);
  }
}

function sameBootstrap(a: PhysicalClusterConfig, b: PhysicalClusterConfig): boolean {
  return JSON.stringify(a.bootstrap) === JSON.stringify(b.bootstrap);
}

/** Same ports, node id arithmetic and transport: the bound servers can stay. */
function sameBinding(a: ListenerConfig, b: ListenerConfig): boolean {
  return (
    a.bind === b.bind &&
    a.bootstrapPort === b.bootstrapPort &&
    a.brokerPorts?.first === b.brokerPorts?.first &&
    a.brokerPorts?.last === b.brokerPorts?.last &&
    JSON.stringify(a.sni) === JSON.stringify(b.sni) &&
    a.nodeIdBase === b.nodeIdBase &&
    (a.security ?? "plaintext") === (b.security ?? "plaintext") &&
    // A new certificate, key or client CA is swapped in place (Listener.setContext); asking for client certificates
    // or not is set when a TLS server is made.
    (a.tls?.clientAuth ?? "none") === (b.tls?.clientAuth ?? "none")
  );
}
