// One client connection and the one upstream broker connection that serves it. Requests are
// forwarded in order as their original chunks (or as the request filter rewrote them); the in-flight
// queue pairs each response with its request; responses no filter wants are streamed through as their
// bytes arrive. Everything per frame is synchronous; the Promises are the upstream connect and the rare
// request verdict that has to wait (a topic id lookup), which holds the connection's later requests.
import type net from "node:net";
import type { Logger } from "pino";
import type { HostPort } from "../config/types.js";
import type { RequestFilter, RequestKey, RequestVerdict } from "../filters/request-filter.js";
import type { ResponseFilter } from "../filters/response-filter.js";
import { ProtocolError } from "../protocol/errors.js";
import {
  DEFAULT_MAX_FRAME_BYTES,
  FrameSplitter,
  FrameTooLargeError,
  type Frame,
  type FrameStreamSink,
} from "../protocol/frame-splitter.js";
import type { BrokerAddressMap } from "./broker-address-map.js";
import { byteLength, writeFrame } from "./frame-write.js";
import { InFlightQueue, type InFlightRequest } from "./in-flight.js";
import type { LogThrottle } from "./log-throttle.js";
import type { ListenerMeters } from "./meters.js";
import { REQUEST_KEY_BYTES, isAcksZero, peekInt16, peekInt32 } from "./frame-peek.js";
import { ApiKey } from "../protocol/messages/index.js";
import { ReadBuffers } from "./read-buffers.js";
import { UpstreamConnectError, connectFirst, type UpstreamReader } from "./upstream-connect.js";

/** Everything a connection needs from its listener; built once per listener, shared by its connections. */
export interface ListenerContext {
  readonly physicalCluster: string;
  readonly bootstrap: readonly HostPort[];
  readonly addressMap: BrokerAddressMap;
  readonly responseFilter: ResponseFilter;
  /** Looks at (rewrites, answers, refuses) requests before they go upstream; none = forward all as they are. */
  readonly requestFilter?: RequestFilter | undefined;
  readonly maxFrameBytes: number;
  readonly connectTimeoutMs: number;
  readonly meters: ListenerMeters;
  readonly log: Logger;
  /** Keeps "upstream unreachable" from logging once per connection attempt while a cluster is down. */
  readonly unreachableLog: LogThrottle;
  /** Test-only view of every response body sent to a client (see GatewayOptions.responseTap). */
  readonly responseTap?: ResponseTap | undefined;
  /** Test-only: called for every request forwarded upstream (see GatewayOptions.upstreamRequestTap). */
  readonly upstreamRequestTap?: ((apiKey: number, apiVersion: number) => void) | undefined;
}

export type ResponseTap = (request: InFlightRequest, body: readonly Buffer[]) => void;

/** A response body starts with the correlation id: enough to pair it with its request. */
const CORRELATION_ID_BYTES = 4;

/** How long a gracefully closed connection may take to flush before it is destroyed. */
const GRACEFUL_CLOSE_MS = 5_000;

/** Which broker a client connection goes to: any bootstrap server, or the broker a broker port names. */
export type UpstreamTarget = { kind: "bootstrap" } | { kind: "broker"; nodeId: number };

