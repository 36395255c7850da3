// Tenancy rewriting, free of sockets: requests get the tenant prefix on every topic name, group id and
// transactional id; responses get it stripped, and whatever is not the tenant's is dropped. One generic walk over
// the generated schemas does it (see tenancy-plan.ts); the few fields whose meaning the schema can't express
// (coordinator keys, config resources, regexes...) have one small file each, registered in IRREGULAR below.
import { DROP_ELEMENT, walkFields, type EntityValue } from "../protocol/entity-walk.js";
import { API_BY_KEY, ApiKey } from "../protocol/messages/index.js";
import { alterConfigsRewrite, describeConfigsRewrite, incrementalAlterConfigsRewrite } from "./config-resources.js";
import { learnPhysicalClusterId, scrubClusterId, tenantClusterId, upstreamClusterId } from "./cluster-id.js";
import { createTopicsRewrite } from "./create-topics-policy.js";
import { describeTopicPartitionsRewrite } from "./describe-topic-partitions.js";
import { findCoordinatorRewrite } from "./find-coordinator-keys.js";
import { describeGroupsRewrite, joinGroupRewrite, syncGroupRewrite } from "./group-protocol.js";
import { initProducerIdRewrite } from "./init-producer-id.js";
import { metadataRewrite } from "./metadata-topics.js";
import { RewriteState } from "./rewrite-state.js";
import { streamsGroupHeartbeatRewrite } from "./streams-topology.js";
import type { IrregularRewrite, RequestOutcome, TenantContext } from "./tenant-context.js";
import { tenancyPlan, type TenancyLabel } from "./tenancy-plan.js";
import { ZERO_UUID } from "./topic-ids.js";
import { consumerGroupDescribeRewrite, consumerGroupHeartbeatRewrite, listTransactionsRewrite } from "./topic-regex.js";

export { buildErrorResponse } from "./error-response.js";
export type { RequestOutcome, TenantContext } from "./tenant-context.js";
export { RewriteState } from "./rewrite-state.js";

const IRREGULAR: ReadonlyMap<number, IrregularRewrite> = new Map<number, IrregularRewrite>([
  [ApiKey.Metadata, metadataRewrite],
  [ApiKey.FindCoordinator, findCoordinatorRewrite],
  [ApiKey.JoinGroup, joinGroupRewrite],
  [ApiKey.SyncGroup, syncGroupRewrite],
  [ApiKey.DescribeGroups, describeGroupsRewrite],
  [ApiKey.DescribeConfigs, describeConfigsRewrite],
  [ApiKey.AlterConfigs, alterConfigsRewrite],
  [ApiKey.IncrementalAlterConfigs, incrementalAlterConfigsRewrite],
  [ApiKey.CreateTopics, createTopicsRewrite],
  [ApiKey.DescribeTopicPartitions, describeTopicPartitionsRewrite],
  [ApiKey.ConsumerGroupHeartbeat, consumerGroupHeartbeatRewrite],
  [ApiKey.ConsumerGroupDescribe, consumerGroupDescribeRewrite],
  [ApiKey.StreamsGroupHeartbeat, streamsGroupHeartbeatRewrite],
  [ApiKey.ListTransactions, listTransactionsRewrite],
  [ApiKey.InitProducerId, initProducerIdRewrite],
]);

const FORWARD: RequestOutcome = Object.freeze({ kind: "forward" });
/**
 * The outcome when the rewrite replaced nothing in the message (e.g. a Produce v13 naming only the tenant's own
 * topic ids): the caller may forward the original body bytes instead of re-encoding (compare by identity).
 */
export const FORWARD_UNCHANGED: RequestOutcome = Object.freeze({ kind: "forward" });

/** Whether requests / responses of this API version need decoding for tenancy (memoised). */
export function wantsTenancy(apiKey: number, version: number): { request: boolean; response: boolean } {
  const key = apiKey * 0x10000 + version;
  let wants = wanted.get(key);
  if (wants === undefined) {
    const api = API_BY_KEY.get(apiKey);
    const known = api !== undefined && version >= api.minVersion && version <= api.maxVersion;
    const irregular = known ? IRREGULAR.get(apiKey) : undefined;
    wants = Object.freeze({
      request: irregular?.request !== undefined || tenancyPlan(apiKey, version, "request").length > 0,
      response: irregular?.response !== undefined || tenancyPlan(apiKey, version, "response").length > 0,
    });
    wanted.set(key, wants);
  }
  return wants;
}
const wanted = new Map<number, { request: boolean; response: boolean }>();

/**
 * Rewrites a decoded request in place for the upstream cluster. Sync, unless a topic id misses the id map:
 * then the outcome comes once the map has refreshed.
 */
