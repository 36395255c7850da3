// What the admin worker builds from a config snapshot to run the tenant operations off the data plane's thread: per
// physical cluster its own upstream connector (the cluster's bootstrap, TLS and SASL login) and topic-id map; per
// virtual cluster its namespace, its Authorizer, caps and byte-rate buckets built from the same config as the data
// plane's, and the pooled tenant clients whose chains run them (without authentication filters: the control plane
// has checked its caller; without the ACL filter for a platform super-user, who names no principal).
// What the data plane shares lives on the main thread and is asked for (MainThread): an admin read or send is charged
// to the main thread's byte-rate buckets, whose throttle mutes the admin client; the retained-bytes cap and topic
// listings read the main thread's log-dir sizes; ACL denials and cap refusals go to its metrics and event log. The
// worker's own buckets pace its client within an operation (a Fetch's maxBytes is lowered to what they hold).
import { isDeepStrictEqual } from "node:util";
import { Authorizer } from "../acl/authorizer.js";
import type { GatewayConfig, PhysicalClusterConfig, VirtualClusterConfig } from "../config/types.js";
import { createFilterChain } from "../filters/index.js";
import { TenantByteRates } from "../limits/tenant-byte-rates.js";
import { TenantCaps, type TenantCapsContext } from "../limits/tenant-caps.js";
import { fetchTopicPartitions } from "../limits/upstream-usage.js";
import { pushDownClientId } from "../limits/quota-push-down.js";
import { childLogger } from "../log.js";
import type { GatewayObserver } from "../observe/observer.js";
import { forwardableOf } from "../runtime/shared-listener.js";
import { ListenerEndpoint } from "../session/endpoint.js";
import type { Principal } from "../session/session.js";
import { TenantNamespace } from "../tenancy/namespace.js";
import type { TenantContext } from "../tenancy/rewrite.js";
import { TopicIdMap } from "../tenancy/topic-ids.js";
import { UpstreamConnector } from "../upstream/connector.js";
import { fetchTopicIds } from "../upstream/metadata-fetch.js";
import { TenantClient } from "./tenant-client.js";
import { TenantClientPool, type TenantClientLease } from "./tenant-client-pool.js";
import type { Answer, Question, WorkerEvent } from "./worker-protocol.js";

/** The main thread, as the worker reaches it. */
export interface MainThread {
  ask<Q extends Question>(question: Q): Promise<Answer<Q>>;
  report(event: WorkerEvent): void;
}

interface Cluster {
  readonly config: PhysicalClusterConfig;
  readonly connector: UpstreamConnector;
  readonly topicIds: TopicIdMap;
}

interface Tenant {
  readonly vc: VirtualClusterConfig;
  readonly cluster: Cluster;
  readonly tenant: TenantContext;
  readonly authorizer: Authorizer;
  readonly byteRates: TenantByteRates;
  readonly caps: TenantCaps;
}

export class AdminTenants {
  private clusters = new Map<string, Cluster>();
  private tenants = new Map<string, Tenant>();
  private readonly pool = new TenantClientPool({ open: (name, principal) => this.open(name, principal) });
  /** What the admin chains report, sent to the main thread. */
  private readonly observer: GatewayObserver;

  constructor(
    private readonly main: MainThread,
    private readonly connectTimeoutMs?: number,
  ) {
    this.observer = {
      authorizationDenied: (session, api, resourceType) =>
        main.report({ kind: "authorizationDenied", virtualCluster: session.endpoint.virtualCluster, principal: session.principal?.name, api, resourceType }),
      topicBytes: (session, topic, direction, bytes, records) => {
        const charge = { kind: "charge", virtualCluster: session.endpoint.virtualCluster, principal: session.principal?.name, topic, direction, bytes, records } as const;
        main.ask(charge).then((ms) => session.mute(ms), () => undefined);
      },
    };
  }

  /** Idle clients kept now (for tests). */
  get pooled(): number {
    return this.pool.size;
  }

  lease(virtualCluster: string, principal: Principal | undefined): TenantClientLease | undefined {
    return this.pool.lease(virtualCluster, principal);
  }

