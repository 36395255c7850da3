// One filter chain for both directions. Requests run through the filters in order, responses in reverse order
// (the onion every proxy uses: the filter nearest the broker sees the response first). A message is decoded once,
// and only if some filter asked for it; it is encoded once, and only if some filter changed it. Otherwise the
// original bytes go on (a request with a changed header gets a new header in front of its original body bytes).
// Record fields stay slices of the received frame through decode and encode.
import { ErrorCode } from "../protocol/error-codes.js";
import { ProtocolError } from "../protocol/errors.js";
import { peekInt16, peekInt32, peekProduceAcks, REQUEST_KEY_BYTES } from "../protocol/frame-peek.js";
import type { Frame } from "../protocol/frame-splitter.js";
import { byteLength } from "../protocol/frame-write.js";
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  responseHeaderVersion,
  type RequestHeader,
} from "../protocol/headers.js";
import type { ApiDescriptor } from "../protocol/api-descriptor.js";
import { API_BY_KEY, ApiKey } from "../protocol/messages/index.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";
import type { Session } from "../session/session.js";
import { DECODE, NO_RAISE, spliceProduceResponse, UNCHANGED } from "../protocol/produce-response-splice.js";
import {
  Interest,
  type Filter,
  type FilterRequest,
  type FilterResponse,
  type ProduceResponseView,
  type RawTokenVerdict,
  type RequestVerdict,
} from "./filter.js";

/** What the connection keeps of a request while its response is due; created by the chain, one per request. */
export interface ChainedRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  /** False for an acks=0 Produce: the broker sends nothing back. */
  readonly expectsResponse: boolean;
  /** Some filter wants the decoded response. */
  readonly decodeResponse: boolean;
  /** Per filter (by position in the chain): what its request side kept for its response side. */
  readonly states: readonly unknown[] | undefined;
}

/** Where the chain's decision goes: the connection. Exactly one method is called per request. */
export interface RequestSink {
  /** Send upstream: `body` is the request header and message (no size prefix). */
  forward(request: ChainedRequest, size: number, body: readonly Buffer[]): void;
  /** Answer from the gateway: `body` is the response header and message; `closeAfter` closes once it is sent. */
  respond(request: ChainedRequest, body: Buffer[], delayMs: number, refusal: string | undefined, closeAfter: boolean): void;
  /** Close the connection. `request` is undefined when the frame could not even be read as a request. */
  closeConnection(reason: string, request: ChainedRequest | undefined, refusal: string | undefined): void;
}

/** A request header re-encoded with a new client id: api key, version, correlation id, client id, tags. */
const HEADER_BYTES_HINT = 64;
/** Plans are memoised for real api keys at versions below this; clients may send any int16, those aren't. */
const MEMO_VERSIONS = 64;

/** Which filters see a request of one (key, version), and what the chain must decode for them. */
interface RequestPlan {
  /** Indexes into the chain's filters, in order. */
  readonly filters: readonly number[];
  readonly interests: readonly Interest[];
  /** The header is decoded when some filter wants it (or for Produce, whose acks sit after it). */
  readonly decodeHeader: boolean;
}

class ChainRequest implements FilterRequest, ChainedRequest {
  headerChanged = false;
  messageChanged = false;
  expectsResponse = true;
  decodeResponse = false;
  states: unknown[] | undefined = undefined;
  /** Decoded on first use by a filter with Interest.Message; dropped once forwarded (it holds record slices). */
  decoded: object | undefined = undefined;
  bodyStart = 0;

  constructor(
    readonly session: Session,
    readonly apiKey: number,
    readonly apiVersion: number,
    readonly correlationId: number,
    public header: RequestHeader,
    public frame: Frame | undefined,
    public reader: Reader | undefined,
  ) {}

  get message(): object {
    if (this.decoded === undefined) throw new Error(`${this.apiKey} v${this.apiVersion}: message not decoded for this filter`);
    return this.decoded;
  }

  /** Keeps only what the response needs. */
  release(): void {
    this.decoded = undefined;
    this.frame = undefined;
    this.reader = undefined;
  }
}

class ChainResponse implements FilterResponse {
  state: unknown = undefined;
  constructor(
    readonly session: Session,
    readonly apiKey: number,
    readonly apiVersion: number,
    readonly correlationId: number,
    readonly message: object,
  ) {}
}

class ChainProduceView implements ProduceResponseView {
  state: unknown = undefined;
  throttleAtLeastMs = NO_RAISE;
  renameTopic: ((name: string) => string | undefined) | undefined = undefined;
  keepTopicId: ((id: string) => boolean) | undefined = undefined;
  constructor(
    readonly session: Session,
    readonly apiVersion: number,
    readonly correlationId: number,
  ) {}
}

