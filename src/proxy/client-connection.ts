// Transport only: one client socket and the one upstream broker socket that serves it. Every request frame goes
// through the session's filter chain, which decides (forward, answer, close, or later); the in-flight queue pairs
// each response with its request; responses no filter wants are streamed through as their bytes arrive.
// Everything per frame is synchronous; the Promises are the upstream connect and the rare verdict that waits.
//
// Phases: accepted → (authenticating →) connecting → open → draining → closed. The upstream connection is opened
// when the chain says the session is ready (at once, until an authentication filter says otherwise). On a shared
// listener the connection starts with a context that only authenticates; once the principal is known it is handed
// over to the context of the principal's virtual cluster (chain, connector, caps, budget pool, metric labels), and
// only then is the upstream connection opened.
// Reading the client is governed by named gates, each closed for its own reason; the client is read only while all
// are open, so a mute and backpressure never fight over one flag. While a hold gate is closed (a pending verdict,
// a delayed answer, the upstream connection being opened), frames already read wait in order in `held`.
// Budgets (src/limits/): a frame not whole at the end of a read reserves its declared size from the request-bytes
// budget before more is read (the Budget gate waits for it); the reaper (connection-reaper.ts) reads the times kept
// here and closes the connection when a deadline passes.
import type net from "node:net";
import { TLSSocket } from "node:tls";
import type { Logger } from "pino";
import { BulkheadError } from "../errors.js";
import type { ChainedRequest, FilterChain, RequestSink } from "../filters/chain.js";
import type { ConnectionAdmission, ConnectionRefusal, ConnectionTicket } from "../limits/connection-caps.js";
import type { FrameReservation } from "../limits/request-bytes-budget.js";
import type { GatewayObserver } from "../observe/observer.js";
import { ProtocolError } from "../protocol/errors.js";
import { peekInt32 } from "../protocol/frame-peek.js";
import { DEFAULT_MAX_FRAME_BYTES, FrameSplitter, type Frame, type FrameStreamSink } from "../protocol/frame-splitter.js";
import { byteLength, writeFrame } from "../protocol/frame-write.js";
import { ERROR_CODE_PEEK_BYTES, peekResponseErrorCode } from "../observe/response-error-code.js";
import type { ListenerEndpoint } from "../session/endpoint.js";
import { Session, type SessionTarget, type SessionTls, type SessionTransport, type SessionVirtualCluster } from "../session/session.js";
import { UpstreamConnectError, type UpstreamConnector, type UpstreamReader } from "../upstream/connector.js";
import type { Reapable, ReapReason } from "./connection-reaper.js";
import type { GatewayBudgets } from "./gateway-budgets.js";
import { InFlightQueue, type InFlightRequest } from "./in-flight.js";
import type { LogThrottle } from "./log-throttle.js";
import { ReadBuffers } from "./read-buffers.js";

/** Everything a connection needs from its listener: built per listener (and per config), shared by its connections. */
export interface ConnectionContext {
  readonly endpoint: ListenerEndpoint;
  /** Absent on a shared listener before authentication (handOver names it). */
  readonly virtualCluster?: SessionVirtualCluster | undefined;
  readonly chain: FilterChain;
  /** Absent on a shared listener before authentication. */
  readonly connector?: UpstreamConnector | undefined;
  readonly maxFrameBytes: number;
  readonly observer: GatewayObserver;
  readonly log: Logger;
  /** Keeps "upstream unreachable" from logging once per connection attempt while a cluster is down. */
  readonly unreachableLog: LogThrottle;
  /** The virtual cluster's connection caps, asked by the listener at accept; absent: every connection is admitted. */
  readonly admission?: ConnectionAdmission | undefined;
  /** The gateway's budgets (one set per runtime, shared by every listener); absent: none (unit tests). */
  readonly budgets?: GatewayBudgets | undefined;
  /**
   * A shared listener before authentication: the context of the virtual cluster the session's principal maps to (for
   * this listener), or undefined when it maps to none.
   */
  readonly handOver?: ((session: Session) => ConnectionContext | undefined) | undefined;
}

export type ConnectionPhase = "accepted" | "authenticating" | "connecting" | "open" | "draining" | "closed";

