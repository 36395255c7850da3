// How the console words a limit's use (ui/limit-usage.ts): the usage table's cells and the virtual-cluster list's
// "Highest usage".
import { describe, expect, it } from "vitest";
import type { LimitUsage } from "../../../ui/api-types.js";
import { highest, limitMax, limitName, limitUsed, percent } from "../../../ui/limit-usage.js";

const tenantProduce: LimitUsage = { kind: "byteRate", scope: "tenant", name: null, direction: "produce", ratio: 0.92, max: 1024 * 1024, pushedDown: false };
const busiestTopic: LimitUsage = { kind: "byteRate", scope: "topic", name: null, direction: "fetch", ratio: 0.1, max: 2048, pushedDown: false };
const orders: LimitUsage = { kind: "byteRate", scope: "topic", name: "orders", direction: "fetch", ratio: 1.5, max: 2048, pushedDown: false };
const retained: LimitUsage = { kind: "cap", cap: "retained_bytes", used: null, max: 10 * 1024 ** 3, ratio: null };
const topics: LimitUsage = { kind: "cap", cap: "topics", used: 3, max: 4, ratio: 0.75 };
const requests: LimitUsage = { kind: "cap", cap: "request_rate", used: null, max: 100, ratio: 0.2 };

describe("limit usage as the console says it", () => {
  it("names each limit, what is used and the limit in its unit", () => {
    expect([tenantProduce, busiestTopic, orders, retained, topics, requests].map((l) => [limitName(l), limitUsed(l), limitMax(l)])).toEqual([
      ["produce, tenant", "–", "1.0 MiB/s"],
      ["fetch, busiest other topic", "–", "2.0 KiB/s"],
      ["fetch, topic orders", "–", "2.0 KiB/s"],
      ["retained bytes", "not measured yet", "10.0 GiB"],
      ["topics", "3", "4"],
      ["requests per second", "–", "100/s"],
    ]);
    expect(limitUsed({ ...tenantProduce, ratio: null, pushedDown: true })).toBe("enforced by the brokers");
  });

  it("picks the highest measured use, and none when nothing is measured", () => {
    const top = highest([tenantProduce, retained, topics]);
    expect(`${percent(top!.ratio!)} ${limitName(top!)}`).toBe("92 % produce, tenant");
    expect(highest([tenantProduce, orders])).toBe(orders);
    expect(highest([retained])).toBeUndefined();
    expect(highest([])).toBeUndefined();
  });
});
