// One listener's security against the users it serves: TLS material where TLS is on, users and their credentials
// where SASL is, OAUTHBEARER settings where it is offered. The same rules for a virtual cluster's listener (its
// users) and a shared listener (the users its principals map to).
import { createSecureContext } from "node:tls";
import type { ConfigPath } from "./errors.js";
import type { SemanticIssue } from "./semantic.js";
import type { ListenerConfig, UserConfig } from "./types.js";

/** How the messages name the users: e.g. "user of this virtual cluster", and why there are none (undefined: said elsewhere). */
export interface UsersDescription {
  readonly who: string;
  readonly none: string | undefined;
}

export function checkListenerSecurity(listener: ListenerConfig, path: ConfigPath, users: readonly UserConfig[], described: UsersDescription): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const security = listener.security ?? "plaintext";
  const usesTls = security === "tls" || security === "sasl_tls";
  const usesSasl = security === "sasl_plaintext" || security === "sasl_tls";
  if (usesTls && listener.tls === undefined) issues.push({ path: [...path, "tls"], message: `required for a ${security} listener (certificate and privateKey)` });
  if (!usesTls && listener.tls !== undefined) issues.push({ path: [...path, "tls"], message: `only for tls and sasl_tls listeners (this one is ${security})` });
  if (usesTls && listener.tls !== undefined) {
    try {
      createSecureContext({ cert: listener.tls.certificate, key: listener.tls.privateKey });
    } catch (error) {
      issues.push({ path: [...path, "tls"], message: `the certificate and private key don't load: ${(error as Error).message}` });
    }
  }
  if (!usesSasl && listener.saslMechanisms !== undefined) issues.push({ path: [...path, "saslMechanisms"], message: `only for sasl_plaintext and sasl_tls listeners (this one is ${security})` });
  if (!usesSasl) return issues;
  if (users.length === 0 && described.none !== undefined) issues.push({ path: [...path, "security"], message: `a ${security} listener needs users: ${described.none}` });
  const oauth = listener.saslMechanisms?.includes("OAUTHBEARER") === true;
  if (oauth && listener.oauthbearer === undefined) issues.push({ path: [...path, "oauthbearer"], message: "required when saslMechanisms has OAUTHBEARER (jwks or jwksUrl, issuer, audience)" });
  if (!oauth && listener.oauthbearer !== undefined) issues.push({ path: [...path, "oauthbearer"], message: "only used when saslMechanisms has OAUTHBEARER" });
  for (const mechanism of listener.saslMechanisms ?? []) {
    const key = mechanism === "SCRAM-SHA-256" ? "scramSha256" : mechanism === "SCRAM-SHA-512" ? "scramSha512" : undefined;
    if (key !== undefined && users.length > 0 && !users.some((u) => u[key] !== undefined)) {
      issues.push({ path: [...path, "saslMechanisms"], message: `${mechanism} is offered but no ${described.who} has a ${key} credential` });
    }
  }
  return issues;
}
