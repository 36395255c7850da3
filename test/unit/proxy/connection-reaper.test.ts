// The reaper's deadlines, swept by hand with a given clock: which connection is closed, for which reason, and which
// one makes room when the connection budget evicts.
import { afterEach, describe, expect, it } from "vitest";
import { logger } from "../../../src/log.js";
import { ConnectionReaper, type Reapable, type ReapReason } from "../../../src/proxy/connection-reaper.js";

const DEADLINES = { idleTimeoutMs: 1_000, firstRequestTimeoutMs: 100, unfinishedRequestTimeoutMs: 300 };

function connection(reaper: ConnectionReaper, fields: Partial<Reapable>): Reapable & { reaped: ReapReason[] } {
  const reaped: ReapReason[] = [];
  const c: Reapable & { reaped: ReapReason[] } = {
    virtualClusterName: "a",
    openedAtMs: 0,
    lastActivityMs: 0,
    awaitingFirstRequest: false,
    unfinishedSinceMs: undefined,
    isIdle: true,
    ...fields,
    reaped,
    reap: (reason) => {
      reaped.push(reason);
      reaper.delete(c); // as a connection does when it closes
    },
  };
  reaper.add(c);
  return c;
}

describe("ConnectionReaper", () => {
  const reapers: ConnectionReaper[] = [];
  const newReaper = () => {
    const reaper = new ConnectionReaper(DEADLINES, logger.child({ test: "reaper" }));
    reapers.push(reaper);
    return reaper;
  };
  afterEach(() => {
    for (const reaper of reapers.splice(0)) reaper.stop();
  });

  it("closes each connection on its own deadline, and none before", () => {
    const reaper = newReaper();
    const idle = connection(reaper, { lastActivityMs: 0 });
    const busy = connection(reaper, { lastActivityMs: 0, isIdle: false }); // a request in flight: never idle
    const silent = connection(reaper, { awaitingFirstRequest: true, isIdle: true, lastActivityMs: 950 });
    const stalled = connection(reaper, { unfinishedSinceMs: 500, isIdle: false, lastActivityMs: 790 });
    reaper.sweep(99);
    expect([idle, busy, silent, stalled].map((c) => c.reaped)).toEqual([[], [], [], []]);
    reaper.sweep(101);
    expect(silent.reaped).toEqual(["first_request"]);
    reaper.sweep(801);
    expect(stalled.reaped).toEqual(["unfinished_request"]);
    expect(idle.reaped).toEqual([]);
    reaper.sweep(1_001);
    expect(idle.reaped).toEqual(["idle"]);
    reaper.sweep(1_000_000);
    expect(busy.reaped).toEqual([]);
  });

  it("evicts the virtual cluster's idle connections first, least recently active first, and no other's", () => {
    const reaper = newReaper();
    const recentIdle = connection(reaper, { lastActivityMs: 50 });
    const oldBusy = connection(reaper, { lastActivityMs: 1, isIdle: false });
    const oldIdle = connection(reaper, { lastActivityMs: 10 });
    const other = connection(reaper, { virtualClusterName: "b", lastActivityMs: 0 });
    expect(reaper.evict("a")).toBe(true);
    expect(oldIdle.reaped).toEqual(["evicted"]);
    expect(reaper.evict("a")).toBe(true);
    expect(recentIdle.reaped).toEqual(["evicted"]);
    expect(reaper.evict("a")).toBe(true);
    expect(oldBusy.reaped).toEqual(["evicted"]);
    expect(reaper.evict("a")).toBe(false);
    expect(other.reaped).toEqual([]);
  });
});
