// The longest wait among the byte-rate buckets one request takes from (topic, principal, tenant), and which set it:
// the throttle KIP-219 tells the client, shared by the byte-rate filter and the admin worker's charges.
import type { ByteLimitScope } from "../observe/observer.js";
import type { TokenBucket } from "./token-bucket.js";

/** The throttle a request (or an admin read or send) ends up with, and whose bucket set it: the longest wait wins. Reusable (reset()). */
export class Throttle {
  ms = 0;
  scope: ByteLimitScope = "tenant";
  topic: string | undefined = undefined;

  /** The fewest tokens of the buckets looked at (Fetch requests): what a response may bring. */
  available = Number.POSITIVE_INFINITY;

  reset(): this {
    this.ms = 0;
    this.topic = undefined;
    this.available = Number.POSITIVE_INFINITY;
    return this;
  }

  /** Looks at a bucket without taking from it: its debt, if any, and what it holds. */
  look(bucket: TokenBucket | undefined, nowMs: number, scope: ByteLimitScope, topic: string | undefined): void {
    if (bucket === undefined) return;
    this.take(bucket, 0, nowMs, scope, topic);
    const available = bucket.available(nowMs);
    if (available < this.available) this.available = available;
  }

  /** Takes `bytes` from `bucket` (if the direction is limited) and keeps the longest wait. */
  take(bucket: TokenBucket | undefined, bytes: number, nowMs: number, scope: ByteLimitScope, topic: string | undefined): void {
    if (bucket === undefined) return;
    const ms = bucket.take(bytes, nowMs);
    if (ms > this.ms) {
      this.ms = ms;
      this.scope = scope;
      this.topic = topic;
    }
  }
}