  /** Moves to `config`: a virtual cluster whose config or physical cluster changed (or that is gone) loses its clients. */
  apply(config: GatewayConfig): void {
    const clusters = new Map<string, Cluster>();
    for (const c of config.clusters) {
      const known = this.clusters.get(c.name);
      clusters.set(c.name, known !== undefined && isDeepStrictEqual(known.config, c) ? known : cluster(c, this.connectTimeoutMs));
    }
    const instances = config.limits.instances ?? 1;
    const tenants = new Map<string, Tenant>();
    for (const vc of config.virtualClusters) {
      const c = clusters.get(vc.cluster);
      if (c === undefined) continue; // the config loader checks the reference
      const tenant: TenantContext = {
        ns: new TenantNamespace(vc.name, vc.prefix),
        topicIds: c.topicIds,
        topicConfigAllowlist: new Set(vc.topicConfigAllowlist),
        upstreamClientId: vc.limits?.tenantByteRate?.pushDown === true ? pushDownClientId(vc.name) : undefined,
      };
      const known = this.tenants.get(vc.name);
      if (known !== undefined && (known.cluster !== c || !isDeepStrictEqual(known.vc, vc))) this.pool.invalidate(vc.name);
      const authorizer = known?.authorizer ?? new Authorizer(vc.acls);
      authorizer.update(vc.acls);
      const byteRates = known?.byteRates ?? new TenantByteRates(vc.limits, instances, tenant);
      byteRates.update(vc.limits, instances, tenant);
      const capsContext = this.capsContext(vc, c, tenant, instances);
      const caps = known?.caps ?? new TenantCaps(vc.limits, capsContext);
      caps.update(vc.limits, capsContext);
      caps.start();
      tenants.set(vc.name, { vc, cluster: c, tenant, authorizer, byteRates, caps });
    }
    for (const [name, known] of this.tenants) {
      if (tenants.has(name)) continue;
      this.pool.invalidate(name);
      known.caps.close();
    }
    this.clusters = clusters;
    this.tenants = tenants;
  }

  close(): void {
    this.pool.clear();
    for (const t of this.tenants.values()) t.caps.close();
  }

  private open(name: string, principal: Principal | undefined): TenantClient | undefined {
    const t = this.tenants.get(name);
    if (t === undefined) return undefined;
    const { vc, cluster: c, tenant } = t;
    const log = childLogger({ virtualCluster: vc.name, component: "admin" });
    // Any listener of the virtual cluster: the chain writes its broker addresses into responses nobody dials.
    const endpoint = new ListenerEndpoint(vc.name, vc.listeners[0] ?? { name: "admin", bind: "127.0.0.1", bootstrapPort: 0, nodeIdBase: 0 });
    const chain = createFilterChain({
      endpoint,
      addressMap: c.connector.addressMap,
      tenant,
      forwardable: forwardableOf(vc),
      log,
      acl: principal === undefined ? undefined : { authorizer: t.authorizer, observer: this.observer },
      byteRates: { rates: t.byteRates, observer: this.observer },
      caps: t.caps,
    });
    return new TenantClient({
      virtualCluster: { name: vc.name, physicalCluster: c.config.name },
      endpoint,
      chain,
      connector: c.connector,
      principal,
      remoteAddress: "127.0.0.1",
      topicSizes: async (maxAgeMs) => {
        const sizes = new Map<string, number>();
        for (const [physical, bytes] of await this.main.ask({ kind: "topicSizes", cluster: c.config.name, maxAgeMs })) {
          const own = tenant.ns.strip(physical);
          if (own !== undefined) sizes.set(own, bytes);
        }
        return sizes;
      },
      topicThroughput: () => this.main.ask({ kind: "throughput", virtualCluster: vc.name }),
    });
  }

  /** Topic counts from the worker's own connector; retained bytes from the main thread's log-dir sizes (one poll per cluster). */
  private capsContext(vc: VirtualClusterConfig, c: Cluster, tenant: TenantContext, instances: number): TenantCapsContext {
    return {
      usage: {
        topicPartitions: () => fetchTopicPartitions(c.connector, tenant.ns),
        retainedBytes: async (maxAgeMs) => {
          let bytes = 0;
          for (const [topic, size] of await this.main.ask({ kind: "topicSizes", cluster: c.config.name, maxAgeMs })) if (tenant.ns.owns(topic)) bytes += size;
          return bytes;
        },
      },
      instances,
      log: childLogger({ virtualCluster: vc.name, component: "caps" }),
      refused: (cap) => this.main.report({ kind: "capRefused", virtualCluster: vc.name, cap }),
    };
  }
}

function cluster(config: PhysicalClusterConfig, connectTimeoutMs: number | undefined): Cluster {
  const connector = new UpstreamConnector(config, connectTimeoutMs);
  return { config, connector, topicIds: new TopicIdMap(() => fetchTopicIds(connector)) };
}
