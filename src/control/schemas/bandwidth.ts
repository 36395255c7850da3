// Live bandwidth per topic against its byte-rate limit, with the throttle time the limits gave so far.
import { z } from "zod";

export const perDirection = z.object({ produce: z.number(), fetch: z.number() });
export const directionLimits = z.object({ produce: z.number().nullable(), fetch: z.number().nullable() }).describe("bytes per second; null: unlimited");
const topicBandwidth = z.object({
  topic: z.string(),
  bytesPerSecond: perDirection,
  limit: directionLimits,
  throttleSecondsTotal: perDirection.describe("throttle time this topic's limit gave clients so far"),
});
export const bandwidth = z.object({
  at: z.string(),
  tenant: z.object({ limit: directionLimits, throttleSecondsTotal: perDirection.describe("throttle time every limit gave clients so far") }),
  topics: z.array(topicBandwidth),
});