/** Why the client is not being read; each gate is closed and opened by its own cause. */
const Gate = {
  /** The upstream socket's buffer is full. */
  UpstreamFull: 1,
  /** The client isn't reading what the gateway writes it. */
  ClientFull: 2,
  /** A filter's verdict is pending (hold gate). */
  Pending: 4,
  /** An answer is being held back until its time (hold gate). */
  Delayed: 8,
  /** The upstream connection is being opened (hold gate). */
  Connecting: 16,
  /** Muted by a filter (KIP-219 throttling). */
  Muted: 32,
  /** Draining: no more requests are read. */
  Draining: 64,
  /** A filter's last answer is queued: the connection closes once it is out, and reads nothing more. */
  Closing: 128,
  /** The frame being received waits for the request-bytes budget. */
  Budget: 256,
} as const;
/** Gates behind which frames already read wait, in order. */
const HOLDING = Gate.Pending | Gate.Delayed | Gate.Connecting | Gate.Closing;

/**
 * A response is taken up once its first bytes are in: the correlation id pairs it with its request, and the few bytes
 * after it hold the top-level error code of most responses (the error metric).
 */
const RESPONSE_HEAD_BYTES = ERROR_CODE_PEEK_BYTES;
/** How long a gracefully closed connection may take to flush before it is destroyed. */
const GRACEFUL_CLOSE_MS = 5_000;

/** The close reason (sessionClosed, logs) of each reaping. */
const REAPED: Record<ReapReason, string> = {
  idle: "idle",
  first_request: "no request in time",
  unfinished_request: "request unfinished in time",
  evicted: "evicted to make room",
};

export class ClientConnection implements RequestSink, SessionTransport, Reapable {
  readonly session: Session;
  // Reapable: times are performance.now().
  readonly openedAtMs = performance.now();
  lastActivityMs = this.openedAtMs;
  unfinishedSinceMs: number | undefined;
  awaitingFirstRequest = true;
  /** Holds the declared size of the frame being received, while it is not whole. */
  private reservation: FrameReservation | undefined;
  /** A shared listener's connection: what its virtual cluster's connection caps said at the hand-over. */
  private admission: ConnectionTicket | ConnectionRefusal | undefined;
  private admissionTimer: NodeJS.Timeout | undefined;
  private phaseNow: ConnectionPhase = "accepted";
  private gates = 0;
  private upstream: net.Socket | undefined;
  private readonly inFlight = new InFlightQueue();
  private readonly fromClient: FrameSplitter;
  private readonly fromUpstream: FrameSplitter;
  /** Frames read while a hold gate was closed, handled in order once every hold gate is open. */
  private held: Frame[] = [];
  private mutedUntil = 0;
  private muteTimer: NodeJS.Timeout | undefined;
  /**
   * The upstream socket reads through `onread` into these (no Readable stream in between), sized by what the
   * frame being received still lacks.
   */
  private readonly upstreamBuffers = new ReadBuffers();
  private readonly upstreamReader: UpstreamReader = {
    buffer: () => this.upstreamBuffers.next(this.fromUpstream.bytesToFrameEnd),
    callback: (nread, buffer) => {
      this.onUpstreamData(this.upstreamBuffers.take(buffer, nread));
      return true; // onUpstreamData pauses the socket itself when the client is full
    },
    data: (chunk) => this.onUpstreamData(chunk),
  };
  private log: Logger;
  /** When the request being handled was taken up (performance.now()): the start of the gateway's request side. */
  private takenUpAtMs = 0;

  constructor(
    private readonly client: net.Socket,
    target: SessionTarget,
    private ctx: ConnectionContext,
    private readonly onClosed: (connection: ClientConnection) => void,
  ) {
    this.session = new Session(ctx.endpoint, target, client.remoteAddress ?? "", client.remotePort ?? 0, tlsDetails(client), this, ctx.virtualCluster);
    this.log = ctx.log.child({ session: this.session.id, client: this.session.remote });
    this.fromClient = new FrameSplitter(ctx.maxFrameBytes);
    // The limit guards against clients; a broker's answer (a big Fetch) may exceed a tight client limit.
    this.fromUpstream = new FrameSplitter(Math.max(ctx.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES));
    this.fromClient.onFrame(this.onRequest);
    this.fromUpstream.onFrame(this.onResponse);
    this.fromUpstream.streamFramesTo(this.responseSink, RESPONSE_HEAD_BYTES);
    this.reservation = ctx.budgets?.requestBytes.reservation(ctx.endpoint.virtualCluster, () => this.openGate(Gate.Budget));
  }

