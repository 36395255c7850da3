// JoinGroup, SyncGroup and DescribeGroups of classic consumer groups: the topic names inside the subscription and
// assignment bytes (see consumer-protocol.ts). SyncGroup before v5 doesn't say its protocol type: there the bytes
// are rewritten only when they parse exactly as a consumer assignment, the same test both ways, so whatever is
// prefixed on the way up is stripped on the way down.
import type { DescribeGroupsResponse } from "../protocol/messages/describe-groups.js";
import type { JoinGroupRequest, JoinGroupResponse } from "../protocol/messages/join-group.js";
import type { SyncGroupRequest, SyncGroupResponse } from "../protocol/messages/sync-group.js";
import { mapAssignment, mapSubscription, type TopicMapper } from "./consumer-protocol.js";
import type { RewriteState } from "./rewrite-state.js";
import type { IrregularRewrite, TenantContext } from "./tenant-context.js";

const CONSUMER = "consumer";

const prefixing = (ctx: TenantContext): TopicMapper => (topic) => ctx.ns.add(topic);
const stripping = (ctx: TenantContext): TopicMapper => (topic) => ctx.ns.strip(topic);

/** "yes" when the protocol type says consumer, "maybe" when it is unknown (null or not in this version). */
function consumerProtocol(protocolType: string | null | undefined): "yes" | "maybe" | "no" {
  if (protocolType === CONSUMER) return "yes";
  return protocolType === null || protocolType === undefined ? "maybe" : "no";
}

export const joinGroupRewrite: IrregularRewrite = {
  request(ctx: TenantContext, _version: number, request: JoinGroupRequest, state: RewriteState): undefined {
    if (request.protocolType !== CONSUMER) return undefined;
    state.consumerProtocol = true;
    const map = prefixing(ctx);
    for (const protocol of request.protocols) protocol.metadata = mapSubscription(protocol.metadata, map) ?? protocol.metadata;
    return undefined;
  },

  response(ctx: TenantContext, _version: number, response: JoinGroupResponse, state: RewriteState | undefined): void {
    if (response.protocolType !== CONSUMER && state?.consumerProtocol !== true) return;
    const map = stripping(ctx);
    for (const member of response.members) member.metadata = mapSubscription(member.metadata, map) ?? member.metadata;
  },
};

export const syncGroupRewrite: IrregularRewrite = {
  request(ctx: TenantContext, _version: number, request: SyncGroupRequest): undefined {
    const kind = consumerProtocol(request.protocolType);
    if (kind === "no") return undefined;
    const map = prefixing(ctx);
    for (const a of request.assignments) a.assignment = mapAssignment(a.assignment, map, kind === "maybe") ?? a.assignment;
    return undefined;
  },

  response(ctx: TenantContext, _version: number, response: SyncGroupResponse): void {
    const kind = consumerProtocol(response.protocolType);
    if (kind === "no") return;
    response.assignment = mapAssignment(response.assignment, stripping(ctx), kind === "maybe") ?? response.assignment;
  },
};

export const describeGroupsRewrite: IrregularRewrite = {
  response(ctx: TenantContext, _version: number, response: DescribeGroupsResponse): void {
    const map = stripping(ctx);
    for (const group of response.groups) {
      if (group.protocolType !== CONSUMER) continue;
      for (const m of group.members) {
        m.memberMetadata = mapSubscription(m.memberMetadata, map) ?? m.memberMetadata;
        m.memberAssignment = mapAssignment(m.memberAssignment, map) ?? m.memberAssignment;
      }
    }
  },
};