export class ClientConnection {
  private upstream: net.Socket | undefined;
  private readonly inFlight = new InFlightQueue();
  private readonly fromClient: FrameSplitter;
  private readonly fromUpstream: FrameSplitter;
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
  };
  private closed = false;
  private draining = false;
  /**
   * Set while a request's verdict is pending: the frames that arrived after it, handled once it is decided
   * (the client is paused meanwhile; these are the rest of what was already read).
   */
  private held: Frame[] | undefined;
  private log: Logger;

  constructor(
    private readonly client: net.Socket,
    private readonly target: UpstreamTarget,
    private readonly ctx: ListenerContext,
    private readonly onClosed: (connection: ClientConnection) => void,
  ) {
    this.log = ctx.log.child({ client: `${client.remoteAddress}:${client.remotePort}` });
    this.fromClient = new FrameSplitter(ctx.maxFrameBytes);
    // The limit guards against clients; a broker's answer (a big Fetch) may exceed a tight client limit.
    this.fromUpstream = new FrameSplitter(Math.max(ctx.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES));
    this.fromClient.onFrame(this.onRequest);
    this.fromUpstream.onFrame(this.onResponse);
    this.fromUpstream.streamFramesTo(this.responseSink, CORRELATION_ID_BYTES);
  }

  /** Requests forwarded and not yet answered. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  start(): void {
    const client = this.client;
    client.setNoDelay(true);
    client.pause(); // nothing is read until there is somewhere to send it
    client.on("error", (err) => this.close("client error", err));
    client.on("close", (hadError) => this.close("client closed", undefined, !hadError));
    this.connectUpstream().then(
      (upstream) => this.attach(upstream),
      (err: unknown) => this.upstreamUnreachable(err),
    );
  }

  /** Graceful drain: read no more requests, close once every forwarded request has its response. */
  drain(): void {
    if (this.closed || this.draining) return;
    this.draining = true;
    this.client.pause();
    if (this.idle) this.close("drained", undefined, true);
  }

  /** Nothing forwarded is unanswered, nothing is being received and no request is waiting for its verdict. */
  private get idle(): boolean {
    return this.inFlight.size === 0 && this.answering === undefined && this.held === undefined;
  }

  close(reason: string, err?: unknown, graceful = false): void {
    if (this.closed) return;
    this.closed = true;
    // Connections that never reached a broker were already logged (upstream unreachable) at a bounded rate.
    if (this.upstream === undefined) this.log.debug({ reason, err }, "connection closed");
    else this.log.info({ reason, err }, "connection closed");
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
    this.onClosed(this);
  }

  private async connectUpstream(): Promise<net.Socket> {
    const { target, ctx } = this;
    if (target.kind === "bootstrap") return connectFirst(ctx.bootstrap, ctx.connectTimeoutMs, this.upstreamReader);
    const address = await ctx.addressMap.resolve(target.nodeId);
    if (address === undefined) {
      throw new UpstreamConnectError("connect", `cluster ${ctx.physicalCluster} has no broker with node id ${target.nodeId}`);
    }
    return connectFirst([address], ctx.connectTimeoutMs, this.upstreamReader);
  }

  private upstreamUnreachable(err: unknown): void {
    if (this.closed) return;
    const reason = err instanceof UpstreamConnectError ? err.reason : "connect";
    this.ctx.meters.upstreamError(reason);
    const heldBack = this.ctx.unreachableLog.take();
    const details = { cluster: this.ctx.physicalCluster, target: this.target, reason: (err as Error).message, heldBack };
    if (heldBack !== undefined) this.log.warn(details, "upstream broker unreachable, closing client");
    else this.log.debug(details, "upstream broker unreachable, closing client");
    this.close("upstream unreachable", err);
  }

  private attach(upstream: net.Socket): void {
    if (this.closed) {
      upstream.destroy();
      return;
    }
    this.upstream = upstream;
    // Once per connection (never per frame): both ends, so an operator can follow a client to its broker.
    this.log = this.log.child({ upstream: `${upstream.remoteAddress}:${upstream.remotePort}` });
    this.log.info({ target: this.target }, "connection opened");
    upstream.setNoDelay(true);
    upstream.on("error", (err) => this.upstreamFailed("upstream error", err));
    upstream.on("close", () => this.upstreamFailed("upstream closed"));
    // Backpressure: a full socket pauses the socket that feeds it until it drains.
    upstream.on("drain", () => this.resumeClient());
    this.client.on("drain", () => {
      upstream.resume();
      this.resumeClient(); // it may have been paused for the gateway's own responses
    });
    this.client.on("data", this.onClientData);
    this.resumeClient();
  }

  /** Reads requests again unless draining, holding requests behind a pending verdict, or either way out is full. */
  private resumeClient(): void {
    if (!this.draining && this.held === undefined && !this.upstream!.writableNeedDrain && !this.client.writableNeedDrain) {
      this.client.resume();
    }
  }

  private upstreamFailed(reason: string, err?: Error): void {
    if (this.closed) return;
    this.ctx.meters.upstreamError(err ? "error" : "closed");
    this.log.info({ cluster: this.ctx.physicalCluster, err: err?.message }, `${reason}, closing client`);
    // Responses already queued to the client still go out before the FIN.
    this.close(reason, err, !err);
  }

  private readonly onClientData = (chunk: Buffer): void => {
    const upstream = this.upstream!;
    this.ctx.meters.bytesFromClients.inc(chunk.length);
    upstream.cork();
    try {
      this.fromClient.push(chunk);
    } catch (err) {
      this.frameError("client", err);
      return;
    } finally {
      upstream.uncork();
    }
    // A full upstream, or a client not reading what the gateway answered itself, stops the reading.
    if (upstream.writableNeedDrain || this.client.writableNeedDrain) this.client.pause();
  };

  private readonly onUpstreamData = (chunk: Buffer): void => {
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

  private readonly onRequest = (frame: Frame): void => {
    if (this.held !== undefined) this.held.push(frame);
    else this.handleRequest(frame);
  };

  private handleRequest(frame: Frame): void {
    if (frame.size < REQUEST_KEY_BYTES) {
      throw new ProtocolError("ERR_PROTOCOL_TRUNCATED", `request of ${frame.size} bytes has no header`);
    }
    const apiKey = peekInt16(frame, 0);
    const apiVersion = peekInt16(frame, 2);
    const correlationId = peekInt32(frame, 4);
    this.ctx.meters.request(apiKey).inc();
    const key: RequestKey = { apiKey, apiVersion, correlationId };
    const filter = this.ctx.requestFilter;
    if (filter !== undefined && filter.wantsRequest(apiKey, apiVersion)) this.apply(key, frame, filter.onRequest(key, frame));
    else this.forward(key, frame, frame.size, frame.chunks, undefined);
  }

  private apply(key: RequestKey, frame: Frame, verdict: RequestVerdict): void {
    if ("forward" in verdict) {
      const body = verdict.forward;
      if (body === undefined) this.forward(key, frame, frame.size, frame.chunks, verdict.state);
      else this.forward(key, frame, byteLength(body), body, verdict.state);
    } else if ("respond" in verdict) {
      this.answerLocally({ ...key, rewrite: false, localResponse: verdict.respond });
    } else if ("close" in verdict) {
      throw new RequestRefusedError(verdict.close);
    } else {
      this.hold(key, frame, verdict.pending);
    }
  }

  private forward(key: RequestKey, frame: Frame, size: number, body: readonly Buffer[], state: unknown): void {
    const { apiKey, apiVersion } = key;
    if (apiKey !== ApiKey.Produce || !isAcksZero(frame, apiVersion)) {
      const rewrite = this.ctx.responseFilter.wantsResponse(apiKey, apiVersion);
      this.inFlight.push({ apiKey, apiVersion, correlationId: key.correlationId, rewrite, state });
    }
    this.ctx.upstreamRequestTap?.(apiKey, apiVersion);
    writeFrame(this.upstream!, size, body);
  }

  /** This request's verdict comes later: it, and every request after it, waits (in order) with the client paused. */
  private hold(key: RequestKey, frame: Frame, pending: Promise<RequestVerdict>): void {
    this.held = [];
    this.client.pause();
    pending.then(
      (verdict) => this.release(key, frame, verdict),
      (err: unknown) => {
        this.log.warn({ apiKey: key.apiKey, apiVersion: key.apiVersion, err }, "request filter failed, closing connection");
        this.close("request filter failed", err);
      },
    );
  }

  /** A pending verdict is in: act on it, then on the requests that waited behind it (until one pends again). */
  private release(key: RequestKey, frame: Frame, verdict: RequestVerdict): void {
    if (this.closed) return;
    const waiting = this.held!;
    this.held = undefined;
    const upstream = this.upstream!;
    upstream.cork();
    this.client.cork();
    try {
      this.apply(key, frame, verdict);
      for (let i = 0; i < waiting.length; i++) {
        if (this.held !== undefined) {
          // Pending again: the rest keeps waiting, still ahead of anything read later.
          (this.held as Frame[]).push(...waiting.slice(i));
          break;
        }
        this.handleRequest(waiting[i]!);
      }
    } catch (err) {
      this.frameError("client", err);
      return;
    } finally {
      upstream.uncork();
      this.client.uncork();
    }
    if (this.draining && this.idle) this.close("drained", undefined, true);
    else this.resumeClient();
  }

  /** A response made by the gateway goes out now if nothing is ahead of it, else queues in request order. */
  private answerLocally(request: InFlightRequest): void {
    if (this.inFlight.size === 0 && this.answering === undefined) this.sendLocal(request);
    else this.inFlight.push(request);
  }

  private sendLocal(request: InFlightRequest): void {
    const body = request.localResponse!;
    const size = byteLength(body);
    this.ctx.responseTap?.(request, body);
    this.ctx.meters.bytesToClients.inc(4 + size);
    writeFrame(this.client, size, body);
  }

  /** The request whose response is being received (set from a response's first bytes to its end). */
  private answering: InFlightRequest | undefined;
  /** Test-only: a streamed response's chunks, for the response tap. */
  private tapped: Buffer[] | undefined;

  /**
   * Pairs each response with its request as soon as the correlation id is in. A response no filter
   * wants is streamed to the client as its bytes arrive (never held whole); the others are collected
   * whole for onResponse.
   */
  private readonly responseSink: FrameStreamSink = {
    start: (size, head) => {
      const request = this.inFlight.shift();
      if (request === undefined) throw new ProtocolError("ERR_PROTOCOL_TRUNCATED", "response with no request in flight");
      const correlationId = peekInt32({ size, chunks: head }, 0);
      if (correlationId !== request.correlationId) {
        throw new ProtocolError(
          "ERR_PROTOCOL_TRUNCATED",
          `response correlation id ${correlationId} does not match request ${request.correlationId}`,
        );
      }
      this.answering = request;
      if (request.rewrite) return false;
      writeFrame(this.client, size, head);
      this.ctx.meters.bytesToClients.inc(4 + byteLength(head));
      if (this.ctx.responseTap) this.tapped = [...head];
      return true;
    },
    body: (chunk) => {
      this.client.write(chunk);
      this.ctx.meters.bytesToClients.inc(chunk.length);
      this.tapped?.push(chunk);
    },
    end: () => {
      if (this.tapped) this.ctx.responseTap!(this.answering!, this.tapped);
      this.tapped = undefined;
      this.responseDone();
    },
  };

  /** A whole response some filter wants (sink.start returned false). */
  private readonly onResponse = (frame: Frame): void => {
    const request = this.answering!;
    const rewritten = this.ctx.responseFilter.onResponse(request, frame);
    this.ctx.responseTap?.(request, rewritten ?? frame.chunks);
    if (rewritten === undefined) {
      writeFrame(this.client, frame.size, frame.chunks);
      this.ctx.meters.bytesToClients.inc(4 + frame.size);
    } else {
      const size = byteLength(rewritten);
      writeFrame(this.client, size, rewritten);
      this.ctx.meters.bytesToClients.inc(4 + size);
    }
    this.responseDone();
  };

  private responseDone(): void {
    this.answering = undefined;
    // Gateway-made responses that were waiting behind this one are due now.
    for (let next = this.inFlight.peek(); next?.localResponse !== undefined; next = this.inFlight.peek()) {
      this.sendLocal(this.inFlight.shift()!);
    }
    if (this.draining && this.idle) this.close("drained", undefined, true);
  }

  private frameError(side: "client" | "upstream", err: unknown): void {
    if (err instanceof FrameTooLargeError || err instanceof ProtocolError || err instanceof RequestRefusedError) {
      if (side === "upstream") this.ctx.meters.upstreamError("protocol");
      this.log.warn({ side, code: err.code, reason: err.message }, "bad frame, closing connection");
      this.close(`bad ${side} frame`, err);
      return;
    }
    this.log.error({ side, err }, "unexpected error handling a frame, closing connection");
    this.close("internal error", err);
  }
}

/** A request filter decided the connection must close (see RequestVerdict). */
export class RequestRefusedError extends Error {
  readonly code = "REQUEST_REFUSED";
  override readonly name = "RequestRefusedError";
}
