// Prometheus metrics as an observer of the data plane. Label children are bound once per listener endpoint, so the
// per-request cost is a WeakMap lookup, an array index and an inc() or observe(), never a label-set lookup.
import { ErrorCode } from "../protocol/error-codes.js";
import { API_BY_KEY } from "../protocol/messages/index.js";
import type { ListenerEndpoint } from "../session/endpoint.js";
import type { Session } from "../session/session.js";
import type { Counter } from "prom-client";
import { apiLabel, metrics, pendingCountSources, topicBytesSources } from "./metrics.js";
import { TopicLabels } from "./topic-labels.js";
import type { AuthenticationOutcome, ByteDirection, ByteLimitScope, GatewayObserver, ObservedRequest } from "./observer.js";

interface Incrementable {
  inc(value?: number): void;
}

interface Observable {
  observe(value: number): void;
}

/** One API's meters on one endpoint. */
interface ApiMeters {
  readonly requests: Incrementable;
  readonly gatewayAdded: Observable;
  readonly upstream: Observable;
}

/** Kafka's names by code; a code Kafka doesn't list is "UNKNOWN", so a broker can't mint label values. */
const ERROR_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/**
 * Counts kept as plain numbers until the next scrape, by counter and label values: prom-client's inc() on a bound child
 * still validates and hashes its label set on every call, and these count every request, client read and client write.
 * The counters take them in their collect() (pendingCountSources). Label values are bounded, so is this map.
 */
class PendingCounts {
  private readonly counts = new Map<Counter<string>, Map<string, PendingCount>>();

  of(counter: Counter<string>, ...labels: string[]): Incrementable {
    let byLabels = this.counts.get(counter);
    if (byLabels === undefined) {
      byLabels = new Map();
      this.counts.set(counter, byLabels);
    }
    const key = labels.join("\0");
    let count = byLabels.get(key);
    if (count === undefined) {
      count = new PendingCount(counter.labels(...labels));
      byLabels.set(key, count);
    }
    return count;
  }

  flush(): void {
    for (const byLabels of this.counts.values()) for (const count of byLabels.values()) count.flush();
  }
}

class PendingCount implements Incrementable {
  private pending = 0;

  constructor(private readonly child: Incrementable) {}

  inc(value = 1): void {
    this.pending += value;
  }

  flush(): void {
    if (this.pending === 0) return;
    this.child.inc(this.pending);
    this.pending = 0;
  }
}

class EndpointMeters {
  readonly connections;
  readonly connectionsTotal;
  private readonly byApiKey: ApiMeters[] = [];

  readonly bytesFromClients: Incrementable;
  readonly bytesToClients: Incrementable;

  constructor(
    private readonly virtualCluster: string,
    listener: string,
    private readonly pending: PendingCounts,
  ) {
    this.connections = metrics.connections.labels(virtualCluster, listener);
    this.connectionsTotal = metrics.connectionsTotal.labels(virtualCluster, listener);
    this.bytesFromClients = pending.of(metrics.bytesFromClients, virtualCluster);
    this.bytesToClients = pending.of(metrics.bytesToClients, virtualCluster);
  }

  api(apiKey: number): ApiMeters {
    const known = this.byApiKey[apiKey];
    if (known) return known;
    const api = apiLabel(apiKey, API_BY_KEY);
    const meters: ApiMeters = {
      requests: this.pending.of(metrics.requests, this.virtualCluster, api),
      gatewayAdded: metrics.gatewayAddedSeconds.labels(this.virtualCluster, api),
      upstream: metrics.upstreamSeconds.labels(this.virtualCluster, api),
    };
    // Only real api keys get a slot: a client sending random keys must not grow this array.
    if (API_BY_KEY.has(apiKey)) this.byApiKey[apiKey] = meters;
    return meters;
  }

  /** Errors are the exception: their label set is looked up when one happens. */
  responseError(apiKey: number, errorCode: number): void {
    metrics.responseErrors.labels(this.virtualCluster, apiLabel(apiKey, API_BY_KEY), ERROR_NAMES.get(errorCode) ?? "UNKNOWN").inc();
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
 * Bytes and records of one topic not yet added to the counters: adding to a number costs nothing, a prom-client inc()
 * with labels about 0.4 µs. The counters take them at scrape time (topicBytesSources).
 */
interface TopicMeters {
  readonly label: string;
  readonly bytes: Record<ByteDirection, number>;
  readonly records: Record<ByteDirection, number>;
}

/** The counters TopicMeters feed, by the field that holds their pending counts. */
const TOPIC_COUNTERS = [
  ["bytes", metrics.topicBytes],
  ["records", metrics.topicRecords],
] as const;

function topicLabels(virtualCluster: string): TopicLabels<TopicMeters> {
  return new TopicLabels<TopicMeters>(
    {
      max: TOPIC_LABELS,
      idleMs: TOPIC_LABEL_IDLE_MS,
      forget: (topic) => {
        for (const direction of DIRECTIONS) {
          for (const [, counter] of TOPIC_COUNTERS) counter.remove(virtualCluster, topic, direction);
          metrics.throttleSeconds.remove(virtualCluster, direction, "topic", topic);
        }
      },
    },
    (label) => ({ label, bytes: { produce: 0, fetch: 0 }, records: { produce: 0, fetch: 0 } }),
  );
}

export class MetricsObserver implements GatewayObserver {
  private readonly meters = new WeakMap<ListenerEndpoint, EndpointMeters>();
  /** By virtual cluster name (its listeners share them). */
  private readonly topics = new Map<string, TopicLabels<TopicMeters>>();
  private readonly pending = new PendingCounts();

  constructor() {
    pendingCountSources.add(() => this.pending.flush());
    topicBytesSources.add(() => {
      for (const [virtualCluster, labels] of this.topics) {
        labels.forEach((meters) => {
          for (const [field, counter] of TOPIC_COUNTERS) {
            const pending = meters[field];
            for (const direction of DIRECTIONS) {
              if (pending[direction] === 0) continue;
              counter.inc({ virtual_cluster: virtualCluster, topic: meters.label, direction }, pending[direction]);
              pending[direction] = 0;
            }
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
      meters = new EndpointMeters(endpoint.virtualCluster, endpoint.listener.name, this.pending);
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
    this.of(session).api(request.apiKey).requests.inc();
  }

  requestAnswered(session: Session, request: ObservedRequest, refusal: string | undefined): void {
    const meters = this.of(session);
    meters.api(request.apiKey).requests.inc();
    if (refusal !== undefined) meters.refused(request.apiKey, refusal);
  }

  requestClosed(session: Session, request: ObservedRequest, _reason: string, refusal: string | undefined): void {
    const meters = this.of(session);
    meters.api(request.apiKey).requests.inc();
    if (refusal !== undefined) meters.refused(request.apiKey, refusal);
  }

  requestCompleted(session: Session, request: ObservedRequest, errorCode: number, gatewaySeconds: number, upstreamSeconds: number): void {
    const meters = this.of(session);
    const api = meters.api(request.apiKey);
    api.gatewayAdded.observe(gatewaySeconds);
    api.upstream.observe(upstreamSeconds);
    if (errorCode !== 0) meters.responseError(request.apiKey, errorCode);
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

  topicBytes(session: Session, topic: string, direction: ByteDirection, bytes: number, records: number): void {
    const meters = this.topicsOf(session).of(topic);
    meters.bytes[direction] += bytes;
    meters.records[direction] += records;
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
