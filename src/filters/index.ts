// The chain every session of a virtual cluster's listener runs, in order (requests top to bottom, responses bottom
// to top): authentication gate → API policy → ACL → limits → broker addresses → tenancy. The authentication, ACL
// and limits filters slot in where their issues land; a new concern is a file here and a line below.
import type { VersionRange } from "./filter.js";
import type { ListenerEndpoint } from "../session/endpoint.js";
import type { TenantContext } from "../tenancy/rewrite.js";
import type { BrokerAddressMap } from "../upstream/broker-address-map.js";
import type { Logger } from "pino";
import { ApiPolicyFilter } from "./api-policy.js";
import { BrokerAddressFilter } from "./broker-addresses.js";
import { FilterChain } from "./chain.js";
import type { Filter } from "./filter.js";
import { TenancyFilter } from "./tenancy.js";

export interface ChainContext {
  readonly endpoint: ListenerEndpoint;
  readonly addressMap: BrokerAddressMap;
  readonly tenant: TenantContext;
  /** What the virtual cluster may forward: api key → versions (its allowlist within the codec). */
  readonly forwardable: ReadonlyMap<number, VersionRange>;
  readonly log: Logger;
}

export function createFilterChain(ctx: ChainContext): FilterChain {
  // Filters that answer APIs themselves (SASL, next) go before the policy, which then offers them in ApiVersions.
  const answering: Filter[] = [];
  const answered = new Map<number, VersionRange>();
  for (const filter of answering) for (const [apiKey, range] of filter.answers ?? []) answered.set(apiKey, range);
  return new FilterChain([
    ...answering,
    new ApiPolicyFilter(ctx.forwardable, answered),
    new BrokerAddressFilter(ctx.endpoint, ctx.addressMap, ctx.log),
    new TenancyFilter(ctx.tenant),
  ]);
}
