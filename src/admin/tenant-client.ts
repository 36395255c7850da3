// A client of one virtual cluster inside the gateway, for the control plane's topic, group and message operations.
// It sends each request the way a tenant's client connection would: through the virtual cluster's own filter chain
// (API policy, ACL, caps, byte rates, broker addresses, tenancy; no authentication filters), in the tenant's own
// names, as a session whose principal the caller names. What the chain forwards goes upstream on connections from
// the physical cluster's connector (one per broker, opened on first use); responses are paired by correlation id and
// run back through the chain; a gateway answer (a denial) comes back the same way. So an operation a tenant's client
// would be refused is refused here with the same Kafka error.
import type net from "node:net";
import { LRUCache } from "lru-cache";
import type { ApiName, RequestOf, ResponseOf } from "../filters/filter.js";
import type { ChainedRequest, FilterChain, RequestSink } from "../filters/chain.js";
import { peekInt32 } from "../protocol/frame-peek.js";
import { FrameSplitter, type Frame } from "../protocol/frame-splitter.js";
import { byteLength, writeFrame } from "../protocol/frame-write.js";
import { decodeResponseHeader, encodeRequestHeader, responseHeaderVersion } from "../protocol/headers.js";
import { APIS } from "../protocol/messages/index.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";
import type { ListenerEndpoint } from "../session/endpoint.js";
import { Session, type Principal, type SessionTarget, type SessionVirtualCluster } from "../session/session.js";
import type { UpstreamConnector } from "../upstream/connector.js";
import { AdminError } from "./admin-error.js";

/** Names the control plane's requests in broker logs and in the chain's client id. */
export const ADMIN_CLIENT_ID = "bulkhead-admin";
export const DEFAULT_ADMIN_TIMEOUT_MS = 15_000;
/** How long an answer kept by recently() stays good. */
const RECENT_MS = 1_000;
/** A response larger than this is refused (the read operations ask for far less). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface TenantClientOptions {
  readonly virtualCluster: SessionVirtualCluster;
  /** One of the virtual cluster's listeners: the session's, whose broker addresses the chain writes into responses. */
  readonly endpoint: ListenerEndpoint;
  /** The virtual cluster's chain, without authentication (and without the ACL filter for a super-user). */
  readonly chain: FilterChain;
  readonly connector: UpstreamConnector;
  /** Who asks, as ACL rules name principals; undefined for a platform super-user. */
  readonly principal: Principal | undefined;
  /** The caller's address, for ACL rules that name hosts. */
  readonly remoteAddress: string;
  /** Bytes per topic (the tenant's names) on the brokers' disks, each replica counted, measured at most `maxAgeMs` ago. */
  readonly topicSizes: (maxAgeMs: number) => Promise<ReadonlyMap<string, number>>;
  /** Produced and fetched bytes and messages per second per topic (the tenant's names), as the gateway measures them. */
  readonly topicThroughput: () => Promise<ReadonlyMap<string, TopicThroughput>>;
  readonly timeoutMs?: number;
}

export interface TopicThroughput {
  readonly produceBytesPerSecond: number;
  readonly fetchBytesPerSecond: number;
  readonly produceMessagesPerSecond: number;
  readonly fetchMessagesPerSecond: number;
}

/** A request waiting for its response on one upstream connection, in send order. */
interface Waiting {
  readonly request: ChainedRequest;
  readonly done: (frame: Frame) => void;
  readonly fail: (err: Error) => void;
}

/** One upstream connection: a broker answers its requests in order. */
class UpstreamLink {
  private readonly waiting: Waiting[] = [];

  constructor(
    readonly socket: net.Socket,
    maxResponseBytes: number,
    onGone: () => void,
  ) {
    const splitter = new FrameSplitter(maxResponseBytes);
    splitter.onFrame((frame) => this.onFrame(frame));
    socket.on("data", (chunk: Buffer) => {
      try {
        splitter.push(chunk);
      } catch (err) {
        socket.destroy(err as Error);
      }
    });
    socket.on("error", (err) => this.failAll(new AdminError("ERR_ADMIN_UNREACHABLE", `upstream connection failed: ${err.message}`)));
    socket.on("close", () => {
      onGone();
      this.failAll(new AdminError("ERR_ADMIN_UNREACHABLE", "upstream connection closed before the response"));
    });
    socket.resume(); // paused after the gateway's login
  }

  send(request: ChainedRequest, size: number, body: readonly Buffer[], done: (frame: Frame) => void, fail: (err: Error) => void): void {
    this.waiting.push({ request, done, fail });
    writeFrame(this.socket, size, body);
  }

  private onFrame(frame: Frame): void {
    const next = this.waiting.shift();
    const correlationId = frame.size >= 4 ? peekInt32(frame, 0) : -1;
    if (next === undefined || next.request.correlationId !== correlationId) {
      this.socket.destroy(new Error(`response with correlation id ${correlationId} does not match the request in flight`));
      return;
    }
    next.done(frame);
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.splice(0)) w.fail(err);
  }
}

export class TenantClient {
  readonly session: Session;
  private readonly links = new Map<string, Promise<UpstreamLink>>();
  private correlationId = 0;
  private mutedUntil = 0;
  private closed = false;
  /** Answers kept for a second (recently()); a pooled client serves many operations that ask the same. */
  private readonly recent = new LRUCache<string, Promise<unknown>>({ max: 1_000, ttl: RECENT_MS });

