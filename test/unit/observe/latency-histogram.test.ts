import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { LatencyHistogram } from "../../../src/observe/latency-histogram.js";

const BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01];
const LABELS = ["virtual_cluster", "api"] as const;

/** A small deterministic generator: the same "random" latencies on every run. */
function latencies(count: number, seed: number): number[] {
  let state = seed;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    // Spread over and beyond the buckets, with some values exactly on a bound (le is inclusive).
    out.push(i % 7 === 0 ? BUCKETS[i % BUCKETS.length]! : (state / 2 ** 31) * 0.02);
  }
  return out;
}

function pair() {
  const ours = new Registry();
  const reference = new Registry();
  const options = { name: "test_seconds", help: "Test latency", labelNames: LABELS, buckets: BUCKETS };
  return {
    ours,
    reference,
    latency: new LatencyHistogram({ ...options, registers: [ours] }),
    histogram: new Histogram({ ...options, registers: [reference] }),
  };
}

describe("LatencyHistogram", () => {
  it("renders the same exposition text as prom-client's Histogram for the same observations", async () => {
    const { ours, reference, latency, histogram } = pair();
    const series = [
      ["a", "Produce"],
      ["a", "Fetch"],
      ["b", "Produce"],
    ] as const;
    series.forEach(([virtualCluster, api], s) => {
      const child = latency.labels(virtualCluster, api);
      const refChild = histogram.labels(virtualCluster, api);
      for (const value of latencies(500 + s, s + 1)) {
        child.observe(value);
        refChild.observe(value);
      }
    });
    const text = await ours.metrics();
    expect(text).toContain('test_seconds_bucket{le="0.00025",virtual_cluster="a",api="Produce"}');
    expect(text).toBe(await reference.metrics());
  });

  it("hands out one child per label set, counting on after a reset from zero", async () => {
    const { ours, latency } = pair();
    const child = latency.labels("a", "Produce");
    expect(latency.labels("a", "Produce")).toBe(child);
    child.observe(0.001);
    child.observe(1);
    await expect(ours.metrics()).resolves.toMatch(/^test_seconds_count\{virtual_cluster="a",api="Produce"\} 2$/m);
    ours.resetMetrics();
    child.observe(0.0001);
    const text = await ours.metrics();
    expect(text).toMatch(/^test_seconds_count\{virtual_cluster="a",api="Produce"\} 1$/m);
    expect(text).toMatch(/^test_seconds_bucket\{le="0\.0001",virtual_cluster="a",api="Produce"\} 1$/m);
    expect(text).toMatch(/^test_seconds_bucket\{le="0\.00005",virtual_cluster="a",api="Produce"\} 0$/m);
  });

  it("refuses a wrong number of label values and buckets out of order", () => {
    const { latency } = pair();
    expect(() => latency.labels("a")).toThrow(/expected 2 label values, got 1/);
    expect(() => new LatencyHistogram({ name: "bad_seconds", help: "x", labelNames: LABELS, buckets: [0.1, 0.01], registers: [] })).toThrow(/ascending/);
  });
});
