/**
 * Visits the entity fields (topicName, groupId, transactionalId, brokerId, producerId) of a decoded
 * message, driven by the generated schema: the basis of generic tenancy rewriting.
 *
 * A plan is compiled once per (schema, version, entity types) and keeps only the paths that lead
 * to such fields, so a walk touches nothing else (a Fetch response's records are never visited).
 */
import type { EntityType, FieldSchema, MessageSchema } from "./schema.js";
import { inVersionRange } from "./schema.js";

/** Returned by a visitor: remove the nearest array element holding the value (see walkEntities). */
export const DROP_ELEMENT: unique symbol = Symbol("DROP_ELEMENT");

export type EntityValue = string | number | bigint;

/**
 * Called for every non-null entity value. Return undefined to keep it, a new value to replace it,
 * or DROP_ELEMENT to remove the element of the nearest enclosing array: the string itself in a
 * `[]string` field, else the struct (e.g. a Metadata topic) that holds the field.
 */
export type EntityVisitor = (value: EntityValue, entityType: EntityType) => EntityValue | typeof DROP_ELEMENT | undefined;

export interface EntityPlanNode {
  /** Property name in the decoded object. */
  readonly key: string;
  readonly array: boolean;
  /** Set on entity fields (scalars or arrays of scalars). */
  readonly entityType?: EntityType;
  /** Set on struct fields that lead to entity fields. */
  readonly children?: readonly EntityPlanNode[];
}

const plans = new WeakMap<MessageSchema, Map<string, readonly EntityPlanNode[]>>();

/** The paths to entity fields of the given types in one version; empty when there are none. */
export function entityPlan(schema: MessageSchema, version: number, types: readonly EntityType[]): readonly EntityPlanNode[] {
  let byKey = plans.get(schema);
  if (byKey === undefined) {
    byKey = new Map();
    plans.set(schema, byKey);
  }
  const key = `${version}|${types.join(",")}`;
  let plan = byKey.get(key);
  if (plan === undefined) {
    plan = compile(schema.fields, version, new Set(types));
    byKey.set(key, plan);
  }
  return plan;
}

function compile(fields: readonly FieldSchema[], version: number, types: ReadonlySet<string>): EntityPlanNode[] {
  const out: EntityPlanNode[] = [];
  for (const f of fields) {
    if (!inVersionRange(f.versions, version)) continue;
    const array = f.type.startsWith("[]");
    if (f.fields !== undefined) {
      const children = compile(f.fields, version, types);
      if (children.length > 0) out.push({ key: f.name, array, children });
    } else if (f.entityType !== undefined && types.has(f.entityType)) {
      out.push({ key: f.name, array, entityType: f.entityType });
    }
  }
  return out;
}

export interface WalkResult {
  /** Values replaced plus elements removed. */
  changes: number;
  /** A visitor asked to drop a value that sits in no array (a top-level field): the caller decides. */
  droppedRoot: boolean;
}

/** Walks `message` (decoded with `schema` at `version`) and applies the visitor's answers in place. */
export function walkEntities(
  schema: MessageSchema,
  version: number,
  message: object,
  types: readonly EntityType[],
  visit: EntityVisitor,
): WalkResult {
  const plan = entityPlan(schema, version, types);
  const result: WalkResult = { changes: 0, droppedRoot: false };
  if (plan.length > 0 && walkStruct(plan, message as Record<string, unknown>, visit, result)) result.droppedRoot = true;
  return result;
}

/** Returns true when the struct itself must be dropped by its enclosing array. */
function walkStruct(plan: readonly EntityPlanNode[], obj: Record<string, unknown>, visit: EntityVisitor, result: WalkResult): boolean {
  let drop = false;
  for (const node of plan) {
    const value = obj[node.key];
    if (value === undefined || value === null) continue;
    if (node.children !== undefined) {
      if (!node.array) {
        // A drop inside a plain struct field propagates to whatever array holds this struct.
        if (walkStruct(node.children, value as Record<string, unknown>, visit, result)) drop = true;
        continue;
      }
      const items = value as Record<string, unknown>[];
      let kept = 0;
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        if (walkStruct(node.children, item, visit, result)) result.changes++;
        else items[kept++] = item;
      }
      items.length = kept;
    } else if (node.array) {
      const items = value as EntityValue[];
      let kept = 0;
      for (let i = 0; i < items.length; i++) {
        const answer = visit(items[i]!, node.entityType!);
        if (answer === DROP_ELEMENT) {
          result.changes++;
          continue;
        }
        if (answer !== undefined && answer !== items[i]) {
          items[i] = answer;
          result.changes++;
        }
        items[kept++] = items[i]!;
      }
      items.length = kept;
    } else {
      const answer = visit(value as EntityValue, node.entityType!);
      if (answer === DROP_ELEMENT) drop = true;
      else if (answer !== undefined && answer !== value) {
        obj[node.key] = answer;
        result.changes++;
      }
    }
  }
  return drop;
}
