import { Counter, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { TopicThroughputMeter } from "../../../src/admin/topic-throughput.js";

function counter() {
  return new Counter({ name: "topic_bytes_total", help: "test", labelNames: ["virtual_cluster", "topic", "direction"] as const, registers: [new Registry()] });
}

describe("TopicThroughputMeter", () => {
  it("gives bytes per second between two readings, per topic and direction, for one virtual cluster", async () => {
    const bytes = counter();
    const meter = new TopicThroughputMeter(bytes);
    bytes.inc({ virtual_cluster: "shop", topic: "orders", direction: "produce" }, 1000);
    expect(await meter.rates("shop", 0)).toEqual(new Map()); // nothing to compare with yet
    bytes.inc({ virtual_cluster: "shop", topic: "orders", direction: "produce" }, 4000);
    bytes.inc({ virtual_cluster: "shop", topic: "orders", direction: "fetch" }, 2000);
    bytes.inc({ virtual_cluster: "other", topic: "orders", direction: "produce" }, 9000);
    bytes.inc({ virtual_cluster: "shop", topic: "__other", direction: "produce" }, 9000);
    expect(await meter.rates("shop", 2000)).toEqual(new Map([["orders", { produceBytesPerSecond: 2000, fetchBytesPerSecond: 1000 }]]));
  });

  it("reuses the last rates for readings less than a second apart", async () => {
    const bytes = counter();
    const meter = new TopicThroughputMeter(bytes);
    await meter.rates("shop", 0);
    bytes.inc({ virtual_cluster: "shop", topic: "t", direction: "fetch" }, 500);
    const first = await meter.rates("shop", 1000);
    bytes.inc({ virtual_cluster: "shop", topic: "t", direction: "fetch" }, 500);
    expect(await meter.rates("shop", 1500)).toBe(first);
  });

  it("counts a series made again (smaller than before) from zero", async () => {
    const bytes = counter();
    const meter = new TopicThroughputMeter(bytes);
    bytes.inc({ virtual_cluster: "shop", topic: "t", direction: "produce" }, 5000);
    await meter.rates("shop", 0);
    bytes.remove("shop", "t", "produce");
    bytes.inc({ virtual_cluster: "shop", topic: "t", direction: "produce" }, 300);
    expect((await meter.rates("shop", 1000)).get("t")).toEqual({ produceBytesPerSecond: 300, fetchBytesPerSecond: 0 });
  });
});
