// The authentication gate of a SASL listener: the gateway terminates SASL itself (SaslHandshake v1 then SaslAuthenticate
// v0-2, or the legacy SaslHandshake v0 then raw tokens), and a session reaches a broker only once it has a principal. Before that, ApiVersions is
// answered by the gateway (from the cluster's cached ranges) and anything else is refused with ILLEGAL_SASL_STATE
// where the API has an error code, then the connection closes. A failed authentication is answered after a delay
// (longer for an address that keeps failing), with a neutral message, and the connection closes. With a session
// lifetime (KIP-368), clients re-authenticate on the same connection; the principal may not change, and a session
// that outlives its lifetime is closed at its next request, as a broker does.
import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import type { AuthenticationConfig, SaslMechanism } from "../config/types.js";
import type { GatewayObserver } from "../observe/observer.js";
import { ErrorCode } from "../protocol/error-codes.js";
import { ApiKey } from "../protocol/messages/index.js";
import type { OAuthBearerVerifier } from "../security/oauthbearer.js";
import type { SaslExchange, SaslAuthenticator, SaslStep } from "../security/sasl-authenticator.js";
import type { Session } from "../session/session.js";
import { buildErrorResponse } from "../tenancy/error-response.js";
import { offeredApiVersions } from "./api-policy.js";
import { CONTINUE, Interest, isRequest, type Filter, type FilterRequest, type RawTokenVerdict, type RequestVerdict, type VersionRange } from "./filter.js";

/**
 * What the gateway serves of SASL: SaslHandshake v0-1 and every SaslAuthenticate. After a v0 handshake (clients older
 * than Kafka 1.0) the tokens come raw, framed by their length alone, until the exchange ends; with v1 they come in
 * SaslAuthenticate requests.
 */
export const SASL_ANSWERED: ReadonlyMap<number, VersionRange> = new Map([
  [ApiKey.SaslHandshake, { minVersion: 0, maxVersion: 1 }],
  [ApiKey.SaslAuthenticate, { minVersion: 0, maxVersion: 2 }],
]);

/** The answer every failed authentication gets: it never says whether the user exists. */
const FAILED_MESSAGE = "Authentication failed: invalid username or password";
/** Failures from one address in a row double the delay, up to this many times. */
const MAX_BACKOFF_DOUBLINGS = 6;
const MAX_FAILURE_DELAY_MS = 10_000;

interface AuthState {
  /** Who logged in (a re-authentication must be the same user). */
  user: string | undefined;
  /** Set by a successful handshake, cleared when its exchange ends. */
  mechanism: SaslMechanism | undefined;
  exchange: SaslExchange | undefined;
  authenticated: boolean;
  /** A v0 handshake: the exchange's tokens come raw (no SaslAuthenticate). */
  rawTokens: boolean;
  /** When the session must have re-authenticated by (ms since the epoch); Infinity without a lifetime. */
  expiresAt: number;
  /** OAUTHBEARER: the expiry of the token being checked. */
  tokenExpiresAt?: number | undefined;
  deadline: NodeJS.Timeout | undefined;
}

export interface AuthenticationOptions {
  readonly mechanisms: readonly SaslMechanism[];
  readonly authenticator: SaslAuthenticator;
  /** For OAUTHBEARER: the listener's token check. */
  readonly bearer?: OAuthBearerVerifier | undefined;
  readonly settings: AuthenticationConfig;
  /** The ranges a client may use, for the ApiVersions answer before authentication (the policy's own rule). */
  readonly forwardable: ReadonlyMap<number, VersionRange>;
  readonly answered: ReadonlyMap<number, VersionRange>;
  /** The physical cluster's ApiVersions (cached by its connector). */
  readonly brokerApiVersions: () => Promise<readonly { apiKey: number; minVersion: number; maxVersion: number }[]>;
  readonly observer: GatewayObserver;
  readonly log: Logger;
}

export class AuthenticationFilter implements Filter {
  readonly name = "authentication";
  readonly answers = SASL_ANSWERED;
  private readonly sessions = new WeakMap<Session, AuthState>();
  /** Failures in a row per client address (bounded: an attacker's many addresses can't grow it without limit). */
  private readonly failures = new LRUCache<string, number>({ max: 10_000 });

  constructor(private readonly options: AuthenticationOptions) {}

  sessionOpened(session: Session): void {
    const state: AuthState = { user: undefined, mechanism: undefined, exchange: undefined, authenticated: false, rawTokens: false, expiresAt: Infinity, deadline: undefined };
    state.deadline = setTimeout(() => {
      if (!state.authenticated) session.close("not authenticated in time");
    }, this.options.settings.timeoutMs);
    this.sessions.set(session, state);
  }

