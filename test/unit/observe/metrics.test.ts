import { describe, expect, it } from "vitest";
import { apiLabel, metrics } from "../../../src/observe/metrics.js";

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
