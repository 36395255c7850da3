// The filter API: what a filter declares, what it is given, and what it may answer. Every concern on the data path
// (authentication, API policy, ACLs, limits, tenancy, broker addresses) is one Filter in one FilterChain per session.
// A filter sees the Session and typed, decoded messages; never a socket, never bytes it did not ask for.
import type { RequestHeader } from "../protocol/headers.js";
import type { ApiDescriptor } from "../protocol/api-descriptor.js";
import type { ProduceResponseEdit } from "../protocol/produce-response-splice.js";
import { APIS } from "../protocol/messages/index.js";
import type { Session } from "../session/session.js";

/** Kafka API names, as the generated codec spells them ("Produce", "Fetch", ...). */
export type ApiName = keyof typeof APIS;
export type RequestOf<N extends ApiName> = (typeof APIS)[N] extends ApiDescriptor<infer Req, object> ? Req : never;
export type ResponseOf<N extends ApiName> = (typeof APIS)[N] extends ApiDescriptor<object, infer Res> ? Res : never;

/** How much of a request a filter needs: none (not called), the header (key, version, client id), or the message too. */
export const Interest = { None: 0, Header: 1, Message: 2 } as const;
export type Interest = (typeof Interest)[keyof typeof Interest];

/** One request on its way through the chain. The same object is handed to every filter that wants it. */
export interface FilterRequest<M extends object = object> {
  readonly session: Session;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** Decoded once; a filter that changes it (e.g. the client id) sets headerChanged. */
  readonly header: RequestHeader;
  /** The decoded message: present for filters that declared Interest.Message for this API version. */
  readonly message: M;
  headerChanged: boolean;
  /** A filter that changed the message in place sets this; the chain then encodes it once, after every filter. */
  messageChanged: boolean;
}

/** One decoded response, handed to every filter that wants it. */
export interface FilterResponse<M extends object = object> {
  readonly session: Session;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly message: M;
  /** What this filter kept from the request (a `continue` verdict's state); undefined if nothing. */
  readonly state: unknown;
}

/**
 * A Produce response on the splice path (src/protocol/produce-response-splice.ts): what filters may read and change
 * without the response being decoded. The chain splices the edit into the original bytes.
 */
export interface ProduceResponseView extends ProduceResponseEdit {
  readonly session: Session;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** What this filter kept from the request (a `continue` verdict's state); undefined if nothing. */
  readonly state: unknown;
}

/** Narrows a request to one API's generated message type. */
export function isRequest<N extends ApiName>(request: FilterRequest, name: N): request is FilterRequest<RequestOf<N>> {
  return request.apiKey === APIS[name].apiKey;
}

/** Narrows a response to one API's generated message type. */
export function isResponse<N extends ApiName>(response: FilterResponse, name: N): response is FilterResponse<ResponseOf<N>> {
  return response.apiKey === APIS[name].apiKey;
}

export type RequestVerdict =
  /** Go on to the next filter (and, after the last, to the broker). `state` comes back with the response. */
  | { readonly kind: "continue"; readonly state?: unknown }
  /**
   * Answer from the gateway; the broker never sees the request. `message` is a response of the request's API,
   * encoded at `version` (default: the request's). `delayMs` holds the answer back (this connection's later requests
   * wait behind it). `refusal` marks a refusal, counted by reason ("denied", "unsupported_version", ...).
   */
  | {
      readonly kind: "respond";
      readonly message: object;
      readonly version?: number;
      readonly delayMs?: number;
      readonly refusal?: string;
      /** Close the connection once this answer has gone out (e.g. a failed authentication). */
      readonly closeAfter?: boolean;
    }
  /** Close the connection; `reason` is logged. With `refusal`, counted as a refused request. */
  | { readonly kind: "close"; readonly reason: string; readonly refusal?: string }
  /**
   * Decided later (a lookup): this request and every later one of the connection wait, in order, and the client is
   * not read meanwhile. The rare case: the common verdicts are synchronous.
   */
  | { readonly kind: "pending"; readonly verdict: Promise<RequestVerdict> };

/** The answer to a raw SASL token: a raw token back, or close the connection. */
export type RawTokenVerdict = { readonly kind: "reply"; readonly token: Buffer } | { readonly kind: "close"; readonly reason: string };

export const CONTINUE: RequestVerdict = Object.freeze({ kind: "continue" });

export interface VersionRange {
  readonly minVersion: number;
  readonly maxVersion: number;
}

export interface Filter {
  /** Short and stable: used in logs and in the chain's description. */
  readonly name: string;
  /** How much of requests of this API version the filter needs. Asked once per (key, version) per chain. */
  requestInterest?(apiKey: number, apiVersion: number): Interest;
  onRequest?(request: FilterRequest): RequestVerdict;
  /** Whether the filter needs the decoded response of this API version. Asked once per (key, version) per chain. */
  wantsResponse?(apiKey: number, apiVersion: number): boolean;
  /** Changes the decoded response in place; returns true when it changed anything (the chain encodes only then). */
  onResponse?(response: FilterResponse): boolean;
  /**
   * Produce responses: what onResponse would do, said on the narrow view, so the chain can splice it into the bytes
   * instead of decoding. False when this response needs onResponse. Free of side effects: the chain may still fall
   * back to decoding and call onResponse after it.
   */
  onProduceResponseView?(view: ProduceResponseView): boolean;
  /** APIs the filter answers itself whatever the broker offers (e.g. SASL): ApiVersions advertises them. */
  readonly answers?: ReadonlyMap<number, VersionRange>;
  /**
   * Legacy SASL (after a SaslHandshake v0): true while the session's next frame is a raw SASL token, with no Kafka
   * request header; the chain then hands it to onRawToken instead of reading it as a request.
   */
  takesRawToken?(session: Session): boolean;
  onRawToken?(session: Session, token: Buffer): RawTokenVerdict | Promise<RawTokenVerdict>;
  /** False while the session may not reach a broker yet (e.g. before authentication). Default: ready. */
  sessionReady?(session: Session): boolean;
  /** A connection was accepted (before any byte is read): e.g. start an authentication deadline. */
  sessionOpened?(session: Session): void;
  /** The connection closed: drop what the filter kept for the session. */
  sessionClosed?(session: Session): void;
}
