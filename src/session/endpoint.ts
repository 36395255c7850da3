// Where clients reach one listener of a virtual cluster, and the port-per-broker arithmetic.
import type { ListenerConfig } from "../config/types.js";

export interface AdvertisedAddress {
  host: string;
  port: number;
}

/** The address clients must be told for each broker, and for the bootstrap. */
export class ListenerEndpoint {
  constructor(
    readonly virtualCluster: string,
    readonly listener: ListenerConfig,
  ) {}

  get advertisedHost(): string {
    return this.listener.advertisedHost;
  }

  get bootstrap(): AdvertisedAddress {
    return { host: this.listener.advertisedHost, port: this.listener.bootstrapPort };
  }

  /** port = first + (nodeId - nodeIdBase); undefined when the node id falls outside the port range. */
  brokerPort(nodeId: number): number | undefined {
    const { first, last } = this.listener.brokerPorts;
    const port = first + (nodeId - this.listener.nodeIdBase);
    return port >= first && port <= last ? port : undefined;
  }

  /** The node id a broker port stands for (the inverse of brokerPort). */
  nodeIdForPort(port: number): number {
    return port - this.listener.brokerPorts.first + this.listener.nodeIdBase;
  }
}
