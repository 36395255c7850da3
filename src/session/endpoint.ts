// Where clients reach one listener of a virtual cluster: port per broker (the port a client dials names the broker),
// or SNI routing (one TLS port; the host name the client asked for names the broker, see sni-hosts.ts).
import type { ListenerConfig } from "../config/types.js";
import type { SessionTarget } from "./session.js";
import { SniHosts } from "./sni-hosts.js";

export interface AdvertisedAddress {
  host: string;
  port: number;
}

/** The address clients must be told for each broker, and for the bootstrap. */
export class ListenerEndpoint {
  /** Set for SNI-routed listeners. */
  readonly sni: SniHosts | undefined;

  constructor(
    readonly virtualCluster: string,
    readonly listener: ListenerConfig,
  ) {
    this.sni = listener.sni === undefined ? undefined : new SniHosts(listener.sni);
  }

  get bootstrap(): AdvertisedAddress {
    return { host: this.sni?.bootstrap ?? this.listener.advertisedHost!, port: this.listener.bootstrapPort };
  }

  /** Where a client reaches broker `nodeId`; undefined (port per broker) when the node id falls outside the port range. */
  broker(nodeId: number): AdvertisedAddress | undefined {
    if (this.sni !== undefined) return { host: this.sni.brokerHost(nodeId), port: this.listener.bootstrapPort };
    const { first, last } = this.listener.brokerPorts!;
    const port = first + (nodeId - this.listener.nodeIdBase);
    return port >= first && port <= last ? { host: this.listener.advertisedHost!, port } : undefined;
  }

  /** Port per broker: every port to listen on, with the target each stands for (the bootstrap first). */
  ports(): { port: number; target: SessionTarget }[] {
    const out: { port: number; target: SessionTarget }[] = [{ port: this.listener.bootstrapPort, target: { kind: "bootstrap" } }];
    const range = this.listener.brokerPorts;
    if (this.sni !== undefined || range === undefined) return out;
    for (let port = range.first; port <= range.last; port++) out.push({ port, target: { kind: "broker", nodeId: port - range.first + this.listener.nodeIdBase } });
    return out;
  }
}
