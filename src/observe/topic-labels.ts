// Bounded topic labels for one virtual cluster's metrics. Topic names are the tenant's to choose, so a label per
// topic could grow the registry without limit. The `max` most recently active topics get their own label (an
// lru-cache whose entries expire when idle, making room for others); every other topic's traffic is summed as
// "__other". A topic's series are removed when it loses its label, so the registry stays bounded too.
import { LRUCache } from "lru-cache";

export const OTHER_TOPICS = "__other";

export interface TopicLabelOptions {
  /** Topics with a label of their own. */
  readonly max: number;
  /** A topic idle this long gives its label up to the next new topic. */
  readonly idleMs: number;
  /** Called when a topic loses its label: remove its series. */
  readonly forget: (topic: string) => void;
}

export class TopicLabels<T extends object> {
  private readonly labelled: LRUCache<string, T>;
  private lastPurge = 0;

  constructor(
    private readonly options: TopicLabelOptions,
    /** What each labelled topic keeps (its bound metric children); `other` is what "__other" keeps. */
    private readonly make: (label: string) => T,
    readonly other: T = make(OTHER_TOPICS),
  ) {
    this.labelled = new LRUCache<string, T>({
      max: options.max,
      ttl: options.idleMs,
      updateAgeOnGet: true,
      // Reads the clock on every get: with the default (1 ms) lru-cache caches the time and arms a timer to clear
      // it, a setTimeout per request at a few hundred requests a second.
      ttlResolution: 0,
      // Idle entries are swept in purge() below; lru-cache then reports them here.
      dispose: (_value, topic, reason) => {
        if (reason !== "set") options.forget(topic);
      },
      noDisposeOnSet: true,
    });
  }

  /** The topic's own entry while it has a label or one is free, else the shared "__other" entry. */
  of(topic: string): T {
    const known = this.labelled.get(topic);
    if (known !== undefined) return known;
    if (this.labelled.size >= this.options.max && !this.purge()) return this.other;
    const fresh = this.make(topic);
    this.labelled.set(topic, fresh);
    return fresh;
  }

  /** Every entry: the labelled topics' and "__other"'s. */
  forEach(visit: (entry: T) => void): void {
    for (const entry of this.labelled.values()) visit(entry);
    visit(this.other);
  }

  /** Drops idle topics, at most once a tenth of the idle time (it walks the cache); true if room was made. */
  private purge(): boolean {
    const now = performance.now();
    if (now - this.lastPurge < this.options.idleMs / 10) return false;
    this.lastPurge = now;
    return this.labelled.purgeStale();
  }
}
