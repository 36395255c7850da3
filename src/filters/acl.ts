// Authorization, per request, with Kafka's semantics and its per-API matrix (src/acl/). It sits after API policy,
// which has already refused what tenants may never use, and before tenancy, so it sees and decides on the tenant's
// own names. Denied entries of a request that names several (topics of a Produce or Fetch, groups, config
// resources) are answered by the gateway and merged with the broker's answer for the rest; a request denied as a
// whole is answered alone. Listings show only what the principal may describe. DescribeAcls is answered here.
import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import type { Authorizer } from "../acl/authorizer.js";
import { describeAcls } from "../acl/describe-acls.js";
import { aclRow, authorizeRequest, authorizeResponse, operationName, resourceTypeName, type AclState, type RequestDecision } from "../acl/enforce.js";
import type { AclQuery, Denied, Obj } from "../acl/row.js";
import type { Requester } from "../acl/rule.js";
import type { GatewayObserver } from "../observe/observer.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { API_BY_KEY, ApiKey } from "../protocol/messages/index.js";
import type { Principal, Session } from "../session/session.js";
import { buildErrorResponse } from "../tenancy/error-response.js";
import type { TenantContext } from "../tenancy/rewrite.js";
import { CONTINUE, Interest, isRequest, type Filter, type FilterRequest, type FilterResponse, type ProduceResponseView, type RequestVerdict, type VersionRange } from "./filter.js";

export interface AclFilterOptions {
  /** The virtual cluster's, shared by its listeners; its rules change in place on reload. */
  readonly authorizer: Authorizer;
  readonly tenant: TenantContext;
  readonly observer: GatewayObserver;
  readonly log: Logger;
}

const DESCRIBE_ACLS = API_BY_KEY.get(ApiKey.DescribeAcls)!;
const DENIAL_LOG_INTERVAL_MS = 10_000;

/** The ACL filter answers DescribeAcls itself, from the virtual cluster's rules. */
export const ACL_ANSWERED: ReadonlyMap<number, VersionRange> = new Map([[ApiKey.DescribeAcls, { minVersion: DESCRIBE_ACLS.minVersion, maxVersion: DESCRIBE_ACLS.maxVersion }]]);

export class AclFilter implements Filter {
  readonly name = "acl";
  readonly answers = ACL_ANSWERED;
  private readonly queries = new WeakMap<Session, AclQuery & { readonly principalSet: Principal | undefined }>();
  /** One log line per (principal, API, resource) per interval: a client retrying a denied request would flood it. */
  private readonly recentlyLogged = new LRUCache<string, true>({ max: 1_000, ttl: DENIAL_LOG_INTERVAL_MS });

  constructor(private readonly options: AclFilterOptions) {}

  requestInterest(apiKey: number): Interest {
    return apiKey === ApiKey.DescribeAcls || aclRow(apiKey) !== undefined ? Interest.Message : Interest.Header;
  }

  onRequest(request: FilterRequest): RequestVerdict {
    const { authorizer } = this.options;
    if (isRequest(request, "DescribeAcls")) return { kind: "respond", message: describeAcls(authorizer, this.requester(request.session), request.message) };
    if (!authorizer.enabled) return CONTINUE;
    const row = aclRow(request.apiKey);
    if (row === undefined) {
      // The API policy let through an API the matrix has no row for: with ACLs on, unknown means no.
      const response = buildErrorResponse(request.apiKey, request.apiVersion, request.message, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
      return response === undefined ? { kind: "close", reason: "no ACL rule for this API", refusal: "acl_denied" } : { kind: "respond", message: response, refusal: "acl_denied" };
    }
    const q = this.query(request.session);
    // No closure per request: this runs for every Produce and Fetch.
    const decision = authorizeRequest(q, row, request.apiKey, request.apiVersion, request.message as Obj, false);
    if (decision.kind !== "resolve") return this.verdict(request, decision);
    const { topicIds } = this.options.tenant;
    const resolved = Promise.all(decision.ids.map((id) => topicIds.resolveFresh(id))).then(() =>
      this.verdict(request, authorizeRequest(q, row, request.apiKey, request.apiVersion, request.message as Obj, true)),
    );
    return { kind: "pending", verdict: resolved };
  }

  private verdict(request: FilterRequest, decision: RequestDecision): RequestVerdict {
    if (decision.kind === "resolve") throw new Error("topic ids resolved twice");
    for (const denied of decision.denied) this.denied(request, denied);
    if (decision.kind === "answer") return { kind: "respond", message: decision.response, refusal: "acl_denied" };
    if (decision.state === undefined) return CONTINUE;
    // A broker closes an acks=0 producer's connection on any error: there is no response to carry it.
    if (decision.denied.length > 0 && isRequest(request, "Produce") && request.message.acks === 0) {
      return { kind: "close", reason: "an acks=0 Produce names a topic the principal may not write", refusal: "acl_denied" };
    }
    request.messageChanged = true;
    return { kind: "continue", state: decision.state };
  }

  wantsResponse(apiKey: number): boolean {
    const row = aclRow(apiKey);
    return row !== undefined && (row.entries !== undefined || row.results !== undefined || row.response !== undefined);
  }

  onResponse(response: FilterResponse): boolean {
    const state = response.state as AclState | undefined;
    if (!this.options.authorizer.enabled && state === undefined) return false;
    const row = aclRow(response.apiKey)!;
    return authorizeResponse(this.query(response.session), row, response.apiVersion, response.message as Obj, state);
  }

  /** A Produce's response is changed only to merge in the partitions denied here: none, nothing to do. */
  onProduceResponseView(view: ProduceResponseView): boolean {
    return view.state === undefined;
  }

  /** A topic id's tenant name, if the id is known and the tenant's. */
  private readonly topicName = (id: string): string | undefined => {
    const physical = this.options.tenant.topicIds.nameOf(id);
    return physical === undefined ? undefined : this.options.tenant.ns.strip(physical);
  };

  /**
   * Who asks, worked out once per session (again only if authentication sets the principal after the first request,
   * as on a SASL listener: re-authentication keeps it).
   */
  private query(session: Session): AclQuery {
    let query = this.queries.get(session);
    if (query === undefined || query.principalSet !== session.principal) {
      const principal = session.principal === undefined ? "User:ANONYMOUS" : `${session.principal.type}:${session.principal.name}`;
      query = { authorizer: this.options.authorizer, who: { principal, host: clientHost(session.remoteAddress) }, topicName: this.topicName, principalSet: session.principal };
      this.queries.set(session, query);
    }
    return query;
  }

  private requester(session: Session): Requester {
    return this.query(session).who;
  }

  private denied(request: FilterRequest, denied: Denied): void {
    const api = API_BY_KEY.get(request.apiKey)?.name ?? String(request.apiKey);
    const type = resourceTypeName(denied.type);
    this.options.observer.authorizationDenied?.(request.session, api, type);
    const who = this.requester(request.session);
    const key = `${who.principal}\n${api}\n${type}\n${denied.name}`;
    if (this.recentlyLogged.has(key)) return;
    this.recentlyLogged.set(key, true);
    const operation = operationName(denied.operation);
    this.options.log.info({ session: request.session.id, principal: who.principal, api, resourceType: type, resource: denied.name, operation }, "authorization denied");
  }
}

/** Kafka matches ACL hosts against the client's IP as text; an IPv4 client on a dual-stack socket arrives as ::ffff:a.b.c.d. */
function clientHost(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
