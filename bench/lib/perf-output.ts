// Parsers for the output of Kafka's ProducerPerformance and ConsumerPerformance tools.
// Both print with Java's default locale, so a decimal comma is accepted; both keep their column
// layout across Kafka 3.x and 4.x, but we read ConsumerPerformance by header name, not position.

export interface ProducerPerfResult {
  records: number;
  recordsPerSec: number;
  /** The tool's MB is MiB (bytes / 1024 / 1024). */
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  /** The producer's client-level metrics when the tool ran with --print-metrics, e.g. "request-latency-avg". */
  metrics: Record<string, number>;
}

export interface ConsumerPerfResult {
  records: number;
  /** MiB consumed. */
  mb: number;
  /** Over the whole run, group join/rebalance included. */
  recordsPerSec: number;
  mbPerSec: number;
  rebalanceMs: number;
  /** Over the fetch phase only (after the group was joined). */
  fetchMs: number;
  fetchRecordsPerSec: number;
  fetchMbPerSec: number;
  /** The consumer's fetch metrics when the tool ran with --print-metrics, e.g. "fetch-latency-avg". */
  fetchMetrics: Record<string, number>;
}

const NUM = String.raw`(-?\d+(?:[.,]\d+)?)`;
const num = (text: string): number => Number(text.replace(",", "."));

// "300000 records sent, 41981.3 records/sec (41.00 MB/sec), 612.1 ms avg latency, 1032.00 ms max latency,
//  645 ms 50th, 902 ms 95th, 978 ms 99th, 1020 ms 99.9th."  (progress lines lack the percentiles)
const PRODUCER_SUMMARY = new RegExp(
  String.raw`(\d+) records sent, ${NUM} records/sec \(${NUM} MB/sec\), ${NUM} ms avg latency, ${NUM} ms max latency, ` +
    String.raw`${NUM} ms 50th, ${NUM} ms 95th, ${NUM} ms 99th, ${NUM} ms 99\.9th`,
);

/** The final summary of ProducerPerformance; throws naming the output's tail when it is missing. */
export function parseProducerPerf(output: string): ProducerPerfResult {
  const lines = output.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = PRODUCER_SUMMARY.exec(lines[i] ?? "");
    if (!m) continue;
    const [records, recordsPerSec, mbPerSec, avg, max, p50, p95, p99, p999] = m.slice(1).map((s) => num(s ?? ""));
    return {
      records: records!, recordsPerSec: recordsPerSec!, mbPerSec: mbPerSec!, avgLatencyMs: avg!,
      maxLatencyMs: max!, p50Ms: p50!, p95Ms: p95!, p99Ms: p99!, p999Ms: p999!,
      metrics: parseClientMetrics(output, "producer-metrics"),
    };
  }
  throw new Error(`no ProducerPerformance summary line in its output:\n${tail(output)}`);
}

/** The ConsumerPerformance columns the bench reads. */
type ConsumerColumn =
  | "data.consumed.in.MB" | "MB.sec" | "data.consumed.in.nMsg" | "nMsg.sec"
  | "rebalance.time.ms" | "fetch.time.ms" | "fetch.MB.sec" | "fetch.nMsg.sec";

/** The stats row of ConsumerPerformance (non-detailed mode: a header line, then one row). */
export function parseConsumerPerf(output: string): ConsumerPerfResult {
  const lines = output.split(/\r?\n/).map((l) => l.trim());
  const headerAt = lines.findIndex((l) => l.startsWith("start.time,"));
  if (headerAt < 0) throw new Error(`no ConsumerPerformance header line in its output:\n${tail(output)}`);
  const header = lines[headerAt]!.split(",").map((s) => s.trim());
  // With a decimal-comma locale the numbers would split too; the row must have as many fields as the header.
  const row = lines.slice(headerAt + 1).find((l) => l.split(",").length === header.length);
  if (row === undefined) throw new Error(`no ConsumerPerformance stats row after its header:\n${tail(output)}`);
  const fields = row.split(",").map((s) => s.trim());
  const value = (column: ConsumerColumn): number => {
    const at = header.indexOf(column);
    const v = at < 0 ? Number.NaN : num(fields[at] ?? "");
    if (!Number.isFinite(v)) throw new Error(`ConsumerPerformance column ${column} missing or not a number in:\n${header.join(",")}\n${row}`);
    return v;
  };
  return {
    records: value("data.consumed.in.nMsg"),
    mb: value("data.consumed.in.MB"),
    recordsPerSec: value("nMsg.sec"),
    mbPerSec: value("MB.sec"),
    rebalanceMs: value("rebalance.time.ms"),
    fetchMs: value("fetch.time.ms"),
    fetchRecordsPerSec: value("fetch.nMsg.sec"),
    fetchMbPerSec: value("fetch.MB.sec"),
    fetchMetrics: parseClientMetrics(output, "consumer-fetch-manager-metrics"),
  };
}

// "producer-metrics:request-latency-avg:{client-id=perf-producer-client}     : 9.089"
const METRIC_LINE = /^([\w-]+):([\w-]+):\{[^}]*\}\s*:\s*(\S+)\s*$/;

/** One group of the metrics a Kafka tool prints with --print-metrics (only finite values). */
export function parseClientMetrics(output: string, group: string): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const line of output.split(/\r?\n/)) {
    const m = METRIC_LINE.exec(line.trim());
    if (!m || m[1] !== group) continue;
    const value = num(m[3]!);
    if (Number.isFinite(value)) metrics[m[2]!] = value;
  }
  return metrics;
}

function tail(output: string, lines = 15): string {
  return output.trimEnd().split(/\r?\n/).slice(-lines).join("\n");
}
