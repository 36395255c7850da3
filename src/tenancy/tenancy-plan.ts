// Which fields of a message the tenancy layer rewrites, as precompiled paths per (api key, version, direction):
// names in the tenant namespace (Kafka's entityType annotations), topic ids, cluster ids, and free-text error messages.
import type { FieldPlanNode } from "../protocol/entity-walk.js";
import { fieldPlan } from "../protocol/entity-walk.js";
import { API_BY_KEY } from "../protocol/messages/index.js";
import type { FieldSchema } from "../protocol/schema.js";

export type TenancyLabel = "topicName" | "groupId" | "transactionalId" | "topicId" | "clusterId" | "message";
export type TenancyPlan = readonly FieldPlanNode<TenancyLabel>[];

const EMPTY: TenancyPlan = [];

function classify(field: FieldSchema): TenancyLabel | undefined {
  switch (field.entityType) {
    case "topicName":
    case "groupId":
    case "transactionalId":
      return field.entityType;
  }
  // Every topic id field of the allowlisted APIs is called topicId (checked by a unit test over the specs).
  if (field.name === "topicId" && field.type === "uuid") return "topicId";
  // The physical cluster id: Metadata and DescribeCluster responses; ApiVersions v5 and Fetch v12+ requests.
  if (field.name === "clusterId" && field.type === "string") return "clusterId";
  if (field.type === "string" && /(?:^e|E)rrorMessage$/.test(field.name)) return "message";
  return undefined;
}

/** Plans by (api key, version, direction) as one number: asked for on every request, so no string key is built. */
const plans = new Map<number, TenancyPlan>();

/** The tenancy plan of one API version and direction (memoised); empty for unknown keys or versions. */
export function tenancyPlan(apiKey: number, version: number, direction: "request" | "response"): TenancyPlan {
  const api = API_BY_KEY.get(apiKey);
  if (api === undefined || version < api.minVersion || version > api.maxVersion) return EMPTY;
  const key = (apiKey * 0x10000 + version) * 2 + (direction === "request" ? 0 : 1);
  let plan = plans.get(key);
  if (plan === undefined) {
    plan = fieldPlan(direction === "request" ? api.requestSchema : api.responseSchema, version, "tenancy", classify);
    plans.set(key, plan);
  }
  return plan;
}
