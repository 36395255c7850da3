// What the data plane tells the rest of the gateway: one interface for metrics, logs, the tests' upstream tap and,
// later, the audit and event logs. The data plane calls it and knows nothing of who listens; every method is
// optional, and an ObserverSet fans out only to the observers that implement it.
import type { ListenerEndpoint } from "../session/endpoint.js";
import type { Session } from "../session/session.js";

/** What an observer learns of a request (the in-flight record itself: read it, don't keep it). */
export interface ObservedRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
}

export type AuthenticationOutcome = "ok" | "failed" | "expired";

export interface GatewayObserver {
  sessionOpened?(session: Session): void;
  /** The session's connection closed; `reason` is a short phrase ("client closed", "drained", ...). */
  sessionClosed?(session: Session, reason: string): void;
  /**
   * A shared listener's session, authenticated, joined its principal's virtual cluster: `session.endpoint` is now that
   * virtual cluster's view of the listener; `from` is the one it had before.
   */
  sessionMoved?(session: Session, from: ListenerEndpoint): void;
  /** A request went to a broker (after every filter let it through). */
  requestForwarded?(session: Session, request: ObservedRequest): void;
  /** The gateway answered a request itself; `refusal` is set when the answer refuses it ("denied", ...). */
  requestAnswered?(session: Session, request: ObservedRequest, refusal: string | undefined): void;
  /** The connection was closed because of a request a filter refused (`refusal`) or could not serve. */
  requestClosed?(session: Session, request: ObservedRequest, reason: string, refusal: string | undefined): void;
  /**
   * A response went to the client. `body` (response header and message, no size prefix) is given only to observers
   * that set wantsResponseBodies: collecting a streamed response's chunks costs an array per response.
   */
  responseSent?(session: Session, request: ObservedRequest, body: readonly Buffer[] | undefined): void;
  readonly wantsResponseBodies?: boolean;
  /**
   * A forwarded request's response went to the client: its top-level error code, peeked (0 when it has none), and
   * the seconds the gateway added (request side plus response side) and spent upstream.
   */
  requestCompleted?(session: Session, request: ObservedRequest, errorCode: number, gatewaySeconds: number, upstreamSeconds: number): void;
  bytesFromClient?(session: Session, bytes: number): void;
  bytesToClient?(session: Session, bytes: number): void;
  /**
   * An authentication ended: "ok", "failed" (wrong credentials, unknown user, bad token, disabled mechanism, bad
   * state), or "expired" (the session outlived its lifetime without re-authenticating and was closed).
   */
  authentication?(session: Session, mechanism: string, outcome: AuthenticationOutcome): void;
  /** An ACL denied `api` on a resource of `resourceType` ("Topic", "Group", "TransactionalId", "Cluster"). */
  authorizationDenied?(session: Session, api: string, resourceType: string): void;
  /** A connection to a broker of `cluster` failed ("connect", "timeout", "error", "closed", "protocol"). */
  upstreamError?(cluster: string, reason: string): void;
  /**
   * A cap of `virtualCluster` refused something (src/limits/tenant-caps.ts): a connection ("connections",
   * "connection_rate"), a topic ("topics", "partitions") or a Produce ("retained_bytes").
   */
  capRefused?(virtualCluster: string, cap: string): void;
  /**
   * The gateway closed a connection on a budget's deadline (src/proxy/connection-reaper.ts): "idle", "first_request",
   * "unfinished_request", or "evicted" to make room for another virtual cluster. sessionClosed follows.
   */
  connectionReaped?(session: Session, reason: string): void;
  /**
   * Record bytes of one topic in a Produce request or a Fetch response (`topic` as the tenant names it), and the records
   * in them (the batch headers' counts, never decompressed).
   */
  topicBytes?(session: Session, topic: string, direction: ByteDirection, bytes: number, records: number): void;
  /**
   * A byte-rate limit throttled a request for `ms` (KIP-219); `limit` says whose bucket set the time, and `topic` is
   * the topic when it was a topic's.
   */
  throttled?(session: Session, direction: ByteDirection, limit: ByteLimitScope, topic: string | undefined, ms: number): void;
}

export type ByteDirection = "produce" | "fetch";
export type ByteLimitScope = "topic" | "principal" | "tenant";

type Method = Exclude<keyof GatewayObserver, "wantsResponseBodies">;

