// Caps of a virtual cluster: counts and totals the tenant may not exceed. Unlike byte rates (rate-limits.ts), which
// only delay, a cap refuses: a connection over it is closed, a topic or partition over it is not created, and a
// produce while the tenant's retained bytes are over the cap is answered with an error. All optional: absent means
// no cap. Units are in the names: per second, bytes, milliseconds. See config/README.md#caps.
import { z } from "zod";

/** How often the retained bytes are polled (DescribeLogDirs on every broker) when no interval is given. */
export const DEFAULT_RETAINED_BYTES_POLL_MS = 30_000;

const positiveRate = z.number().positive().max(1e9);

const SIZE_UNITS: Readonly<Record<string, number>> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
const SIZE_TEXT = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/;

/** "10GiB" → 10737418240; the reason as a string otherwise. */
export function parseByteSize(text: string): number | string {
  const match = SIZE_TEXT.exec(text.trim());
  if (match === null) return `expected a size such as "10GiB", "500MB" or a number of bytes, got ${JSON.stringify(text)}`;
  return Math.floor(Number(match[1]) * SIZE_UNITS[match[2]!]!);
}

/** Bytes: a plain number, or a string with a unit. */
export const byteSize = z
  .union([z.number(), z.string()], { error: `expected a number of bytes or a size such as "10GiB"` })
  .transform((value, ctx) => {
    const size = typeof value === "number" ? value : parseByteSize(value);
    if (typeof size === "number" && Number.isSafeInteger(size) && size >= 0) return size;
    ctx.issues.push({ code: "custom", message: typeof size === "string" ? size : `expected a whole number of bytes, got ${size}`, input: value });
    return z.NEVER;
  });

export const capLimitFields = {
  /** Open client connections, across every listener of the virtual cluster. Over it: closed at accept. */
  maxConnections: z.int().min(1).optional(),
  /** New connections per second (KIP-612): over it, accepting waits up to 1 s, then the connection is closed. */
  connectionsPerSecond: positiveRate.optional(),
  /** Requests per second, every API counted: over it, clients are throttled (throttle_time_ms and a paused socket). */
  requestsPerSecond: positiveRate.optional(),
  /** Topics of the tenant: CreateTopics past it is refused per topic with POLICY_VIOLATION. */
  maxTopics: z.int().min(0).optional(),
  /** Partitions of the tenant's topics (not counting replicas): CreateTopics and CreatePartitions past it are refused. */
  maxPartitions: z.int().min(0).optional(),
  /** Bytes on the brokers' disks for the tenant's partitions, every replica counted: over it, Produce is refused. */
  maxRetainedBytes: byteSize.optional(),
  /** How often the retained bytes are measured upstream (DescribeLogDirs). Default 30 s. */
  retainedBytesPollMs: z.int().min(100).optional(),
};
