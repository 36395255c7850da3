// The filters every listener runs: response filters in order, sharing one decode per response; and the
// request filter (none yet: requests pass as their original bytes until tenancy plugs in here).
import type { Logger } from "pino";
import type { VirtualClusterConfig } from "../config/types.js";
import type { BrokerAddressMap } from "../proxy/broker-address-map.js";
import type { ListenerEndpoint } from "../proxy/endpoint.js";
import { ApiVersionsFilter } from "./api-versions.js";
import { BrokerAddressFilter } from "./broker-addresses.js";
import { DecodingResponseFilter } from "./decoding-response-filter.js";
import type { RequestFilter } from "./request-filter.js";
import type { ResponseFilter } from "./response-filter.js";

export function createResponseFilter(endpoint: ListenerEndpoint, addressMap: BrokerAddressMap, log: Logger): ResponseFilter {
  return new DecodingResponseFilter([new ApiVersionsFilter(), new BrokerAddressFilter(endpoint, addressMap, log)]);
}

/** HOOK (tenancy): return the tenant's request filter for this listener's virtual cluster. */
export function createRequestFilter(_virtualCluster: VirtualClusterConfig): RequestFilter | undefined {
  return undefined;
}
