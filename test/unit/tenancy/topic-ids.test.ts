import { describe, expect, it } from "vitest";
import { TopicIdMap, ZERO_UUID } from "../../../src/tenancy/topic-ids.js";

const ID = "AAAAAAAAAAAAAAAAAAAAAQ";

describe("TopicIdMap", () => {
  it("learns pairs and ignores the zero uuid", () => {
    const map = new TopicIdMap(async () => []);
    map.learn(ID, "payments.orders");
    map.learn(ZERO_UUID, "payments.x");
    expect(map.nameOf(ID)).toBe("payments.orders");
    expect(map.nameOf(ZERO_UUID)).toBeUndefined();
  });

  it("resolveFresh refreshes once for concurrent callers", async () => {
    let refreshes = 0;
    // The refresh stays in flight until every caller has asked (released by hand, no timer).
    let release!: () => void;
    const inFlight = new Promise<void>((resolve) => (release = resolve));
    const map = new TopicIdMap(
      async () => {
        refreshes++;
        await inFlight;
        return [{ id: ID, name: "payments.orders" }];
      },
      10,
      { now: () => 0 },
    );
    const ids = [ID, ID, "AAAAAAAAAAAAAAAAAAAAAg"];
    const asked = ids.map((id) => map.resolveFresh(id));
    release();
    const names = await Promise.all(asked);
    expect(names).toEqual(["payments.orders", "payments.orders", undefined]);
    expect(refreshes).toBe(1);
    expect(await map.resolveFresh(ID)).toBe("payments.orders"); // within the interval: that refresh's answer
    expect(refreshes).toBe(1);
  });

  it("misses soon after a refresh reuse it (probing random ids can't flood the cluster)", async () => {
    let refreshes = 0;
    let now = 1_000;
    const map = new TopicIdMap(
      async () => {
        refreshes++;
        return [];
      },
      10,
      { minRefreshIntervalMs: 1000, now: () => now },
    );
    for (let i = 0; i < 5; i++) expect(await map.resolveFresh(`AAAAAAAAAAAAAAAAAAAAB${i}`)).toBeUndefined();
    expect(refreshes).toBe(1);
    now += 1000;
    await map.resolveFresh("AAAAAAAAAAAAAAAAAAAACA");
    expect(refreshes).toBe(2);
  });

  it("resolveFresh refreshes for a cached id too (a known id answers as slowly as an unknown one)", async () => {
    let refreshes = 0;
    const map = new TopicIdMap(async () => (refreshes++, [{ id: ID, name: "payments.orders" }]));
    map.learn(ID, "payments.orders");
    expect(await map.resolveFresh(ID)).toBe("payments.orders");
    expect(refreshes).toBe(1);
  });

  it("a failing refresh leaves the id unknown", async () => {
    const map = new TopicIdMap(() => Promise.reject(new Error("cluster down")));
    expect(await map.resolveFresh(ID)).toBeUndefined();
  });

  it("stand-ins are random, stable per id, valid Kafka uuids, and map back to the client's id", () => {
    const map = new TopicIdMap(async () => []);
    const standIn = map.standInFor(ID);
    expect(standIn).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(standIn).not.toBe(ID);
    expect(map.standInFor(ID)).toBe(standIn);
    expect(map.standInFor("AAAAAAAAAAAAAAAAAAAAAg")).not.toBe(standIn);
    expect(map.originalOf(standIn)).toBe(ID);
    expect(map.originalOf(ID)).toBeUndefined();
  });

  it("evicts least recently used pairs beyond its capacity", () => {
    const map = new TopicIdMap(async () => [], 2);
    map.learn("AAAAAAAAAAAAAAAAAAAAAQ", "a");
    map.learn("AAAAAAAAAAAAAAAAAAAAAg", "b");
    map.learn("AAAAAAAAAAAAAAAAAAAAAw", "c");
    expect(map.nameOf("AAAAAAAAAAAAAAAAAAAAAQ")).toBeUndefined();
    expect(map.nameOf("AAAAAAAAAAAAAAAAAAAAAw")).toBe("c");
  });
});
