// The live caps of one virtual cluster: its connection admission, its request-rate bucket, its topic ledger and its
// retained-bytes measurement. The runtime keeps one per virtual cluster across reloads and calls update(): every
// listener and every session's filter hold this same object, so new caps reach open connections at once. close()
// stops the retained-bytes poller when the virtual cluster is removed.
import type { Logger } from "pino";
import { DEFAULT_RETAINED_BYTES_POLL_MS } from "../config/cap-limits.js";
import type { VirtualClusterLimits } from "../config/types.js";
import { LogThrottle } from "../proxy/log-throttle.js";
import {
  ConnectionCaps,
  type ConnectionAdmission,
  type ConnectionCap,
  type ConnectionCapSettings,
  type ConnectionRefusal,
  type ConnectionTicket,
} from "./connection-caps.js";
import { Poller } from "./poller.js";
import { TopicLedger } from "./topic-ledger.js";
import { TokenBucket } from "./token-bucket.js";
import type { UsageSource } from "./upstream-usage.js";

/** The caps that refuse, as metrics and logs name them. */
export type CapName = ConnectionCap | "topics" | "partitions" | "retained_bytes";

export interface TenantCapsContext {
  /** What the tenant uses on its physical cluster (upstreamUsage in production). */
  readonly usage: UsageSource;
  /** Gateway instances sharing the tenant's clients (`limits.instances`): each enforces its share of the rates. */
  readonly instances: number;
  readonly log: Logger;
  /** Counts a refusal (metrics). */
  readonly refused: (cap: CapName) => void;
}

export class TenantCaps implements ConnectionAdmission {
  /** Creations let through that Metadata may not show yet (the caps filter reserves and cancels). */
  readonly topics = new TopicLedger();
  private readonly connections: ConnectionCaps;
  private limits: VirtualClusterLimits;
  private requests: TokenBucket | undefined;
  private retainedPoller: Poller | undefined;
  /** The last measurement; undefined until the first poll answers (Produce is never refused on a guess). */
  private retained: number | undefined;
  private readonly refusalLogs = new Map<CapName, LogThrottle>();
  private started = false;

  constructor(
    limits: VirtualClusterLimits | undefined,
    private ctx: TenantCapsContext,
    nowMs = performance.now(),
  ) {
    this.limits = limits ?? {};
    this.connections = new ConnectionCaps(this.connectionSettings(), nowMs);
    this.requests = rebucket(undefined, this.share(this.limits.requestsPerSecond), nowMs);
  }

  /** The caps in force (the latest reload's). */
  get settings(): VirtualClusterLimits {
    return this.limits;
  }

  /** Starts measuring what has to be polled (the retained bytes). Called once the config is in force. */
  start(): void {
    this.started = true;
    this.syncPoller();
  }

  /** A reload: caps change at once for every session; measurements are kept. */
  update(limits: VirtualClusterLimits | undefined, ctx: TenantCapsContext, nowMs = performance.now()): void {
    this.limits = limits ?? {};
    this.ctx = ctx; // a virtual cluster moved to another physical cluster is measured there from the next poll
    this.connections.update(this.connectionSettings(), nowMs);
    this.requests = rebucket(this.requests, this.share(this.limits.requestsPerSecond), nowMs);
    if (this.started) this.syncPoller();
  }

  /** The virtual cluster is gone: stop polling. Sessions still open keep their last caps. */
  close(): void {
    this.started = false;
    this.retainedPoller?.stop();
    this.retainedPoller = undefined;
  }

  /** A new connection: admitted (now or after a wait) or refused; refusals are counted and logged here. */
  admitConnection(nowMs: number): ConnectionTicket | ConnectionRefusal {
    const admitted = this.connections.admit(nowMs);
    if ("refused" in admitted) {
      const { maxConnections, connectionsPerSecond } = this.limits;
      this.refuse(
        admitted.refused,
        admitted.refused === "connections"
          ? `${this.connections.openConnections} connections are open, the cap (maxConnections) is ${maxConnections}`
          : `more than ${connectionsPerSecond} new connections per second (connectionsPerSecond); closed after ${admitted.delayMs} ms`,
      );
    }
    return admitted;
  }

  /** Takes one request from the request-rate bucket: how long the client must be throttled (0: not at all). */
  requestThrottleMs(): number {
    return this.requests === undefined ? 0 : this.requests.take(1, performance.now()); // no clock read without a cap
  }

