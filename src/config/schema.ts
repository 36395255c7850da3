// The config file's shape as a zod schema. Objects are strict so a misspelt key is an error, not a silent default.
// Cross-field rules (references, duplicates, port clashes) live in semantic.ts, which runs on the parsed result.
// To add a section, add it here and to types.ts; the compiler checks
// that the two agree where load.ts assigns the parse result to GatewayConfig.
import { z } from "zod";
import { MAX_PORT, MIN_PORT, parsePortRange } from "./addresses.js";
import { hostPort, name, parsed } from "./fields.js";
import { physicalCluster } from "./physical-cluster.js";
import { DEFAULT_TOPIC_CONFIG_ALLOWLIST } from "./topic-configs.js";
import { LISTENER_SECURITY, LOG_LEVELS, SASL_MECHANISMS } from "./types.js";
import { secret } from "./secrets.js";
import { parseScramCredential } from "../security/credential-format.js";
import { parsePrincipalRule } from "../security/principal-mapping.js";
import { NODE_ID_PLACEHOLDER } from "../session/sni-hosts.js";
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

const host = z.string().trim().min(1, "must not be empty");
const port = z.int(`must be an integer ${MIN_PORT}-${MAX_PORT}`).min(MIN_PORT).max(MAX_PORT);

/** A stored SCRAM credential (Kafka's text form), inline or referenced like any secret. */
function scramCredential(baseDir: string, keyBytes: number) {
  return secret(baseDir).transform((text, ctx) => {
    const result = parseScramCredential(text, keyBytes);
    if (typeof result !== "string") return result;
    ctx.issues.push({ code: "custom", message: `not a SCRAM credential: ${result}`, input: "(secret)" });
    return z.NEVER;
  });
}

/** A listener's keys, shared by virtual clusters' listeners and shared listeners. */
function listenerFields(baseDir: string) {
  return {
    name,
    bind: host,
    bootstrapPort: port,
    // Port per broker (brokerPorts, advertisedHost), or SNI routing (sni): one TLS port for the bootstrap and every broker.
    brokerPorts: parsed(parsePortRange, `a port range string "first-last"`).optional(),
    nodeIdBase: z.int().min(0).default(0),
    advertisedHost: host.optional(),
    sni: z
      .strictObject({
        bootstrapHost: dnsName,
        brokerHostPattern: dnsName.refine((p) => p.split(NODE_ID_PLACEHOLDER).length === 2, `must contain ${NODE_ID_PLACEHOLDER} exactly once, e.g. "broker-${NODE_ID_PLACEHOLDER}.payments.kafka.example.com"`),
      })
      .optional(),
    // Kafka's PLAINTEXT, SASL_PLAINTEXT, SSL and SASL_SSL.
    security: z.enum(LISTENER_SECURITY).default("plaintext"),
    saslMechanisms: z.array(z.enum(SASL_MECHANISMS)).min(1, "needs at least one mechanism").optional(),
    oauthbearer: z
      .strictObject({
        jwks: secret(baseDir).optional(),
        jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
        issuer: z.string().min(1),
        audience: z.string().min(1),
        principalClaim: z.string().min(1).default("sub"),
      })
      .refine((o) => (o.jwks === undefined) !== (o.jwksUrl === undefined), "needs exactly one of jwks and jwksUrl")
      .refine((o) => o.jwks === undefined || isJwks(o.jwks), { message: "jwks is not a JWKS document ({\"keys\": [...]})", path: ["jwks"] })
      .optional(),
    tls: z
      .strictObject({
        certificate: secret(baseDir),
        privateKey: secret(baseDir),
        // mTLS: the CA client certificates must chain to; with it, a certificate is required unless told otherwise.
        clientCa: secret(baseDir).optional(),
        clientAuth: z.enum(["none", "requested", "required"]).optional(),
        principalMappingRules: z.array(principalRule).min(1).default(() => [{ pattern: undefined, replacement: "", caseChange: undefined }]),
      })
      .transform(({ clientAuth, ...tls }, ctx) => {
        const resolved = clientAuth ?? (tls.clientCa !== undefined ? "required" : "none");
        if (resolved !== "none" && tls.clientCa === undefined) {
          ctx.issues.push({ code: "custom", message: `required when clientAuth is ${resolved}`, path: ["clientCa"], input: undefined });
        }
        return { ...tls, clientAuth: resolved };
      })
      .optional(),
  };
}

/** Port per broker (brokerPorts and advertisedHost) or SNI routing (sni, over TLS): exactly one. */
function checkRouting(l: { brokerPorts?: unknown; advertisedHost?: unknown; sni?: unknown; security: string }, ctx: z.RefinementCtx) {
  const issue = (path: string, message: string) => ctx.issues.push({ code: "custom", message, path: [path], input: l });
  if (l.sni === undefined) {
    if (l.brokerPorts === undefined) issue("brokerPorts", "required (or sni, for SNI routing on the bootstrap port)");
    if (l.advertisedHost === undefined) issue("advertisedHost", "required (or sni, for SNI routing on the bootstrap port)");
    return;
  }
  if (l.brokerPorts !== undefined) issue("brokerPorts", "not with sni: every broker is reached on the bootstrap port, by host name");
  if (l.advertisedHost !== undefined) issue("advertisedHost", "not with sni: clients are sent sni.bootstrapHost and sni.brokerHostPattern's names");
  if (l.security !== "tls" && l.security !== "sasl_tls") issue("sni", `needs TLS (security tls or sasl_tls), not ${l.security}: SNI is part of the TLS handshake`);
}

function listener(baseDir: string) {
  return z.strictObject(listenerFields(baseDir)).superRefine(checkRouting);
}

/** A listener several virtual clusters share: a listener's keys, and which virtual cluster each principal gets. */
function sharedListener(baseDir: string) {
  const principals = z.record(userName, name).refine((map) => Object.keys(map).length > 0, "needs at least one principal: name → virtual cluster");
  return z.strictObject({ ...listenerFields(baseDir), principals }).superRefine(checkRouting);
}

/** A DNS host name (letters, digits, '-', '.'; braces for the {nodeId} placeholder). */
const dnsName = z.string().regex(/^[A-Za-z0-9{}]([A-Za-z0-9.{}-]*[A-Za-z0-9{}])?$/, "must be a DNS host name");

function isJwks(text: string): boolean {
  try {
    return Array.isArray((JSON.parse(text) as { keys?: unknown }).keys);
  } catch {
    return false;
  }
}

const principalRule = z.string().transform((text, ctx) => {
  const rule = parsePrincipalRule(text);
  if (typeof rule !== "string") return rule;
  ctx.issues.push({ code: "custom", message: rule, input: text });
  return z.NEVER;
});

/** A SASL user name: printable, no spaces or commas (they would need escaping in SCRAM messages). */
const userName = z.string().regex(/^[\x21-\x2b\x2d-\x7e]+$/, "must be printable ASCII without spaces or ','");

/** Without a credential, a user can't log in with SASL, only be a client certificate's principal (mTLS). */
function user(baseDir: string) {
  return z.strictObject({
    name: userName,
    scramSha256: scramCredential(baseDir, 32).optional(),
    scramSha512: scramCredential(baseDir, 64).optional(),
  });
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
    listeners: z.array(listener(baseDir)).min(1, "needs at least one listener"),
    users: z.array(user(baseDir)).default(() => []),
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