  /** The session's virtual cluster (a shared listener's pre-authentication name until the hand-over). */
  get virtualClusterName(): string {
    return this.ctx.endpoint.virtualCluster;
  }

  /** Reapable: nothing in flight, nothing being received, nothing waiting. */
  get isIdle(): boolean {
    return this.phaseNow !== "closed" && this.idle && this.unfinishedSinceMs === undefined;
  }

  /** Reapable: a deadline passed (or room is made for another virtual cluster). */
  reap(reason: ReapReason): void {
    if (this.phaseNow === "closed") return;
    this.ctx.observer.connectionReaped?.(this.session, reason);
    // An idle connection has nothing queued: a FIN. The others are cut off.
    this.close(REAPED[reason], undefined, reason === "idle");
  }

  get phase(): ConnectionPhase {
    return this.phaseNow;
  }

  /** The broker this connection's requests go to, as "host:port"; undefined until it is connected. */
  get upstreamAddress(): string | undefined {
    return this.upstream === undefined ? undefined : `${this.upstream.remoteAddress}:${this.upstream.remotePort}`;
  }

  /** Requests forwarded (or answered) and not yet sent back. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  start(): void {
    const client = this.client;
    client.setNoDelay(true);
    client.pause(); // an explicit pause: the 'data' listener below doesn't start the flow
    client.on("error", (err) => this.close("client error", err));
    client.on("close", (hadError) => this.close("client closed", undefined, !hadError));
    client.on("data", this.onClientData);
    client.on("drain", () => {
      this.upstream?.resume(); // it was paused while the client was full
      this.openGate(Gate.ClientFull);
    });
    this.ctx.observer.sessionOpened?.(this.session);
    this.ctx.chain.sessionOpened(this.session);
    if (this.phaseNow === "closed") return; // a filter closed it at once (e.g. a client certificate nobody maps)
    this.ctx.budgets?.reaper.add(this);
    if (this.ctx.chain.sessionReady(this.session)) {
      this.beginUpstream();
    } else {
      this.phaseNow = "authenticating";
      client.resume();
    }
  }

  /** Graceful drain: read no more requests, close once every request read has its response. */
  drain(): void {
    if (this.phaseNow === "closed" || this.phaseNow === "draining") return;
    this.phaseNow = "draining";
    this.closeGate(Gate.Draining);
    if (this.idle) this.close("drained", undefined, true);
  }

  /** Nothing forwarded is unanswered, nothing is being received and no request is waiting. */
  private get idle(): boolean {
    return this.inFlight.size === 0 && this.answering === undefined && (this.gates & HOLDING) === 0 && this.held.length === 0;
  }

  close(reason: string, err?: unknown, graceful = false): void {
    if (this.phaseNow === "closed") return;
    this.phaseNow = "closed";
    clearTimeout(this.muteTimer);
    clearTimeout(this.admissionTimer);
    if (this.admission !== undefined && !("refused" in this.admission)) this.admission.release();
    this.reservation?.release();
    this.ctx.budgets?.reaper.delete(this);
    // Per connection, so debug: a flood of connections must not flood the log (refusals and reaps are logged, throttled).
    this.log.debug({ reason, err }, "connection closed");
    if (graceful) {
      // end() flushes what is queued (responses, acks=0 produces) before the FIN; a peer that
      // never closes its side is cut off after a grace period.
      this.client.end();
      this.upstream?.end();
      setTimeout(() => {
        this.client.destroy();
        this.upstream?.destroy();
      }, GRACEFUL_CLOSE_MS).unref();
    } else {
      this.client.destroy();
      this.upstream?.destroy();
    }
    this.ctx.observer.sessionClosed?.(this.session, reason);
    this.ctx.chain.sessionClosed(this.session);
    this.onClosed(this);
  }

  // ---- gates ----

  private closeGate(gate: number): void {
    this.gates |= gate;
    this.client.pause();
  }

  private openGate(gate: number): void {
    if ((this.gates & gate) === 0) return;
    this.gates &= ~gate;
    if ((gate & HOLDING) !== 0 && (this.gates & HOLDING) === 0) this.releaseHeld();
    if (this.gates === 0 && this.phaseNow !== "closed") this.client.resume();
  }

  /** SessionTransport: stop reading requests until `until`; responses still flow. */
  muteUntil(until: number): void {
    if (until <= this.mutedUntil || this.phaseNow === "closed") return;
    this.mutedUntil = until;
    this.closeGate(Gate.Muted);
    clearTimeout(this.muteTimer);
    this.muteTimer = setTimeout(() => {
      this.mutedUntil = 0;
      this.openGate(Gate.Muted);
    }, until - Date.now());
  }

