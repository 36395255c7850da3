// Produced and fetched bytes per second per topic, from the counter the gateway keeps anyway
// (bulkhead_topic_bytes_total, tenant topic names, the most active topics of each virtual cluster labelled): each ask
// reads the counter and compares it with the previous reading. Readings closer than MIN_INTERVAL_MS reuse the last
// rates, so a burst of listings doesn't measure over a few milliseconds.
import type { Counter } from "prom-client";
import { OTHER_TOPICS } from "../observe/topic-labels.js";
import type { TopicThroughput } from "./tenant-client.js";

const MIN_INTERVAL_MS = 1_000;

interface Reading {
  readonly atMs: number;
  /** "topic\ndirection" → bytes so far. */
  readonly bytes: ReadonlyMap<string, number>;
  readonly rates: ReadonlyMap<string, TopicThroughput>;
}

export class TopicThroughputMeter {
  private readonly last = new Map<string, Reading>();

  constructor(private readonly counter: Counter<"virtual_cluster" | "topic" | "direction">) {}

  /** Rates since the previous ask for the virtual cluster (none on the first ask: there is nothing to compare with). */
  async rates(virtualCluster: string, nowMs = performance.now()): Promise<ReadonlyMap<string, TopicThroughput>> {
    const previous = this.last.get(virtualCluster);
    if (previous !== undefined && nowMs - previous.atMs < MIN_INTERVAL_MS) return previous.rates;
    const bytes = new Map<string, number>();
    for (const { labels, value } of (await this.counter.get()).values) {
      if (labels.virtual_cluster === virtualCluster && labels.topic !== OTHER_TOPICS) bytes.set(`${labels.topic}\n${labels.direction}`, value);
    }
    const rates = new Map<string, TopicThroughput>();
    if (previous !== undefined) {
      const seconds = (nowMs - previous.atMs) / 1000;
      const rate = (key: string) => {
        const now = bytes.get(key) ?? 0;
        const before = previous.bytes.get(key) ?? 0;
        // A smaller count is a series made again (its topic lost its label while idle): it started over from 0.
        return (now >= before ? now - before : now) / seconds;
      };
      for (const key of bytes.keys()) {
        const topic = key.slice(0, key.lastIndexOf("\n"));
        if (!rates.has(topic)) rates.set(topic, { produceBytesPerSecond: rate(`${topic}\nproduce`), fetchBytesPerSecond: rate(`${topic}\nfetch`) });
      }
    }
    this.last.set(virtualCluster, { atMs: nowMs, bytes, rates });
    return rates;
  }
}
