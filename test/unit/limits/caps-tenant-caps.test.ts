// TenantCaps as the runtime keeps it: usage against each cap for the gauge, refusals counted, caps changed in place.
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { VirtualClusterLimits } from "../../../src/config/types.js";
import { TenantCaps, type CapName } from "../../../src/limits/tenant-caps.js";

function caps(limits: VirtualClusterLimits, bytes = 0, instances = 1) {
  const refused: CapName[] = [];
  const ctx = {
    usage: { topicPartitions: async () => new Map<string, number>(), retainedBytes: async () => bytes },
    instances,
    log: pino({ level: "silent" }),
    refused: (cap: CapName) => refused.push(cap),
  };
  return { caps: new TenantCaps(limits, ctx, 0), ctx, refused };
}

afterEach(() => void vi.useRealTimers());

describe("TenantCaps", () => {
  it("reports each cap that is set as a fraction of it, and nothing for caps that aren't", async () => {
    vi.useFakeTimers();
    const { caps: c } = caps({ maxConnections: 4, requestsPerSecond: 10, connectionsPerSecond: 5, maxRetainedBytes: 1_000 }, 250);
    expect(c.usage(0)).toEqual([
      { kind: "cap", cap: "connections", used: 0, max: 4, ratio: 0 },
      { kind: "cap", cap: "connection_rate", used: null, max: 5, ratio: 0 },
      { kind: "cap", cap: "request_rate", used: null, max: 10, ratio: 0 },
      { kind: "cap", cap: "retained_bytes", used: null, max: 1_000, ratio: null }, // not measured yet
    ]);
    c.admitConnection(0);
    c.start();
    await vi.advanceTimersByTimeAsync(0);
    const ratios = Object.fromEntries(c.usage(0).map((r) => [r.cap, r.ratio]));
    expect(ratios).toMatchObject({ connections: 0.25, connection_rate: 0.2, retained_bytes: 0.25 });
    c.close();
    expect(caps({}).caps.usage(0)).toEqual([]);
  });

  it("counts topics and partitions against their caps upstream, and says so when the cluster doesn't answer", async () => {
    const { caps: c, ctx } = caps({ maxTopics: 4, maxPartitions: 10 });
    ctx.usage.topicPartitions = async () => new Map([["a", 3], ["b", 2]]);
    expect(await c.topicReadings()).toEqual([
      { kind: "cap", cap: "topics", used: 2, max: 4, ratio: 0.5 },
      { kind: "cap", cap: "partitions", used: 5, max: 10, ratio: 0.5 },
    ]);
    ctx.usage.topicPartitions = async () => Promise.reject(new Error("unreachable"));
    expect((await c.topicReadings()).map((r) => r.ratio)).toEqual([null, null]);
    expect(await caps({ maxConnections: 1 }).caps.topicReadings()).toEqual([]);
  });

  it("enforces each instance's share of a rate, and maxConnections as configured", () => {
    const { caps: c } = caps({ connectionsPerSecond: 4, maxConnections: 3 }, 0, 2);
    // A share of 2 per second: two at once, the third waits half a second.
    expect([0, 1, 2].map(() => c.admitConnection(0).delayMs)).toEqual([0, 0, 500]);
    expect(c.admitConnection(0)).toMatchObject({ refused: "connections" });
  });

  it("counts a refused connection, and admits again after a reload raises the cap", () => {
    const { caps: c, ctx, refused } = caps({ maxConnections: 1 });
    expect("refused" in c.admitConnection(0)).toBe(false);
    expect(c.admitConnection(0)).toMatchObject({ refused: "connections" });
    expect(refused).toEqual(["connections"]);
    c.update({ maxConnections: 2 }, ctx, 0);
    expect("refused" in c.admitConnection(0)).toBe(false);
  });
});
