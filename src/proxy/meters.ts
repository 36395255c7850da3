// Metric children with their labels bound once per listener, so the per-request cost is one array
// index and an inc(), never a label-set lookup.
import { apiLabel, metrics } from "../control/metrics.js";
import { API_BY_KEY } from "../protocol/messages/index.js";

interface Incrementable {
  inc(value?: number): void;
}

export class ListenerMeters {
  readonly connections;
  readonly connectionsTotal;
  readonly bytesFromClients: Incrementable;
  readonly bytesToClients: Incrementable;
  private readonly requestsByApiKey: Incrementable[] = [];

  constructor(
    private readonly virtualCluster: string,
    listener: string,
    private readonly physicalCluster: string,
  ) {
    this.connections = metrics.connections.labels(virtualCluster, listener);
    this.connectionsTotal = metrics.connectionsTotal.labels(virtualCluster, listener);
    this.bytesFromClients = metrics.bytesFromClients.labels(virtualCluster);
    this.bytesToClients = metrics.bytesToClients.labels(virtualCluster);
  }

  request(apiKey: number): Incrementable {
    const known = this.requestsByApiKey[apiKey];
    if (known) return known;
    const child = metrics.requests.labels(this.virtualCluster, apiLabel(apiKey, API_BY_KEY));
    // Only real api keys get a slot: a client sending random keys must not grow this array.
    if (API_BY_KEY.has(apiKey)) this.requestsByApiKey[apiKey] = child;
    return child;
  }

  upstreamError(reason: string): void {
    metrics.upstreamErrors.labels(this.physicalCluster, reason).inc();
  }
}
