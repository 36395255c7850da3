// How far V8 lets the gateway's heap grow before its next full (mark-compact) collection. Record bytes live in
// Buffers outside the heap, but V8 counts their memory toward the limit at which it starts one. A read buffer still
// queued for a slow client, or part of a response not yet whole, when two scavenges pass is promoted; with the
// gateway's small heap (about 30 MB live) V8's default limit leaves about 9 MB of slack, so a consumer at 190 MiB/s
// caused a full collection every 100-500 ms, and full collections were most of the gateway's CPU per MiB consumed
// (bench/RESULTS.md, issue 14, session 7). Growing to 4x the live heap between them spends memory the gateway has
// to spare (a JVM proxy is given a gigabyte) on CPU it doesn't.
import { setFlagsFromString } from "node:v8";

/** The heap may grow to (1 + this/100) times what the last full collection left alive. */
export const HEAP_GROWING_PERCENT = 300;

/**
 * Applies the gateway's heap growth to this process: once, at start, by whoever owns the process (the CLI, a bench's
 * gateway child). BULKHEAD_HEAP_GROWING_PERCENT overrides it; 0 keeps V8's own growth.
 */
export function tuneHeapGrowth(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.BULKHEAD_HEAP_GROWING_PERCENT?.trim();
  const percent = fromEnv ? Number(fromEnv) : HEAP_GROWING_PERCENT;
  if (!Number.isInteger(percent) || percent < 0 || percent > 10_000) {
    throw new Error(`BULKHEAD_HEAP_GROWING_PERCENT: expected an integer from 0 to 10000, got ${JSON.stringify(fromEnv)}`);
  }
  // V8 reads the flag whenever it recomputes its limits, so setting it after start takes effect from the next one.
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