  /** Every hold gate is open: the frames that waited are handled in order (until one closes a hold gate again). */
  private releaseHeld(): void {
    if (this.phaseNow === "closed" || this.held.length === 0) return this.drainedCheck();
    const waiting = this.held;
    this.held = [];
    this.upstream?.cork();
    this.client.cork();
    try {
      for (let i = 0; i < waiting.length; i++) {
        if ((this.gates & HOLDING) !== 0) {
          // Holding again: the rest keeps waiting, still ahead of anything read later.
          this.held = waiting.slice(i);
          break;
        }
        this.handleRequest(waiting[i]!);
      }
    } catch (err) {
      this.frameError("client", err);
    } finally {
      this.upstream?.uncork();
      this.client.uncork();
    }
    this.drainedCheck();
  }

  private drainedCheck(): void {
    if (this.phaseNow === "draining" && this.idle) this.close("drained", undefined, true);
  }

  // ---- hand-over (shared listeners) ----

  /** SessionTransport: an authentication succeeded; a shared listener's session joins its virtual cluster now. */
  authenticated(): void {
    if (this.ctx.handOver !== undefined && this.phaseNow !== "closed") this.handOver();
  }

  /**
   * Moves the connection to the context of its principal's virtual cluster: the filters that differ between the two
   * chains close and open their session state (the authentication filters are the same instances, so re-authentication
   * goes on), the session and its metric labels move, and so do the budget pool and the reaper's entry. That
   * virtual cluster's connection caps are asked here; beginUpstream acts on their answer. False: no virtual cluster.
   */
  private handOver(): boolean {
    const next = this.ctx.handOver!(this.session);
    if (next === undefined || next.virtualCluster === undefined) return false;
    const from = this.session.endpoint;
    this.ctx.budgets?.reaper.delete(this); // filed under the old name
    this.ctx.chain.handOver(this.session, next.chain);
    this.session.moveTo(next.endpoint, next.virtualCluster);
    this.ctx = next;
    this.log = next.log.child({ session: this.session.id, client: this.session.remote });
    this.reservation?.release();
    this.reservation = next.budgets?.requestBytes.reservation(next.endpoint.virtualCluster, () => this.openGate(Gate.Budget));
    this.openGate(Gate.Budget); // a wait in the old pool is given up; a frame being received reserves in the new one
    this.budgetUnfinished(performance.now());
    next.budgets?.reaper.add(this);
    next.observer.sessionMoved?.(this.session, from);
    this.admission = next.admission?.admitConnection(performance.now());
    return true;
  }

  // ---- upstream ----

  /**
   * The session may reach a broker. On a shared listener it first joins its virtual cluster, whose connection caps
   * admit it now, after a wait (requests are held meanwhile), or not at all (the connection closes, after the wait
   * KIP-612 asks for when the rate refused it).
   */
  private beginUpstream(): void {
    if (this.ctx.handOver !== undefined && !this.handOver()) return this.close("the principal maps to no virtual cluster of this listener");
    const admitted = this.admission;
    if (admitted === undefined || admitted.delayMs <= 0) {
      if (admitted !== undefined && "refused" in admitted) return this.close(`refused by the virtual cluster's ${admitted.refused} cap`);
      return this.connectUpstream();
    }
    this.phaseNow = "connecting";
    this.closeGate(Gate.Connecting);
    this.admissionTimer = setTimeout(() => {
      if ("refused" in admitted) this.close(`refused by the virtual cluster's ${admitted.refused} cap`);
      else if (this.phaseNow !== "closed") this.connectUpstream();
    }, admitted.delayMs);
  }

  private connectUpstream(): void {
    const connector = this.ctx.connector;
    if (connector === undefined) return this.close("no virtual cluster to connect to");
    this.phaseNow = "connecting";
    this.closeGate(Gate.Connecting);
    connector.connect(this.session.target, this.upstreamReader).then(
      (upstream) => this.attach(upstream),
      (err: unknown) => this.upstreamUnreachable(err),
    );
  }

