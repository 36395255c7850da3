import { Counter, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { AdminWorkerHost } from "../../../src/admin/admin-worker-host.js";
import { TopicThroughputMeter } from "../../../src/admin/topic-throughput.js";
import type { VirtualClusterLimits } from "../../../src/config/types.js";
import { LogDirSizes } from "../../../src/limits/log-dir-sizes.js";
import { TenantByteRates } from "../../../src/limits/tenant-byte-rates.js";
import type { GatewayObserver } from "../../../src/observe/observer.js";

function host(limits: object) {
  const rates = new TenantByteRates(limits as VirtualClusterLimits, 1);
  const seen: string[] = [];
  const observer: GatewayObserver = {
    topicBytes: (s, topic, direction, bytes, records) => seen.push(`bytes ${s.endpoint.virtualCluster} ${s.principal?.name} ${topic} ${direction} ${bytes} ${records}`),
    throttled: (s, direction, limit, topic, ms) => seen.push(`throttled ${s.endpoint.virtualCluster} ${direction} ${limit} ${topic} ${ms > 0}`),
    authorizationDenied: (s, api, type) => seen.push(`denied ${s.endpoint.virtualCluster} ${s.principal?.name} ${api} ${type}`),
    capRefused: (vc, cap) => seen.push(`refused ${vc} ${cap}`),
  };
  const counter = (name: string) => new Counter({ name, help: "test", labelNames: ["virtual_cluster", "topic", "direction"] as const, registers: [new Registry()] });
  const logDirs = new LogDirSizes(async () => new Map([["shop.orders", 42]]));
  const h = new AdminWorkerHost({ byteRates: (vc) => (vc === "shop" ? rates : undefined), logDirs: (c) => (c === "shared" ? logDirs : undefined), throughput: new TopicThroughputMeter(counter("topic_bytes_total"), counter("topic_records_total")), observer });
  return { h, rates, seen };
}

/** An admin read of `bytes` in bytes/100 records. */
const charge = (bytes: number, topic = "orders") => ({ kind: "charge", virtualCluster: "shop", principal: "alice", topic, direction: "fetch", bytes, records: bytes / 100 }) as const;

describe("AdminWorkerHost", () => {
  it("takes an admin read from the virtual cluster's buckets like a client's, and answers the throttle", () => {
    const { h, rates, seen } = host({ tenantByteRate: { fetch: 1000 } });
    expect(h.answer(charge(500))).toBe(0); // within the second's burst
    const ms = h.answer(charge(1500)) as number; // 1000 bytes in debt at 1000 B/s
    expect(ms).toBeGreaterThan(900);
    expect(ms).toBeLessThanOrEqual(1000);
    expect(rates.tenant.fetch!.usage(performance.now())).toBeGreaterThan(1); // the data plane's clients see the debt
    expect(seen).toEqual(["bytes shop alice orders fetch 500 5", "bytes shop alice orders fetch 1500 15", "throttled shop fetch tenant undefined true"]);
  });

  it("names the topic whose bucket set the throttle", () => {
    const { h, seen } = host({ topicByteRates: { default: { fetch: 100 }, prefixes: {}, topics: {} } });
    expect(h.answer(charge(300, "events"))).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe("throttled shop fetch topic events true");
  });

  it("charges nothing for a virtual cluster no longer in the config", () => {
    const { h, seen } = host({ tenantByteRate: { fetch: 1 } });
    expect(h.answer({ ...charge(10_000), virtualCluster: "gone" })).toBe(0);
    expect(seen).toEqual([]);
  });

  it("answers log-dir sizes from the physical cluster's shared snapshot", async () => {
    const { h } = host({});
    expect(await h.answer({ kind: "topicSizes", cluster: "shared", maxAgeMs: 1000 })).toEqual(new Map([["shop.orders", 42]]));
    expect(() => h.answer({ kind: "topicSizes", cluster: "gone", maxAgeMs: 1000 })).toThrow("physical cluster gone is not in the config");
  });

  it("passes ACL denials and cap refusals on to the observer, as the admin session's", () => {
    const { h, seen } = host({});
    h.report({ kind: "authorizationDenied", virtualCluster: "shop", principal: "carol", api: "Produce", resourceType: "Topic" });
    h.report({ kind: "capRefused", virtualCluster: "shop", cap: "topics" });
    expect(seen).toEqual(["denied shop carol Produce Topic", "refused shop topics"]);
  });
});
