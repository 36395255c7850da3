// Requests that name several resources are decided entry by entry, as a broker does: the denied entries are taken
// out of the request and answered by the gateway, the rest go to the broker, and the two sets of results are merged
// back into one response in the request's order. Entries are matched to results by name or by topic id.
import { buildErrorResponse } from "../tenancy/error-response.js";
import { ZERO_UUID } from "../tenancy/topic-ids.js";

type Obj = Record<string, unknown>;

/** How a result is matched to its request entry. */
interface EntryKey {
  readonly name: unknown;
  readonly topicId: unknown;
  readonly resourceType: unknown;
}

/** What the response side needs to put the answer together. */
export interface SplitState {
  /** The response field holding one result per entry. */
  readonly field: string;
  /** What names each entry of the request, in order (copied: later filters rewrite the entries in place). */
  readonly entries: readonly EntryKey[];
  /** By index into `entries`: the gateway's result for a denied entry. */
  readonly denied: ReadonlyMap<number, Obj>;
}

/**
 * Takes the entries at `deniedIndexes` out of `request[requestField]` (in place) and builds their error results:
 * the API's own error response for a request of just those entries, each carrying `errorCodeOf(index)`.
 */
export function splitDenied(
  apiKey: number,
  version: number,
  request: Obj,
  requestField: string,
  responseField: string,
  errorCodeOf: ReadonlyMap<number, number>,
): SplitState {
  const entries = request[requestField] as unknown[];
  const denied = new Map<number, Obj>();
  // One error response per distinct code, each for the entries that carry it.
  const byCode = new Map<number, number[]>();
  for (const [index, code] of errorCodeOf) {
    const list = byCode.get(code);
    if (list === undefined) byCode.set(code, [index]);
    else list.push(index);
  }
  for (const [code, indexes] of byCode) {
    const response = buildErrorResponse(apiKey, version, { ...request, [requestField]: indexes.map((i) => entries[i]) }, code) as Obj;
    const results = response[responseField] as Obj[];
    indexes.forEach((index, i) => denied.set(index, results[i]!));
  }
  request[requestField] = entries.filter((_, index) => !denied.has(index));
  return { field: responseField, entries: entries.map(keyOf), denied };
}

/** The broker's results and the gateway's, in the request's order; results matching no entry go last. */
export function mergeDenied(response: Obj, state: SplitState): void {
  const fromBroker = [...((response[state.field] as Obj[] | null | undefined) ?? [])];
  const merged: Obj[] = [];
  state.entries.forEach((entry, index) => {
    const ours = state.denied.get(index);
    if (ours !== undefined) return void merged.push(ours);
    const at = fromBroker.findIndex((result) => sameResource(entry, result));
    if (at >= 0) merged.push(fromBroker.splice(at, 1)[0]!);
  });
  response[state.field] = [...merged, ...fromBroker];
}

function keyOf(entry: unknown): EntryKey {
  if (typeof entry === "string") return { name: entry, topicId: undefined, resourceType: undefined };
  const e = entry as Obj;
  return { name: e.name ?? e.topic ?? e.topicName ?? e.groupId ?? e.resourceName, topicId: e.topicId, resourceType: e.resourceType };
}

/** Whether a request entry and a result name the same resource: by topic id where both have one, else by name. */
function sameResource(key: EntryKey, result: Obj): boolean {
  if (isId(key.topicId) && isId(result.topicId)) return key.topicId === result.topicId;
  if (key.resourceType !== undefined) return key.resourceType === result.resourceType && key.name === result.resourceName;
  return key.name === (result.name ?? result.topic ?? result.topicName ?? result.groupId ?? result.key ?? result.transactionalId);
}

const isId = (value: unknown): value is string => typeof value === "string" && value !== ZERO_UUID;