  sessionClosed(session: Session): void {
    clearTimeout(this.sessions.get(session)?.deadline);
    this.sessions.delete(session);
  }

  sessionReady(session: Session): boolean {
    return this.sessions.get(session)?.authenticated === true;
  }

  requestInterest(apiKey: number): Interest {
    return SASL_ANSWERED.has(apiKey) ? Interest.Message : Interest.Header;
  }

  onRequest(request: FilterRequest): RequestVerdict {
    const state = this.sessions.get(request.session);
    if (state === undefined) return { kind: "close", reason: "no authentication state for the session" };
    if (isRequest(request, "SaslHandshake")) return this.handshake(request, state);
    if (isRequest(request, "SaslAuthenticate")) return this.authenticate(request, state);
    if (!state.authenticated) return this.beforeAuthentication(request);
    if (Date.now() >= state.expiresAt) {
      this.options.observer.authentication?.(request.session, state.mechanism ?? "unknown", "expired");
      return { kind: "close", reason: "the session's lifetime ended without re-authentication" };
    }
    return CONTINUE;
  }

  private beforeAuthentication(request: FilterRequest): RequestVerdict {
    const { apiKey, apiVersion } = request;
    const range = this.options.forwardable.get(ApiKey.ApiVersions);
    if (apiKey === ApiKey.ApiVersions && range !== undefined && apiVersion >= range.minVersion && apiVersion <= range.maxVersion) {
      // No broker connection yet: the gateway answers from the cluster's ranges, by the policy's own rule.
      const verdict = this.options
        .brokerApiVersions()
        .then((broker): RequestVerdict => ({
          kind: "respond",
          message: { errorCode: 0, throttleTimeMs: 0, apiKeys: offeredApiVersions(broker, this.options.forwardable, this.options.answered) },
        }));
      return { kind: "pending", verdict };
    }
    if (apiKey === ApiKey.ApiVersions) return CONTINUE; // an unsupported version: the API policy answers Kafka's fallback
    const response = buildErrorResponse(apiKey, apiVersion, null, ErrorCode.ILLEGAL_SASL_STATE);
    const reason = "a request before authentication";
    const hasErrorCode = response !== undefined && Object.values(response).includes(ErrorCode.ILLEGAL_SASL_STATE);
    if (!hasErrorCode) return { kind: "close", reason, refusal: "unauthenticated" };
    return { kind: "respond", message: response, refusal: "unauthenticated", closeAfter: true };
  }

  private handshake(request: FilterRequest<{ mechanism: string }>, state: AuthState): RequestVerdict {
    const mechanisms = [...this.options.mechanisms];
    if (state.exchange !== undefined) return this.illegalState({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms });
    // Re-authentication (KIP-368) needs SaslAuthenticate v1's lifetime: the raw flow is for a first login only.
    if (request.apiVersion === 0 && state.authenticated) return this.illegalState({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms });
    const mechanism = mechanisms.find((m) => m === request.message.mechanism);
    if (mechanism === undefined) {
      this.options.observer.authentication?.(request.session, "unsupported", "failed");
      return { kind: "respond", message: { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms }, closeAfter: true };
    }
    const bearer = this.options.bearer;
    state.mechanism = mechanism;
    state.exchange =
      mechanism === "OAUTHBEARER"
        ? { step: (token) => (bearer === undefined ? { kind: "failed", reason: "no token verifier", user: undefined } : this.bearerStep(bearer, token, state)) }
        : this.options.authenticator.start(mechanism);
    state.rawTokens = request.apiVersion === 0;
    return { kind: "respond", message: { errorCode: 0, mechanisms } };
  }

  takesRawToken(session: Session): boolean {
    const state = this.sessions.get(session);
    return state !== undefined && state.rawTokens && state.exchange !== undefined;
  }

  /** A raw token of the v0 flow: a raw challenge or final token back; a failure closes (v0 has no error answer). */
  onRawToken(session: Session, token: Buffer): RawTokenVerdict | Promise<RawTokenVerdict> {
    const state = this.sessions.get(session)!;
    const mechanism = state.mechanism!;
    const answer = (step: SaslStep): RawTokenVerdict | Promise<RawTokenVerdict> => {
      if (step.kind === "challenge") return { kind: "reply", token: step.token };
      const outcome = this.finish(session, state, mechanism, step);
      if (outcome.ok) return { kind: "reply", token: outcome.token };
      return new Promise((resolve) => setTimeout(() => resolve({ kind: "close", reason: "authentication failed" }), outcome.delayMs));
    };
    const step = state.exchange!.step(token);
    return step instanceof Promise ? step.then(answer) : answer(step);
  }

