// Who is calling the admin API: a bearer token from control.tokens, found by its SHA-256 digest compared in constant
// time with every configured digest (no early exit, so timing tells nothing about which digests exist). Roles are
// ordered: viewer reads, operator also changes a tenant's limits, ACLs and users, admin also virtual and physical
// clusters. A token scoped to a virtual cluster gets 404 for every other one, exactly as if it did not exist.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ControlRole, ControlToken } from "../config/control.js";
import { ApiError, notFound } from "./api-error.js";

export interface Caller {
  readonly name: string;
  readonly role: ControlRole;
  readonly virtualCluster?: string | undefined;
}

const RANK: Readonly<Record<ControlRole, number>> = { viewer: 0, operator: 1, admin: 2 };

/** A new token (32 random bytes, base64url) and the digest the config stores for it. */
export function createToken(): { token: string; sha256: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, sha256: tokenDigest(token).toString("hex") };
}

export function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** The caller an Authorization header names, or a 401. */
export function authenticate(header: string | undefined, tokens: readonly ControlToken[]): Caller {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (match === null) throw new ApiError(401, "unauthenticated", "an Authorization: Bearer <token> header is required");
  const digest = tokenDigest(match[1]!);
  let found: ControlToken | undefined;
  for (const token of tokens) {
    if (timingSafeEqual(digest, Buffer.from(token.sha256, "hex")) && found === undefined) found = token;
  }
  if (found === undefined) throw new ApiError(401, "unauthenticated", "unknown token");
  return { name: found.name, role: found.role, virtualCluster: found.virtualCluster };
}

export function requireRole(caller: Caller, role: ControlRole): void {
  if (RANK[caller.role] < RANK[role]) throw new ApiError(403, "forbidden", `this needs the ${role} role; token "${caller.name}" is ${caller.role}`);
}

/** For gateway-wide resources (physical clusters, config versions, new virtual clusters): unscoped tokens only. */
export function requireUnscoped(caller: Caller): void {
  if (caller.virtualCluster !== undefined) throw new ApiError(403, "forbidden", `token "${caller.name}" is scoped to one virtual cluster`);
}

/** A virtual cluster the caller may see: one outside its scope is "not found", never "forbidden". */
export function requireInScope(caller: Caller, virtualCluster: string): void {
  if (caller.virtualCluster !== undefined && caller.virtualCluster !== virtualCluster) throw notFound(`virtual cluster "${virtualCluster}"`);
}

export function inScope(caller: Caller, virtualCluster: string): boolean {
  return caller.virtualCluster === undefined || caller.virtualCluster === virtualCluster;
}
