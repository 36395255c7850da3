// A token bucket that may go into debt (KIP-219): a request is never refused for being large. It takes what it uses,
// the balance may go below zero, and the caller throttles the client for as long as repaying the debt takes.
// Allocation-free and clock-free: the caller reads the clock once per request and passes `nowMs` to every bucket.

export class TokenBucket {
  /** Tokens per second (bytes/s for byte rates, requests/s, connections/s). */
  private rate: number;
  /** The most tokens the bucket holds: how much an idle client may burst. */
  private burst: number;
  /** May be negative: the debt. */
  private tokens: number;
  private lastMs: number;

  /** `burstSeconds`: seconds of the rate an idle bucket may save up (Kafka's quota window is about 1 s). */
  constructor(rate: number, nowMs: number, burstSeconds = 1) {
    this.rate = positive(rate);
    this.burst = this.rate * burstSeconds;
    this.tokens = this.burst;
    this.lastMs = nowMs;
  }

  get ratePerSecond(): number {
    return this.rate;
  }

  /**
   * Takes `amount` tokens (going into debt if there aren't enough) and returns how many ms the caller must wait
   * until the debt is repaid: 0 while the balance stays at or above zero.
   */
  take(amount: number, nowMs: number): number {
    this.refill(nowMs);
    this.tokens -= amount;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.rate);
  }

  /** How long until the debt is repaid, without taking anything: 0 when not in debt. */
  throttleMs(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.rate);
  }

  /** Tokens there are now: negative in debt. */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  /** Usage as a fraction of the burst: 0 idle and full, 1 empty, above 1 in debt (for a "near the limit" gauge). */
  usage(nowMs: number): number {
    this.refill(nowMs);
    return (this.burst - this.tokens) / this.burst;
  }

  /** Changes the rate in place (a reload): the balance is kept, capped at the new burst; debt stays debt. */
  setRate(rate: number, nowMs: number, burstSeconds = 1): void {
    this.refill(nowMs);
    this.rate = positive(rate);
    this.burst = this.rate * burstSeconds;
    if (this.tokens > this.burst) this.tokens = this.burst;
  }

  private refill(nowMs: number): void {
    const elapsed = nowMs - this.lastMs;
    // A clock that steps back never takes tokens away.
    if (elapsed <= 0) return;
    this.lastMs = nowMs;
    const tokens = this.tokens + (elapsed * this.rate) / 1000;
    this.tokens = tokens > this.burst ? this.burst : tokens;
  }
}

function positive(rate: number): number {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`a token bucket's rate must be a positive number, got ${rate}`);
  return rate;
}
