// The filters every listener runs: response filters in order, sharing one decode per response
// (tenancy before the broker-address rewrite, as DESIGN.md's pipeline has it); and the request
// filter, the tenant's allowlist and namespace.
import type { Logger } from "pino";
import type { BrokerAddressMap } from "../proxy/broker-address-map.js";
import type { ListenerEndpoint } from "../proxy/endpoint.js";
import { TENANT_VERSION_RANGES } from "../tenancy/api-policy.js";
import type { TenantContext } from "../tenancy/rewrite.js";
import { ApiVersionsFilter } from "./api-versions.js";
import { BrokerAddressFilter } from "./broker-addresses.js";
import { DecodingResponseFilter } from "./decoding-response-filter.js";
import type { RequestFilter } from "./request-filter.js";
import type { ResponseFilter } from "./response-filter.js";
import { TenancyRequestFilter } from "./tenancy-request.js";
import { TenancyResponseFilter } from "./tenancy-response.js";

export function createResponseFilter(
  endpoint: ListenerEndpoint,
  addressMap: BrokerAddressMap,
  tenant: TenantContext,
  log: Logger,
): ResponseFilter {
  return new DecodingResponseFilter([
    new ApiVersionsFilter(TENANT_VERSION_RANGES),
    new TenancyResponseFilter(tenant),
    new BrokerAddressFilter(endpoint, addressMap, log),
  ]);
}

/** The tenant's request filter: default deny, client id, namespace (one per virtual cluster listener). */
export function createRequestFilter(tenant: TenantContext, log: Logger): RequestFilter {
  return new TenancyRequestFilter(tenant, log);
}
