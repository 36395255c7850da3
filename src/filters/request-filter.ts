// The hook the data plane calls for requests (tenancy rewriting, allowlists, ACLs plug in here).
// A filter says up front, per api key/version, whether it needs the request; every other request is
// forwarded as its original bytes.
import type { Frame } from "../protocol/frame-splitter.js";

export interface RequestKey {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
}

/** What to do with a request the filter looked at. */
export type RequestVerdict =
  /**
   * Send upstream: `forward` (request header + message, no size prefix) replaces the original, or undefined keeps it.
   * `state` travels with the request (InFlightRequest.state) to the response filters.
   */
  | { readonly forward: Buffer[] | undefined; readonly state?: unknown }
  /** Answer from the gateway without asking the broker: a response body (response header + message). */
  | { readonly respond: Buffer[] }
  /** Close the connection (e.g. a denied acks=0 Produce, which can't be answered): `reason` is logged. */
  | { readonly close: string }
  /**
   * Decided later (e.g. once a topic id lookup is back): this request and every later one of the connection wait,
   * in order, and the client is not read meanwhile. The rare case: the common verdicts are synchronous.
   */
  | { readonly pending: Promise<RequestVerdict> };

export const FORWARD_UNCHANGED: RequestVerdict = Object.freeze({ forward: undefined });

export interface RequestFilter {
  /** Decided per request from its header alone. */
  wantsRequest(apiKey: number, apiVersion: number): boolean;
  /** Throws ProtocolError on a request it can't decode (the connection is then closed). */
  onRequest(key: RequestKey, frame: Frame): RequestVerdict;
}
