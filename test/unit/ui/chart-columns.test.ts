// The console's live chart data (ui/chart-columns.ts): times first, each line's points and its limit after, and a
// leading time so a limit spans the whole chart.
import { describe, expect, it } from "vitest";
import { columns } from "../../../ui/chart-columns.js";

describe("chart columns", () => {
  it("leads with the span's start, where only the limits have a value", () => {
    const series = [
      { name: "orders", points: [10, 20], limit: 100 },
      { name: "audit", points: [null, 5], limit: null },
    ];
    expect(columns([1000, 1002], series, 120)).toEqual([
      [882, 1000, 1002],
      [null, 10, 20],
      [100, 100, 100],
      [null, null, 5],
    ]);
  });

  it("adds no leading time once the samples fill the span", () => {
    expect(columns([880, 940, 1000], [{ name: "orders", points: [1, 2, 3], limit: 7 }], 120)).toEqual([
      [880, 940, 1000],
      [1, 2, 3],
      [7, 7, 7],
    ]);
  });

  it("has only an empty time column before the first sample", () => {
    expect(columns([], [{ name: "orders", points: [], limit: 7 }], 120)).toEqual([[], [], []]);
  });
});
