// Topic ids name topics without their (namespaced) names, so a tenant could otherwise reach another tenant's
// topic by its id. One map per physical cluster remembers which name each id stands for, learned from every
// response that carries both, and refreshed through the gateway's own Metadata request on a miss.
import { randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";

/** Kafka's zero uuid (Uuid.ZERO_UUID): "no topic id", used by requests that name topics by name. */
export const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";

export type TopicIdRefresh = () => Promise<Iterable<{ id: string; name: string }>>;

export interface TopicIdMapOptions {
  /** Misses within this long after a refresh use that refresh's answer (a client probing ids can't flood the broker). */
  minRefreshIntervalMs?: number;
  now?: () => number;
}

export class TopicIdMap {
  private readonly names: LRUCache<string, string>;
  // A foreign or unknown id is replaced upstream by a stand-in that exists nowhere, the same one every time
  // (incremental fetch sessions send an id once), and restored in responses.
  private readonly standIns: LRUCache<string, string>;
  private readonly originals: LRUCache<string, string>;
  private inFlight: Promise<void> | undefined;
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  private readonly minRefreshIntervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly refresh: TopicIdRefresh,
    capacity = 100_000,
    options: TopicIdMapOptions = {},
  ) {
    this.names = new LRUCache({ max: capacity });
    this.standIns = new LRUCache({ max: capacity });
    this.originals = new LRUCache({ max: capacity });
    this.minRefreshIntervalMs = options.minRefreshIntervalMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Remembers a pair seen upstream (physical name). The zero uuid is no id and is ignored. */
  learn(id: string, name: string): void {
    if (id !== ZERO_UUID && this.names.get(id) !== name) this.names.set(id, name);
  }

  /** The physical name of a known id (cache only). */
  nameOf(id: string): string | undefined {
    return this.names.get(id);
  }

  /**
   * The physical name of an id after a refresh (one shared by concurrent callers, reused within the minimum
   * refresh interval), even when the id is cached: a caller can answer a known id exactly as slowly as an
   * unknown one (no timing difference between another tenant's id and an id that doesn't exist).
   */
  async resolveFresh(id: string): Promise<string | undefined> {
    if (this.inFlight === undefined && this.now() - this.lastRefreshAt >= this.minRefreshIntervalMs) {
      this.inFlight = this.refreshNow().finally(() => {
        this.inFlight = undefined;
      });
    }
    if (this.inFlight !== undefined) await this.inFlight;
    return this.names.get(id);
  }

  /** The stand-in sent upstream for an id the tenant may not name: random, absent, stable per id. */
  standInFor(id: string): string {
    let standIn = this.standIns.get(id);
    if (standIn === undefined) {
      standIn = randomUuid();
      this.standIns.set(id, standIn);
      this.originals.set(standIn, id);
    }
    return standIn;
  }

  /** The client's id behind a stand-in, or undefined when `id` is no stand-in. */
  originalOf(id: string): string | undefined {
    return this.originals.get(id);
  }

  private async refreshNow(): Promise<void> {
    this.lastRefreshAt = this.now();
    try {
      for (const { id, name } of await this.refresh()) this.learn(id, name);
    } catch {
      // An unreachable cluster leaves the cache as it is: the id stays unknown and the broker answers for it.
    }
  }
}

/** A random version-4 uuid in Kafka's string form (22-char unpadded base64url). */
function randomUuid(): string {
  const bytes = randomBytes(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const text = bytes.toString("base64url");
  // Kafka never hands out ids starting with '-' (Uuid.randomUuid retries); stay in its range of ids.
  return text.startsWith("-") ? randomUuid() : text;
}