const NO_HEADER: RequestHeader = Object.freeze({ apiKey: -1, apiVersion: -1, correlationId: -1, clientId: null }) as RequestHeader;

export class FilterChain {
  private readonly requestPlans = new Map<number, RequestPlan>();
  private readonly responsePlans = new Map<number, readonly number[]>();
  private readonly readiness: readonly Filter[];
  private readonly rawTokenTakers: readonly Filter[];

  constructor(readonly filters: readonly Filter[]) {
    this.readiness = filters.filter((f) => f.sessionReady !== undefined);
    this.rawTokenTakers = filters.filter((f) => f.takesRawToken !== undefined && f.onRawToken !== undefined);
  }

  /** Tells the filters that care that a session began (at accept) or ended. */
  sessionOpened(session: Session): void {
    for (const filter of this.filters) filter.sessionOpened?.(session);
  }

  sessionClosed(session: Session): void {
    for (const filter of this.filters) filter.sessionClosed?.(session);
  }

  /**
   * The session goes on with `next` (a shared listener's session joining its virtual cluster): the filters of both
   * chains (the same instances: authentication) keep their session state; the others end it here and begin it there.
   */
  handOver(session: Session, next: FilterChain): void {
    for (const filter of this.filters) if (!next.filters.includes(filter)) filter.sessionClosed?.(session);
    for (const filter of next.filters) if (!this.filters.includes(filter)) filter.sessionOpened?.(session);
  }

  /** Whether the session may be connected upstream: every filter that gates it says so. */
  sessionReady(session: Session): boolean {
    for (const filter of this.readiness) if (!filter.sessionReady!(session)) return false;
    return true;
  }

  /**
   * Runs one request frame through the filters and tells `sink` what to do with it. Returns a Promise when some
   * filter's verdict is pending: the sink is called once it settles (the caller holds later requests meanwhile).
   * Throws ProtocolError on a frame that is not a request it can read.
   */
  onRequest(session: Session, frame: Frame, sink: RequestSink): Promise<void> | undefined {
    for (const filter of this.rawTokenTakers) if (filter.takesRawToken!(session)) return this.rawToken(filter, session, frame, sink);
    if (frame.size < REQUEST_KEY_BYTES) {
      throw new ProtocolError("ERR_PROTOCOL_TRUNCATED", `request of ${frame.size} bytes has no header`);
    }
    const apiKey = peekInt16(frame, 0);
    const apiVersion = peekInt16(frame, 2);
    const plan = this.requestPlan(apiKey, apiVersion);
    session.counters.requests++;
    let request: ChainRequest;
    if (plan.decodeHeader) {
      const reader = new Reader(frame.chunks);
      const header = decodeRequestHeader(reader);
      if (header.clientId !== undefined) session.clientId = header.clientId;
      request = new ChainRequest(session, apiKey, apiVersion, header.correlationId, header, frame, reader);
      request.bodyStart = reader.offset;
      if (apiKey === ApiKey.Produce) request.expectsResponse = peekProduceAcks(reader, apiVersion) !== 0;
    } else {
      request = new ChainRequest(session, apiKey, apiVersion, peekInt32(frame, 4), NO_HEADER, frame, undefined);
    }
    return this.run(request, plan, 0, sink);
  }

  /** A raw SASL token (legacy SaslHandshake v0 flow): answered with a raw token, no response header. */
  private rawToken(filter: Filter, session: Session, frame: Frame, sink: RequestSink): Promise<void> | undefined {
    session.counters.requests++;
    // Tokens are a few hundred bytes: one small copy, outside any hot path.
    const token = frame.chunks.length === 1 ? frame.chunks[0]! : Buffer.concat(frame.chunks);
    const request = new ChainRequest(session, ApiKey.SaslAuthenticate, 0, -1, NO_HEADER, undefined, undefined);
    const act = (verdict: RawTokenVerdict) => {
      if (verdict.kind === "reply") sink.respond(request, [verdict.token], 0, undefined, false);
      else sink.closeConnection(`${filter.name}: ${verdict.reason}`, request, "authentication_failed");
    };
    const verdict = filter.onRawToken!(session, token);
    if (verdict instanceof Promise) return verdict.then(act);
    act(verdict);
    return undefined;
  }