  constructor(readonly options: TenantClientOptions) {
    const transport = {
      muteUntil: (until: number) => {
        this.mutedUntil = Math.max(this.mutedUntil, until);
      },
      close: () => this.close(),
    };
    this.session = new Session(options.endpoint, { kind: "bootstrap" }, options.remoteAddress, 0, undefined, transport, options.virtualCluster);
    this.session.principal = options.principal;
    this.session.clientId = ADMIN_CLIENT_ID;
    options.chain.sessionOpened(this.session);
  }

  get virtualCluster(): string {
    return this.options.virtualCluster.name;
  }

  /** Closed by close() or by its chain (which closes a session it refuses); later sends fail. */
  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Sends one request through the chain, to any broker or to node `broker`, and resolves with the decoded response
   * (the broker's, as the chain rewrote it, or the chain's own answer). Rejects with an AdminError on a timeout, an
   * unreachable cluster or a closed session; Kafka error codes inside the response are the caller's to read.
   */
  async send<N extends ApiName>(name: N, version: number, message: RequestOf<N>, broker?: number): Promise<ResponseOf<N>> {
    if (this.closed) throw new AdminError("ERR_ADMIN_UNREACHABLE", "the tenant client is closed");
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_ADMIN_TIMEOUT_MS;
    // A throttled session (KIP-219, the byte-rate filter muted it) waits like a tenant's client would.
    const muteMs = this.mutedUntil - Date.now();
    if (muteMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(muteMs, timeoutMs)));
    const api = APIS[name];
    const writer = new Writer();
    const correlationId = ++this.correlationId;
    encodeRequestHeader(writer, { apiKey: api.apiKey, apiVersion: version, correlationId, clientId: ADMIN_CLIENT_ID });
    api.encodeRequest(writer, version, message as never);
    const chunks = writer.toChunks();
    const target: SessionTarget = broker === undefined ? { kind: "bootstrap" } : { kind: "broker", nodeId: broker };

    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<Buffer[]>((resolve, reject) => {
      timer = setTimeout(() => reject(new AdminError("ERR_ADMIN_TIMEOUT", `${name} got no answer within ${timeoutMs} ms`)), timeoutMs);
      const settle = (body: () => Buffer[]) => {
        try {
          resolve(body());
        } catch (err) {
          reject(err as Error);
        }
      };
      const sink: RequestSink = {
        forward: (request, size, body) => {
          this.link(target).then(
            (link) => link.send(request, size, body, (frame) => settle(() => this.responseBody(request, frame)), reject),
            (err: unknown) => reject(unreachable(err)),
          );
        },
        respond: (_request, body, delayMs) => {
          if (delayMs > 0) setTimeout(() => resolve(body), delayMs);
          else resolve(body);
        },
        closeConnection: (reason) => reject(new AdminError("ERR_ADMIN_REFUSED", `${name} refused by the virtual cluster ${this.virtualCluster}: ${reason}`)),
      };
      try {
        this.options.chain.onRequest(this.session, { size: byteLength(chunks), chunks }, sink)?.catch(reject);
      } catch (err) {
        reject(err as Error);
      }
    });
    try {
      const body = await answer;
      const reader = new Reader(body);
      decodeResponseHeader(reader, responseHeaderVersion(api.apiKey, version));
      return api.decodeResponse(reader, version) as ResponseOf<N>;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * `load()`'s answer, shared with every call for `key` in the next second, those still waiting for it included. For
   * what changes rarely and is asked often (a group's coordinator, the topics' leaders); a failure is not kept.
   */
  recently<T>(key: string, load: () => Promise<T>): Promise<T> {
    let answer = this.recent.get(key) as Promise<T> | undefined;
    if (answer === undefined) {
      answer = load();
      this.recent.set(key, answer);
      answer.catch(() => this.forget(key, answer!));
    }
    return answer;
  }

  /** Drops what recently() keeps for `key` (it proved stale), unless a newer answer replaced `answer` already. */
  forget(key: string, answer?: Promise<unknown>): void {
    if (answer === undefined || this.recent.get(key) === answer) this.recent.delete(key);
  }

  /** Closes the upstream connections; later sends fail. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const link of this.links.values()) link.then((l) => l.socket.destroy(), () => undefined);
    this.links.clear();
    this.options.chain.sessionClosed(this.session);
  }

  /** The response as the chain hands it on: rewritten by the filters that asked for it, else as the broker sent it. */
  private responseBody(request: ChainedRequest, frame: Frame): Buffer[] {
    if (!request.decodeResponse) return frame.chunks;
    return this.options.chain.onResponse(this.session, request, frame) ?? frame.chunks;
  }

  private link(target: SessionTarget): Promise<UpstreamLink> {
    const key = target.kind === "bootstrap" ? "bootstrap" : `broker ${target.nodeId}`;
    let link = this.links.get(key);
    if (link === undefined) {
      const gone = () => {
        if (this.links.get(key) === link) this.links.delete(key);
      };
      link = this.options.connector.connect(target).then((socket) => {
        if (this.closed) socket.destroy();
        return new UpstreamLink(socket, MAX_RESPONSE_BYTES, gone);
      });
      link.catch(gone);
      this.links.set(key, link);
    }
    return link;
  }
}

function unreachable(err: unknown): AdminError {
  return err instanceof AdminError ? err : new AdminError("ERR_ADMIN_UNREACHABLE", (err as Error).message);
}
