// Gateway metrics on a dedicated registry, so tests and embedders never collide with prom-client's global one.
// Every label value must come from a bounded set (config names, API names, fixed reasons): unbounded label
// values (client ids, topics, addresses) would grow the registry without limit.
import { isMainThread } from "node:worker_threads";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { LatencyHistogram } from "./latency-histogram.js";

const registry = new Registry();
// The process's metrics (CPU, memory, event-loop lag) come from the data plane's thread, whose registry is the one
// scraped. The admin worker imports this module too; its copy would only sample an event loop nobody reads, 100 times
// a second.
if (isMainThread) collectDefaultMetrics({ register: registry });

export const metrics = {
  registry,
  connections: new Gauge({
    name: "bulkhead_connections",
    help: "Open client connections",
    labelNames: ["virtual_cluster", "listener"] as const,
    registers: [registry],
  }),
  connectionsTotal: new Counter({
    name: "bulkhead_connections_total",
    help: "Client connections accepted",
    labelNames: ["virtual_cluster", "listener"] as const,
    registers: [registry],
  }),
  requests: new Counter({
    name: "bulkhead_requests_total",
    help: "Client requests received, by Kafka API (label it with apiLabel())",
    labelNames: ["virtual_cluster", "api"] as const,
    registers: [registry],
    collect() {
      for (const flush of pendingCountSources) flush();
    },
  }),
  requestsRefused: new Counter({
    name: "bulkhead_requests_refused_total",
    help: "Tenant requests the gateway answered or closed itself, never forwarding them (reason: denied = off the tenant API allowlist, unsupported_version = a version the tenancy layer doesn't serve)",
    labelNames: ["virtual_cluster", "api", "reason"] as const,
    registers: [registry],
  }),
  responseErrors: new Counter({
    name: "bulkhead_response_errors_total",
    help: "Forwarded requests whose response carried a top-level Kafka error code (error: Kafka's name for it, UNKNOWN for a code Kafka doesn't list). Errors inside a response's lists (a Produce's partitions, a Metadata's topics) are not counted",
    labelNames: ["virtual_cluster", "api", "error"] as const,
    registers: [registry],
  }),
  // Latency, split at the gateway's edges so that the time it adds is seen apart from the brokers'.
  // Observed per forwarded request: LatencyHistogram, prom-client's histogram costs too much there.
  gatewayAddedSeconds: new LatencyHistogram({
    name: "bulkhead_gateway_added_seconds",
    help: "Time the gateway added to a forwarded request: from taking up the request (read whole, nothing ahead of it pending) to writing it upstream, plus from receiving its whole response to writing it to the client (0 for a response streamed through as it arrives)",
    labelNames: ["virtual_cluster", "api"] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  }),
  upstreamSeconds: new LatencyHistogram({
    name: "bulkhead_upstream_seconds",
    help: "Time a forwarded request spent upstream: from writing it to the broker to receiving the last byte of its response (a Fetch's long poll included)",
    labelNames: ["virtual_cluster", "api"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
  bytesToClients: new Counter({
    name: "bulkhead_bytes_to_clients_total",
    help: "Bytes written to clients",
    labelNames: ["virtual_cluster"] as const,
    registers: [registry],

    collect() {
      for (const flush of pendingCountSources) flush();
    },
  }),
  bytesFromClients: new Counter({
    name: "bulkhead_bytes_from_clients_total",
    help: "Bytes read from clients",
    labelNames: ["virtual_cluster"] as const,
    registers: [registry],

    collect() {
      for (const flush of pendingCountSources) flush();
    },
  }),
  authentications: new Counter({
    name: "bulkhead_authentications_total",
    help: "SASL authentications by mechanism and result (ok, failed; expired = a session closed at the end of its lifetime without re-authenticating)",
    labelNames: ["virtual_cluster", "mechanism", "result"] as const,
    registers: [registry],
  }),
  authorizationDenied: new Counter({
    name: "bulkhead_authorization_denied_total",
    help: "Requests (or entries of one: a topic of a Produce, a group of a DescribeGroups) an ACL denied, by API and resource type",
    labelNames: ["virtual_cluster", "api", "resource_type"] as const,
    registers: [registry],
  }),
  limitRefusals: new Counter({
    name: "bulkhead_limit_refusals_total",
    help: "What a virtual cluster's caps refused (limit: connections, connection_rate = connections closed at accept; topics, partitions = topics not created or grown; retained_bytes = Produce requests refused)",
    labelNames: ["virtual_cluster", "limit"] as const,
    registers: [registry],
  }),
  // Byte rates (src/filters/quotas.ts). Topic labels are bounded: the most recently active topics of each virtual
  // cluster, the rest summed as "__other" (topic-labels.ts).
  topicBytes: new Counter({
    name: "bulkhead_topic_bytes_total",
    help: "Record bytes per topic (record-batch sizes, never decompressed): produced by clients, or fetched to them",
    labelNames: ["virtual_cluster", "topic", "direction"] as const,
    registers: [registry],
    collect: flushTopicCounts,
  }),
  topicRecords: new Counter({
    name: "bulkhead_topic_records_total",
    help: "Records (messages) per topic, from the record-batch headers' counts (never decompressed): produced by clients, or fetched to them",
    labelNames: ["virtual_cluster", "topic", "direction"] as const,
    registers: [registry],
    collect: flushTopicCounts,
  }),
  throttleSeconds: new Counter({
    name: "bulkhead_throttle_seconds_total",
    help: "Throttle time the byte-rate limits gave clients (KIP-219), by the limit that set it (topic, principal, tenant); topic is set for topic limits",
    labelNames: ["virtual_cluster", "direction", "limit", "topic"] as const,
    registers: [registry],
  }),
  limitUsage: new Gauge({
    name: "bulkhead_byte_rate_usage_ratio",
    help: "Each byte-rate bucket's use of its limit at scrape time: 0 idle, 1 at the limit (its burst spent), above 1 in debt (clients throttled). Alert at 0.9",
    labelNames: ["virtual_cluster", "scope", "name", "direction"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const source of limitUsageSources) source((labels, usage) => this.set(labels, usage));
    },
  }),
  capUsage: new Gauge({
    name: "bulkhead_cap_usage_ratio",
    help: "Each cap's use at scrape time (cap: connections = open / maxConnections; connection_rate and request_rate = the bucket, above 1 when connections wait or clients are throttled; retained_bytes = last measured / maxRetainedBytes). Alert at 0.9",
    labelNames: ["virtual_cluster", "cap"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const source of capUsageSources) source((labels, ratio) => this.set(labels, ratio));
    },
  }),
  // Budgets (src/config/budgets.ts): what the whole gateway holds, and the connections closed to keep it.
  connectionsReaped: new Counter({
    name: "bulkhead_connections_reaped_total",
    help: "Client connections the gateway closed on a budget (reason: idle = nothing in flight for budgets.idleTimeoutMs; first_request = no whole request within budgets.firstRequestTimeoutMs; unfinished_request = a request not received whole within budgets.unfinishedRequestTimeoutMs; evicted = closed at budgets.maxConnections to let in a virtual cluster below its fair share)",
    labelNames: ["virtual_cluster", "reason"] as const,
    registers: [registry],
  }),
  budgetUsage: new Gauge({
    name: "bulkhead_budget_usage_ratio",
    help: "Each budget's use at scrape time (budget: request_bytes = bytes reserved for requests being received / their budget; connections = open client connections / budgets.maxConnections); scope is \"gateway\" or a virtual cluster. A request_bytes ratio of 1 means connections wait to be read",
    labelNames: ["scope", "budget"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const source of budgetUsageSources) source((labels, ratio) => this.set(labels, ratio));
    },
  }),
  configReloads: new Counter({
    name: "bulkhead_config_reloads_total",
    help: "Config reloads (file change, SIGHUP, POST /api/v1/config/reload) by result: applied, unchanged, rejected (the old config stays in force)",
    labelNames: ["result"] as const,
    registers: [registry],
  }),
  upstreamErrors: new Counter({
    name: "bulkhead_upstream_errors_total",
    help: "Errors on connections to physical brokers (reason is a fixed word such as connect, timeout, closed)",
    labelNames: ["cluster", "reason"] as const,
    registers: [registry],
  }),
};