  private run(request: ChainRequest, plan: RequestPlan, from: number, sink: RequestSink): Promise<void> | undefined {
    for (let i = from; i < plan.filters.length; i++) {
      const index = plan.filters[i]!;
      if (plan.interests[i] === Interest.Message && request.decoded === undefined) this.decode(request);
      const verdict = this.filters[index]!.onRequest!(request);
      if (verdict.kind === "continue") {
        if (verdict.state !== undefined) (request.states ??= [])[index] = verdict.state;
        continue;
      }
      if (verdict.kind === "pending") {
        return verdict.verdict.then((settled) => {
          if (this.settle(request, index, settled, sink)) return this.run(request, plan, i + 1, sink);
        });
      }
      this.settle(request, index, verdict, sink);
      return undefined;
    }
    this.forward(request, sink);
    return undefined;
  }

  /** Acts on a final verdict; true when the request goes on to the next filter. */
  private settle(request: ChainRequest, index: number, verdict: RequestVerdict, sink: RequestSink): boolean {
    switch (verdict.kind) {
      case "continue":
        if (verdict.state !== undefined) (request.states ??= [])[index] = verdict.state;
        return true;
      case "respond":
        this.respond(request, verdict, sink);
        return false;
      case "close":
        request.release();
        sink.closeConnection(`${this.filters[index]!.name}: ${verdict.reason}`, request, verdict.refusal);
        return false;
      case "pending":
        throw new Error(`filter ${this.filters[index]!.name} answered a pending verdict with another pending verdict`);
    }
  }

  private decode(request: ChainRequest): void {
    const api = API_BY_KEY.get(request.apiKey)!; // requestPlan asks for Message only for versions the codec has
    const reader = request.reader!;
    reader.seek(request.bodyStart);
    request.decoded = api.decodeRequest(reader, request.apiVersion);
  }

  private forward(request: ChainRequest, sink: RequestSink): void {
    const frame = request.frame!;
    let body: readonly Buffer[] = frame.chunks;
    let size = frame.size;
    if (request.messageChanged) {
      const writer = new Writer();
      encodeRequestHeader(writer, request.header);
      API_BY_KEY.get(request.apiKey)!.encodeRequest(writer, request.apiVersion, request.decoded!);
      body = writer.toChunks();
      size = byteLength(body);
    } else if (request.headerChanged) {
      // A new header, then the original message bytes as views of the received chunks.
      const writer = new Writer(HEADER_BYTES_HINT);
      encodeRequestHeader(writer, request.header);
      const chunks = writer.toChunks();
      const reader = request.reader!;
      reader.seek(request.bodyStart);
      for (const slice of reader.slices(reader.remaining)) chunks.push(slice);
      body = chunks;
      size = byteLength(chunks);
    }
    if (request.decoded !== undefined && request.apiKey === ApiKey.Produce) {
      request.expectsResponse = (request.decoded as { acks: number }).acks !== 0;
    }
    request.decodeResponse = request.expectsResponse && this.responsePlan(request.apiKey, request.apiVersion).length > 0;
    request.release();
    sink.forward(request, size, body);
  }

  private respond(request: ChainRequest, verdict: RequestVerdict & { kind: "respond" }, sink: RequestSink): void {
    request.release();
    const api = API_BY_KEY.get(request.apiKey);
    const what = `${api?.name ?? request.apiKey} v${request.apiVersion}`;
    if (!request.expectsResponse) {
      sink.closeConnection(`${what}: answered by the gateway, but acks=0 leaves no response to answer with`, request, verdict.refusal);
      return;
    }
    if (api === undefined) throw new Error(`${what}: a filter answered an API the codec doesn't know`);
    const version = verdict.version ?? request.apiVersion;
    const body = encodeResponse(api, version, request.correlationId, verdict.message);
    sink.respond(request, body, verdict.delayMs ?? 0, verdict.refusal, verdict.closeAfter === true);
  }

  /**
   * A response some filter wants (request.decodeResponse): decoded once, run through the filters that want it in
   * reverse chain order, and re-encoded only if one of them changed it. Undefined: forward the original frame.
   * Throws ProtocolError on a response it can't decode.
   */
  onResponse(session: Session, request: ChainedRequest, frame: Frame): Buffer[] | undefined {
    const api = API_BY_KEY.get(request.apiKey);
    if (api === undefined) throw new ProtocolError("ERR_PROTOCOL_UNSUPPORTED_VERSION", `no codec for api key ${request.apiKey}`);
    const reader = new Reader(frame.chunks);
    const headerVersion = responseHeaderVersion(request.apiKey, request.apiVersion);
    const header = decodeResponseHeader(reader, headerVersion);
    const plan = this.responsePlan(request.apiKey, request.apiVersion);
    if (request.apiKey === ApiKey.Produce) {
      const spliced = this.spliceProduce(session, request, frame, reader.offset, plan);
      if (spliced !== DECODE) return spliced === UNCHANGED ? undefined : spliced;
    }
    const bodyVersion = responseBodyVersion(request, frame);
    const message = api.decodeResponse(reader, bodyVersion);
    const response = new ChainResponse(session, request.apiKey, bodyVersion, request.correlationId, message);
    let changed = false;
    for (const index of plan) {
      response.state = request.states?.[index];
      if (this.filters[index]!.onResponse!(response)) changed = true;
    }
    if (!changed) return undefined;
    const writer = new Writer();
    encodeResponseHeader(writer, headerVersion, header.correlationId, header.unknownTaggedFields);
    api.encodeResponse(writer, bodyVersion, message);
    return writer.toChunks();
  }

