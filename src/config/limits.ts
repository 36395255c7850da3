// A virtual cluster's limits (`virtualClusters[].limits`), all optional: byte rates, enforced by throttling the
// Kafka way (KIP-219), and caps (counts and totals), enforced by refusing. Each half has its own file.
import { z } from "zod";
import { capLimitFields } from "./cap-limits.js";
import { rateLimitFields } from "./rate-limits.js";

export const virtualClusterLimits = z.strictObject({ ...rateLimitFields, ...capLimitFields });
