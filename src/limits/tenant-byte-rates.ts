// The live byte-rate buckets of one virtual cluster: one for the tenant, one per principal, one per topic, each per
// direction. The runtime keeps one of these per virtual cluster across reloads and calls update(): every session's
// filter holds this same object, so new rates reach open connections at once. Buckets keep their balance (and debt)
// when their rate changes. Topic and principal buckets are made on first use and re-rated lazily after a reload.
import { LRUCache } from "lru-cache";
import type { VirtualClusterLimits } from "../config/types.js";
import type { ByteDirection, ByteLimitScope } from "../observe/observer.js";
import type { TopicIdMap } from "../tenancy/topic-ids.js";
import type { TenantNamespace } from "../tenancy/namespace.js";
import { ByteRatePlan, type DirectionRates } from "./byte-rate-plan.js";
import { TokenBucket } from "./token-bucket.js";

/** The buckets of one thing (tenant, principal or topic); undefined where that direction is unlimited. */
export class BucketPair {
  produce: TokenBucket | undefined = undefined;
  fetch: TokenBucket | undefined = undefined;
  /** The plan generation the rates were taken from. */
  generation = -1;

  constructor(
    /** The topic or principal name ("" for the tenant), for metrics. */
    readonly name: string,
  ) {}

  sync(rates: DirectionRates, generation: number, nowMs: number): this {
    this.produce = rebucket(this.produce, rates.produce, nowMs);
    this.fetch = rebucket(this.fetch, rates.fetch, nowMs);
    this.generation = generation;
    return this;
  }
}

/** How topic ids become the tenant's topic names (the tenancy context has both). */
export interface TopicNames {
  readonly topicIds: TopicIdMap;
  readonly ns: TenantNamespace;
}

/** Unauthenticated sessions share one principal, as Kafka's ANONYMOUS user. */
export const ANONYMOUS = "ANONYMOUS";
/** Enough for every real topic of a tenant; names a client makes up can't grow the map past it. */
const MAX_TOPICS = 10_000;
const NO_BUCKETS = new BucketPair("");

export class TenantByteRates {
  readonly tenant = new BucketPair("");
  private plan: ByteRatePlan;
  private generation = 0;
  private readonly principals = new Map<string, BucketPair>();
  private readonly topics = new LRUCache<string, BucketPair>({ max: MAX_TOPICS });
  /** Topic ids (Produce v13+, Fetch v13+) to the same pairs as their names. */
  private readonly topicIds = new LRUCache<string, BucketPair>({ max: MAX_TOPICS });

  constructor(
    limits: VirtualClusterLimits | undefined,
    instances: number,
    /** Resolves topic ids to the tenant's names; absent in tests that name topics only by name. */
    private names?: TopicNames,
    nowMs = performance.now(),
  ) {
    this.plan = new ByteRatePlan(limits, instances);
    this.tenant.sync(this.plan.tenant, this.generation, nowMs);
  }

  /** A reload: new rates for every bucket, kept balances. */
  update(limits: VirtualClusterLimits | undefined, instances: number, names?: TopicNames, nowMs = performance.now()): void {
    this.plan = new ByteRatePlan(limits, instances);
    // A new physical cluster or prefix: ids name other topics now.
    if (names?.topicIds !== this.names?.topicIds || names?.ns.prefix !== this.names?.ns.prefix) this.topicIds.clear();
    this.names = names;
    this.generation++;
    this.tenant.sync(this.plan.tenant, this.generation, nowMs);
    // Principals are few (configured users): re-rate now. Topics may be many: re-rated on next use.
    for (const pair of this.principals.values()) pair.sync(this.plan.principal(pair.name), this.generation, nowMs);
  }

  get hasTopicRates(): boolean {
    return this.plan.hasTopicRates;
  }

  principal(name: string | undefined, nowMs: number): BucketPair {
    if (!this.plan.hasPrincipalRates) return NO_BUCKETS;
    const key = name ?? ANONYMOUS;
    let pair = this.principals.get(key);
    if (pair === undefined) {
      pair = new BucketPair(key).sync(this.plan.principal(key), this.generation, nowMs);
      this.principals.set(key, pair);
    }
    return pair;
  }

  /** The buckets of a topic named by the tenant (without its prefix). */
  topic(name: string, nowMs: number): BucketPair {
    let pair = this.topics.get(name);
    if (pair === undefined) {
      pair = new BucketPair(name);
      this.topics.set(name, pair);
    }
    return pair.generation === this.generation ? pair : pair.sync(this.plan.topic(name), this.generation, nowMs);
  }

  /** The buckets of a topic named by its id; undefined while the id's name is not known yet. */
  topicById(id: string, nowMs: number): BucketPair | undefined {
    const known = this.topicIds.get(id);
    if (known !== undefined) return known.generation === this.generation ? known : this.topic(known.name, nowMs);
    const physical = this.names?.topicIds.nameOf(id);
    const name = physical === undefined ? undefined : this.names!.ns.strip(physical);
    if (name === undefined) return undefined;
    const pair = this.topic(name, nowMs);
    this.topicIds.set(id, pair);
    return pair;
  }

