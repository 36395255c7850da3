// The byte-rate check on the hot path: one token bucket's take(), and the limits filter's whole per-request check of
// a decoded Produce request (2 topics; topic, principal and tenant buckets; one clock read), never throttling. Also
// reports the heap the check allocates per request (target: none).
// Run alone: node --expose-gc --import tsx bench/quota-check.bench.ts (without --expose-gc the heap figure is skipped)
import assert from "node:assert/strict";
import type { FilterRequest } from "../src/filters/filter.js";
import { ByteRateFilter } from "../src/filters/quotas.js";
import { TenantByteRates } from "../src/limits/tenant-byte-rates.js";
import { TokenBucket } from "../src/limits/token-bucket.js";
import { MetricsObserver } from "../src/observe/metrics-observer.js";
import { ObserverSet } from "../src/observe/observer.js";
import { ApiKey } from "../src/protocol/messages/index.js";
import type { ProduceRequest } from "../src/protocol/messages/produce.js";
import { recordBatch } from "../test/harness/record-batch.js";
import { testEndpoint, testSession } from "../test/harness/session.js";
import { runCases } from "./lib/report.js";

const MiB = 1024 ** 2;
const session = testSession(testEndpoint("bench"));
session.principal = { type: "User", name: "alice" };
// Rates never reached: the check runs in full and never throttles.
const rates = new TenantByteRates(
  {
    tenantByteRate: { produce: 800 * MiB, fetch: 800 * MiB },
    topicByteRates: { default: { produce: 200 * MiB, fetch: 200 * MiB }, prefixes: { "logs.": { produce: 300 * MiB } }, topics: { orders: { produce: 400 * MiB } } },
    principalByteRates: { default: { produce: 200 * MiB }, principals: { alice: { produce: 500 * MiB } } },
  },
  1,
);
// A real batch (16 records of 1 KiB): the message counters read its header.
const records = [recordBatch(Array.from({ length: 16 }, () => "x".repeat(1000)))];
const message: ProduceRequest = {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30_000,
  topicData: [
    { name: "orders", partitionData: [{ index: 0, records }] },
    { name: "logs.app", partitionData: [{ index: 0, records }] },
  ],
};
const request = { session, apiKey: ApiKey.Produce, apiVersion: 11, correlationId: 1, header: {}, message, headerChanged: false, messageChanged: false } as unknown as FilterRequest;

// As the gateway runs them: observers behind an ObserverSet (none, or the metrics observer).
const bare = new ByteRateFilter(rates, new ObserverSet([]));
const withMetrics = new ByteRateFilter(rates, new ObserverSet([new MetricsObserver()]));
const bucket = new TokenBucket(800 * MiB, 0);
assert.equal(bare.onRequest(request).kind, "continue");

/** Calls per timed sample: tinybench's own per-sample overhead (~100 ns) would otherwise swamp a 20 ns check. */
const INNER = 1000;
let clock = 0;
const cases = [
  { name: "TokenBucket.take (one bucket)", check: () => void bucket.take(16 * 1024, ++clock) },
  { name: "clock read (performance.now)", check: () => void performance.now() },
  { name: "Produce check: 2 topics + principal + tenant", check: () => void bare.onRequest(request) },
  { name: "Produce check + bytes and records per topic metrics", check: () => void withMetrics.onRequest(request) },
];

/** Heap bytes per call, measured over many calls between two full GCs (needs --expose-gc). */
function heapPerCall(fn: () => void, calls = 200_000): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  for (let i = 0; i < 10_000; i++) fn(); // optimised before measuring
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < calls; i++) fn();
  return Math.max(0, process.memoryUsage().heapUsed - before) / calls;
}

const rows = await runCases(
  `Byte-rate check, never throttling (${INNER} calls per sample)`,
  cases.map(({ name, check }) => ({
    name,
    fn: () => {
      for (let i = 0; i < INNER; i++) check();
    },
  })),
);
console.log("\n## Byte-rate check per call (heap: 0 = allocation-free; needs --expose-gc; a clock read boxes one number)");
console.table(
  cases.map(({ name, check }, i) => ({
    case: name,
    "ns/call (p50)": ((rows[i]!.p50Us * 1000) / INNER).toFixed(1),
    "ns/call (mean)": ((rows[i]!.meanUs * 1000) / INNER).toFixed(1),
    "heap B/call": heapPerCall(check)?.toFixed(1) ?? "n/a",
  })),
);
