import { describe, expect, it } from "vitest";
import { TokenBucket } from "../../../src/limits/token-bucket.js";

describe("TokenBucket (may go into debt)", () => {
  it("starts full with one second of rate, and lets a request through without waiting while it lasts", () => {
    const bucket = new TokenBucket(1000, 0);
    expect(bucket.take(600, 0)).toBe(0);
    expect(bucket.take(400, 0)).toBe(0);
    expect(bucket.available(0)).toBe(0);
  });

  it("never refuses a large request: it goes into debt and says how long repaying takes", () => {
    const bucket = new TokenBucket(1000, 0);
    expect(bucket.take(3000, 0)).toBe(2000); // 1000 held, 2000 owed at 1000/s
    expect(bucket.throttleMs(500)).toBe(1500);
    expect(bucket.throttleMs(2000)).toBe(0);
    expect(bucket.take(1, 2000)).toBe(1); // exactly repaid: one more byte is 1 ms of debt
  });

  it("refills at its rate up to the burst, and no further", () => {
    const bucket = new TokenBucket(1000, 0);
    bucket.take(1000, 0);
    expect(bucket.available(250)).toBe(250);
    expect(bucket.available(60_000)).toBe(1000);
    const long = new TokenBucket(1000, 0, 5);
    expect(long.available(0)).toBe(5000);
  });

  it("holds the rate over time when a client takes as it is allowed to", () => {
    const bucket = new TokenBucket(1_048_576, 0);
    let now = 0;
    let sent = 0;
    while (now < 10_000) {
      sent += 65_536;
      now += bucket.take(65_536, now); // waits as long as told, as a KIP-219 client does
    }
    // The first second's burst, then exactly the rate.
    expect(sent / ((now + 1000) / 1000)).toBeGreaterThan(1_048_576 * 0.99);
    expect(sent / ((now + 1000) / 1000)).toBeLessThan(1_048_576 * 1.01);
  });

  it("changes its rate in place: debt stays debt, a full bucket is cut to the new burst", () => {
    const bucket = new TokenBucket(1000, 0);
    bucket.take(2000, 0); // 1000 owed
    bucket.setRate(500, 0);
    expect(bucket.throttleMs(0)).toBe(2000);
    expect(bucket.ratePerSecond).toBe(500);
    const full = new TokenBucket(1000, 0);
    full.setRate(100, 0);
    expect(full.available(0)).toBe(100);
  });

  it("ignores a clock that steps back", () => {
    const bucket = new TokenBucket(1000, 1000);
    bucket.take(1000, 1000);
    expect(bucket.available(500)).toBe(0);
    expect(bucket.available(1100)).toBe(100);
  });

  it("reports usage against the limit: 0 idle, 1 empty, above 1 in debt", () => {
    const bucket = new TokenBucket(1000, 0);
    expect(bucket.usage(0)).toBe(0);
    bucket.take(900, 0);
    expect(bucket.usage(0)).toBeCloseTo(0.9);
    bucket.take(600, 0);
    expect(bucket.usage(0)).toBeCloseTo(1.5);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("refuses a rate of %s", (rate) => {
    expect(() => new TokenBucket(rate, 0)).toThrow(RangeError);
  });
});