export function rewriteRequest(
  ctx: TenantContext,
  apiKey: number,
  version: number,
  request: object,
): RequestOutcome | Promise<RequestOutcome> {
  const irregular = IRREGULAR.get(apiKey);
  let state: RewriteState | undefined;
  if (irregular?.request !== undefined) {
    state = new RewriteState();
    const decided = irregular.request(ctx, version, request, state);
    if (decided !== undefined) return decided;
  }
  const plan = tenancyPlan(apiKey, version, "request");
  let unresolved: Record<string, unknown>[] | undefined;
  /** A field set to null by hand (not counted by the walk). */
  let nulled = false;
  let changes = 0;
  if (plan.length > 0) {
    changes = walkFields<TenancyLabel>(plan, request, (value, label, holder) => {
      if (label === "clusterId") {
        // Only ever a top-level field named clusterId (tenancy-plan.ts); null when the physical id is not known yet.
        const upstream = upstreamClusterId(ctx, value as string);
        if (upstream !== null) return upstream;
        holder.clusterId = null;
        nulled = true;
        return undefined;
      }
      if (label === "message") return undefined;
      // An entry naming a topic by a non-zero id is decided by the id (Kafka 4's Java client sends "" as its name):
      // an empty name stays empty; any other is still confined to the namespace.
      if (label === "topicName" && value === "" && namesById(holder)) return undefined;
      if (label !== "topicId") return ctx.ns.add(value as string);
      const id = value as string;
      if (id === ZERO_UUID) return undefined;
      const name = ctx.topicIds.nameOf(id);
      if (name !== undefined && ctx.ns.owns(name)) return undefined;
      // Unknown, or another tenant's: both take the same (refreshing) path, so neither answers faster.
      (unresolved ??= []).push(holder);
      return undefined;
    }).changes;
  }
  // Nothing replaced and no hand-written rewrite ran: the caller may forward the original body bytes.
  if (unresolved === undefined && state === undefined && changes === 0 && !nulled) return FORWARD_UNCHANGED;
  if (unresolved === undefined) return outcome(state);
  return resolveTopicIds(ctx, unresolved, state ?? new RewriteState());
}

/** Whether a request entry names its topic by a (non-zero) topic id. */
function namesById(entry: Record<string, unknown>): boolean {
  return typeof entry.topicId === "string" && entry.topicId !== ZERO_UUID;
}

/** Stand-in for an id the tenant may not name: the broker answers UNKNOWN_TOPIC_ID for it, as for any absent id. */
function standIn(ctx: TenantContext, state: RewriteState, id: string): string {
  const sent = ctx.topicIds.standInFor(id);
  (state.standIns ??= new Map()).set(sent, id);
  return sent;
}

async function resolveTopicIds(ctx: TenantContext, holders: Record<string, unknown>[], state: RewriteState): Promise<RequestOutcome> {
  const ids = [...new Set(holders.map((h) => h.topicId as string))];
  const names = new Map(await Promise.all(ids.map(async (id) => [id, await ctx.topicIds.resolveFresh(id)] as const)));
  for (const holder of holders) {
    const id = holder.topicId as string;
    const name = names.get(id);
    // Unknown even after a refresh, or another tenant's: indistinguishable for the client.
    if (name === undefined || !ctx.ns.owns(name)) holder.topicId = standIn(ctx, state, id);
  }
  return outcome(state);
}

function outcome(state: RewriteState | undefined): RequestOutcome {
  if (
    state === undefined ||
    (state.standIns === undefined && state.regex === undefined && state.localResults === undefined && !state.consumerProtocol)
  ) {
    return FORWARD;
  }
  return { kind: "forward", state };
}

/**
 * Rewrites a decoded response in place for the tenant: strips the prefix, drops entries that are not the tenant's
 * (listings, foreign topic ids), restores stand-in topic ids, scrubs error messages, and teaches the topic id map
 * every (id, physical name) pair it carries.
 *
 * Returns whether it changed the message (the caller re-encodes only then). False only when the generic walk replaced
 * and dropped nothing and no hand-written rewrite ran: e.g. a Fetch v13+ or Produce v13+ response that addresses only
 * the tenant's own topic ids. Any doubt answers true: a change reported as none would leak physical names to the tenant.
 */
export function rewriteResponse(ctx: TenantContext, apiKey: number, version: number, response: object, state: unknown): boolean {
  const rewriteState = state instanceof RewriteState ? state : undefined;
  const irregular = IRREGULAR.get(apiKey)?.response;
  // The hand-written rewrites mutate in place and report nothing: assume they changed something.
  irregular?.(ctx, version, response, rewriteState);
  const plan = tenancyPlan(apiKey, version, "response");
  if (plan.length === 0) return irregular !== undefined;
  const { ns, topicIds } = ctx;
  // Learned before the walk: a message may come before the id (DescribeCluster's errorMessage does).
  const clusterId = (response as { clusterId?: unknown }).clusterId;
  if (typeof clusterId === "string") learnPhysicalClusterId(ctx, clusterId);
  const walk = walkFields<TenancyLabel>(plan, response, (value, label, holder): EntityValue | typeof DROP_ELEMENT | undefined => {
    switch (label) {
      case "topicName": {
        const id = holder.topicId;
        if (typeof id === "string" && id !== ZERO_UUID && rewriteState?.standIns?.has(id) !== true) topicIds.learn(id, value as string);
        return ns.strip(value as string) ?? DROP_ELEMENT;
      }
      case "groupId":
      case "transactionalId":
        return ns.strip(value as string) ?? DROP_ELEMENT;
      case "topicId": {
        const id = value as string;
        const original = rewriteState?.standIns?.get(id) ?? topicIds.originalOf(id);
        if (original !== undefined) return original;
        const name = topicIds.nameOf(id);
        return name !== undefined && !ns.owns(name) ? DROP_ELEMENT : undefined;
      }
      case "clusterId":
        return tenantClusterId(ctx, value as string);
      case "message": {
        let text = scrubClusterId(ctx, value as string);
        const regex = rewriteState?.regex;
        if (regex !== undefined) text = text.replaceAll(regex.sent, regex.original);
        // "Topic id <stand-in> not found" must name the id the client sent.
        if (rewriteState?.standIns !== undefined) for (const [sent, original] of rewriteState.standIns) text = text.replaceAll(sent, original);
        return ns.scrub(text);
      }
    }
  });
  // changes counts every value replaced (by a different value) and every element dropped; a drop asked of a
  // top-level field is not applied by the walk, but counts as a change here all the same (conservative).
  return irregular !== undefined || walk.changes > 0 || walk.droppedRoot;
}
