// A listener (`virtualClusters[].listeners[]`, and every shared listener): where clients connect, how brokers are told
// apart (a port each, or SNI host names on one port), and its security. Imports zod and parsers only, so the admin
// API's console can type the listeners it shows; secrets.ts supplies `secret`.
import { z } from "zod";
import { MAX_PORT, MIN_PORT, parsePortRange } from "./addresses.js";
import { name, parsed } from "./fields.js";
import type { SecretField } from "./secret-reference.js";
import { parsePrincipalRule } from "../security/principal-mapping.js";

/** Kafka's PLAINTEXT, SASL_PLAINTEXT, SSL and SASL_SSL. */
export const LISTENER_SECURITY = ["plaintext", "sasl_plaintext", "tls", "sasl_tls"] as const;
export const SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"] as const;
/** Where a broker's node id goes in an SNI listener's brokerHostPattern. */
export const NODE_ID_PLACEHOLDER = "{nodeId}";

const host = z.string().trim().min(1, "must not be empty");
const port = z.int(`must be an integer ${MIN_PORT}-${MAX_PORT}`).min(MIN_PORT).max(MAX_PORT);

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

/** A listener's keys, shared by virtual clusters' listeners and shared listeners. */
export function listenerFields(secret: SecretField) {
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
        jwks: secret.optional(),
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
        certificate: secret,
        privateKey: secret,
        // mTLS: the CA client certificates must chain to; with it, a certificate is required unless told otherwise.
        clientCa: secret.optional(),
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
export function checkRouting(l: { brokerPorts?: unknown; advertisedHost?: unknown; sni?: unknown; security: string }, ctx: z.RefinementCtx) {
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

export const listener = (secret: SecretField) => z.strictObject(listenerFields(secret)).superRefine(checkRouting);
