// The response filters every listener runs, in order, sharing one decode per response.
import type { Logger } from "pino";
import type { BrokerAddressMap } from "../proxy/broker-address-map.js";
import type { ListenerEndpoint } from "../proxy/endpoint.js";
import { ApiVersionsFilter } from "./api-versions.js";
import { BrokerAddressFilter } from "./broker-addresses.js";
import { DecodingResponseFilter } from "./decoding-response-filter.js";
import type { ResponseFilter } from "./response-filter.js";

export function createResponseFilter(endpoint: ListenerEndpoint, addressMap: BrokerAddressMap, log: Logger): ResponseFilter {
  return new DecodingResponseFilter([new ApiVersionsFilter(), new BrokerAddressFilter(endpoint, addressMap, log)]);
}