/** Who adds the bytes and records per topic counted since the last scrape (the metrics observer: counting is a number add). */
export const topicBytesSources = new Set<() => void>();

function flushTopicCounts(): void {
  for (const flush of topicBytesSources) flush();
}
/** Who adds the requests and client bytes counted since the last scrape (the same: a number add per event). */
export const pendingCountSources = new Set<() => void>();

/** Who reports byte-rate usage at scrape time (the runtime, for its virtual clusters' buckets). */
export type LimitUsageSource = (set: (labels: { virtual_cluster: string; scope: string; name: string; direction: string }, usage: number) => void) => void;
export const limitUsageSources = new Set<LimitUsageSource>();

/** Who reports budget usage at scrape time (the runtime, for its budgets). */
export type BudgetUsageSource = (set: (labels: { scope: string; budget: string }, ratio: number) => void) => void;
export const budgetUsageSources = new Set<BudgetUsageSource>();

/** Who reports cap usage at scrape time (the runtime, for its virtual clusters' caps). */
export type CapUsageSource = (set: (labels: { virtual_cluster: string; cap: string }, ratio: number) => void) => void;
export const capUsageSources = new Set<CapUsageSource>();

export const UNKNOWN_API = "unknown";

/**
 * The `api` label for a request: the API's name when `apiKey` is known, else "unknown", so a client sending
 * random api keys cannot mint new time series. Pass the codec's `API_BY_KEY`.
 */
export function apiLabel(apiKey: number, known: ReadonlyMap<number, { readonly name: string }>): string {
  return known.get(apiKey)?.name ?? UNKNOWN_API;
}
