// One DescribeLogDirs snapshot per physical cluster, shared by its tenants' polls.
import { describe, expect, it } from "vitest";
import { LogDirSizes } from "../../../src/limits/log-dir-sizes.js";

describe("LogDirSizes", () => {
  it("shares a snapshot younger than the asker's interval, and a fetch in flight", async () => {
    let fetches = 0;
    const sizes = new LogDirSizes(async () => new Map([["payments.orders", ++fetches]]));
    const [a, b] = await Promise.all([sizes.get(1_000, 0), sizes.get(1_000, 10)]);
    expect(a).toBe(b);
    expect(fetches).toBe(1);
    expect((await sizes.get(1_000, 999)).get("payments.orders")).toBe(1);
    expect((await sizes.get(1_000, 1_000)).get("payments.orders")).toBe(2); // as old as the interval: measured again
    expect((await sizes.get(100, 1_050)).get("payments.orders")).toBe(2);
  });

  it("doesn't keep a failure", async () => {
    let fail = true;
    const sizes = new LogDirSizes(async () => {
      if (fail) throw new Error("unreachable");
      return new Map([["t", 1]]);
    });
    await expect(sizes.get(60_000, 0)).rejects.toThrow("unreachable");
    fail = false;
    expect((await sizes.get(60_000, 1)).get("t")).toBe(1);
  });
});
