import { describe, expect, it } from "vitest";
import { LogThrottle } from "../../../src/proxy/log-throttle.js";

describe("LogThrottle", () => {
  it("lets one line through per interval and reports how many it held back", () => {
    const throttle = new LogThrottle(1_000);
    expect(throttle.take(0)).toBe(0);
    expect(throttle.take(10)).toBeUndefined();
    expect(throttle.take(999)).toBeUndefined();
    expect(throttle.take(1_000)).toBe(2);
    expect(throttle.take(1_500)).toBeUndefined();
    expect(throttle.take(5_000)).toBe(1);
  });
});
