import { describe, expect, it } from "vitest";
import { apiLabel, metrics } from "../../../src/observe/metrics.js";
import { MetricsObserver } from "../../../src/observe/metrics-observer.js";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import { ApiKey } from "../../../src/protocol/messages/index.js";
import type { Session } from "../../../src/session/session.js";

describe("metrics", () => {
  it("exposes gateway and process metrics on its own registry", async () => {
    metrics.requests.inc({ virtual_cluster: "demo", api: "Produce" });
    metrics.connections.inc({ virtual_cluster: "demo", listener: "plain" });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^bulkhead_requests_total\{virtual_cluster="demo",api="Produce"\} 1$/m);
    expect(text).toMatch(/^bulkhead_connections\{virtual_cluster="demo",listener="plain"\} 1$/m);
    expect(text).toContain("process_cpu_user_seconds_total");
  });

  it("labels unknown api keys as unknown", () => {
    const known = new Map([[0, { name: "Produce" }], [3, { name: "Metadata" }]]);
    expect(apiLabel(3, known)).toBe("Metadata");
    expect(apiLabel(9999, known)).toBe("unknown");
    expect(apiLabel(-1, known)).toBe("unknown");
  });
});

describe("MetricsObserver.requestCompleted", () => {
  it("puts the gateway's and the broker's time in their histograms and counts top-level errors by Kafka's name", async () => {
    const observer = new MetricsObserver();
    const session = { endpoint: { virtualCluster: "timed", listener: { name: "plain" } } } as unknown as Session;
    observer.requestCompleted(session, { apiKey: ApiKey.Heartbeat, apiVersion: 4, correlationId: 1 }, 0, 0.0003, 0.02);
    observer.requestCompleted(session, { apiKey: ApiKey.Heartbeat, apiVersion: 4, correlationId: 2 }, ErrorCode.REBALANCE_IN_PROGRESS, 0.0003, 0.02);
    observer.requestCompleted(session, { apiKey: ApiKey.Heartbeat, apiVersion: 4, correlationId: 3 }, 31_000, 0.0003, 0.02);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^bulkhead_gateway_added_seconds_bucket\{le="0\.0005",virtual_cluster="timed",api="Heartbeat"\} 3$/m);
    expect(text).toMatch(/^bulkhead_gateway_added_seconds_bucket\{le="0\.00025",virtual_cluster="timed",api="Heartbeat"\} 0$/m);
    expect(text).toMatch(/^bulkhead_upstream_seconds_bucket\{le="0\.025",virtual_cluster="timed",api="Heartbeat"\} 3$/m);
    expect(text).toMatch(/^bulkhead_upstream_seconds_bucket\{le="0\.01",virtual_cluster="timed",api="Heartbeat"\} 0$/m);
    expect(text).toMatch(/^bulkhead_response_errors_total\{virtual_cluster="timed",api="Heartbeat",error="REBALANCE_IN_PROGRESS"\} 1$/m);
    // A code Kafka doesn't list is one label value, whatever the code: a broker can't mint series.
    expect(text).toMatch(/^bulkhead_response_errors_total\{virtual_cluster="timed",api="Heartbeat",error="UNKNOWN"\} 1$/m);
    expect(text).not.toMatch(/error="NONE"/);
  });
});
