// Tenancy, both ways, for the requests API policy let through. Requests go upstream with the client id
// `<tenant>/<client id>` and with every topic name, group id and transactional id in the tenant's namespace (the
// message is decoded only for the API versions that name any). Responses come back with names stripped of the
// prefix, whatever is not the tenant's dropped (listings, foreign topic ids), substituted topic ids restored, error
// messages scrubbed, and topic ids learned. The rewriting itself is src/tenancy/, free of sockets.
import type { Session } from "../session/session.js";
import { FORWARD_UNCHANGED, rewriteRequest, rewriteResponse, RewriteState, wantsTenancy, type RequestOutcome, type TenantContext } from "../tenancy/rewrite.js";
import { CONTINUE, Interest, type Filter, type FilterRequest, type FilterResponse, type ProduceResponseView, type RequestVerdict } from "./filter.js";

/** The client id a session last sent, and what it became upstream: clients send the same one on every request. */
interface ClientIdMemo {
  sent: string | null;
  upstream: string;
}

export class TenancyFilter implements Filter {
  readonly name = "tenancy";
  private readonly clientIds = new WeakMap<Session, ClientIdMemo>();

  constructor(private readonly tenant: TenantContext) {}

  /** Every request: at the very least its client id is rewritten. */
  requestInterest(apiKey: number, apiVersion: number): Interest {
    return wantsTenancy(apiKey, apiVersion).request ? Interest.Message : Interest.Header;
  }

  onRequest(request: FilterRequest): RequestVerdict {
    const { header } = request;
    header.clientId = this.upstreamClientId(request.session, header.clientId);
    request.headerChanged = true;
    if (!wantsTenancy(request.apiKey, request.apiVersion).request) return CONTINUE;
    const outcome = rewriteRequest(this.tenant, request.apiKey, request.apiVersion, request.message);
    if (outcome instanceof Promise) return { kind: "pending", verdict: outcome.then((settled) => verdictOf(request, settled)) };
    return verdictOf(request, outcome);
  }

  private upstreamClientId(session: Session, clientId: string | null): string {
    if (this.tenant.upstreamClientId !== undefined) return this.tenant.upstreamClientId;
    let memo = this.clientIds.get(session);
    if (memo !== undefined && memo.sent === clientId) return memo.upstream;
    memo = { sent: clientId, upstream: this.tenant.ns.upstreamClientId(clientId) };
    this.clientIds.set(session, memo);
    return memo.upstream;
  }

  wantsResponse(apiKey: number, apiVersion: number): boolean {
    return wantsTenancy(apiKey, apiVersion).response;
  }

  onResponse(response: FilterResponse): boolean {
    // Re-encoded unless the rewrite says it changed nothing (a rewrite that returns no answer changed something:
    // names are stripped in nearly every response that carries any).
    const changed: unknown = rewriteResponse(this.tenant, response.apiKey, response.apiVersion, response.message, response.state);
    return changed !== false;
  }

  /** rewriteResponse's Produce part, on the splice view: names stripped (v0-12), topic ids kept as they came (v13). */
  onProduceResponseView(view: ProduceResponseView): boolean {
    // Stand-in ids are restored, never spliced.
    if (view.state instanceof RewriteState && view.state.standIns !== undefined) return false;
    view.renameTopic = this.stripTopic;
    view.keepTopicId = this.keepsTopicId;
    return true;
  }

  private readonly stripTopic = (name: string): string | undefined => this.tenant.ns.strip(name);

  /** An id rewriteResponse would leave alone: not a substitute to restore, and not another tenant's. */
  private readonly keepsTopicId = (id: string): boolean => {
    const { ns, topicIds } = this.tenant;
    if (topicIds.originalOf(id) !== undefined) return false;
    const name = topicIds.nameOf(id);
    return name === undefined || ns.owns(name);
  };
}

function verdictOf(request: FilterRequest, outcome: RequestOutcome): RequestVerdict {
  if (outcome.kind === "respond") return { kind: "respond", message: outcome.response };
  // Nothing in the message changed (e.g. a Produce v13 by the tenant's own topic ids): the original bytes go on.
  if (outcome !== FORWARD_UNCHANGED) request.messageChanged = true;
  return outcome.state === undefined ? CONTINUE : { kind: "continue", state: outcome.state };
}