/** Several observers as one; the per-event cost is one loop over those that listen to that event. */
export class ObserverSet implements GatewayObserver {
  readonly wantsResponseBodies: boolean;
  private readonly by: { [M in Method]: GatewayObserver[] };

  constructor(readonly observers: readonly GatewayObserver[]) {
    const listening = (method: Method) => observers.filter((o) => typeof o[method] === "function");
    this.by = {
      sessionOpened: listening("sessionOpened"),
      sessionClosed: listening("sessionClosed"),
      sessionMoved: listening("sessionMoved"),
      requestForwarded: listening("requestForwarded"),
      requestAnswered: listening("requestAnswered"),
      requestClosed: listening("requestClosed"),
      responseSent: listening("responseSent"),
      requestCompleted: listening("requestCompleted"),
      bytesFromClient: listening("bytesFromClient"),
      bytesToClient: listening("bytesToClient"),
      upstreamError: listening("upstreamError"),
      capRefused: listening("capRefused"),
      connectionReaped: listening("connectionReaped"),
      authentication: listening("authentication"),
      authorizationDenied: listening("authorizationDenied"),
      topicBytes: listening("topicBytes"),
      throttled: listening("throttled"),
    };
    this.wantsResponseBodies = observers.some((o) => o.wantsResponseBodies === true);
  }

  sessionOpened(session: Session): void {
    for (const o of this.by.sessionOpened) o.sessionOpened!(session);
  }
  sessionClosed(session: Session, reason: string): void {
    for (const o of this.by.sessionClosed) o.sessionClosed!(session, reason);
  }
  sessionMoved(session: Session, from: ListenerEndpoint): void {
    for (const o of this.by.sessionMoved) o.sessionMoved!(session, from);
  }
  requestForwarded(session: Session, request: ObservedRequest): void {
    for (const o of this.by.requestForwarded) o.requestForwarded!(session, request);
  }
  requestAnswered(session: Session, request: ObservedRequest, refusal: string | undefined): void {
    for (const o of this.by.requestAnswered) o.requestAnswered!(session, request, refusal);
  }
  requestClosed(session: Session, request: ObservedRequest, reason: string, refusal: string | undefined): void {
    for (const o of this.by.requestClosed) o.requestClosed!(session, request, reason, refusal);
  }
  responseSent(session: Session, request: ObservedRequest, body: readonly Buffer[] | undefined): void {
    for (const o of this.by.responseSent) o.responseSent!(session, request, o.wantsResponseBodies === true ? body : undefined);
  }
  requestCompleted(session: Session, request: ObservedRequest, errorCode: number, gatewaySeconds: number, upstreamSeconds: number): void {
    for (const o of this.by.requestCompleted) o.requestCompleted!(session, request, errorCode, gatewaySeconds, upstreamSeconds);
  }
  bytesFromClient(session: Session, bytes: number): void {
    for (const o of this.by.bytesFromClient) o.bytesFromClient!(session, bytes);
  }
  bytesToClient(session: Session, bytes: number): void {
    for (const o of this.by.bytesToClient) o.bytesToClient!(session, bytes);
  }
  upstreamError(cluster: string, reason: string): void {
    for (const o of this.by.upstreamError) o.upstreamError!(cluster, reason);
  }
  capRefused(virtualCluster: string, cap: string): void {
    for (const o of this.by.capRefused) o.capRefused!(virtualCluster, cap);
  }
  connectionReaped(session: Session, reason: string): void {
    for (const o of this.by.connectionReaped) o.connectionReaped!(session, reason);
  }
  authentication(session: Session, mechanism: string, outcome: AuthenticationOutcome): void {
    for (const o of this.by.authentication) o.authentication!(session, mechanism, outcome);
  }
  authorizationDenied(session: Session, api: string, resourceType: string): void {
    for (const o of this.by.authorizationDenied) o.authorizationDenied!(session, api, resourceType);
  }
  topicBytes(session: Session, topic: string, direction: ByteDirection, bytes: number, records: number): void {
    for (const o of this.by.topicBytes) o.topicBytes!(session, topic, direction, bytes, records);
  }
  throttled(session: Session, direction: ByteDirection, limit: ByteLimitScope, topic: string | undefined, ms: number): void {
    for (const o of this.by.throttled) o.throttled!(session, direction, limit, topic, ms);
  }
}