  /**
   * Each cap that is set, with its use now as a fraction of it (1: at the cap): for the gauge, and with the topic
   * readings for the admin API. The retained bytes have a null ratio until the first measurement answers.
   */
  usage(nowMs = performance.now()): CapReading[] {
    const out: CapReading[] = [];
    const { maxConnections, maxRetainedBytes } = this.limits;
    const { connectionsPerSecond } = this.connectionSettings();
    if (maxConnections !== undefined) out.push(reading("connections", this.connections.openConnections, maxConnections));
    const connectionRate = this.connections.rateUsage(nowMs);
    if (connectionRate !== undefined && connectionsPerSecond !== undefined) out.push({ kind: "cap", cap: "connection_rate", used: null, max: connectionsPerSecond, ratio: connectionRate });
    if (this.requests !== undefined) out.push({ kind: "cap", cap: "request_rate", used: null, max: this.requests.ratePerSecond, ratio: this.requests.usage(nowMs) });
    if (maxRetainedBytes !== undefined) out.push(reading("retained_bytes", this.retained ?? null, maxRetainedBytes));
    return out;
  }

  /** The topic and partition caps that are set, counted upstream now (Metadata); used null when the cluster doesn't answer. */
  async topicReadings(): Promise<CapReading[]> {
    const { maxTopics, maxPartitions } = this.limits;
    if (maxTopics === undefined && maxPartitions === undefined) return [];
    const usage = await this.topicUsage().catch(() => undefined);
    let partitions = 0;
    for (const count of usage?.values() ?? []) partitions += count;
    const out: CapReading[] = [];
    if (maxTopics !== undefined) out.push(reading("topics", usage?.size ?? null, maxTopics));
    if (maxPartitions !== undefined) out.push(reading("partitions", usage === undefined ? null : partitions, maxPartitions));
    return out;
  }

  /** Why Produce is refused now (the tenant is over its retained-bytes cap), or undefined. */
  retainedBytesRefusal(): string | undefined {
    const max = this.limits.maxRetainedBytes;
    if (max === undefined || this.retained === undefined || this.retained <= max) return undefined;
    return `this virtual cluster holds ${this.retained} bytes on disk (every replica counted), over its cap of ${max}: produce is refused until retention or deleted topics free space`;
  }

  /** The tenant's topics and partitions now (upstream Metadata plus creations it may not show yet). */
  async topicUsage(): Promise<Map<string, number>> {
    const upstream = await this.ctx.usage.topicPartitions();
    return this.topics.usage(upstream, performance.now());
  }

  /** Counts a refusal and logs it, at most once per interval per cap. */
  refuse(cap: CapName, detail: string): void {
    this.ctx.refused(cap);
    let throttle = this.refusalLogs.get(cap);
    if (throttle === undefined) this.refusalLogs.set(cap, (throttle = new LogThrottle()));
    const held = throttle.take();
    if (held !== undefined) this.ctx.log.warn({ cap, alsoRefusedSinceLastLog: held }, `refused by the ${cap} cap: ${detail}`);
  }

  /** This instance's share of a rate (maxConnections is per instance as configured: see config/README.md#caps). */
  private share(rate: number | undefined): number | undefined {
    return rate === undefined ? undefined : rate / this.ctx.instances;
  }

  private connectionSettings(): ConnectionCapSettings {
    return { maxConnections: this.limits.maxConnections, connectionsPerSecond: this.share(this.limits.connectionsPerSecond) };
  }

  private syncPoller(): void {
    const max = this.limits.maxRetainedBytes;
    const intervalMs = this.limits.retainedBytesPollMs ?? DEFAULT_RETAINED_BYTES_POLL_MS;
    const poller = this.retainedPoller;
    if (max !== undefined && poller !== undefined && poller.intervalMs === intervalMs) return;
    poller?.stop();
    this.retainedPoller = undefined;
    if (max === undefined) {
      this.retained = undefined;
      return;
    }
    const next = new Poller(intervalMs, () => this.measureRetainedBytes());
    this.retainedPoller = next;
    next.start();
  }

  private async measureRetainedBytes(): Promise<void> {
    try {
      this.retained = await this.ctx.usage.retainedBytes(this.retainedPoller?.intervalMs ?? DEFAULT_RETAINED_BYTES_POLL_MS);
    } catch (err) {
      // Keep the last measurement: an unreachable cluster neither lifts the cap nor starts refusing.
      this.ctx.log.warn({ err }, "could not measure the retained bytes (DescribeLogDirs)");
    }
  }
}

/** A cap and its use, as GET …/usage answers it (src/control/schemas/usage.ts). */
export interface CapReading {
  readonly kind: "cap";
  readonly cap: CapName | "request_rate";
  /** A count or bytes; null for a rate (its ratio is its bucket's), or not measured yet. */
  readonly used: number | null;
  /** The cap; a rate is this instance's share. */
  readonly max: number;
  readonly ratio: number | null;
}

/** A counted cap's reading; a cap of 0 is reached from the start. */
function reading(cap: CapName, used: number | null, max: number): CapReading {
  return { kind: "cap", cap, used, max, ratio: used === null ? null : max === 0 ? 1 : used / max };
}

function rebucket(bucket: TokenBucket | undefined, rate: number | undefined, nowMs: number): TokenBucket | undefined {
  if (rate === undefined) return undefined;
  if (bucket === undefined) return new TokenBucket(rate, nowMs);
  bucket.setRate(rate, nowMs);
  return bucket;
}