  private upstreamUnreachable(err: unknown): void {
    if (this.phaseNow === "closed") return;
    const reason = err instanceof UpstreamConnectError ? err.reason : "connect";
    this.ctx.observer.upstreamError?.(this.clusterName, reason);
    const heldBack = this.ctx.unreachableLog.take();
    const details = { cluster: this.clusterName, target: this.session.target, reason: (err as Error).message, heldBack };
    if (heldBack !== undefined) this.log.warn(details, "upstream broker unreachable, closing client");
    else this.log.debug(details, "upstream broker unreachable, closing client");
    this.close("upstream unreachable", err);
  }

  private attach(upstream: net.Socket): void {
    if (this.phaseNow === "closed") {
      upstream.destroy();
      return;
    }
    this.upstream = upstream;
    // Once per connection (never per frame): both ends, so an operator can follow a client to its broker.
    this.log = this.log.child({ upstream: `${upstream.remoteAddress}:${upstream.remotePort}` });
    this.log.debug({ target: this.session.target }, "connection opened");
    upstream.setNoDelay(true);
    upstream.on("error", (err) => this.upstreamFailed("upstream error", err));
    upstream.on("close", () => this.upstreamFailed("upstream closed"));
    // Backpressure: a full socket pauses the socket that feeds it until it drains.
    upstream.on("drain", () => this.openGate(Gate.UpstreamFull));
    if (this.phaseNow === "connecting") this.phaseNow = "open";
    this.openGate(Gate.Connecting);
  }

  private upstreamFailed(reason: string, err?: Error): void {
    if (this.phaseNow === "closed") return;
    this.ctx.observer.upstreamError?.(this.clusterName, err ? "error" : "closed");
    this.log.info({ cluster: this.clusterName, err: err?.message }, `${reason}, closing client`);
    // Responses already queued to the client still go out before the FIN.
    this.close(reason, err, !err);
  }

  // ---- requests ----

  private readonly onClientData = (chunk: Buffer): void => {
    // A stream resumed just before it was destroyed may still hand over what it had buffered: it is dropped, not
    // taken as a new frame (whose reservation nobody would give back).
    if (this.phaseNow === "closed") return;
    const upstream = this.upstream;
    const now = performance.now();
    this.lastActivityMs = now;
    this.session.counters.bytesFromClient += chunk.length;
    this.ctx.observer.bytesFromClient?.(this.session, chunk.length);
    upstream?.cork();
    try {
      this.fromClient.push(chunk);
    } catch (err) {
      this.frameError("client", err);
      return;
    } finally {
      upstream?.uncork();
    }
    this.budgetUnfinished(now);
    // A full upstream, or a client not reading what the gateway answered itself, stops the reading.
    if (upstream?.writableNeedDrain === true) this.closeGate(Gate.UpstreamFull);
    if (this.client.writableNeedDrain) this.closeGate(Gate.ClientFull);
  };

  /**
   * A frame left unfinished by this read: its declared size is reserved before more is read (or the connection
   * waits for the budget), and the time it started is kept for the unfinished-request deadline.
   */
  private budgetUnfinished(now: number): void {
    if (!this.fromClient.hasPartialFrame) return;
    this.unfinishedSinceMs ??= now;
    const declared = this.fromClient.partialFrameSize;
    if (declared > 0 && this.reservation?.reserve(declared) === false) this.closeGate(Gate.Budget);
  }

  private readonly onRequest = (frame: Frame): void => {
    // Whole: its reservation (if it had one) goes back; it is handed on at once, or waits with reading paused.
    this.reservation?.release();
    this.unfinishedSinceMs = undefined;
    this.awaitingFirstRequest = false;
    if ((this.gates & HOLDING) !== 0) this.held.push(frame);
    else this.handleRequest(frame);
  };

  private handleRequest(frame: Frame): void {
    if (this.phaseNow === "closed") return;
    this.takenUpAtMs = performance.now();
    const pending = this.ctx.chain.onRequest(this.session, frame, this);
    if (pending !== undefined) {
      this.closeGate(Gate.Pending);
      pending.then(
        () => {
          if (this.phaseNow === "closed") return;
          this.connectIfReady(); // first, so that the requests held behind this one wait for the upstream connection
          this.openGate(Gate.Pending);
        },
        (err: unknown) => {
          this.log.warn({ err }, "a filter failed, closing connection");
          this.close("filter failed", err);
        },
      );
      return;
    }
    this.connectIfReady();
  }

