// Produced and fetched bytes and messages per second per topic, from the counters the gateway keeps anyway
// (bulkhead_topic_bytes_total and bulkhead_topic_records_total, tenant topic names, the most active topics of each
// virtual cluster labelled): each ask reads the counters and compares them with the previous reading. Readings closer
// than MIN_INTERVAL_MS reuse the last rates, so a burst of listings doesn't measure over a few milliseconds.
import type { Counter } from "prom-client";
import { OTHER_TOPICS } from "../observe/topic-labels.js";
import type { TopicThroughput } from "./tenant-client.js";

const MIN_INTERVAL_MS = 1_000;

type TopicCounter = Counter<"virtual_cluster" | "topic" | "direction">;
/** "topic\ndirection" → the count so far. */
type Totals = ReadonlyMap<string, number>;

interface Reading {
  readonly atMs: number;
  readonly bytes: Totals;
  readonly records: Totals;
  readonly rates: ReadonlyMap<string, TopicThroughput>;
}

export class TopicThroughputMeter {
  private readonly last = new Map<string, Reading>();

  constructor(
    private readonly bytesCounter: TopicCounter,
    private readonly recordsCounter: TopicCounter,
  ) {}

  /** Rates since the previous ask for the virtual cluster (none on the first ask: there is nothing to compare with). */
  async rates(virtualCluster: string, nowMs = performance.now()): Promise<ReadonlyMap<string, TopicThroughput>> {
    const previous = this.last.get(virtualCluster);
    if (previous !== undefined && nowMs - previous.atMs < MIN_INTERVAL_MS) return previous.rates;
    const bytes = await totals(this.bytesCounter, virtualCluster);
    const records = await totals(this.recordsCounter, virtualCluster);
    const rates = new Map<string, TopicThroughput>();
    if (previous !== undefined) {
      const seconds = (nowMs - previous.atMs) / 1000;
      const rate = (now: Totals, before: Totals, key: string) => {
        const count = now.get(key) ?? 0;
        const earlier = before.get(key) ?? 0;
        // A smaller count is a series made again (its topic lost its label while idle): it started over from 0.
        return (count >= earlier ? count - earlier : count) / seconds;
      };
      for (const key of [...bytes.keys(), ...records.keys()]) {
        const topic = key.slice(0, key.lastIndexOf("\n"));
        if (rates.has(topic)) continue;
        rates.set(topic, {
          produceBytesPerSecond: rate(bytes, previous.bytes, `${topic}\nproduce`),
          fetchBytesPerSecond: rate(bytes, previous.bytes, `${topic}\nfetch`),
          produceMessagesPerSecond: rate(records, previous.records, `${topic}\nproduce`),
          fetchMessagesPerSecond: rate(records, previous.records, `${topic}\nfetch`),
        });
      }
    }
    this.last.set(virtualCluster, { atMs: nowMs, bytes, records, rates });
    return rates;
  }
}

/** The virtual cluster's labelled topics' counts, by "topic\ndirection". */
async function totals(counter: TopicCounter, virtualCluster: string): Promise<Totals> {
  const counts = new Map<string, number>();
  for (const { labels, value } of (await counter.get()).values) {
    if (labels.virtual_cluster === virtualCluster && labels.topic !== OTHER_TOPICS) counts.set(`${labels.topic}\n${labels.direction}`, value);
  }
  return counts;
}
