// A virtual cluster's authorizer, with Kafka's semantics: super-users bypass the rules; a deny that applies wins over
// any allow; an allow for READ, WRITE, DELETE or ALTER also allows DESCRIBE, ALTER_CONFIGS allows DESCRIBE_CONFIGS;
// a resource that no rule names is denied unless allowIfNoAclFound. Without an `acls` section everything is allowed
// (what a virtual cluster did before ACLs existed). One instance per virtual cluster lives as long as the runtime:
// update() swaps its rules on reload, so open sessions see the new rules at once, and forgets every cached decision.
import { LRUCache } from "lru-cache";
import { concreteOperations, implies, Operation, PatternType, Permission, WILDCARD, type ResourceType } from "./operations.js";
import { ruleApplies, type AclRule, type AclSettings, type Requester } from "./rule.js";

/** Principals (with their client address) whose decisions are kept. */
const CACHED_PRINCIPALS = 10_000;
/** Decisions kept per principal and (resource type, operation): past this many names the map starts over. */
const CACHED_NAMES = 1_000;

/**
 * One principal's decisions, by (resource type, operation), then name. Reached from the session's Requester without
 * building a key: the hot path looks up two numbers-and-name maps, nothing else.
 */
interface Decisions {
  readonly generation: number;
  readonly byOperation: Map<number, Map<string, boolean>>;
}

/** One resource type's rules, indexed by how they match a name. */
class TypeIndex {
  readonly literal = new Map<string, AclRule[]>();
  readonly wildcard: AclRule[] = [];
  readonly prefixed = new Map<string, AclRule[]>();
  /** The distinct prefix lengths, so a name is looked up once per length rather than once per rule. */
  prefixLengths: number[] = [];
  count = 0;

  add(rule: AclRule): void {
    this.count++;
    if (rule.patternType === PatternType.Prefixed) {
      push(this.prefixed, rule.name, rule);
      if (!this.prefixLengths.includes(rule.name.length)) this.prefixLengths.push(rule.name.length);
    } else if (rule.name === WILDCARD) this.wildcard.push(rule);
    else push(this.literal, rule.name, rule);
  }

  /** Every rule whose pattern matches `name`, whoever it is for. */
  matching(name: string): AclRule[] {
    const out = [...(this.literal.get(name) ?? []), ...this.wildcard];
    for (const length of this.prefixLengths) {
      if (length <= name.length) out.push(...(this.prefixed.get(name.slice(0, length)) ?? []));
    }
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

export class Authorizer {
  private settings: AclSettings | undefined;
  private readonly index = new Map<ResourceType, TypeIndex>();
  private superUsers: ReadonlySet<string> = new Set();
  /** Bumped by update(): decisions of an older generation are never used. */
  private generation = 0;
  private readonly principals = new LRUCache<string, Decisions>({ max: CACHED_PRINCIPALS });
  private readonly bySession = new WeakMap<Requester, Decisions>();

  constructor(settings: AclSettings | undefined) {
    this.update(settings);
  }

  /** False without an `acls` section: every request is allowed and nothing is checked. */
  get enabled(): boolean {
    return this.settings !== undefined;
  }

  get rules(): readonly AclRule[] {
    return this.settings?.rules ?? [];
  }

  update(settings: AclSettings | undefined): void {
    this.settings = settings;
    this.index.clear();
    this.generation++;
    this.principals.clear();
    this.superUsers = new Set(settings?.superUsers ?? []);
    for (const rule of settings?.rules ?? []) {
      let typeIndex = this.index.get(rule.resourceType);
      if (typeIndex === undefined) this.index.set(rule.resourceType, (typeIndex = new TypeIndex()));
      typeIndex.add(rule);
    }
  }

  isSuperUser(who: Requester): boolean {
    return this.superUsers.has(who.principal);
  }

  /** May `who` perform `operation` on the named resource? */
  authorize(who: Requester, operation: Operation, type: ResourceType, name: string): boolean {
    if (this.settings === undefined || this.superUsers.has(who.principal)) return true;
    const decisions = this.decisionsOf(who);
    const slot = type * 16 + operation;
    let names = decisions.byOperation.get(slot);
    if (names === undefined) decisions.byOperation.set(slot, (names = new Map()));
    const known = names.get(name);
    if (known !== undefined) return known;
    const allowed = this.decide(this.settings, who, operation, type, name);
    // A client naming ever more resources (a scan) must not grow the map without bound; the principals are an LRU.
    if (names.size >= CACHED_NAMES) names.clear();
    names.set(name, allowed);
    return allowed;
  }

  /** The principal's decisions, shared by its sessions (by principal and client address), of this generation. */
  private decisionsOf(who: Requester): Decisions {
    const mine = this.bySession.get(who);
    if (mine !== undefined && mine.generation === this.generation) return mine;
    const key = `${who.principal}\n${who.host}`;
    let decisions = this.principals.get(key);
    if (decisions === undefined) this.principals.set(key, (decisions = { generation: this.generation, byOperation: new Map() }));
    this.bySession.set(who, decisions);
    return decisions;
  }

  private decide(settings: AclSettings, who: Requester, operation: Operation, type: ResourceType, name: string): boolean {
    const matching = this.index.get(type)?.matching(name) ?? [];
    if (matching.length === 0) return settings.allowIfNoAclFound;
    let allowed = false;
    for (const rule of matching) {
      if (!ruleApplies(rule, who)) continue;
      if (rule.permission === Permission.Deny) {
        if (rule.operation === operation || rule.operation === Operation.All) return false;
      } else if (implies(rule.operation, operation)) allowed = true;
    }
    return allowed;
  }

  /**
   * May `who` perform `operation` on some resource of the type (Kafka's authorizeByResourceType, used for an
   * idempotent producer's WRITE on any topic): some allow that applies and that no applicable deny covers.
   */
  authorizeAny(who: Requester, operation: Operation, type: ResourceType): boolean {
    if (this.settings === undefined || this.superUsers.has(who.principal)) return true;
    const typeIndex = this.index.get(type);
    if (typeIndex === undefined) return this.settings.allowIfNoAclFound;
    const all = [...typeIndex.literal.values(), typeIndex.wildcard, ...typeIndex.prefixed.values()].flat().filter((r) => ruleApplies(r, who));
    const denies = all.filter((r) => r.permission === Permission.Deny && (r.operation === operation || r.operation === Operation.All));
    if (denies.some((d) => d.name === WILDCARD && d.patternType === PatternType.Literal)) return false;
    const deniedBy = (allow: AclRule) =>
      denies.some((d) =>
        d.patternType === PatternType.Prefixed ? allow.name.startsWith(d.name) : allow.patternType === PatternType.Literal && d.name === allow.name,
      );
    return all.some((r) => r.permission === Permission.Allow && implies(r.operation, operation) && !deniedBy(r));
  }

  /** Kafka's `authorizedOperations` bit field for one resource: bit N set when operation code N is allowed. */
  authorizedOperations(who: Requester, type: ResourceType, name: string): number {
    let bits = 0;
    for (const operation of concreteOperations(type)) if (this.authorize(who, operation, type, name)) bits |= 1 << operation;
    return bits;
  }
}