  /** Authentication just completed (now, or when a pending verdict settled): requests go upstream once it is open. */
  private connectIfReady(): void {
    if (this.phaseNow === "authenticating" && this.ctx.chain.sessionReady(this.session)) this.beginUpstream();
  }

  /** The physical cluster the connection's requests go to (connected connections always have one). */
  private get clusterName(): string {
    return this.ctx.connector?.name ?? "";
  }

  /** RequestSink: send upstream. */
  forward(request: ChainedRequest, size: number, body: readonly Buffer[]): void {
    const upstream = this.upstream;
    if (upstream === undefined) {
      this.requestClosed(request, "a request was let through before the session was ready", undefined);
      return;
    }
    if (request.expectsResponse) {
      const timed = request as InFlightRequest;
      const now = performance.now();
      timed.requestSideMs = now - this.takenUpAtMs;
      timed.forwardedAtMs = now;
      this.inFlight.push(timed);
    }
    this.ctx.observer.requestForwarded?.(this.session, request);
    writeFrame(upstream, size, body);
  }

  /** RequestSink: the gateway answers; now, or after `delayMs` with this connection's later requests waiting. */
  respond(request: ChainedRequest, body: Buffer[], delayMs: number, refusal: string | undefined, closeAfter: boolean): void {
    if (refusal !== undefined) this.session.counters.refused++;
    this.ctx.observer.requestAnswered?.(this.session, request, refusal);
    const answered = request as InFlightRequest;
    answered.localResponse = body;
    if (closeAfter) {
      answered.closeAfter = true;
      // Nothing read after it is served: the connection ends with this answer.
      this.closeGate(Gate.Closing);
    }
    if (delayMs <= 0) {
      this.answerLocally(answered);
      return;
    }
    this.closeGate(Gate.Delayed);
    setTimeout(() => {
      if (this.phaseNow === "closed") return;
      this.answerLocally(answered);
      this.openGate(Gate.Delayed);
    }, delayMs);
  }

  /** RequestSink: a filter closes the connection. */
  closeConnection(reason: string, request: ChainedRequest | undefined, refusal: string | undefined): void {
    if (request !== undefined) this.requestClosed(request, reason, refusal);
    else this.close(reason);
  }

  private requestClosed(request: ChainedRequest, reason: string, refusal: string | undefined): void {
    if (refusal !== undefined) this.session.counters.refused++;
    this.ctx.observer.requestClosed?.(this.session, request, reason, refusal);
    this.log.info({ apiKey: request.apiKey, apiVersion: request.apiVersion, reason }, "request refused, closing connection");
    this.close("request refused", undefined, false);
  }

  /** A response made by the gateway goes out now if nothing is ahead of it, else queues in request order. */
  private answerLocally(request: InFlightRequest): void {
    if (this.inFlight.size === 0 && this.answering === undefined) this.sendLocal(request);
    else this.inFlight.push(request);
  }

  private sendLocal(request: InFlightRequest): void {
    this.lastActivityMs = performance.now();
    const body = request.localResponse!;
    const size = byteLength(body);
    this.sent(request, 4 + size, body);
    writeFrame(this.client, size, body);
    if (request.closeAfter === true) this.close("answered and closed by a filter", undefined, true);
  }

  // ---- responses ----

  /** The request whose response is being received (set from a response's first bytes to its end). */
  private answering: InFlightRequest | undefined;
  /** The top-level error code of the response being streamed. */
  private answeringErrorCode = 0;
  /** A streamed response's chunks, for observers that want response bodies. */
  private collected: Buffer[] | undefined;

  private readonly onUpstreamData = (chunk: Buffer): void => {
    // Once per read: the responses it completes count as received now (and the connection as active).
    this.lastActivityMs = performance.now();
    this.client.cork();
    try {
      this.fromUpstream.push(chunk);
    } catch (err) {
      this.frameError("upstream", err);
      return;
    } finally {
      this.client.uncork();
    }
    if (this.client.writableNeedDrain) this.upstream!.pause();
  };

