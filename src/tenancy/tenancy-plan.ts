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

/** The tenancy plan of one API version and direction (memoised); empty for unknown keys or versions. */
export function tenancyPlan(apiKey: number, version: number, direction: "request" | "response"): TenancyPlan {
  const api = API_BY_KEY.get(apiKey);
  if (api === undefined || version < api.minVersion || version > api.maxVersion) return EMPTY;
  const schema = direction === "request" ? api.requestSchema : api.responseSchema;
  return fieldPlan(schema, version, "tenancy", classify);
}
