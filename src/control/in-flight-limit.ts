// How many admin API requests one token may have in flight: the admin API shares the admin worker's event loop and
// asks the data plane's thread for some of its answers, so a caller (a dashboard polling lag, a runaway script) gets
// a bounded share of them and is told to come back (429 with Retry-After) beyond that, instead of queueing work
// without bound in front of the tenants' Kafka requests.
export class InFlightLimit {
  private readonly inFlight = new Map<string, number>();

  /** `max` is asked on every request, so a reload changes it at once. */
  constructor(private readonly max: () => number) {}

  /** Takes a place for `token`: the function that gives it back (call it once), or undefined when none is free. */
  enter(token: string): (() => void) | undefined {
    const now = this.inFlight.get(token) ?? 0;
    if (now >= this.max()) return undefined;
    this.inFlight.set(token, now + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const remaining = (this.inFlight.get(token) ?? 1) - 1;
      if (remaining === 0) this.inFlight.delete(token);
      else this.inFlight.set(token, remaining);
    };
  }

  /** Requests in flight for `token` now. */
  count(token: string): number {
    return this.inFlight.get(token) ?? 0;
  }
}
