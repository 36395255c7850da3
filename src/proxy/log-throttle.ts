// One log line per interval for a failure that repeats per connection (a dead cluster with clients
// retrying), with the count of lines held back, instead of a line per attempt.

export class LogThrottle {
  private nextAt = 0;
  private held = 0;

  constructor(private readonly intervalMs = 10_000) {}

  /** Undefined: don't log now. Otherwise log, mentioning how many lines were held back since the last one. */
  take(now = Date.now()): number | undefined {
    if (now < this.nextAt) {
      this.held++;
      return undefined;
    }
    const held = this.held;
    this.held = 0;
    this.nextAt = now + this.intervalMs;
    return held;
  }
}
