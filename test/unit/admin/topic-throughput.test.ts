import { Counter, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { TopicThroughputMeter } from "../../../src/admin/topic-throughput.js";

function counter(name: string) {
  return new Counter({ name, help: "test", labelNames: ["virtual_cluster", "topic", "direction"] as const, registers: [new Registry()] });
}

function meter() {
  const bytes = counter("topic_bytes_total");
  const records = counter("topic_records_total");
  return { bytes, records, meter: new TopicThroughputMeter(bytes, records) };
}

const idle = { produceBytesPerSecond: 0, fetchBytesPerSecond: 0, produceMessagesPerSecond: 0, fetchMessagesPerSecond: 0 };

describe("TopicThroughputMeter", () => {
  it("gives bytes and messages per second between two readings, per topic and direction, for one virtual cluster", async () => {
    const { bytes, records, meter: m } = meter();
    bytes.inc({ virtual_cluster: "shop", topic: "orders", direction: "produce" }, 1000);
    records.inc({ virtual_cluster: "shop", topic: "orders", direction: "produce" }, 10);
    expect(await m.rates("shop", 0)).toEqual(new Map()); // nothing to compare with yet
    bytes.inc({ virtual_cluster: "shop", topic: "orders", direction: "produce" }, 4000);
    bytes.inc({ virtual_cluster: "shop", topic: "orders", direction: "fetch" }, 2000);
    records.inc({ virtual_cluster: "shop", topic: "orders", direction: "produce" }, 40);
    records.inc({ virtual_cluster: "shop", topic: "orders", direction: "fetch" }, 20);
    bytes.inc({ virtual_cluster: "other", topic: "orders", direction: "produce" }, 9000);
    records.inc({ virtual_cluster: "other", topic: "orders", direction: "produce" }, 90);
    bytes.inc({ virtual_cluster: "shop", topic: "__other", direction: "produce" }, 9000);
    records.inc({ virtual_cluster: "shop", topic: "__other", direction: "produce" }, 90);
    expect(await m.rates("shop", 2000)).toEqual(
      new Map([["orders", { produceBytesPerSecond: 2000, fetchBytesPerSecond: 1000, produceMessagesPerSecond: 20, fetchMessagesPerSecond: 10 }]]),
    );
  });

  it("lists a topic with records counted but no bytes (batches of empty records) too", async () => {
    const { records, meter: m } = meter();
    await m.rates("shop", 0);
    records.inc({ virtual_cluster: "shop", topic: "t", direction: "fetch" }, 3);
    expect((await m.rates("shop", 1000)).get("t")).toEqual({ ...idle, fetchMessagesPerSecond: 3 });
  });

  it("reuses the last rates for readings less than a second apart", async () => {
    const { bytes, meter: m } = meter();
    await m.rates("shop", 0);
    bytes.inc({ virtual_cluster: "shop", topic: "t", direction: "fetch" }, 500);
    const first = await m.rates("shop", 1000);
    bytes.inc({ virtual_cluster: "shop", topic: "t", direction: "fetch" }, 500);
    expect(await m.rates("shop", 1500)).toBe(first);
  });

  it("counts a series made again (smaller than before) from zero", async () => {
    const { bytes, records, meter: m } = meter();
    bytes.inc({ virtual_cluster: "shop", topic: "t", direction: "produce" }, 5000);
    records.inc({ virtual_cluster: "shop", topic: "t", direction: "produce" }, 50);
    await m.rates("shop", 0);
    bytes.remove("shop", "t", "produce");
    records.remove("shop", "t", "produce");
    bytes.inc({ virtual_cluster: "shop", topic: "t", direction: "produce" }, 300);
    records.inc({ virtual_cluster: "shop", topic: "t", direction: "produce" }, 3);
    expect((await m.rates("shop", 1000)).get("t")).toEqual({ ...idle, produceBytesPerSecond: 300, produceMessagesPerSecond: 3 });
  });
});
