// The config file's shape as a zod schema. Objects are strict so a misspelt key is an error, not a silent default.
// Cross-field rules (references, duplicates, port clashes) live in semantic.ts, which runs on the parsed result.
// To add a section, add it here and to types.ts; the compiler checks
// that the two agree where load.ts assigns the parse result to GatewayConfig.
import { z } from "zod";
import { hostPort, name } from "./fields.js";
import { checkRouting, listener, listenerFields } from "./listener.js";
import { physicalCluster } from "./physical-cluster.js";
import { user, userName } from "./user.js";
import { DEFAULT_TOPIC_CONFIG_ALLOWLIST } from "./topic-configs.js";
import { LOG_LEVELS } from "./types.js";
import { secret } from "./secrets.js";
import { parseScramCredential } from "../security/credential-format.js";
import { DENIABLE_API_NAMES } from "../tenancy/api-policy.js";
import { virtualClusterLimits } from "./limits.js";
import { gatewayRateLimitFields } from "./rate-limits.js";
import { aclsSchema } from "./acls.js";
import { budgetsSchema } from "./budgets.js";
import { controlStateFields } from "./control.js";

const deniableApi = (issue: { input?: unknown }) =>
  `${JSON.stringify(issue.input)} is not an API tenants can use; expected one of ${DENIABLE_API_NAMES.join(", ")}`;

const DEFAULT_MAX_FRAME_BYTES = 104_857_600; // Kafka's own socket.request.max.bytes default (100 MiB)
const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
const DEFAULT_CONTROL_LISTEN = "127.0.0.1:9190";
const DEFAULT_AUTHENTICATION_TIMEOUT_MS = 10_000;

/** A stored SCRAM credential (Kafka's text form), inline or referenced like any secret. */
function scramCredential(baseDir: string, keyBytes: number) {
  return secret(baseDir).transform((text, ctx) => {
    const result = parseScramCredential(text, keyBytes);
    if (typeof result !== "string") return result;
    ctx.issues.push({ code: "custom", message: `not a SCRAM credential: ${result}`, input: "(secret)" });
    return z.NEVER;
  });
}

/** A listener several virtual clusters share: a listener's keys, and which virtual cluster each principal gets. */
function sharedListener(baseDir: string) {
  const principals = z.record(userName, name).refine((map) => Object.keys(map).length > 0, "needs at least one principal: name → virtual cluster");
  return z.strictObject({ ...listenerFields(secret(baseDir)), principals }).superRefine(checkRouting);
}

// Only the characters Kafka allows in topic names; length, internal topics and overlaps are checked in prefixes.ts.
const prefix = z
  .string()
  .regex(/^[A-Za-z0-9._-]+$/, "must be non-empty and only letters, digits, '.', '_' or '-' (Kafka's topic name characters)");
const topicConfigName = z.string().regex(/^[a-z0-9]+([._-][a-z0-9]+)*$/, 'must be a topic config name, e.g. "retention.ms"');

const virtualCluster = (baseDir: string) => z
  .strictObject({
    name,
    cluster: z.string(),
    prefix: prefix.optional(),
    topicConfigAllowlist: z.array(topicConfigName).default(() => [...DEFAULT_TOPIC_CONFIG_ALLOWLIST]),
    // APIs this virtual cluster may not use, on top of the gateway's tenant allowlist (e.g. topic admin by ops only).
    deniedApis: z.array(z.enum(DENIABLE_API_NAMES as [string, ...string[]], { error: deniableApi })).default(() => []),
    listeners: z.array(listener(secret(baseDir))).min(1, "needs at least one listener"),
    users: z.array(user((keyBytes) => scramCredential(baseDir, keyBytes))).default(() => []),
    limits: virtualClusterLimits.prefault({}),
    // Absent: every principal that reaches the virtual cluster may do anything its API policy allows.
    acls: aclsSchema.optional(),
  })
  .transform(({ prefix, ...vc }) => ({ ...vc, prefix: prefix ?? `${vc.name}.` }));

/** The schema for a file in `baseDir` (secret files are read relative to it). */
export const configSchema = (baseDir: string) => z.strictObject({
  clusters: z.array(physicalCluster(secret(baseDir))).min(1, "needs at least one cluster"),
  virtualClusters: z.array(virtualCluster(baseDir)).min(1, "needs at least one virtual cluster"),
  sharedListeners: z.array(sharedListener(baseDir)).default(() => []),
  control: z.strictObject({ listen: hostPort.prefault(DEFAULT_CONTROL_LISTEN), ...controlStateFields }).prefault({}),
  limits: z
    .strictObject({ maxFrameBytes: z.int().min(1024).max(2 ** 31 - 1).default(DEFAULT_MAX_FRAME_BYTES), ...gatewayRateLimitFields })
    .prefault({}),
  budgets: budgetsSchema,
  shutdown: z.strictObject({ drainTimeoutMs: z.int().min(0).default(DEFAULT_DRAIN_TIMEOUT_MS) }).prefault({}),
  log: z.strictObject({ level: z.enum(LOG_LEVELS).default("info") }).prefault({}),
  authentication: z
    .strictObject({
      // 0: a session never has to re-authenticate (Kafka's connections.max.reauth.ms default).
      sessionLifetimeMs: z.int().min(0).default(0),
      // Kafka's connection.failed.authentication.delay.ms default.
      failureDelayMs: z.int().min(0).max(60_000).default(100),
      timeoutMs: z.int().min(100).default(DEFAULT_AUTHENTICATION_TIMEOUT_MS),
    })
    .prefault({}),
});
