// Applies the matrix to one decoded request and, later, to its decoded response. Free of sessions and sockets: the
// ACL filter (src/filters/acl.ts) calls it with who asks and the virtual cluster's authorizer.
import { ErrorCode } from "../protocol/error-codes.js";
import { buildErrorResponse } from "../tenancy/error-response.js";
import { mergeDenied, splitDenied, type SplitState } from "./entries.js";
import { ACL_MATRIX } from "./matrix.js";
import { CLUSTER_NAME, Operation, OPERATION_NAMES, ResourceType } from "./operations.js";
import type { AclQuery, AclRow, Denied, EntryCheck, Obj } from "./row.js";

/** What the response side needs. */
export interface AclState {
  readonly split: SplitState | undefined;
  readonly irregular: unknown;
}

export type RequestDecision =
  /** Forward (the denied entries, if any, taken out); `denied` lists what was refused, for metrics and logs. */
  | { readonly kind: "forward"; readonly state: AclState | undefined; readonly denied: readonly Denied[] }
  /** Answer the whole request with `response`. */
  | { readonly kind: "answer"; readonly response: Obj; readonly denied: readonly Denied[] }
  /** Topic ids the decision needs and the id map doesn't know yet: refresh them and decide again. */
  | { readonly kind: "resolve"; readonly ids: readonly string[] };

const FORWARD: RequestDecision = Object.freeze({ kind: "forward", state: undefined, denied: [] });

/** The row for an API; undefined: no rule exists for it, and the request must be refused. */
export function aclRow(apiKey: number): AclRow | undefined {
  return ACL_MATRIX.get(apiKey);
}

/**
 * Decides a request (mutating it where entries are taken out). `refreshed`: the topic ids it names were looked up
 * afresh already, so an id still unknown is answered UNKNOWN_TOPIC_ID rather than resolved again.
 */
export function authorizeRequest(q: AclQuery, row: AclRow, apiKey: number, version: number, request: Obj, refreshed: boolean): RequestDecision {
  const check = row.entries;
  const field = check === undefined ? undefined : entryField(check, version);
  const entries = field === undefined ? undefined : (request[field] as unknown[] | null | undefined);
  // Entries first (without touching the request): a topic id the map doesn't know yet is looked up before anything.
  const found = check === undefined || entries === undefined || entries === null ? undefined : deniedEntries(q, check, request, entries, refreshed);
  if (found !== undefined && "ids" in found) return { kind: "resolve", ids: found.ids };
  for (const whole of row.whole ?? NONE) {
    const names = whole.names(request);
    if (names === null || names === undefined) continue;
    for (const name of typeof names === "string" ? [names] : names) {
      if (q.authorizer.authorize(q.who, whole.operation, whole.type, name)) continue;
      const denied = { type: whole.type, name, operation: whole.operation };
      return { kind: "answer", response: errorResponse(apiKey, version, request, whole.error, denied), denied: [denied] };
    }
  }
  let irregular: unknown;
  if (row.request !== undefined) {
    const verdict = row.request(q, request, version);
    if (verdict !== undefined && "error" in verdict) {
      return { kind: "answer", response: errorResponse(apiKey, version, request, verdict.error, verdict.denied), denied: [verdict.denied] };
    }
    if (verdict !== undefined && "response" in verdict) return { kind: "answer", response: verdict.response, denied: [verdict.denied] };
    irregular = verdict?.state;
  }
  if (found === undefined) return irregular === undefined ? FORWARD : { kind: "forward", state: { split: undefined, irregular }, denied: NONE };
  const { codes, denied } = found;
  const split = splitDenied(apiKey, version, request, field!, check!.response, codes);
  if (codes.size === entries!.length && check!.forwardWhenAllDenied?.(request, version) !== true) {
    // Nothing left to ask: the per-entry errors, in a response whose other error codes say nothing went wrong.
    const response = buildErrorResponse(apiKey, version, request, ErrorCode.NONE) as Obj;
    mergeDenied(response, split);
    return { kind: "answer", response, denied };
  }
  return { kind: "forward", state: { split, irregular }, denied };
}

