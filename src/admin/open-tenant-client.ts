// Builds a TenantClient for one virtual cluster from what the runtime keeps for it: the same filters its listeners'
// chains run (API policy, ACL, caps, byte rates, broker addresses, tenancy), without the authentication filters (the
// control plane has checked its caller), and without the ACL filter for a platform super-user (no principal).
import type { Authorizer } from "../acl/authorizer.js";
import type { VirtualClusterConfig } from "../config/types.js";
import { createFilterChain } from "../filters/index.js";
import type { VersionRange } from "../filters/filter.js";
import type { LogDirSizes } from "../limits/log-dir-sizes.js";
import type { TenantByteRates } from "../limits/tenant-byte-rates.js";
import type { TenantCaps } from "../limits/tenant-caps.js";
import { childLogger } from "../log.js";
import type { GatewayObserver } from "../observe/observer.js";
import { ListenerEndpoint } from "../session/endpoint.js";
import type { Principal } from "../session/session.js";
import type { TenantContext } from "../tenancy/rewrite.js";
import type { UpstreamConnector } from "../upstream/connector.js";
import { TenantClient } from "./tenant-client.js";
import type { TopicThroughputMeter } from "./topic-throughput.js";

/** What the runtime holds for one virtual cluster (the live objects its listeners' chains share). */
export interface AdminTenant {
  readonly vc: VirtualClusterConfig;
  readonly physicalCluster: string;
  readonly tenant: TenantContext;
  readonly forwardable: ReadonlyMap<number, VersionRange>;
  readonly connector: UpstreamConnector;
  readonly logDirs: LogDirSizes;
  readonly authorizer: Authorizer;
  readonly byteRates: TenantByteRates;
  readonly caps: TenantCaps;
  readonly observer: GatewayObserver;
  readonly throughput: TopicThroughputMeter;
}

export function openTenantClient(t: AdminTenant, principal: Principal | undefined, remoteAddress: string): TenantClient {
  const { vc, tenant, observer } = t;
  const log = childLogger({ virtualCluster: vc.name, component: "admin" });
  // Any listener of the virtual cluster: the chain writes its broker addresses into responses nobody dials.
  const endpoint = new ListenerEndpoint(vc.name, vc.listeners[0] ?? { name: "admin", bind: "127.0.0.1", bootstrapPort: 0, nodeIdBase: 0 });
  const chain = createFilterChain({
    endpoint,
    addressMap: t.connector.addressMap,
    tenant,
    forwardable: t.forwardable,
    log,
    acl: principal === undefined ? undefined : { authorizer: t.authorizer, observer },
    byteRates: { rates: t.byteRates, observer },
    caps: t.caps,
  });
  return new TenantClient({
    virtualCluster: { name: vc.name, physicalCluster: t.physicalCluster },
    endpoint,
    chain,
    connector: t.connector,
    principal,
    remoteAddress,
    topicSizes: async (maxAgeMs) => {
      const sizes = new Map<string, number>();
      for (const [physical, bytes] of await t.logDirs.get(maxAgeMs)) {
        const name = tenant.ns.strip(physical);
        if (name !== undefined) sizes.set(name, bytes);
      }
      return sizes;
    },
    topicThroughput: () => t.throughput.rates(vc.name),
  });
}
