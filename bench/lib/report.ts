// Shared runner for the micro-benchmarks: every bench file describes its cases, this runs them with
// tinybench and prints one table, so all hot primitives are reported the same way.
import { Bench } from "tinybench";

export interface BenchCase {
  name: string;
  fn: () => void;
  /** Bytes one call processes; adds an MB/s column. */
  bytesPerOp?: number;
  /** Runs before every call of `fn`, outside the timed part (e.g. a fresh input for a step that mutates it). */
  beforeEach?: () => void;
}

export interface BenchRow {
  name: string;
  opsPerSec: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
  mbPerSec: number | null;
  samples: number;
}

/** Time budget per case; BULKHEAD_BENCH_TIME_MS shortens it for a quick smoke run. */
const timeMs = Number(process.env.BULKHEAD_BENCH_TIME_MS ?? 1000);

export async function runCases(title: string, cases: readonly BenchCase[]): Promise<BenchRow[]> {
  const bench = new Bench({ name: title, time: timeMs, warmupTime: Math.min(250, timeMs), throws: true });
  for (const c of cases) bench.add(c.name, c.fn, c.beforeEach === undefined ? {} : { beforeEach: c.beforeEach });
  await bench.run();

  const rows: BenchRow[] = bench.tasks.map((task, i) => {
    const result = task.result;
    if (result.state !== "completed") throw new Error(`bench case "${task.name}" ended in state ${result.state}`);
    // ops/s from the mean latency: the mean of per-sample rates over-weights the fastest samples.
    const opsPerSec = 1000 / result.latency.mean;
    const bytes = cases[i]?.bytesPerOp;
    return {
      name: task.name,
      opsPerSec,
      meanUs: result.latency.mean * 1000,
      p50Us: result.latency.p50 * 1000,
      p99Us: result.latency.p99 * 1000,
      mbPerSec: bytes === undefined ? null : (bytes * opsPerSec) / 1e6,
      samples: result.latency.samplesCount,
    };
  });

  console.log(`\n## ${title}`);
  console.table(
    rows.map((r) => ({
      case: r.name,
      "ops/s": Math.round(r.opsPerSec).toLocaleString("en-US"),
      "mean (µs)": r.meanUs.toFixed(2),
      // The median resists the descheduling outliers of a busy machine that inflate the mean.
      "p50 (µs)": r.p50Us.toFixed(2),
      "p99 (µs)": r.p99Us.toFixed(2),
      "MB/s": r.mbPerSec === null ? "" : r.mbPerSec.toFixed(0),
      samples: r.samples,
    })),
  );
  return rows;
}