  /**
   * The fast path for the hottest response: when every filter that wants it can say its edit on the narrow view,
   * the edit is spliced into the original bytes and nothing else of the response is decoded. DECODE otherwise.
   */
  private spliceProduce(session: Session, request: ChainedRequest, frame: Frame, bodyStart: number, plan: readonly number[]): Buffer[] | typeof UNCHANGED | typeof DECODE {
    const view = new ChainProduceView(session, request.apiVersion, request.correlationId);
    for (const index of plan) {
      const filter = this.filters[index]!;
      if (filter.onProduceResponseView === undefined) return DECODE;
      view.state = request.states?.[index];
      if (!filter.onProduceResponseView(view)) return DECODE;
    }
    return spliceProduceResponse(frame.chunks, bodyStart, request.apiVersion, view);
  }

  private requestPlan(apiKey: number, apiVersion: number): RequestPlan {
    const memo = API_BY_KEY.has(apiKey) && apiVersion >= 0 && apiVersion < MEMO_VERSIONS;
    const key = apiKey * MEMO_VERSIONS + apiVersion;
    const known = memo ? this.requestPlans.get(key) : undefined;
    if (known !== undefined) return known;
    const api = API_BY_KEY.get(apiKey);
    const decodable = api !== undefined && apiVersion >= api.minVersion && apiVersion <= api.maxVersion;
    const filters: number[] = [];
    const interests: Interest[] = [];
    this.filters.forEach((filter, index) => {
      if (filter.onRequest === undefined) return;
      let interest = filter.requestInterest?.(apiKey, apiVersion) ?? Interest.None;
      // A version the codec doesn't have can't be decoded: such a request must be refused from its header.
      if (interest === Interest.Message && !decodable) interest = Interest.Header;
      if (interest === Interest.None) return;
      filters.push(index);
      interests.push(interest);
    });
    const plan: RequestPlan = Object.freeze({ filters, interests, decodeHeader: filters.length > 0 || apiKey === ApiKey.Produce });
    if (memo) this.requestPlans.set(key, plan);
    return plan;
  }

  private responsePlan(apiKey: number, apiVersion: number): readonly number[] {
    const memo = API_BY_KEY.has(apiKey) && apiVersion >= 0 && apiVersion < MEMO_VERSIONS;
    const key = apiKey * MEMO_VERSIONS + apiVersion;
    const known = memo ? this.responsePlans.get(key) : undefined;
    if (known !== undefined) return known;
    const plan: number[] = [];
    if (API_BY_KEY.has(apiKey)) {
      for (let index = this.filters.length - 1; index >= 0; index--) {
        const filter = this.filters[index]!;
        if (filter.onResponse !== undefined && filter.wantsResponse?.(apiKey, apiVersion) === true) plan.push(index);
      }
    }
    if (memo) this.responsePlans.set(key, plan);
    return plan;
  }
}

function encodeResponse(api: ApiDescriptor, apiVersion: number, correlationId: number, message: object): Buffer[] {
  const writer = new Writer();
  encodeResponseHeader(writer, responseHeaderVersion(api.apiKey, apiVersion), correlationId);
  api.encodeResponse(writer, apiVersion, message);
  return writer.toChunks();
}

/**
 * The version the response body is written in: the request's, except that a broker answers an ApiVersions request
 * it doesn't support in v0 (with UNSUPPORTED_VERSION), so the client can retry.
 */
function responseBodyVersion(request: ChainedRequest, frame: Frame): number {
  if (request.apiKey !== ApiKey.ApiVersions || request.apiVersion === 0) return request.apiVersion;
  // ApiVersions responses always use header v0 (the correlation id alone), then error_code int16.
  return peekInt16(frame, 4) === ErrorCode.UNSUPPORTED_VERSION ? 0 : request.apiVersion;
}
