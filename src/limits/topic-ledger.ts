// What a tenant has, for the topic and partition caps: the upstream Metadata, plus what the gateway let through and
// Metadata may not show yet. A broker answers Metadata from its own cache, which can lag a creation the controller
// has just committed; without this ledger, two quick CreateTopics could both see room for one more topic.
// A reservation is made when a creation is let through, dropped if the broker refuses it, and otherwise kept until
// Metadata shows the topic with at least that many partitions (or, if it never does, e.g. deleted at once, for a while).

/** How long a creation Metadata never shows keeps counting. */
export const UNCONFIRMED_TTL_MS = 60_000;

interface Reservation {
  readonly partitions: number;
  readonly atMs: number;
}

export class TopicLedger {
  private readonly unconfirmed = new Map<string, Reservation>();

  /** The tenant's topics (name → partitions): `upstream` with every reservation it doesn't show yet counted in. */
  usage(upstream: ReadonlyMap<string, number>, nowMs: number): Map<string, number> {
    const usage = new Map(upstream);
    for (const [name, { partitions, atMs }] of this.unconfirmed) {
      const seen = upstream.get(name);
      if ((seen !== undefined && seen >= partitions) || nowMs - atMs > UNCONFIRMED_TTL_MS) this.unconfirmed.delete(name);
      else usage.set(name, Math.max(seen ?? 0, partitions));
    }
    return usage;
  }

  /** A creation (or growth to `partitions`) was let through. */
  reserve(name: string, partitions: number, nowMs: number): void {
    this.unconfirmed.set(name, { partitions, atMs: nowMs });
  }

  /** The broker refused it: it counts no more. */
  cancel(name: string): void {
    this.unconfirmed.delete(name);
  }
}