  /**
   * Every bucket's usage (1 = at the limit, above 1 = in debt), for the "near the limit" gauge, with its rate. Topics the
   * config names are reported by name; for all others, only the highest usage, as "__max" (topic names are unbounded).
   */
  forEachUsage(nowMs: number, report: UsageReport): void {
    pairUsage("tenant", this.tenant, nowMs, report);
    for (const pair of this.principals.values()) pairUsage("principal", pair, nowMs, report);
    const busiest = { produce: undefined as TokenBucket | undefined, fetch: undefined as TokenBucket | undefined };
    const usage = { produce: 0, fetch: 0 };
    for (const pair of this.topics.values()) {
      if (pair.generation !== this.generation) continue;
      if (this.plan.names(pair.name)) pairUsage("topic", pair, nowMs, report);
      else {
        for (const direction of DIRECTIONS) {
          const bucket = pair[direction];
          if (bucket === undefined) continue;
          const used = bucket.usage(nowMs);
          if (busiest[direction] === undefined || used > usage[direction]) [busiest[direction], usage[direction]] = [bucket, used];
        }
      }
    }
    for (const direction of DIRECTIONS) {
      const bucket = busiest[direction];
      if (bucket !== undefined) report("topic", MAX_TOPIC, direction, usage[direction], bucket.ratePerSecond);
    }
  }

  /**
   * Every configured byte rate with its usage, for the admin API: what forEachUsage reports, then 0 for the rates no
   * client has used yet, and the tenant rates the brokers enforce (pushed down), which have no usage here.
   */
  readings(nowMs: number): ByteRateReading[] {
    const out: ByteRateReading[] = [];
    const seen = new Set<string>();
    const shown = (name: string) => (name === "" || name === MAX_TOPIC ? null : name);
    this.forEachUsage(nowMs, (scope, name, direction, ratio, max) => {
      seen.add(`${scope}/${name}/${direction}`);
      out.push({ kind: "byteRate", scope, name: shown(name), direction, ratio, max, pushedDown: false });
    });
    const idle = (scope: ByteLimitScope, name: string, rates: DirectionRates) => {
      for (const direction of DIRECTIONS) {
        const max = rates[direction];
        const key = `${scope}/${name}/${direction}`;
        if (max === undefined || seen.has(key)) continue;
        seen.add(key);
        out.push({ kind: "byteRate", scope, name: shown(name), direction, ratio: 0, max, pushedDown: false });
      }
    };
    for (const name of this.plan.namedPrincipals()) idle("principal", name, this.plan.principal(name));
    if (this.principals.size === 0) idle("principal", "", this.plan.principalDefault);
    for (const name of this.plan.namedTopics()) idle("topic", name, this.plan.topic(name));
    for (const rates of this.plan.otherTopicRates()) idle("topic", MAX_TOPIC, rates);
    for (const direction of DIRECTIONS) {
      const max = this.plan.pushedDown[direction];
      if (max !== undefined) out.push({ kind: "byteRate", scope: "tenant", name: null, direction, ratio: null, max, pushedDown: true });
    }
    return out;
  }
}

/** A configured byte rate and its use, as GET …/usage answers it (src/control/schemas/usage.ts). */
export interface ByteRateReading {
  readonly kind: "byteRate";
  readonly scope: ByteLimitScope;
  /** The principal or topic; null: the tenant, the busiest topic the config doesn't name, or every principal. */
  readonly name: string | null;
  readonly direction: ByteDirection;
  /** As the gauge has it; null: pushed down to the brokers. */
  readonly ratio: number | null;
  /** Bytes per second this instance enforces (or, pushed down, the brokers). */
  readonly max: number;
  readonly pushedDown: boolean;
}

const DIRECTIONS = ["produce", "fetch"] as const;

/** The name under which the busiest topic not named in config reports its usage. */
export const MAX_TOPIC = "__max";

export type UsageReport = (scope: ByteLimitScope, name: string, direction: ByteDirection, usage: number, ratePerSecond: number) => void;

function pairUsage(scope: ByteLimitScope, pair: BucketPair, nowMs: number, report: UsageReport): void {
  for (const direction of DIRECTIONS) {
    const bucket = pair[direction];
    if (bucket !== undefined) report(scope, pair.name, direction, bucket.usage(nowMs), bucket.ratePerSecond);
  }
}

function rebucket(bucket: TokenBucket | undefined, rate: number | undefined, nowMs: number): TokenBucket | undefined {
  if (rate === undefined) return undefined;
  if (bucket === undefined) return new TokenBucket(rate, nowMs);
  bucket.setRate(rate, nowMs);
  return bucket;
}
