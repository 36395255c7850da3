// Keeps the brokers' client quotas in step with the config (quota-push-down.ts): after every apply, each physical
// cluster that has (or had, in this process) a tenant pushing its byte rate down gets exactly the quotas of the
// tenants that push down now. A failed sync (cluster down, missing ALTER_CONFIGS permission) is logged and retried
// until it succeeds or a newer config replaces it. Runs in the background: a slow cluster never delays an apply.
import type { Logger } from "pino";
import type { GatewayConfig } from "../config/types.js";
import type { UpstreamConnector } from "../upstream/connector.js";
import { syncClientQuotas, type PushedRates } from "./quota-push-down.js";

const RETRY_MS = 10_000;

export class ClientQuotaSync {
  /** Clusters with push-down tenants, now or earlier: their quotas are removed when the last tenant stops. */
  private readonly clusters = new Set<string>();
  private generation = 0;
  private latest: Promise<void> = Promise.resolve();
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly log: Logger) {}

  /** Starts syncing to `config`; `connectors` by physical cluster name. */
  apply(config: GatewayConfig, connectors: ReadonlyMap<string, UpstreamConnector>): void {
    const wanted = new Map<string, Map<string, PushedRates>>();
    for (const vc of config.virtualClusters) {
      const rate = vc.limits?.tenantByteRate;
      if (rate?.pushDown !== true) continue;
      this.clusters.add(vc.cluster);
      const tenants = wanted.get(vc.cluster) ?? new Map<string, PushedRates>();
      tenants.set(vc.name, { produce: rate.produce ?? undefined, fetch: rate.fetch ?? undefined });
      wanted.set(vc.cluster, tenants);
    }
    const generation = ++this.generation;
    clearTimeout(this.retry);
    const run = async (): Promise<void> => {
      const failures: string[] = [];
      for (const cluster of this.clusters) {
        const connector = connectors.get(cluster);
        if (connector === undefined) continue; // a cluster gone from the config can't be reached any more
        await syncClientQuotas(connector, wanted.get(cluster) ?? new Map()).catch((err: unknown) => {
          failures.push(cluster);
          this.log.warn({ err, cluster }, `could not sync the pushed-down tenant quotas; retrying in ${RETRY_MS / 1000} s`);
        });
      }
      if (failures.length > 0 && generation === this.generation) {
        this.retry = setTimeout(() => void (this.latest = run()), RETRY_MS).unref();
      }
    };
    this.latest = run();
  }

  /** Resolves when the latest sync attempt has ended (tests; shutdown). */
  settled(): Promise<void> {
    return this.latest;
  }

  close(): void {
    clearTimeout(this.retry);
    this.generation++;
  }
}