  /**
   * Pairs each response with its request as soon as the correlation id is in. A response no filter wants is
   * streamed to the client as its bytes arrive (never held whole); the others are collected whole for onResponse.
   */
  private readonly responseSink: FrameStreamSink = {
    start: (size, head) => {
      const request = this.inFlight.shift();
      if (request === undefined) throw new ProtocolError("ERR_PROTOCOL_UNEXPECTED_RESPONSE", "response with no request in flight");
      const headFrame = { size, chunks: head };
      const correlationId = peekInt32(headFrame, 0);
      if (correlationId !== request.correlationId) {
        throw new ProtocolError(
          "ERR_PROTOCOL_CORRELATION_MISMATCH",
          `response correlation id ${correlationId} does not match request ${request.correlationId}`,
        );
      }
      this.answering = request;
      if (request.decodeResponse) return false;
      this.answeringErrorCode = peekResponseErrorCode(request.apiKey, request.apiVersion, headFrame);
      writeFrame(this.client, size, head);
      this.countToClient(4 + byteLength(head));
      if (this.ctx.observer.wantsResponseBodies === true) this.collected = [...head];
      return true;
    },
    body: (chunk) => {
      this.client.write(chunk);
      this.countToClient(chunk.length);
      this.collected?.push(chunk);
    },
    end: () => {
      this.ctx.observer.responseSent?.(this.session, this.answering!, this.collected);
      // Streamed: written as its bytes arrived, so the response side adds nothing of its own.
      this.completed(this.answering!, this.answeringErrorCode, performance.now(), 0);
      this.collected = undefined;
      this.responseDone();
    },
  };

  /** A whole response some filter wants (sink.start returned false). */
  private readonly onResponse = (frame: Frame): void => {
    const request = this.answering!;
    const receivedAtMs = this.lastActivityMs; // the read that completed it
    const errorCode = peekResponseErrorCode(request.apiKey, request.apiVersion, frame);
    const rewritten = this.ctx.chain.onResponse(this.session, request, frame);
    if (rewritten === undefined) {
      this.sent(request, 4 + frame.size, frame.chunks);
      writeFrame(this.client, frame.size, frame.chunks);
    } else {
      const size = byteLength(rewritten);
      this.sent(request, 4 + size, rewritten);
      writeFrame(this.client, size, rewritten);
    }
    this.completed(request, errorCode, receivedAtMs, performance.now() - receivedAtMs);
    this.responseDone();
  };

  /** A forwarded request's response is out: its error code and where its time went, for the metrics. */
  private completed(request: InFlightRequest, errorCode: number, receivedAtMs: number, responseSideMs: number): void {
    if (request.forwardedAtMs === undefined) return;
    const gatewayMs = request.requestSideMs! + responseSideMs;
    this.ctx.observer.requestCompleted?.(this.session, request, errorCode, gatewayMs / 1000, (receivedAtMs - request.forwardedAtMs) / 1000);
  }

  private sent(request: InFlightRequest, bytes: number, body: readonly Buffer[]): void {
    this.countToClient(bytes);
    this.ctx.observer.responseSent?.(this.session, request, body);
  }

  private countToClient(bytes: number): void {
    this.session.counters.bytesToClient += bytes;
    this.ctx.observer.bytesToClient?.(this.session, bytes);
  }

  private responseDone(): void {
    this.answering = undefined;
    // Gateway-made responses that were waiting behind this one are due now.
    for (let next = this.inFlight.peek(); next?.localResponse !== undefined; next = this.inFlight.peek()) {
      this.sendLocal(this.inFlight.shift()!);
    }
    this.drainedCheck();
  }

  private frameError(side: "client" | "upstream", err: unknown): void {
    if (err instanceof BulkheadError) {
      if (side === "upstream") this.ctx.observer.upstreamError?.(this.clusterName, "protocol");
      this.log.warn({ side, code: err.code, reason: err.message }, "bad frame, closing connection");
      this.close(`bad ${side} frame`, err);
      return;
    }
    this.log.error({ side, err }, "unexpected error handling a frame, closing connection");
    this.close("internal error", err);
  }
}

/** What a TLS connection tells the session: SNI host name, protocol, cipher, and the client certificate's subject. */
function tlsDetails(socket: net.Socket): SessionTls | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  // Only a certificate the client CA vouched for names anyone ("requested" lets unverified ones through the handshake).
  const certificate = socket.authorized ? socket.getPeerX509Certificate() : undefined;
  // RFC 2253 order (most specific first, as Kafka's X500Principal.getName gives it): the certificate lists it the other way.
  const peerSubject = certificate?.subject.split("\n").reverse().join(",");
  const servername = (socket as TLSSocket & { servername?: string | false }).servername;
  return {
    serverName: typeof servername === "string" ? servername : undefined,
    protocol: socket.getProtocol(),
    cipher: socket.getCipher()?.name,
    peerSubject,
  };
}
