// nodeId -> real broker address for one physical cluster, learned from the Metadata responses the
// gateway rewrites, so a client connecting to a broker port can be sent to the right broker.
import type { HostPort } from "../config/types.js";

export class BrokerAddressMap {
  private readonly byNodeId = new Map<number, HostPort>();
  private refreshing: Promise<void> | undefined;

  constructor(
    /** Fetches the current brokers (a Metadata round trip); called when a node id is unknown. */
    private readonly fetchBrokers: () => Promise<readonly (HostPort & { nodeId: number })[]>,
  ) {}

  get(nodeId: number): HostPort | undefined {
    return this.byNodeId.get(nodeId);
  }

  learn(nodeId: number, host: string, port: number): void {
    const known = this.byNodeId.get(nodeId);
    if (known === undefined || known.host !== host || known.port !== port) this.byNodeId.set(nodeId, { host, port });
  }

  /** The address of `nodeId`, fetching Metadata once if it isn't known yet (concurrent callers share one fetch). */
  async resolve(nodeId: number): Promise<HostPort | undefined> {
    const known = this.byNodeId.get(nodeId);
    if (known) return known;
    this.refreshing ??= this.fetchBrokers()
      .then((brokers) => {
        for (const b of brokers) this.learn(b.nodeId, b.host, b.port);
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    await this.refreshing;
    return this.byNodeId.get(nodeId);
  }
}
