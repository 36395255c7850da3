// The request-bytes budget's accounting: both budgets (gateway-wide and the virtual cluster's) must hold a
// reservation, freed bytes go to the waiting reservations that fit in the order they started waiting, and a
// connection that closes while waiting gives up its place.
import { describe, expect, it } from "vitest";
import { RequestBytesBudget } from "../../../src/limits/request-bytes-budget.js";

describe("RequestBytesBudget", () => {
  it("reserves from the gateway and the virtual cluster, and gives back on release", () => {
    const budget = new RequestBytesBudget(100, 60);
    const a = budget.reservation("a", () => undefined);
    expect(a.reserve(50)).toBe(true);
    expect(a.heldBytes).toBe(50);
    expect(a.reserve(50)).toBe(true); // the same frame again: already held, nothing more taken
    expect(budget.usedBytes).toBe(50);
    expect(budget.usage()).toEqual({ gateway: 0.5, virtualClusters: new Map([["a", 50 / 60]]) });
    a.release();
    expect(budget.usedBytes).toBe(0);
    a.release(); // twice is harmless
    expect(budget.usedBytes).toBe(0);
  });

  it("a virtual cluster at its share waits while another still gets bytes", () => {
    const budget = new RequestBytesBudget(100, 60);
    const granted: string[] = [];
    const a1 = budget.reservation("a", () => granted.push("a1"));
    const a2 = budget.reservation("a", () => granted.push("a2"));
    const b1 = budget.reservation("b", () => granted.push("b1"));
    expect(a1.reserve(40)).toBe(true);
    expect(a2.reserve(30)).toBe(false); // 70 > a's 60
    expect(a2.isWaiting).toBe(true);
    expect(b1.reserve(40)).toBe(true); // b has its own 60; the gateway holds 80 of 100
    expect(budget.usedBytes).toBe(80);
    a1.release();
    expect(granted).toEqual(["a2"]);
    expect(a2.heldBytes).toBe(30);
    expect(budget.usedBytes).toBe(70);
  });

  it("the gateway budget binds across virtual clusters; freed bytes go to waiters that fit, oldest first", () => {
    const budget = new RequestBytesBudget(100, 100);
    const granted: string[] = [];
    const holder = budget.reservation("a", () => granted.push("holder"));
    const big = budget.reservation("b", () => granted.push("big"));
    const small = budget.reservation("c", () => granted.push("small"));
    const later = budget.reservation("c", () => granted.push("later"));
    expect(holder.reserve(90)).toBe(true);
    expect(big.reserve(80)).toBe(false);
    expect(small.reserve(20)).toBe(false);
    expect(later.reserve(15)).toBe(false);
    holder.release();
    // 100 free: big (80) first, then small (20); later (15) no longer fits.
    expect(granted).toEqual(["big", "small"]);
    expect(later.isWaiting).toBe(true);
    small.release();
    expect(granted).toEqual(["big", "small", "later"]);
  });

  it("a waiting connection that closes gives up its place and takes nothing", () => {
    const budget = new RequestBytesBudget(100, 100);
    const granted: string[] = [];
    const holder = budget.reservation("a", () => undefined);
    const gone = budget.reservation("a", () => granted.push("gone"));
    const next = budget.reservation("a", () => granted.push("next"));
    holder.reserve(100);
    gone.reserve(60);
    next.reserve(60);
    gone.release();
    holder.release();
    expect(granted).toEqual(["next"]);
    expect(budget.usedBytes).toBe(60);
  });

  it("a larger budget after a reload lets waiting connections go on; a smaller one frees nobody", () => {
    const budget = new RequestBytesBudget(100, 100);
    const granted: string[] = [];
    const holder = budget.reservation("a", () => undefined);
    const waiting = budget.reservation("a", () => granted.push("waiting"));
    holder.reserve(80);
    waiting.reserve(50);
    budget.resize(200, 200);
    expect(granted).toEqual(["waiting"]);
    budget.resize(10, 10);
    expect(budget.usedBytes).toBe(130);
    const another = budget.reservation("b", () => undefined);
    expect(another.reserve(5)).toBe(false);
  });
});
