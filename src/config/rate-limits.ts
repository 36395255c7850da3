// Byte-rate limits of a virtual cluster (`virtualClusters[].limits`): per topic, per tenant and per principal, for
// Produce and Fetch. Enforced by throttling the Kafka way (KIP-219), never by refusing (see src/limits/).
// Rates are bytes per second: a plain number, or a string with a unit such as "1MiB/s", "500KB/s", or "unlimited".
import { z } from "zod";

const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};
const RATE_TEXT = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)\/s$/;

/** "1MiB/s" → 1048576; "unlimited" → null; the reason as a string otherwise. */
export function parseByteRate(text: string): number | null | string {
  if (text === "unlimited") return null;
  const match = RATE_TEXT.exec(text.trim());
  if (match === null) return `expected a byte rate such as "1MiB/s", "500KB/s" or "unlimited", got ${JSON.stringify(text)}`;
  const rate = Number(match[1]) * UNITS[match[2]!]!;
  return rate >= 1 ? rate : `${JSON.stringify(text)} is below 1 byte/s`;
}

/** Bytes per second, or null for "unlimited" (an override that lifts a default). */
const byteRate = z
  .union([z.number(), z.string()], { error: 'expected bytes per second, or a string such as "1MiB/s" or "unlimited"' })
  .transform((value, ctx) => {
    const rate = typeof value === "number" ? (value >= 1 && Number.isFinite(value) ? value : "must be at least 1 byte/s") : parseByteRate(value);
    if (typeof rate !== "string") return rate;
    ctx.issues.push({ code: "custom", message: rate, input: value });
    return z.NEVER;
  });

/** A rate per direction; an absent direction falls back to the default above it, or is unlimited. */
const directionRates = z.strictObject({ produce: byteRate.optional(), fetch: byteRate.optional() });

export const rateLimitFields = {
  /**
   * All the tenant's traffic together. With `pushDown`, the brokers enforce it instead (Kafka client quotas for the
   * tenant's own upstream client id, written by the gateway), whatever the number of gateway instances.
   */
  tenantByteRate: directionRates.extend({ pushDown: z.boolean().optional() }).optional(),
  /** Each topic its own bucket: `default` for every topic, then `prefixes` (longest wins), then exact `topics`. */
  topicByteRates: z
    .strictObject({
      default: directionRates.optional(),
      prefixes: z.record(z.string().min(1, "a prefix must not be empty"), directionRates).default(() => ({})),
      topics: z.record(z.string().min(1), directionRates).default(() => ({})),
    })
    .optional(),
  /** Each principal (Kafka's user quota, inside the tenant) its own bucket; unauthenticated clients are "ANONYMOUS". */
  principalByteRates: z
    .strictObject({
      default: directionRates.optional(),
      principals: z.record(z.string().min(1), directionRates).default(() => ({})),
    })
    .optional(),
};

/** Gateway-wide (top-level `limits`): each gateway instance enforces its share of every configured byte rate. */
export const gatewayRateLimitFields = {
  instances: z.int().min(1, "must be at least 1").default(1),
};
