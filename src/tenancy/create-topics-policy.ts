// CreateTopics: configs outside the tenant's allowlist refuse the request (POLICY_VIOLATION per topic, nothing
// forwarded), and names Kafka rejects as topics ("", ".", "..") are answered by the gateway, as the broker would
// unprefixed: once prefixed they would be legal names upstream.
import { ErrorCode } from "../protocol/error-codes.js";
import type { CreateTopicsRequest, CreateTopicsResponse } from "../protocol/messages/create-topics.js";
import { ApiKey } from "../protocol/messages/index.js";
import { disallowedConfigs, policyViolationMessage } from "./config-resources.js";
import { buildErrorResponse } from "./error-response.js";
import type { RewriteState } from "./rewrite-state.js";
import type { IrregularRewrite, RequestOutcome, TenantContext } from "./tenant-context.js";

/** Kafka's message for a name it refuses (org.apache.kafka.common.internals.Topic.validate), or undefined. */
export function invalidTopicName(name: string): string | undefined {
  if (name === "") return "Topic name is illegal, it can't be empty";
  if (name === "." || name === "..") return 'Topic name cannot be "." or ".."';
  return undefined;
}

export const createTopicsRewrite: IrregularRewrite = {
  request(ctx: TenantContext, version: number, request: CreateTopicsRequest, state: RewriteState): RequestOutcome | undefined {
    const refused = disallowedConfigs(ctx, request.topics.flatMap((t) => (t.configs ?? []).map((c) => c.name)));
    if (refused.length > 0) {
      const response = buildErrorResponse(ApiKey.CreateTopics, version, request, ErrorCode.POLICY_VIOLATION, policyViolationMessage(refused));
      return response === undefined ? undefined : { kind: "respond", response };
    }
    const invalid = request.topics.filter((t) => invalidTopicName(t.name) !== undefined);
    if (invalid.length === 0) return undefined;
    const answered = buildErrorResponse(ApiKey.CreateTopics, version, { topics: invalid }, ErrorCode.INVALID_TOPIC_EXCEPTION) as
      | CreateTopicsResponse
      | undefined;
    if (answered === undefined) return undefined;
    for (const result of answered.topics) result.errorMessage = invalidTopicName(result.name) ?? null;
    if (invalid.length === request.topics.length) return { kind: "respond", response: answered };
    request.topics = request.topics.filter((t) => invalidTopicName(t.name) === undefined);
    // Merged into the broker's answer before its names are stripped: give them the physical form too.
    for (const result of answered.topics) result.name = ctx.ns.add(result.name);
    state.localResults = answered.topics;
    return undefined;
  },

  response(_ctx: TenantContext, _version: number, response: CreateTopicsResponse, state: RewriteState | undefined): void {
    if (state?.localResults !== undefined) response.topics.push(...(state.localResults as CreateTopicsResponse["topics"]));
  },
};
