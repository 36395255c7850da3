// A Prometheus histogram cheap enough to observe on every forwarded request. prom-client's observe() rebuilds and
// hashes its label set on each call (about 1.3 µs, 5.5 % of the gateway's JavaScript under produce load, where the
// two latency histograms are observed per request); here a labelled child is a few numbers, and an observation is a
// bucket search and three additions. The registry reads it at scrape time through get(), the contract prom-client's
// own cluster aggregation registers its metrics by (an object with a name and get()); the text it renders is the
// same as a prom-client Histogram's (test/unit/observe/latency-histogram.test.ts holds them equal).
import type { Metric, Registry } from "prom-client";

/** One line of the exposition, as prom-client's registry reads it. */
export interface HistogramValue {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

export interface LatencyObserver {
  observe(seconds: number): void;
}

export interface LatencyHistogramOptions<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** Upper bounds, ascending; +Inf is implied. */
  readonly buckets: readonly number[];
  readonly registers: readonly Registry[];
}

class Child implements LatencyObserver {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    private readonly bounds: readonly number[],
    readonly labels: Readonly<Record<string, string>>,
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(seconds: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

export class LatencyHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly labelNames: readonly L[];
  private readonly bounds: readonly number[];
  /** By label values joined with NUL (label values here are names: they hold no NUL). */
  private readonly children = new Map<string, Child>();

  constructor(options: LatencyHistogramOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.bounds = [...options.buckets];
    for (let i = 1; i < this.bounds.length; i++) {
      if (!(this.bounds[i]! > this.bounds[i - 1]!)) throw new Error(`${this.name}: buckets must be ascending`);
    }
    // prom-client's own registries take any object with a name and get() (see the header); its types list its classes.
    for (const registry of options.registers) registry.registerMetric(this as unknown as Metric);
  }

  /** The child for one set of label values, in labelNames' order; keep it: looking it up is the part that costs. */
  labels(...values: string[]): LatencyObserver {
    if (values.length !== this.labelNames.length) throw new Error(`${this.name}: expected ${this.labelNames.length} label values, got ${values.length}`);
    const key = values.join("\0");
    let child = this.children.get(key);
    if (child === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i]!));
      child = new Child(this.bounds, labels);
      this.children.set(key, child);
    }
    return child;
  }

  /** What the registry renders: per child, cumulative buckets (le first, as prom-client orders them), sum and count. */
  get(): { name: string; help: string; type: "histogram"; aggregator: "sum"; values: HistogramValue[] } {
    const values: HistogramValue[] = [];
    for (const child of this.children.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += child.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...child.labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: "+Inf", ...child.labels }, value: child.count });
      values.push({ metricName: `${this.name}_sum`, labels: { ...child.labels }, value: child.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...child.labels }, value: child.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Registry.resetMetrics(): every count back to zero (children handed out keep counting from there). */
  reset(): void {
    for (const child of this.children.values()) child.reset();
  }
}