  private authenticate(request: FilterRequest<{ authBytes: Buffer }>, state: AuthState): RequestVerdict {
    const empty = Buffer.alloc(0);
    const exchange = state.exchange;
    const mechanism = state.mechanism;
    if (exchange === undefined || mechanism === undefined) {
      return this.illegalState({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: "SaslAuthenticate before SaslHandshake", authBytes: empty, sessionLifetimeMs: 0n });
    }
    const step = exchange.step(request.message.authBytes);
    if (step instanceof Promise) return { kind: "pending", verdict: step.then((settled) => this.settle(request, state, mechanism, settled)) };
    return this.settle(request, state, mechanism, step);
  }

  /** OAUTHBEARER: the token is checked asynchronously (a JWKS may have to be fetched); its expiry bounds the session. */
  private async bearerStep(bearer: OAuthBearerVerifier, token: Buffer, state: AuthState): Promise<SaslStep> {
    const check = await bearer.check(token);
    if (check.kind === "failed") return { kind: "failed", reason: check.reason, user: undefined };
    if (!this.options.authenticator.hasUser(check.principal)) return { kind: "failed", reason: "the token's principal is not a user", user: check.principal };
    state.tokenExpiresAt = check.expiresAt;
    return { kind: "done", user: check.principal, token: Buffer.alloc(0) };
  }

  private settle(request: FilterRequest<{ authBytes: Buffer }>, state: AuthState, mechanism: SaslMechanism, step: SaslStep): RequestVerdict {
    if (step.kind === "challenge") return { kind: "respond", message: { errorCode: 0, errorMessage: null, authBytes: step.token, sessionLifetimeMs: 0n } };
    const outcome = this.finish(request.session, state, mechanism, step);
    if (outcome.ok) {
      // SaslAuthenticate v0 has no lifetime field: such a client can't re-authenticate and is closed at expiry.
      const sessionLifetimeMs = request.apiVersion >= 1 ? BigInt(outcome.lifetimeMs) : 0n;
      return { kind: "respond", message: { errorCode: 0, errorMessage: null, authBytes: outcome.token, sessionLifetimeMs } };
    }
    const message = { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: FAILED_MESSAGE, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0n };
    return { kind: "respond", message, delayMs: outcome.delayMs, refusal: "authentication_failed", closeAfter: true };
  }

  /** The end of an exchange, either flow: the session's principal and lifetime, or a failure and its delay. */
  private finish(
    session: Session,
    state: AuthState,
    mechanism: SaslMechanism,
    step: Exclude<SaslStep, { kind: "challenge" }>,
  ): { ok: true; token: Buffer; lifetimeMs: number } | { ok: false; delayMs: number } {
    state.exchange = undefined;
    state.rawTokens = false;
    if (step.kind === "done" && (state.user === undefined || state.user === step.user)) {
      // SASL's principal wins over a client certificate's (as in Kafka on SASL_SSL).
      state.user = step.user;
      session.principal = { type: "User", name: step.user };
      state.authenticated = true;
      session.authenticated(); // a shared listener's session joins its principal's virtual cluster before the report
      clearTimeout(state.deadline);
      this.failures.delete(session.remoteAddress);
      const now = Date.now();
      const configured = this.options.settings.sessionLifetimeMs;
      state.expiresAt = Math.min(configured > 0 ? now + configured : Infinity, state.tokenExpiresAt ?? Infinity);
      state.tokenExpiresAt = undefined;
      const lifetimeMs = state.expiresAt === Infinity ? 0 : Math.max(1, state.expiresAt - now);
      this.options.observer.authentication?.(session, mechanism, "ok");
      this.options.log.info({ session: session.id, principal: step.user, mechanism, virtualCluster: session.virtualCluster?.name }, "authenticated");
      return { ok: true, token: step.token, lifetimeMs };
    }
    const reason = step.kind === "done" ? "re-authentication changed the principal" : step.reason;
    this.options.observer.authentication?.(session, mechanism, "failed");
    this.options.log.info({ session: session.id, user: step.user, mechanism, reason, client: session.remote }, "authentication failed");
    return { ok: false, delayMs: this.failureDelay(session.remoteAddress) };
  }

  private illegalState(message: object): RequestVerdict {
    return { kind: "respond", message, refusal: "illegal_sasl_state", closeAfter: true };
  }

  /** Kafka's fixed delay, doubled for each failure in a row from the same address. */
  private failureDelay(address: string): number {
    const failures = (this.failures.get(address) ?? 0) + 1;
    this.failures.set(address, failures);
    const base = this.options.settings.failureDelayMs;
    return Math.min(base * 2 ** Math.min(failures - 1, MAX_BACKOFF_DOUBLINGS), Math.max(base, MAX_FAILURE_DELAY_MS));
  }
}
