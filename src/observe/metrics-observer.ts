// Prometheus metrics as an observer of the data plane. Label children are bound once per listener endpoint, so the
// per-request cost is a WeakMap lookup, an array index and an inc(), never a label-set lookup.
import { API_BY_KEY } from "../protocol/messages/index.js";
import type { ListenerEndpoint } from "../session/endpoint.js";
import type { Session } from "../session/session.js";
import { apiLabel, metrics, topicBytesSources } from "./metrics.js";
import { TopicLabels } from "./topic-labels.js";
import type { AuthenticationOutcome, ByteDirection, ByteLimitScope, GatewayObserver, ObservedRequest } from "./observer.js";

interface Incrementable {
  inc(value?: number): void;
}

class EndpointMeters {
  readonly connections;
  readonly connectionsTotal;
  readonly bytesFromClients: Incrementable;
  readonly bytesToClients: Incrementable;
  private readonly requestsByApiKey: Incrementable[] = [];

  constructor(private readonly virtualCluster: string, listener: string) {
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

  refused(apiKey: number, reason: string): void {
    metrics.requestsRefused.labels(this.virtualCluster, apiLabel(apiKey, API_BY_KEY), reason).inc();
  }
}

/** Topics of one virtual cluster with a label of their own in the byte metrics; the rest are "__other". */
const TOPIC_LABELS = 50;
const TOPIC_LABEL_IDLE_MS = 5 * 60_000;
const DIRECTIONS = ["produce", "fetch"] as const;

/**
 * Bytes of one topic not yet added to the counter: adding to a number costs nothing, a prom-client inc() with labels
 * about 0.4 µs. The counter takes them at scrape time (topicBytesSources).
 */
interface TopicMeters {
  readonly label: string;
  produce: number;
  fetch: number;
}

function topicLabels(virtualCluster: string): TopicLabels<TopicMeters> {
  return new TopicLabels<TopicMeters>(
    {
      max: TOPIC_LABELS,
      idleMs: TOPIC_LABEL_IDLE_MS,
      forget: (topic) => {
        for (const direction of DIRECTIONS) {
          metrics.topicBytes.remove(virtualCluster, topic, direction);
          metrics.throttleSeconds.remove(virtualCluster, direction, "topic", topic);
        }
      },
    },
    (label) => ({ label, produce: 0, fetch: 0 }),
  );
}

export class MetricsObserver implements GatewayObserver {
  private readonly meters = new WeakMap<ListenerEndpoint, EndpointMeters>();
  /** By virtual cluster name (its listeners share them). */
  private readonly topics = new Map<string, TopicLabels<TopicMeters>>();

  constructor() {
    topicBytesSources.add(() => {
      for (const [virtualCluster, labels] of this.topics) {
        labels.forEach((meters) => {
          for (const direction of DIRECTIONS) {
            if (meters[direction] === 0) continue;
            metrics.topicBytes.inc({ virtual_cluster: virtualCluster, topic: meters.label, direction }, meters[direction]);
            meters[direction] = 0;
          }
        });
      }
    });
  }

  private of(session: Session): EndpointMeters {
    return this.ofEndpoint(session.endpoint);
  }

  private ofEndpoint(endpoint: ListenerEndpoint): EndpointMeters {
    let meters = this.meters.get(endpoint);
    if (meters === undefined) {
      meters = new EndpointMeters(endpoint.virtualCluster, endpoint.listener.name);
      this.meters.set(endpoint, meters);
    }
    return meters;
  }

  sessionOpened(session: Session): void {
    const meters = this.of(session);
    meters.connectionsTotal.inc();
    meters.connections.inc();
  }

  sessionClosed(session: Session): void {
    this.of(session).connections.dec();
  }

  /** The open connection now counts for its virtual cluster; it was accepted (connections_total) on the shared one. */
  sessionMoved(session: Session, from: ListenerEndpoint): void {
    this.ofEndpoint(from).connections.dec();
    this.of(session).connections.inc();
  }

  requestForwarded(session: Session, request: ObservedRequest): void {
    this.of(session).request(request.apiKey).inc();
  }

  requestAnswered(session: Session, request: ObservedRequest, refusal: string | undefined): void {
    const meters = this.of(session);
    meters.request(request.apiKey).inc();
    if (refusal !== undefined) meters.refused(request.apiKey, refusal);
  }

  requestClosed(session: Session, request: ObservedRequest, _reason: string, refusal: string | undefined): void {
    const meters = this.of(session);
    meters.request(request.apiKey).inc();
    if (refusal !== undefined) meters.refused(request.apiKey, refusal);
  }

  bytesFromClient(session: Session, bytes: number): void {
    this.of(session).bytesFromClients.inc(bytes);
  }

  bytesToClient(session: Session, bytes: number): void {
    this.of(session).bytesToClients.inc(bytes);
  }

  authentication(session: Session, mechanism: string, outcome: AuthenticationOutcome): void {
    metrics.authentications.labels(session.endpoint.virtualCluster, mechanism, outcome).inc();
  }

  authorizationDenied(session: Session, api: string, resourceType: string): void {
    metrics.authorizationDenied.labels(session.endpoint.virtualCluster, api, resourceType).inc();
  }

  topicBytes(session: Session, topic: string, direction: ByteDirection, bytes: number): void {
    this.topicsOf(session).of(topic)[direction] += bytes;
  }

  throttled(session: Session, direction: ByteDirection, limit: ByteLimitScope, topic: string | undefined, ms: number): void {
    const label = topic === undefined ? "" : this.topicsOf(session).of(topic).label;
    metrics.throttleSeconds.labels(session.endpoint.virtualCluster, direction, limit, label).inc(ms / 1000);
  }

  private topicsOf(session: Session): TopicLabels<TopicMeters> {
    const virtualCluster = session.endpoint.virtualCluster;
    let labels = this.topics.get(virtualCluster);
    if (labels === undefined) {
      labels = topicLabels(virtualCluster);
      this.topics.set(virtualCluster, labels);
    }
    return labels;
  }

  upstreamError(cluster: string, reason: string): void {
    metrics.upstreamErrors.labels(cluster, reason).inc();
  }

  capRefused(virtualCluster: string, cap: string): void {
    metrics.limitRefusals.labels(virtualCluster, cap).inc();
  }

  connectionReaped(session: Session, reason: string): void {
    metrics.connectionsReaped.labels(session.endpoint.virtualCluster, reason).inc();
  }
}
