// Metadata may auto-create the topics it names. Names Kafka refuses as topics ("", ".", "..") become legal once
// prefixed, so they are answered by the gateway (INVALID_TOPIC_EXCEPTION, as the broker answers them unprefixed)
// and never sent upstream.
import { ErrorCode } from "../protocol/error-codes.js";
import { ApiKey } from "../protocol/messages/index.js";
import type { MetadataRequest, MetadataResponse } from "../protocol/messages/metadata.js";
import { invalidTopicName } from "./create-topics-policy.js";
import { buildErrorResponse } from "./error-response.js";
import type { RewriteState } from "./rewrite-state.js";
import type { IrregularRewrite, TenantContext } from "./tenant-context.js";
import { ZERO_UUID } from "./topic-ids.js";

/** A name Kafka refuses, in an entry not named by a topic id (the id decides there, whatever the name). */
const invalid = (t: { name: string | null; topicId?: string }): boolean => t.name !== null && (t.topicId === undefined || t.topicId === ZERO_UUID) && invalidTopicName(t.name) !== undefined;

export const metadataRewrite: IrregularRewrite = {
  request(ctx: TenantContext, version: number, request: MetadataRequest, state: RewriteState): undefined {
    const topics = request.topics;
    // v0: an empty list means every topic, so the list can't shrink to empty there; keep those names (prefixed).
    if (topics === null || version === 0 || !topics.some(invalid)) return undefined;
    const answered = buildErrorResponse(ApiKey.Metadata, version, { topics: topics.filter(invalid) }, ErrorCode.INVALID_TOPIC_EXCEPTION) as
      | MetadataResponse
      | undefined;
    if (answered === undefined) return undefined;
    request.topics = topics.filter((t) => !invalid(t));
    // Merged into the broker's answer before its names are stripped: give them the physical form too.
    for (const topic of answered.topics) topic.name = ctx.ns.add(topic.name ?? "");
    state.localResults = answered.topics;
    return undefined;
  },

  response(_ctx: TenantContext, _version: number, response: MetadataResponse, state: RewriteState | undefined): void {
    if (state?.localResults !== undefined) response.topics.push(...(state.localResults as MetadataResponse["topics"]));
  },
};
