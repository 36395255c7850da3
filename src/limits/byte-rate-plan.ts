// Which byte rate applies where, from one virtual cluster's config: per topic (exact name, then the longest matching
// prefix, then the default), per principal (by name, then the default), and for the whole tenant. Each rate is
// divided by the number of gateway instances, since every instance enforces its own buckets.
import type { VirtualClusterLimits } from "../config/types.js";

/** Bytes per second for each direction; undefined is unlimited. */
export interface DirectionRates {
  readonly produce: number | undefined;
  readonly fetch: number | undefined;
}

type ConfiguredRates = { readonly produce?: number | null | undefined; readonly fetch?: number | null | undefined } | undefined;

export const UNLIMITED: DirectionRates = Object.freeze({ produce: undefined, fetch: undefined });

export class ByteRatePlan {
  readonly tenant: DirectionRates;
  /** False when no topic has a rate: the filter then skips topic lookups. */
  readonly hasTopicRates: boolean;
  readonly hasPrincipalRates: boolean;
  /** The tenant's rates the brokers enforce (tenantByteRate.pushDown), undivided; unlimited when not pushed down. */
  readonly pushedDown: DirectionRates;
  /** Every principal's rates, unless the config names it. */
  readonly principalDefault: DirectionRates;
  private readonly topicDefault: DirectionRates;
  private readonly topics: ReadonlyMap<string, DirectionRates>;
  /** Longest first, so the first match is the most specific. */
  private readonly prefixes: readonly (readonly [string, DirectionRates])[];
  private readonly principals: ReadonlyMap<string, DirectionRates>;

  constructor(limits: VirtualClusterLimits | undefined, instances = 1) {
    const share = (rate: number | null | undefined, divisor: number) => (rate === null || rate === undefined ? undefined : rate / divisor);
    // An override's missing direction falls back to `base`; null ("unlimited") lifts it.
    const rates = (configured: ConfiguredRates, base: DirectionRates = UNLIMITED, divisor = instances): DirectionRates => ({
      produce: configured?.produce === undefined ? base.produce : share(configured.produce, divisor),
      fetch: configured?.fetch === undefined ? base.fetch : share(configured.fetch, divisor),
    });
    // Pushed down, the tenant's rate is the brokers' to enforce (quota-push-down.ts), undivided.
    const pushedDown = limits?.tenantByteRate?.pushDown === true;
    this.tenant = pushedDown ? UNLIMITED : rates(limits?.tenantByteRate);
    this.pushedDown = pushedDown ? rates(limits?.tenantByteRate, UNLIMITED, 1) : UNLIMITED;
    const topics = limits?.topicByteRates;
    this.topicDefault = rates(topics?.default);
    this.topics = new Map(Object.entries(topics?.topics ?? {}).map(([name, r]) => [name, rates(r, this.topicDefault)]));
    this.prefixes = Object.entries(topics?.prefixes ?? {})
      .sort(([a], [b]) => b.length - a.length)
      .map(([prefix, r]) => [prefix, rates(r, this.topicDefault)] as const);
    const principals = limits?.principalByteRates;
    this.principalDefault = rates(principals?.default);
    this.principals = new Map(Object.entries(principals?.principals ?? {}).map(([name, r]) => [name, rates(r, this.principalDefault)]));
    this.hasTopicRates = limited(this.topicDefault) || [...this.topics.values(), ...this.prefixes.map(([, r]) => r)].some(limited);
    this.hasPrincipalRates = limited(this.principalDefault) || [...this.principals.values()].some(limited);
  }

  topic(name: string): DirectionRates {
    const exact = this.topics.get(name);
    if (exact !== undefined) return exact;
    for (const [prefix, rates] of this.prefixes) if (name.startsWith(prefix)) return rates;
    return this.topicDefault;
  }

  /** Whether the config names this topic (not only a prefix or the default): a bounded set, fit for metric labels. */
  names(topic: string): boolean {
    return this.topics.has(topic);
  }

  /** The topics and principals the config names, each with its own rates (for the admin API's usage). */
  namedTopics(): Iterable<string> {
    return this.topics.keys();
  }

  namedPrincipals(): Iterable<string> {
    return this.principals.keys();
  }

  /** The rates of topics the config doesn't name: the default, then each prefix's. */
  otherTopicRates(): DirectionRates[] {
    return [this.topicDefault, ...this.prefixes.map(([, r]) => r)];
  }

  principal(name: string): DirectionRates {
    return this.principals.get(name) ?? this.principalDefault;
  }
}

function limited(rates: DirectionRates): boolean {
  return rates.produce !== undefined || rates.fetch !== undefined;
}
