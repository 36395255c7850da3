import { describe, expect, it } from "vitest";
import type { TenantClient } from "../../../src/admin/tenant-client.js";
import { TenantClientPool } from "../../../src/admin/tenant-client-pool.js";
import type { Principal } from "../../../src/session/session.js";
import { waitUntil } from "../../harness/wait.js";

/** Stands in for a TenantClient: the pool only opens, lends and closes them. */
interface FakeClient {
  readonly virtualCluster: string;
  readonly principal: Principal | undefined;
  isClosed: boolean;
  close(): void;
}

function poolOf(options: { idleMs?: number; max?: number; known?: readonly string[] } = {}) {
  const opened: FakeClient[] = [];
  const pool = new TenantClientPool({
    ...options,
    open: (virtualCluster, principal) => {
      if (!(options.known ?? ["payments", "analytics"]).includes(virtualCluster)) return undefined;
      const client: FakeClient = {
        virtualCluster,
        principal,
        isClosed: false,
        close() {
          this.isClosed = true;
        },
      };
      opened.push(client);
      return client as unknown as TenantClient;
    },
  });
  return { pool, opened };
}

const alice: Principal = { type: "User", name: "alice" };
const bob: Principal = { type: "User", name: "bob" };

describe("TenantClientPool", () => {
  it("lends one client per virtual cluster and principal, to operations one after another and at once", () => {
    const { pool, opened } = poolOf();
    const first = pool.lease("payments", alice)!;
    const concurrent = pool.lease("payments", alice)!;
    first.release();
    const later = pool.lease("payments", { type: "User", name: "alice" })!;
    expect(concurrent.client).toBe(first.client);
    expect(later.client).toBe(first.client);
    expect(pool.lease("payments", bob)!.client).not.toBe(first.client);
    expect(pool.lease("payments", undefined)!.client).not.toBe(first.client);
    expect(pool.lease("analytics", alice)!.client).not.toBe(first.client);
    expect(opened.map((c) => `${c.virtualCluster}/${c.principal?.name ?? "-"}`)).toEqual(["payments/alice", "payments/bob", "payments/-", "analytics/alice"]);
    expect(opened.some((c) => c.isClosed)).toBe(false);
  });

  it("answers undefined for a virtual cluster the config doesn't have", () => {
    const { pool } = poolOf();
    expect(pool.lease("nope", alice)).toBeUndefined();
    expect(pool.size).toBe(0);
  });

  it("closes a client idle for idleMs, and opens a new one on the next lease", async () => {
    const { pool, opened } = poolOf({ idleMs: 30 });
    pool.lease("payments", alice)!.release();
    await waitUntil(() => opened[0]!.isClosed, { what: "the idle client to close", timeoutMs: 5_000, intervalMs: 5 });
    expect(pool.size).toBe(0);
    expect(pool.lease("payments", alice)!.client).not.toBe(opened[0]);
    expect(opened).toHaveLength(2);
  });

  it("keeps at most max clients, closing the least recently used", () => {
    const { pool, opened } = poolOf({ max: 2 });
    pool.lease("payments", alice)!.release();
    pool.lease("payments", bob)!.release();
    pool.lease("payments", alice)!.release(); // alice's is now the most recent
    pool.lease("analytics", alice)!.release();
    expect(opened.map((c) => c.isClosed)).toEqual([false, true, false]);
    expect(pool.size).toBe(2);
  });

  it("drops a virtual cluster's clients when its config changes, closing one in use only once it is released", () => {
    const { pool, opened } = poolOf();
    const inUse = pool.lease("payments", alice)!;
    pool.lease("payments", bob)!.release();
    pool.lease("analytics", alice)!.release();
    pool.invalidate("payments");
    expect(opened.map((c) => c.isClosed)).toEqual([false, true, false]);
    const fresh = pool.lease("payments", alice)!;
    expect(fresh.client).not.toBe(inUse.client);
    inUse.release();
    inUse.release(); // a second release changes nothing
    expect(opened.map((c) => c.isClosed)).toEqual([true, true, false, false]);
    fresh.release();
    expect(opened[3]!.isClosed).toBe(false);
  });

  it("never lends a client its chain has closed", () => {
    const { pool, opened } = poolOf();
    pool.lease("payments", alice)!.release();
    opened[0]!.close();
    expect(pool.lease("payments", alice)!.client).toBe(opened[1]);
  });

  it("closes every client on clear()", () => {
    const { pool, opened } = poolOf();
    pool.lease("payments", alice)!.release();
    pool.lease("analytics", bob)!.release();
    pool.clear();
    expect(opened.every((c) => c.isClosed)).toBe(true);
  });
});
