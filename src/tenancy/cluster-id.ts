// Each tenant sees its own cluster id: the physical cluster's id would tell tenants that they share a cluster (and
// let them correlate). The tenant's id is derived, not stored: the same (physical cluster id, tenant prefix) gives
// the same id in every gateway process and after restarts, so clients that cache it (KIP-1242: the Java client sends
// it back in ApiVersions v5 and rebootstraps on a mismatch) keep working. The prefix, not the tenant's name, is the
// input: it is what decides which data the tenant sees (unique per physical cluster, by config validation).
//
// Requests carrying a cluster id (ApiVersions v5, Fetch v12+) get the physical id back when they name the tenant's
// own id. The broker answers REBOOTSTRAP_REQUIRED to any other id, so other ids are forwarded as they are, except the
// physical id itself (a tenant guessing it must see what any wrong id gets). Until the gateway has seen the
// physical id (no Metadata/DescribeCluster answered since it started) the field is sent null: the broker then skips
// the check, whatever the client sent.
import { createHash } from "node:crypto";
import type { TenantNamespace } from "./namespace.js";
import type { TenantContext } from "./tenant-context.js";
import type { TopicIdMap } from "./topic-ids.js";

const DOMAIN = "bulkhead virtual cluster id v1";

/**
 * The cluster id a tenant with `prefix` sees on the cluster whose id is `physicalId`: 16 bytes of SHA-256 over both,
 * in Kafka's Uuid string form (22 chars, base64url without padding), never starting with "-" (Kafka's
 * Uuid.randomUuid avoids that too: command-line tools would read it as an option).
 */
export function virtualClusterId(physicalId: string, prefix: string): string {
  for (let round = 0; ; round++) {
    const hash = createHash("sha256");
    // Length-prefixed parts: no (physical, prefix) pair encodes like another.
    for (const part of [DOMAIN, physicalId, prefix]) hash.update(`${Buffer.byteLength(part)}:${part}\0`);
    if (round > 0) hash.update(String(round));
    const id = hash.digest().subarray(0, 16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

// The physical id learned from responses, per physical cluster (its TopicIdMap is the object all of that cluster's
// tenant contexts share), and each tenant's derived id memoised.
const physicalIds = new WeakMap<TopicIdMap, string>();
const derived = new WeakMap<TenantNamespace, { physical: string; virtual: string }>();

function derive(ns: TenantNamespace, physical: string): string {
  const memo = derived.get(ns);
  if (memo !== undefined && memo.physical === physical) return memo.virtual;
  const virtual = virtualClusterId(physical, ns.prefix);
  derived.set(ns, { physical, virtual });
  return virtual;
}

/** Remembers the physical cluster's id, seen in a response (for requests and messages). */
export function learnPhysicalClusterId(ctx: TenantContext, physical: string): void {
  // "" hides nothing (and would match everywhere in messages).
  if (physical !== "" && physicalIds.get(ctx.topicIds) !== physical) physicalIds.set(ctx.topicIds, physical);
}

/** A response's cluster id (physical) as the tenant sees it; the physical id is remembered for requests. */
export function tenantClusterId(ctx: TenantContext, physical: string): string {
  if (physical === "") return physical;
  learnPhysicalClusterId(ctx, physical);
  return derive(ctx.ns, physical);
}

/** A request's cluster id (the tenant's view) as sent upstream; null when the physical id is not known yet. */
export function upstreamClusterId(ctx: TenantContext, sent: string): string | null {
  const physical = physicalIds.get(ctx.topicIds);
  if (physical === undefined) return null;
  const ours = derive(ctx.ns, physical);
  if (sent === ours) return physical;
  // Any other id mismatches upstream; the physical one must too, or it would be recognisable.
  return sent === physical ? ours : sent;
}

/** Free text (error messages) with the physical cluster id, once known, replaced by the tenant's. */
export function scrubClusterId(ctx: TenantContext, text: string): string {
  const physical = physicalIds.get(ctx.topicIds);
  return physical === undefined || !text.includes(physical) ? text : text.replaceAll(physical, derive(ctx.ns, physical));
}
