// The shape of one row of the authorization matrix (matrix.ts): what one Kafka API needs, in Kafka's terms.
import type { Authorizer } from "./authorizer.js";
import type { Operation, ResourceType } from "./operations.js";
import type { Requester } from "./rule.js";

export type Obj = Record<string, unknown>;

/** A resource an entry names: by name, or a topic by id (resolved to the tenant's name before deciding). */
export type EntryName = { readonly name: string } | { readonly topicId: string } | undefined;

/** A resource the request names as a whole; denied, the whole request is answered with `error`. */
export interface WholeCheck {
  readonly type: ResourceType;
  readonly operation: Operation;
  /** The name(s) in the request; null or undefined: nothing to check (e.g. no transactional id). */
  readonly names: (request: Obj) => string | readonly string[] | null | undefined;
  readonly error: number;
}

/** A request field whose entries are decided one by one (Kafka's per-topic, per-group or per-resource results). */
export interface EntryCheck {
  /** The request field (by version where it moved, e.g. DeleteTopics v6). */
  readonly request: string | ((version: number) => string);
  /** The response field with one result per entry. */
  readonly response: string;
  readonly operation: Operation;
  /** The entry's resource type (config resources differ per entry; the rest are fixed). */
  readonly type: ResourceType | ((entry: Obj, request: Obj) => ResourceType);
  readonly name: (entry: unknown) => EntryName;
  readonly error: number | ((type: ResourceType) => number);
  /** Metadata and DeleteTopics by topic id: an id the principal may not DESCRIBE reads as unknown (UNKNOWN_TOPIC_ID), never confirming a name. */
  readonly hideUndescribableIds?: boolean;
  /** CreateTopics: CREATE on the cluster allows every topic. */
  readonly orCluster?: boolean;
  /**
   * When every entry is denied the gateway answers alone, unless this says the broker must still be asked (it may
   * adjust the request it forwards).
   */
  readonly forwardWhenAllDenied?: (request: Obj, version: number) => boolean;
}

/** Results in a response that the principal may not see: dropped (listings), or emptied with an error. */
export interface ResultFilter {
  readonly field: string;
  readonly type: ResourceType;
  readonly operation: Operation;
  /** The result's name (responses reach this filter with the tenant's names) or topic id. */
  readonly name: (result: Obj) => EntryName;
  /** Keep the result, as this error and with no data, instead of dropping it (a fetch session may still hold it). */
  readonly replace?: (result: Obj) => void;
  /** A principal allowed DESCRIBE on the cluster sees everything (ListGroups). */
  readonly clusterSeesAll?: boolean;
}

/** What irregular rules are given. */
export interface AclQuery {
  readonly authorizer: Authorizer;
  readonly who: Requester;
  /** A topic id's tenant name, if the id is known and the tenant's. */
  topicName(id: string): string | undefined;
}

/** An irregular request rule's answer: a whole-request error, a ready response, or go on (keeping `state` for the response). */
export type IrregularVerdict =
  | { readonly error: number; readonly denied: Denied }
  | { readonly response: Obj; readonly denied: Denied }
  | { readonly state: unknown }
  | undefined;

export interface Denied {
  readonly type: ResourceType;
  readonly name: string;
  readonly operation: Operation;
}

export interface AclRow {
  /** Checked first, in Kafka's order. */
  readonly whole?: readonly WholeCheck[];
  readonly entries?: EntryCheck;
  readonly results?: ResultFilter;
  /** Rules no table column expresses (InitProducerId's idempotence, AddPartitionsToTxn's all-or-nothing, ...). */
  readonly request?: (q: AclQuery, request: Obj, version: number) => IrregularVerdict;
  /** Runs on the response before the results filter and the merge; returns true when it changed anything. */
  readonly response?: (q: AclQuery, response: Obj, version: number, state: unknown) => boolean;
}
