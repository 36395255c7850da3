// KIP-1071 streams groups. A member's topology names its topics (source, repartition, changelog: the generic walk
// prefixes them, so the internal topics the group coordinator creates land in the namespace and show unprefixed), its
// source-topic regexes (confined to the namespace here, as KIP-848's subscribed regex is in topic-regex.ts), and the
// configs the coordinator creates the internal topics with (held to the tenant's topic config allowlist, as
// CreateTopics is). The heartbeat's status details are free text that can name topics.
import { ErrorCode } from "../protocol/error-codes.js";
import { ApiKey } from "../protocol/messages/index.js";
import type { StreamsGroupHeartbeatRequest, StreamsGroupHeartbeatResponse } from "../protocol/messages/streams-group-heartbeat.js";
import { disallowedConfigs, policyViolationMessage } from "./config-resources.js";
import { buildErrorResponse } from "./error-response.js";
import type { IrregularRewrite, RequestOutcome, TenantContext } from "./tenant-context.js";
import { confineRegex } from "./topic-regex.js";

function respond(version: number, request: object, errorCode: number, message: string): RequestOutcome | undefined {
  const response = buildErrorResponse(ApiKey.StreamsGroupHeartbeat, version, request, errorCode, message);
  return response === undefined ? undefined : { kind: "respond", response };
}

export const streamsGroupHeartbeatRewrite: IrregularRewrite = {
  request(ctx: TenantContext, version: number, request: StreamsGroupHeartbeatRequest): RequestOutcome | undefined {
    // Sent when a member joins (epoch 0); null otherwise.
    const topology = request.topology;
    if (topology === null) return undefined;
    const internal = topology.subtopologies.flatMap((s) => [...s.stateChangelogTopics, ...s.repartitionSourceTopics]);
    const refused = disallowedConfigs(ctx, internal.flatMap((t) => t.topicConfigs.map((c) => c.key)));
    if (refused.length > 0) return respond(version, request, ErrorCode.POLICY_VIOLATION, policyViolationMessage(refused));
    for (const subtopology of topology.subtopologies) {
      const confined: string[] = [];
      for (const regex of subtopology.sourceTopicRegex) {
        const sent = confineRegex(ctx.ns, regex);
        if (sent === undefined) return respond(version, request, ErrorCode.STREAMS_INVALID_TOPOLOGY, `Source topic regex \`${regex}\` is not a valid regular expression.`);
        confined.push(sent);
      }
      subtopology.sourceTopicRegex = confined;
    }
    return undefined;
  },
  response(ctx: TenantContext, _version: number, response: StreamsGroupHeartbeatResponse): void {
    // e.g. "Internal topics are missing: [payments.app-store-changelog]"
    for (const status of response.status ?? []) status.statusDetail = ctx.ns.scrub(status.statusDetail);
  },
};
