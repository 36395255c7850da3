// The event log: per virtual cluster, the exceptional events a platform team looks at when troubleshooting
// (authentication failures, throttling, refused requests, upstream brokers unreachable, rejected configs). It is an
// observer of the data plane. Repeats of one event within a flush interval are one event with a count (an episode),
// so a throttled client adds one line per interval, not one per request. Bounded in memory (`keep` per virtual
// cluster) and on disk (`<stateDir>/events/<virtual cluster>.jsonl`, rewritten from memory once it holds 2 × keep).
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { AuthenticationOutcome, ByteDirection, ByteLimitScope, GatewayObserver, ObservedRequest } from "../observe/observer.js";
import { API_BY_KEY } from "../protocol/messages/index.js";
import { EVENT_TYPES } from "./schemas/events.js";
import type { Session } from "../session/session.js";

export { EVENT_TYPES };
export type EventType = (typeof EVENT_TYPES)[number];

/** Events about the whole gateway (a rejected config) are kept under this name. */
export const GATEWAY_EVENTS = "_gateway";

export interface GatewayEvent {
  /** When it first happened (ISO). */
  readonly at: string;
  /** Absent for gateway-wide events. */
  readonly virtualCluster?: string | undefined;
  readonly type: EventType;
  readonly message: string;
  /** How often it happened in this episode; `lastAt` is the latest. */
  count: number;
  lastAt: string;
}

export interface EventFilter {
  /** Only these virtual clusters' events (a scoped token's one); undefined: all, gateway-wide ones included. */
  readonly virtualClusters?: readonly string[] | undefined;
  readonly type?: EventType | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly limit: number;
}

const FLUSH_INTERVAL_MS = 5_000;

interface Stream {
  readonly events: GatewayEvent[];
  /** Events not yet on disk. */
  pending: GatewayEvent[];
  linesOnDisk: number;
}

export class EventLog implements GatewayObserver {
  private readonly streams = new Map<string, Stream>();
  /** The open episode of each (stream, type, message), until the next flush. */
  private readonly open = new Map<string, GatewayEvent>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly keep: number,
    /** The virtual clusters on a physical cluster (upstream errors are reported per physical cluster). */
    private readonly tenantsOf: (cluster: string) => readonly string[],
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  record(virtualCluster: string | undefined, type: EventType, message: string): void {
    const key = `${virtualCluster ?? GATEWAY_EVENTS}\0${type}\0${message}`;
    const now = new Date().toISOString();
    const episode = this.open.get(key);
    if (episode !== undefined) {
      episode.count++;
      episode.lastAt = now;
      return;
    }
    const event: GatewayEvent = { at: now, virtualCluster, type, message, count: 1, lastAt: now };
    this.open.set(key, event);
    const stream = this.stream(virtualCluster ?? GATEWAY_EVENTS);
    stream.events.push(event);
    if (stream.events.length > this.keep) stream.events.splice(0, stream.events.length - this.keep);
    stream.pending.push(event);
  }

  /** Matching events, oldest first, the newest `limit` of them. */
  read(filter: EventFilter): GatewayEvent[] {
    const names = filter.virtualClusters ?? [...this.streams.keys()];
    return names
      .flatMap((name) => this.streams.get(name)?.events ?? [])
      .filter((e) => (filter.type === undefined || e.type === filter.type) && (filter.since === undefined || e.lastAt >= filter.since) && (filter.until === undefined || e.at <= filter.until))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
      .slice(-filter.limit);
  }

  /** Writes what is pending; the next occurrence of an event starts a new episode. */
  flush(): Promise<void> {
    this.open.clear();
    this.flushing = this.flushing.then(() => this.writePending()).catch((err: unknown) => this.log.warn({ err }, "could not write the event log"));
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async writePending(): Promise<void> {
    for (const [name, stream] of this.streams) {
      if (stream.pending.length === 0) continue;
      const pending = stream.pending;
      stream.pending = [];
      await mkdir(this.dir, { recursive: true });
      const file = join(this.dir, `${name}.jsonl`);
      const lines = (events: GatewayEvent[]) => events.map((e) => `${JSON.stringify(e)}\n`).join("");
      if (stream.linesOnDisk + pending.length > 2 * this.keep) {
        await writeFile(file, lines(stream.events), { mode: 0o600 });
        stream.linesOnDisk = stream.events.length;
      } else {
        await appendFile(file, lines(pending), { mode: 0o600 });
        stream.linesOnDisk += pending.length;
      }
    }
  }

  private stream(name: string): Stream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = { events: [], pending: [], linesOnDisk: 0 };
      this.streams.set(name, stream);
    }
    return stream;
  }

  // The data plane's events.
  authentication(session: Session, mechanism: string, outcome: AuthenticationOutcome): void {
    if (outcome !== "ok") this.record(session.virtualCluster?.name ?? session.endpoint.virtualCluster, "authentication_failed", `${mechanism} authentication ${outcome} from ${session.remoteAddress}`);
  }
  throttled(session: Session, direction: ByteDirection, limit: ByteLimitScope, topic: string | undefined, _ms: number): void {
    this.record(session.endpoint.virtualCluster, "throttled", `${direction} throttled by the ${limit} byte rate${topic === undefined ? "" : ` of topic ${topic}`}`);
  }
  requestAnswered(session: Session, request: ObservedRequest, refusal: string | undefined): void {
    if (refusal !== undefined) this.record(session.endpoint.virtualCluster, "refused", `${apiName(request.apiKey)} refused (${refusal})`);
  }
  requestClosed(session: Session, request: ObservedRequest, reason: string, refusal: string | undefined): void {
    if (refusal !== undefined) this.record(session.endpoint.virtualCluster, "refused", `${apiName(request.apiKey)} refused (${refusal}), connection closed: ${reason}`);
  }
  authorizationDenied(session: Session, api: string, resourceType: string): void {
    this.record(session.endpoint.virtualCluster, "refused", `${api} denied by an ACL on a ${resourceType}`);
  }
  capRefused(virtualCluster: string, cap: string): void {
    this.record(virtualCluster, "refused", `refused at the ${cap} cap`);
  }
  upstreamError(cluster: string, reason: string): void {
    for (const vc of this.tenantsOf(cluster)) this.record(vc, "upstream_unreachable", `physical cluster ${cluster}: ${reason}`);
  }
}

function apiName(apiKey: number): string {
  return API_BY_KEY.get(apiKey)?.name ?? `api key ${apiKey}`;
}