/** Applies the row to the broker's response; true when anything changed. */
export function authorizeResponse(q: AclQuery, row: AclRow, version: number, response: Obj, state: AclState | undefined): boolean {
  let changed = row.response?.(q, response, version, state?.irregular) ?? false;
  if (row.results !== undefined) changed = filterResults(q, row.results, response) || changed;
  if (state?.split !== undefined) {
    mergeDenied(response, state.split);
    changed = true;
  }
  return changed;
}

function entryField(check: EntryCheck, version: number): string {
  return typeof check.request === "function" ? check.request(version) : check.request;
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * The entries the rules deny, with their error codes; undefined when none is (the common case allocates nothing
 * more); or, before a fresh lookup, the topic ids the id map doesn't know.
 */
function deniedEntries(
  q: AclQuery,
  check: EntryCheck,
  request: Obj,
  entries: readonly unknown[],
  refreshed: boolean,
): { codes: Map<number, number>; denied: Denied[] } | { ids: string[] } | undefined {
  const { authorizer, who } = q;
  if (check.orCluster === true && authorizer.authorize(who, check.operation, ResourceType.Cluster, CLUSTER_NAME)) return undefined;
  let out: { codes: Map<number, number>; denied: Denied[] } | undefined;
  let unknown: string[] | undefined;
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    const ref = check.name(entry);
    if (ref === undefined) continue;
    const type = typeof check.type === "function" ? check.type(entry as Obj, request) : check.type;
    const byId = "topicId" in ref;
    const name = byId ? q.topicName(ref.topicId) : ref.name;
    if (name === undefined && byId && !refreshed) {
      (unknown ??= []).push(ref.topicId);
      continue;
    }
    if (name !== undefined && authorizer.authorize(who, check.operation, type, name)) continue;
    out ??= { codes: new Map(), denied: [] };
    // An id that is unknown, or another tenant's, after a fresh lookup: the same answer as a topic that doesn't exist.
    if (name === undefined) {
      out.codes.set(index, ErrorCode.UNKNOWN_TOPIC_ID);
      continue;
    }
    const hidden = byId && check.hideUndescribableIds === true && !authorizer.authorize(who, Operation.Describe, ResourceType.Topic, name);
    out.codes.set(index, hidden ? ErrorCode.UNKNOWN_TOPIC_ID : typeof check.error === "function" ? check.error(type) : check.error);
    out.denied.push({ type, name, operation: check.operation });
  }
  return unknown !== undefined ? { ids: unknown } : out;
}

function filterResults(q: AclQuery, filter: NonNullable<AclRow["results"]>, response: Obj): boolean {
  const results = response[filter.field] as Obj[] | null | undefined;
  if (results === undefined || results === null || results.length === 0) return false;
  if (filter.clusterSeesAll === true && q.authorizer.authorize(q.who, Operation.Describe, ResourceType.Cluster, CLUSTER_NAME)) return false;
  let changed = false;
  const kept = results.filter((result) => {
    const ref = filter.name(result);
    const name = ref === undefined ? undefined : "topicId" in ref ? q.topicName(ref.topicId) : ref.name;
    if (name === undefined || q.authorizer.authorize(q.who, filter.operation, filter.type, name)) return true;
    changed = true;
    if (filter.replace === undefined) return false;
    filter.replace(result);
    return true;
  });
  if (changed) response[filter.field] = kept;
  return changed;
}

const OPERATION_SPELLINGS: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(OPERATION_NAMES).map(([k, v]) => [v, k]));
const TYPE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(ResourceType).map(([k, v]) => [v, k]));

/** Kafka's spelling: "READ", "DESCRIBE_CONFIGS", ... */
export function operationName(operation: Operation): string {
  return OPERATION_SPELLINGS[operation] ?? String(operation);
}

/** "Topic", "Group", ... */
export function resourceTypeName(type: ResourceType): string {
  return TYPE_NAMES[type] ?? String(type);
}

/** The API's error response, with a message where it has a field for one. */
function errorResponse(apiKey: number, version: number, request: Obj, error: number, denied: Denied): Obj {
  const message = `not authorized to ${operationName(denied.operation)} ${resourceTypeName(denied.type)} ${JSON.stringify(denied.name)}`;
  return buildErrorResponse(apiKey, version, request, error, message) as Obj;
}
