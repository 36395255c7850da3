// The control plane's section (`control`): where it listens, who may use its admin API (bearer tokens, stored as
// SHA-256 digests), and where it keeps config history, the audit log and the event log. See config/README.md#control-plane.
import { z } from "zod";
import { CONTROL_ROLES, type ControlRole } from "./control-roles.js";
import type { SemanticIssue } from "./semantic.js";
import type { GatewayConfig } from "./types.js";

export { CONTROL_ROLES, type ControlRole };

export const DEFAULT_KEEP_VERSIONS = 100;
export const DEFAULT_KEEP_EVENTS = 1000;
/**
 * 16: the console's landing page asks 3 questions per virtual cluster at once, and with the control server on the
 * admin worker each waits on a short answer from the data plane's thread, so 4 (the first default) refused a page of
 * two tenants in part.
 */
export const DEFAULT_MAX_IN_FLIGHT_PER_TOKEN = 16;

/** A bearer token of the admin API: only the digest of the (random, 32-byte) token is stored. */
export interface ControlToken {
  readonly name: string;
  /** Hex SHA-256 of the token. */
  readonly sha256: string;
  readonly role: ControlRole;
  /** Scoped to one virtual cluster: it sees and changes only that one. */
  readonly virtualCluster?: string | undefined;
}

export const controlTokenSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "must be letters, digits, '.', '_' or '-'"),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, "must be the hex SHA-256 of the token (64 hex digits; bulkhead token create prints it)")
    .transform((hex) => hex.toLowerCase()),
  role: z.enum(CONTROL_ROLES),
  virtualCluster: z.string().min(1).optional(),
});

export const controlStateFields = {
  tokens: z.array(controlTokenSchema).default(() => []),
  /** Config history, audit log and event log; relative to the config file's folder. */
  stateDir: z.string().min(1).optional(),
  keepVersions: z.int().min(1).max(100_000).default(DEFAULT_KEEP_VERSIONS),
  keepEvents: z.int().min(1).max(1_000_000).default(DEFAULT_KEEP_EVENTS),
  /** Admin API requests one token may have in flight; more are answered 429 (the data plane shares the event loop). */
  maxInFlightPerToken: z.int().min(1).max(10_000).default(DEFAULT_MAX_IN_FLIGHT_PER_TOKEN),
};

/** Token names are unique (the audit log names them) and a scoped token names a virtual cluster that exists. */
export function checkControlTokens(config: GatewayConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const names = new Set(config.virtualClusters.map((vc) => vc.name));
  const seen = new Map<string, number>();
  (config.control.tokens ?? []).forEach((token, i) => {
    const earlier = seen.get(token.name);
    if (earlier !== undefined) issues.push({ path: ["control", "tokens", i, "name"], message: `duplicate token name "${token.name}" (first at control.tokens[${earlier}])` });
    else seen.set(token.name, i);
    if (token.virtualCluster !== undefined && !names.has(token.virtualCluster)) {
      issues.push({ path: ["control", "tokens", i, "virtualCluster"], message: `unknown virtual cluster "${token.virtualCluster}" (remove or rescope this token before deleting a virtual cluster)` });
    }
  });
  return issues;
}
