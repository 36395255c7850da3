// Closes the client connections that hold the gateway's resources for nothing, on three deadlines, checked by one
// sweep over every connection (a timer per connection would cost more than the check):
//  - idle: nothing in flight and nothing read for idleTimeoutMs (Kafka's connections.max.idle.ms);
//  - first request: no whole request within firstRequestTimeoutMs of the accept (connections that send nothing, or a
//    few bytes, and hold a descriptor and an upstream connection);
//  - unfinished request: a frame started more than unfinishedRequestTimeoutMs ago and still not whole, stalled or
//    waiting for the request-bytes budget (request-bytes-budget.ts).
// It also picks the connection to close when the connection budget makes room for another virtual cluster.
// Closes are counted by the connection (its observer) and logged here, at most once per interval and reason.
import type { Logger } from "pino";
import { LogThrottle } from "./log-throttle.js";

export type ReapReason = "idle" | "first_request" | "unfinished_request" | "evicted";

export interface ReaperDeadlines {
  readonly idleTimeoutMs: number;
  readonly firstRequestTimeoutMs: number;
  readonly unfinishedRequestTimeoutMs: number;
}

/** What the reaper reads of a connection (times are performance.now()). */
export interface Reapable {
  readonly virtualClusterName: string;
  readonly openedAtMs: number;
  /** The last byte read from the client or written to it. */
  readonly lastActivityMs: number;
  readonly awaitingFirstRequest: boolean;
  /** When the frame being received started; undefined between frames. */
  readonly unfinishedSinceMs: number | undefined;
  /** Nothing in flight, nothing being received, nothing waiting. */
  readonly isIdle: boolean;
  reap(reason: ReapReason): void;
}

/** Sweeps often enough for the shortest deadline to be kept within a quarter of it, at most once every 50 ms. */
const MIN_SWEEP_MS = 50;
const MAX_SWEEP_MS = 1_000;

export class ConnectionReaper {
  private readonly byVirtualCluster = new Map<string, Set<Reapable>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly logs = new Map<ReapReason, LogThrottle>();

  constructor(
    private deadlines: ReaperDeadlines,
    private readonly log: Logger,
  ) {}

  /** A reload: the new deadlines apply from the next sweep, to open connections too. */
  update(deadlines: ReaperDeadlines): void {
    this.deadlines = deadlines;
    if (this.timer !== undefined) {
      this.stop();
      this.start();
    }
  }

  add(connection: Reapable): void {
    let set = this.byVirtualCluster.get(connection.virtualClusterName);
    if (set === undefined) this.byVirtualCluster.set(connection.virtualClusterName, (set = new Set()));
    set.add(connection);
    if (this.timer === undefined) this.start();
  }

  delete(connection: Reapable): void {
    const set = this.byVirtualCluster.get(connection.virtualClusterName);
    if (set?.delete(connection) === true && set.size === 0) this.byVirtualCluster.delete(connection.virtualClusterName);
    if (this.byVirtualCluster.size === 0) this.stop();
  }

  /** Closes the least recently active connection of `virtualCluster` (an idle one if it has any); false if it has none. */
  evict(virtualCluster: string): boolean {
    let victim: Reapable | undefined;
    for (const connection of this.byVirtualCluster.get(virtualCluster) ?? []) {
      if (victim === undefined || rank(connection) < rank(victim)) victim = connection;
    }
    if (victim === undefined) return false;
    this.reap(victim, "evicted");
    return true;
  }

  /** Checks every connection against the deadlines now (the timer calls it; tests may too). */
  sweep(nowMs = performance.now()): void {
    const { idleTimeoutMs, firstRequestTimeoutMs, unfinishedRequestTimeoutMs } = this.deadlines;
    for (const set of [...this.byVirtualCluster.values()]) {
      for (const connection of [...set]) {
        if (connection.unfinishedSinceMs !== undefined && nowMs - connection.unfinishedSinceMs > unfinishedRequestTimeoutMs) {
          this.reap(connection, "unfinished_request");
        } else if (connection.awaitingFirstRequest && nowMs - connection.openedAtMs > firstRequestTimeoutMs) {
          this.reap(connection, "first_request");
        } else if (connection.isIdle && nowMs - connection.lastActivityMs > idleTimeoutMs) {
          this.reap(connection, "idle");
        }
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private start(): void {
    const { idleTimeoutMs, firstRequestTimeoutMs, unfinishedRequestTimeoutMs } = this.deadlines;
    const everyMs = Math.min(MAX_SWEEP_MS, Math.max(MIN_SWEEP_MS, Math.min(idleTimeoutMs, firstRequestTimeoutMs, unfinishedRequestTimeoutMs) / 4));
    this.timer = setInterval(() => this.sweep(), everyMs).unref();
  }

  private reap(connection: Reapable, reason: ReapReason): void {
    connection.reap(reason); // closes it, and it leaves the table (delete) on the way
    let throttle = this.logs.get(reason);
    if (throttle === undefined) this.logs.set(reason, (throttle = new LogThrottle()));
    const held = throttle.take();
    if (held !== undefined) this.log.info({ reason, virtualCluster: connection.virtualClusterName, alsoClosedSinceLastLog: held }, `closed a connection: ${REASONS[reason]}`);
  }
}

const REASONS: Record<ReapReason, string> = {
  idle: "idle for longer than budgets.idleTimeoutMs",
  first_request: "no whole request within budgets.firstRequestTimeoutMs of the accept",
  unfinished_request: "a request unfinished for longer than budgets.unfinishedRequestTimeoutMs",
  evicted: "the gateway is at budgets.maxConnections: made room for a virtual cluster below its fair share",
};

/** Eviction order: idle connections first, then the least recently active. */
function rank(connection: Reapable): number {
  return (connection.isIdle ? 0 : 1e15) + connection.lastActivityMs;
}
