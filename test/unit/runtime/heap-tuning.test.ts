import { describe, expect, it } from "vitest";
import { HEAP_GROWING_PERCENT, tuneHeapGrowth } from "../../../src/runtime/heap-tuning.js";

describe("tuneHeapGrowth", () => {
  it("lets the heap grow 4x between full collections unless told otherwise", () => {
    expect(HEAP_GROWING_PERCENT).toBe(300);
    expect(tuneHeapGrowth({})).toBe(300);
    expect(tuneHeapGrowth({ BULKHEAD_HEAP_GROWING_PERCENT: " " })).toBe(300);
  });

  it("takes BULKHEAD_HEAP_GROWING_PERCENT, 0 meaning V8's own growth", () => {
    expect(tuneHeapGrowth({ BULKHEAD_HEAP_GROWING_PERCENT: "150" })).toBe(150);
    expect(tuneHeapGrowth({ BULKHEAD_HEAP_GROWING_PERCENT: "0" })).toBe(0);
  });

  it("refuses a value that is not a percentage V8 could use, naming the variable", () => {
    for (const bad of ["-1", "2.5", "lots", "20000"]) {
      expect(() => tuneHeapGrowth({ BULKHEAD_HEAP_GROWING_PERCENT: bad })).toThrow(/BULKHEAD_HEAP_GROWING_PERCENT: expected an integer from 0 to 10000/);
    }
  });
});
