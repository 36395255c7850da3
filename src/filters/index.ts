// The chain every session of a virtual cluster's listener runs, in order (requests top to bottom, responses bottom
// to top): certificate principal (mTLS) → authentication gate → API policy → ACL → limits → broker addresses → tenancy. The authentication, ACL
// and limits filters slot in where their issues land; a new concern is a file here and a line below.
import type { VersionRange } from "./filter.js";
import type { ListenerEndpoint } from "../session/endpoint.js";
import type { TenantContext } from "../tenancy/rewrite.js";
import type { BrokerAddressMap } from "../upstream/broker-address-map.js";
import type { Logger } from "pino";
import { ApiPolicyFilter } from "./api-policy.js";
import { AuthenticationFilter, SASL_ANSWERED, type AuthenticationOptions } from "./authentication.js";
import { BrokerAddressFilter } from "./broker-addresses.js";
import { CertificatePrincipalFilter, type CertificatePrincipalOptions } from "./certificate-principal.js";
import { FilterChain } from "./chain.js";
import type { Filter } from "./filter.js";
import { TenancyFilter } from "./tenancy.js";

export interface ChainContext {
  /** Set for SASL listeners: the authentication gate's options, less what the chain itself works out. */
  readonly authentication?: Omit<AuthenticationOptions, "forwardable" | "answered"> | undefined;
  /** Set for listeners that ask for client certificates (mTLS). */
  readonly certificatePrincipal?: CertificatePrincipalOptions | undefined;
  readonly endpoint: ListenerEndpoint;
  readonly addressMap: BrokerAddressMap;
  readonly tenant: TenantContext;
  /** What the virtual cluster may forward: api key → versions (its allowlist within the codec). */
  readonly forwardable: ReadonlyMap<number, VersionRange>;
  readonly log: Logger;
}

export function createFilterChain(ctx: ChainContext): FilterChain {
  // Filters that answer APIs themselves (SASL) go before the policy, which then offers them in ApiVersions.
  const answered = new Map<number, VersionRange>(ctx.authentication !== undefined ? SASL_ANSWERED : []);
  const answering: Filter[] = [];
  if (ctx.certificatePrincipal !== undefined) answering.push(new CertificatePrincipalFilter(ctx.certificatePrincipal));
  if (ctx.authentication !== undefined) answering.push(new AuthenticationFilter({ ...ctx.authentication, forwardable: ctx.forwardable, answered }));
  return new FilterChain([
    ...answering,
    new ApiPolicyFilter(ctx.forwardable, answered),
    new BrokerAddressFilter(ctx.endpoint, ctx.addressMap, ctx.log),
    new TenancyFilter(ctx.tenant),
  ]);
}
