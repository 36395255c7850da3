// Broker-address rewriting: every broker host/port a client can see is replaced by the gateway
// endpoint (advertised host, port-per-broker) of the listener the client is connected to, so clients
// never learn, and never dial, a real broker. The real addresses seen are learned on the way through.
import type { Logger } from "pino";
import { ApiKey } from "../protocol/messages/index.js";
import type { AdvertisedAddress, ListenerEndpoint } from "../session/endpoint.js";
import type { BrokerAddressMap } from "../upstream/broker-address-map.js";
import type { Filter, FilterResponse } from "./filter.js";

/** The shape shared by every struct that carries a broker endpoint. */
interface Endpoint {
  host: string;
  port: number;
}
interface NodeEndpoint extends Endpoint {
  nodeId: number;
}

// Only the fields this filter touches; the generated types carry the rest through untouched.
interface WithBrokers {
  brokers: NodeEndpoint[];
}
interface FindCoordinatorShape extends NodeEndpoint {
  coordinators?: NodeEndpoint[];
}
interface DescribeClusterShape {
  endpointType?: number;
  brokers: (Endpoint & { brokerId: number })[];
}
interface DescribeQuorumShape {
  nodes?: { nodeId: number; listeners: Endpoint[] }[];
}
interface WithNodeEndpoints {
  nodeEndpoints?: NodeEndpoint[] | null;
}

/** First version whose response carries node endpoints (KIP-951 for Produce/Fetch). */
const FIRST_VERSION_WITH_ENDPOINTS = new Map<number, number>([
  [ApiKey.Produce, 10],
  [ApiKey.Fetch, 16],
  [ApiKey.Metadata, 0],
  [ApiKey.FindCoordinator, 0],
  [ApiKey.DescribeQuorum, 2],
  [ApiKey.DescribeCluster, 0],
  [ApiKey.ShareFetch, 0],
  [ApiKey.ShareAcknowledge, 0],
]);

/** DescribeCluster's endpoint_type 2 lists controllers, whose addresses must not be learned as brokers. */
const CONTROLLER_ENDPOINT_TYPE = 2;

export class BrokerAddressFilter implements Filter {
  readonly name = "broker-addresses";
  private readonly warnedNodeIds = new Set<number>();

  constructor(
    private readonly endpoint: ListenerEndpoint,
    private readonly addressMap: BrokerAddressMap,
    private readonly log: Logger,
  ) {}

  wantsResponse(apiKey: number, apiVersion: number): boolean {
    const from = FIRST_VERSION_WITH_ENDPOINTS.get(apiKey);
    return from !== undefined && apiVersion >= from;
  }

  onResponse({ apiKey, message: response }: FilterResponse): boolean {
    switch (apiKey) {
      case ApiKey.Metadata:
        return this.pointAll((response as WithBrokers).brokers, true);
      case ApiKey.FindCoordinator: {
        const r = response as FindCoordinatorShape;
        if (r.coordinators !== undefined) return this.pointAll(r.coordinators, true); // v4+: batched
        return r.nodeId >= 0 && this.point(r.nodeId, r, true); // v0-3; -1 = no coordinator (error)
      }
      case ApiKey.DescribeCluster: {
        const r = response as DescribeClusterShape;
        const learn = r.endpointType !== CONTROLLER_ENDPOINT_TYPE;
        let changed = false;
        for (const b of r.brokers) changed = this.point(b.brokerId, b, learn) || changed;
        return changed;
      }
      case ApiKey.DescribeQuorum: {
        // Controller listeners: hidden like brokers, never learned (clients can't be proxied to them).
        let changed = false;
        for (const node of (response as DescribeQuorumShape).nodes ?? []) {
          for (const l of node.listeners) changed = this.point(node.nodeId, l, false) || changed;
        }
        return changed;
      }
      default: // Produce, Fetch, ShareFetch, ShareAcknowledge: node endpoints of new leaders
        return this.pointAll((response as WithNodeEndpoints).nodeEndpoints ?? [], true);
    }
  }

  /** Produce's node endpoints (v10+) are the one thing re-pointed here, and the splice decodes any response that has them. */
  onProduceResponseView(): boolean {
    return true;
  }

  private pointAll(nodes: readonly NodeEndpoint[], learn: boolean): boolean {
    let changed = false;
    for (const node of nodes) changed = this.point(node.nodeId, node, learn) || changed;
    return changed;
  }

  /** Points one endpoint at this listener's port for `nodeId`; returns whether it changed. */
  private point(nodeId: number, target: Endpoint, learn: boolean): boolean {
    if (learn) this.addressMap.learn(nodeId, target.host, target.port);
    const { host, port } = this.endpoint.broker(nodeId) ?? this.outOfRange(nodeId);
    if (target.host === host && target.port === port) return false;
    target.host = host;
    target.port = port;
    return true;
  }

  /**
   * A node id with no broker port: sending the client to the bootstrap port keeps the real address
   * hidden; requests may then reach the wrong broker, so the operator must widen the port range.
   */
  private outOfRange(nodeId: number): AdvertisedAddress {
    if (!this.warnedNodeIds.has(nodeId)) {
      this.warnedNodeIds.add(nodeId);
      const { virtualCluster, listener } = this.endpoint;
      this.log.warn(
        { nodeId, virtualCluster, listener: listener.name, brokerPorts: listener.brokerPorts, nodeIdBase: listener.nodeIdBase },
        "broker node id outside the listener's broker port range; advertising the bootstrap port for it",
      );
    }
    return this.endpoint.bootstrap;
  }
}
