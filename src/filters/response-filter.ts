// The hook the data plane calls for responses. A filter says up front, per request, whether it needs
// the response at all, so every other response passes through with only its header peeked.
import type { Frame } from "../protocol/frame-splitter.js";
import type { InFlightRequest } from "../proxy/in-flight.js";

export interface ResponseFilter {
  /** Decided once per request, when it is forwarded. */
  wantsResponse(apiKey: number, apiVersion: number): boolean;
  /**
   * The response's new body (response header + message, no size prefix) as chunks, or undefined to
   * forward the original frame unchanged. Throws ProtocolError on a response it can't decode.
   */
  onResponse(request: InFlightRequest, frame: Frame): Buffer[] | undefined;
}
