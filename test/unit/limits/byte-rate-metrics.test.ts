// The byte-rate metrics: bytes, records and throttle time per topic with bounded labels (the most recently active topics of a
// virtual cluster, the rest as "__other"), and each bucket's usage against its limit for alerting.
import { describe, expect, it, vi } from "vitest";
import { TenantByteRates } from "../../../src/limits/tenant-byte-rates.js";
import { metrics } from "../../../src/observe/metrics.js";
import { MetricsObserver } from "../../../src/observe/metrics-observer.js";
import { OTHER_TOPICS, TopicLabels } from "../../../src/observe/topic-labels.js";
import { testEndpoint, testSession } from "../../harness/session.js";
import { waitUntil } from "../../harness/wait.js";

describe("TopicLabels", () => {
  it("gives the first `max` topics a label, sums the rest as __other, and frees the label of an idle topic", async () => {
    const forgotten: string[] = [];
    const labels = new TopicLabels({ max: 2, idleMs: 50, forget: (t) => forgotten.push(t) }, (label) => ({ label }));
    expect(labels.of("a").label).toBe("a");
    expect(labels.of("b").label).toBe("b");
    expect(labels.of("c")).toBe(labels.other);
    expect(labels.other.label).toBe(OTHER_TOPICS);
    // a and b go idle; c gets a label once they have.
    await waitUntil(() => labels.of("c").label === "c", { what: "an idle topic's label freed", timeoutMs: 5_000, intervalMs: 10 });
    expect(forgotten.sort()).toEqual(["a", "b"]);
  });

  it("arms no timer to look a topic up (it is looked up on every Produce and Fetch)", () => {
    const labels = new TopicLabels({ max: 2, idleMs: 60_000, forget: () => undefined }, (label) => ({ label }));
    labels.of("a");
    const setTimeout = vi.spyOn(globalThis, "setTimeout");
    try {
      for (let i = 0; i < 100; i++) expect(labels.of("a").label).toBe("a");
      expect(setTimeout).not.toHaveBeenCalled();
    } finally {
      setTimeout.mockRestore();
    }
  });
});

describe("MetricsObserver: byte-rate metrics", () => {
  async function value(metric: "topicBytes" | "topicRecords" | "throttleSeconds", labels: Record<string, string>): Promise<number | undefined> {
    const { values } = await metrics[metric].get();
    return values.find((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l))?.value;
  }

  it("counts bytes and records per topic and throttle seconds per limit, direction and topic", async () => {
    const observer = new MetricsObserver();
    const session = testSession(testEndpoint("metrics-vc"));
    observer.topicBytes(session, "orders", "produce", 1000, 10);
    observer.topicBytes(session, "orders", "produce", 500, 5);
    observer.topicBytes(session, "orders", "fetch", 7, 1);
    observer.throttled(session, "produce", "topic", "orders", 1500);
    observer.throttled(session, "fetch", "tenant", undefined, 250);
    expect(await value("topicBytes", { virtual_cluster: "metrics-vc", topic: "orders", direction: "produce" })).toBe(1500);
    expect(await value("topicBytes", { virtual_cluster: "metrics-vc", topic: "orders", direction: "fetch" })).toBe(7);
    expect(await value("topicRecords", { virtual_cluster: "metrics-vc", topic: "orders", direction: "produce" })).toBe(15);
    expect(await value("topicRecords", { virtual_cluster: "metrics-vc", topic: "orders", direction: "fetch" })).toBe(1);
    // Counted once: a second scrape adds nothing new.
    expect(await value("topicRecords", { virtual_cluster: "metrics-vc", topic: "orders", direction: "produce" })).toBe(15);
    expect(await value("throttleSeconds", { virtual_cluster: "metrics-vc", direction: "produce", limit: "topic", topic: "orders" })).toBe(1.5);
    expect(await value("throttleSeconds", { virtual_cluster: "metrics-vc", direction: "fetch", limit: "tenant", topic: "" })).toBe(0.25);
  });

  it("keeps topic labels bounded: past 50 topics of a virtual cluster, bytes and records go to __other", async () => {
    const observer = new MetricsObserver();
    const session = testSession(testEndpoint("many-topics-vc"));
    for (let i = 0; i < 60; i++) observer.topicBytes(session, `t${i}`, "produce", 1, 2);
    for (const [counter, other] of [[metrics.topicBytes, 10], [metrics.topicRecords, 20]] as const) {
      const { values } = await counter.get();
      const ours = values.filter((v) => v.labels.virtual_cluster === "many-topics-vc" && v.labels.direction === "produce");
      expect(ours.filter((v) => v.labels.topic !== OTHER_TOPICS)).toHaveLength(50);
      expect(ours.find((v) => v.labels.topic === OTHER_TOPICS)?.value).toBe(other);
    }
  });
});

describe("TenantByteRates: usage against each limit", () => {
  it("reports tenant, principal, named topics by name, and the busiest other topic as __max", () => {
    const rates = new TenantByteRates(
      {
        tenantByteRate: { produce: 1000 },
        topicByteRates: { default: { produce: 1000 }, prefixes: {}, topics: { orders: { fetch: 100 } } },
        principalByteRates: { default: { produce: 1000 }, principals: {} },
      },
      1,
      undefined,
      0,
    );
    rates.tenant.produce!.take(900, 0);
    rates.principal(undefined, 0).produce!.take(1500, 0);
    rates.topic("orders", 0).fetch!.take(50, 0);
    rates.topic("a", 0).produce!.take(200, 0);
    rates.topic("b", 0).produce!.take(700, 0);
    const seen: string[] = [];
    rates.forEachUsage(0, (scope, name, direction, usage) => seen.push(`${scope}/${name}/${direction}=${usage.toFixed(2)}`));
    expect(seen.sort()).toEqual(["principal/ANONYMOUS/produce=1.50", "tenant//produce=0.90", "topic/__max/produce=0.70", "topic/orders/fetch=0.50", "topic/orders/produce=0.00"]);
  });

  it("lists every configured rate for the admin API: the gauge's usage, 0 for rates not used yet, none for pushed-down ones", () => {
    const rates = new TenantByteRates(
      {
        tenantByteRate: { produce: 1000 },
        topicByteRates: { default: { produce: 400 }, prefixes: {}, topics: { orders: { fetch: 100 } } },
        principalByteRates: { principals: { alice: { fetch: 200 } } },
      },
      2,
      undefined,
      0,
    );
    rates.tenant.produce!.take(250, 0);
    const shown = (r: ReturnType<typeof rates.readings>) => r.map((u) => `${u.scope}/${u.name}/${u.direction}=${u.ratio}@${u.max}`).sort();
    expect(shown(rates.readings(0))).toEqual([
      "principal/alice/fetch=0@100",
      "tenant/null/produce=0.5@500",
      "topic/null/produce=0@200",
      "topic/orders/fetch=0@50",
      "topic/orders/produce=0@200",
    ]);
    rates.topic("a", 0).produce!.take(100, 0);
    expect(shown(rates.readings(0))).toContain("topic/null/produce=0.5@200");
    const pushed = new TenantByteRates({ tenantByteRate: { produce: 1000, pushDown: true } }, 2, undefined, 0);
    expect(pushed.readings(0)).toEqual([{ kind: "byteRate", scope: "tenant", name: null, direction: "produce", ratio: null, max: 1000, pushedDown: true }]);
  });
});
