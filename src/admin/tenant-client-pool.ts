// The admin worker's tenant clients (admin-tenants.ts), kept for reuse: opening one builds a filter chain and dials
// upstream connections (each with its own ApiVersions), which under a steady admin load cost more than the operations
// themselves. One client per (virtual cluster, principal), shared by concurrent operations (a TenantClient pairs
// responses by correlation id per connection, several in flight, as a tenant's client would); closed once idle for
// `idleMs`, when the pool is over `max` (least recently used first), or when its virtual cluster's config changes,
// so a client never outlives the rules it was built with. A client evicted while operations still use it is closed
// when the last of them is done.
import { LRUCache } from "lru-cache";
import type { Principal } from "../session/session.js";
import type { TenantClient } from "./tenant-client.js";

export const DEFAULT_POOL_IDLE_MS = 60_000;
export const DEFAULT_POOL_MAX = 64;

/** A client lent to one operation; release() hands it back (and is safe to call once only). */
export interface TenantClientLease {
  readonly client: TenantClient;
  release(): void;
}

export interface TenantClientPoolOptions {
  /** Opens a client of the virtual cluster for the principal; undefined for a virtual cluster the config doesn't have. */
  readonly open: (virtualCluster: string, principal: Principal | undefined) => TenantClient | undefined;
  readonly idleMs?: number;
  readonly max?: number;
}

interface Pooled {
  readonly virtualCluster: string;
  readonly client: TenantClient;
  /** Operations using it now. */
  users: number;
  /** Out of the pool: closed when `users` reaches 0. */
  evicted: boolean;
}

export class TenantClientPool {
  private readonly pooled: LRUCache<string, Pooled>;

  constructor(private readonly options: TenantClientPoolOptions) {
    this.pooled = new LRUCache<string, Pooled>({
      max: options.max ?? DEFAULT_POOL_MAX,
      ttl: options.idleMs ?? DEFAULT_POOL_IDLE_MS,
      ttlAutopurge: true,
      updateAgeOnGet: true,
      dispose: (entry) => {
        entry.evicted = true;
        if (entry.users === 0) entry.client.close();
      },
    });
  }

  /** Idle clients kept now (for tests and metrics). */
  get size(): number {
    return this.pooled.size;
  }

  lease(virtualCluster: string, principal: Principal | undefined): TenantClientLease | undefined {
    // The virtual cluster's name can't contain a newline (config names are checked), so the key is unambiguous.
    const key = principal === undefined ? `${virtualCluster}\n` : `${virtualCluster}\n${principal.type}:${principal.name}`;
    let entry = this.pooled.get(key);
    if (entry?.client.isClosed === true) {
      // The chain closed its session (e.g. a filter refused it): never lend a dead client.
      this.pooled.delete(key);
      entry = undefined;
    }
    if (entry === undefined) {
      const client = this.options.open(virtualCluster, principal);
      if (client === undefined) return undefined;
      entry = { virtualCluster, client, users: 0, evicted: false };
      this.pooled.set(key, entry);
    }
    const leased = entry;
    leased.users++;
    let released = false;
    return {
      client: leased.client,
      release: () => {
        if (released) return;
        released = true;
        leased.users--;
        if (leased.evicted && leased.users === 0) leased.client.close();
      },
    };
  }

  /** Drops (and closes, once unused) every client of the virtual cluster: its config changed or it is gone. */
  invalidate(virtualCluster: string): void {
    for (const [key, entry] of this.pooled.entries()) if (entry.virtualCluster === virtualCluster) this.pooled.delete(key);
  }

  /** Drops every client (the gateway stops). */
  clear(): void {
    this.pooled.clear();
  }
}
