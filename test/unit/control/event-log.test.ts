import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { EventLog } from "../../../src/control/event-log.js";

const logs: EventLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
});

async function eventLog(keep: number, tenantsOf: (cluster: string) => string[] = () => []) {
  const dir = await mkdtemp(join(tmpdir(), "bulkhead-events-"));
  const log = new EventLog(dir, keep, tenantsOf, pino({ level: "silent" }));
  logs.push(log);
  return { dir, log };
}

describe("EventLog", () => {
  it("counts repeats within a flush interval as one episode, and starts a new one after a flush", async () => {
    const { log } = await eventLog(10);
    for (let i = 0; i < 5; i++) log.record("payments", "throttled", "produce throttled by the tenant byte rate");
    expect(log.read({ limit: 10 })).toEqual([expect.objectContaining({ virtualCluster: "payments", type: "throttled", count: 5 })]);
    await log.flush();
    log.record("payments", "throttled", "produce throttled by the tenant byte rate");
    expect(log.read({ limit: 10 }).map((e) => e.count)).toEqual([5, 1]);
  });

  it("keeps each virtual cluster's events apart and filters by virtual cluster, type and time", async () => {
    const { log } = await eventLog(10, (cluster) => (cluster === "shared" ? ["payments", "analytics"] : []));
    log.upstreamError("shared", "connect");
    log.capRefused("payments", "topics");
    log.record(undefined, "config_rejected", "bad file");
    expect(log.read({ virtualClusters: ["analytics"], limit: 10 })).toEqual([expect.objectContaining({ type: "upstream_unreachable", message: "physical cluster shared: connect" })]);
    expect(log.read({ virtualClusters: ["payments"], type: "refused", limit: 10 })).toHaveLength(1);
    expect(log.read({ limit: 10 })).toHaveLength(4);
    expect(log.read({ since: "2999-01-01T00:00:00Z", limit: 10 })).toEqual([]);
  });

  it("is bounded in memory and on disk", async () => {
    const { dir, log } = await eventLog(3);
    for (let i = 0; i < 10; i++) {
      log.record("payments", "refused", `refusal ${i}`);
      await log.flush();
    }
    expect(log.read({ limit: 100 }).map((e) => e.message)).toEqual(["refusal 7", "refusal 8", "refusal 9"]);
    const lines = (await readFile(join(dir, "payments.jsonl"), "utf8")).trim().split("\n");
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ message: "refusal 9" });
  });
});
