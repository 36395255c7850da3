// Tenancy on the response side: names stripped of the tenant prefix, whatever is not the tenant's dropped (listings,
// foreign topic ids), substituted topic ids restored, error messages scrubbed, topic ids learned. Runs in the shared
// decode (DecodingResponseFilter) before the broker-address rewrite.
import type { InFlightRequest } from "../proxy/in-flight.js";
import { rewriteResponse, wantsTenancy, type TenantContext } from "../tenancy/rewrite.js";
import type { ResponseMessageFilter } from "./message-filter.js";

export class TenancyResponseFilter implements ResponseMessageFilter {
  constructor(private readonly tenant: TenantContext) {}

  wants(apiKey: number, apiVersion: number): boolean {
    return wantsTenancy(apiKey, apiVersion).response;
  }

  apply(request: InFlightRequest, response: unknown): boolean {
    // Re-encoded unless the rewrite says it changed nothing (a rewrite that returns no answer changed something:
    // names are stripped in nearly every response that carries any).
    const changed: unknown = rewriteResponse(this.tenant, request.apiKey, request.apiVersion, response as object, request.state);
    return changed !== false;
  }
}
