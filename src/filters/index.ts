// The chain every session of a virtual cluster's listener runs, in order (requests top to bottom, responses bottom
// to top): certificate principal (mTLS) → authentication gate → API policy → ACL → limits → broker addresses →
// tenancy. A new concern is a file here and a line below. A shared listener builds its identity filters once and runs
// them alone (with the API policy) until the principal picks the virtual cluster whose chain takes the session over.
import type { VersionRange } from "./filter.js";
import type { ListenerEndpoint } from "../session/endpoint.js";
import type { TenantContext } from "../tenancy/rewrite.js";
import type { BrokerAddressMap } from "../upstream/broker-address-map.js";
import type { Logger } from "pino";
import type { TenantByteRates } from "../limits/tenant-byte-rates.js";
import type { TenantCaps } from "../limits/tenant-caps.js";
import type { GatewayObserver } from "../observe/observer.js";
import type { Authorizer } from "../acl/authorizer.js";
import { AclFilter } from "./acl.js";
import { ApiPolicyFilter } from "./api-policy.js";
import { AuthenticationFilter, SASL_ANSWERED, type AuthenticationOptions } from "./authentication.js";
import { BrokerAddressFilter } from "./broker-addresses.js";
import { CapsFilter } from "./caps.js";
import { CertificatePrincipalFilter, type CertificatePrincipalOptions } from "./certificate-principal.js";
import { FilterChain } from "./chain.js";
import { ByteRateFilter } from "./quotas.js";
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
  /** The virtual cluster's live byte-rate buckets (the same object across reloads) and where throttling is reported. */
  readonly byteRates?: { readonly rates: TenantByteRates; readonly observer: GatewayObserver } | undefined;
  /** The virtual cluster's live caps (the same object across reloads): request rate, topics, partitions, disk. */
  readonly caps?: TenantCaps | undefined;
  /** The virtual cluster's authorizer (the same object across reloads; without `acls` in config it allows everything). */
  readonly acl?: { readonly authorizer: Authorizer; readonly observer: GatewayObserver } | undefined;
  readonly log: Logger;
  /**
   * A shared listener's identity filters (identityFilters), instead of `certificatePrincipal` and `authentication`: the
   * same instances in its pre-authentication chain and in each virtual cluster's, so the hand-over keeps their state.
   */
  readonly identity?: readonly Filter[] | undefined;
}

export function createFilterChain(ctx: ChainContext): FilterChain {
  // Filters that answer APIs themselves (SASL) go before the policy, which then offers them in ApiVersions.
  const answered = new Map<number, VersionRange>(ctx.identity?.flatMap((f) => [...(f.answers ?? [])]) ?? (ctx.authentication !== undefined ? SASL_ANSWERED : []));
  // The ACL filter answers DescribeAcls from the virtual cluster's rules; it sits after the policy, which lets it by.
  const acl = ctx.acl === undefined ? undefined : new AclFilter({ ...ctx.acl, tenant: ctx.tenant, log: ctx.log });
  for (const [apiKey, range] of acl?.answers ?? []) answered.set(apiKey, range);
  return new FilterChain([
    ...(ctx.identity ?? identityFilters(ctx, answered)),
    new ApiPolicyFilter(ctx.forwardable, answered),
    ...(acl !== undefined ? [acl] : []),
    // limits: caps first, so a refused request takes no bytes from a bucket
    ...(ctx.caps !== undefined ? [new CapsFilter(ctx.caps)] : []),
    ...(ctx.byteRates !== undefined ? [new ByteRateFilter(ctx.byteRates.rates, ctx.byteRates.observer)] : []),
    new BrokerAddressFilter(ctx.endpoint, ctx.addressMap, ctx.log),
    new TenancyFilter(ctx.tenant),
  ]);
}

/**
 * Who the client is: the client certificate's principal (mTLS), then the SASL gate. `answered` is what the chain
 * answers itself, offered in the ApiVersions the gate answers before authentication.
 */
export function identityFilters(
  ctx: Pick<ChainContext, "certificatePrincipal" | "authentication" | "forwardable">,
  answered: ReadonlyMap<number, VersionRange>,
): Filter[] {
  const filters: Filter[] = [];
  if (ctx.certificatePrincipal !== undefined) filters.push(new CertificatePrincipalFilter(ctx.certificatePrincipal));
  if (ctx.authentication !== undefined) filters.push(new AuthenticationFilter({ ...ctx.authentication, forwardable: ctx.forwardable, answered }));
  return filters;
}

/**
 * A shared listener's chain before authentication: its identity filters, then the API policy every virtual cluster it
 * serves agrees on. Nothing is forwarded from it: the session is handed over to its virtual cluster's chain first.
 */
export function createPreAuthenticationChain(identity: readonly Filter[], forwardable: ReadonlyMap<number, VersionRange>, answered: ReadonlyMap<number, VersionRange>): FilterChain {
  return new FilterChain([...identity, new ApiPolicyFilter(forwardable, answered)]);
}
