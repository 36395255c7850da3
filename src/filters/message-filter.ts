// A filter that works on decoded responses. Several of them share one decode and one encode per
// response (DecodingResponseFilter), and a response none of them wants is never decoded.
import type { InFlightRequest } from "../proxy/in-flight.js";

export interface ResponseMessageFilter {
  /** Whether this filter needs the response to (apiKey, apiVersion); asked once per request. */
  wants(apiKey: number, apiVersion: number): boolean;
  /** Changes the decoded response in place; returns true when it changed anything. */
  apply(request: InFlightRequest, response: unknown): boolean;
}
