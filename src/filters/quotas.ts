// Byte-rate limits, throttled the Kafka way (KIP-219): the bytes a request carries (Produce) or a response brings
// (Fetch) are taken from token buckets that may go into debt: the topic's, the principal's and the tenant's. When
// one is in debt the response carries throttle_time_ms (the largest of them and of the broker's own), and the
// session is muted for as long. Data is delayed, never dropped or refused.
//
// Bytes are the lengths of the RECORDS fields, which hold whole record batches: the sum of their batch sizes, read
// without decompressing. A Fetch that arrives while a bucket it touches is in debt:
//  - without a fetch session (sessionId 0, epoch -1 or 0; or before v7) is answered at once, empty, with the throttle
//    time, as a broker does (clients treat an empty full response with a throttle time as "wait and retry");
//  - in a KIP-227 fetch session is forwarded, never answered here: the broker bumps the session's epoch on every
//    response, so a gateway answer would desync it. Its partitions stay untouched (the broker caches them); only the
//    request-wide maxBytes and minBytes are lowered, so the broker sends one batch at most (KIP-74 still lets a
//    large first batch through) and the response then throttles.
// Without debt, a Fetch's maxBytes is still lowered to what its buckets hold, so one response can't overshoot far.
import type { ByteDirection, GatewayObserver } from "../observe/observer.js";
import type { FetchRequest, FetchResponse } from "../protocol/messages/fetch.js";
import { ApiKey } from "../protocol/messages/index.js";
import type { ProduceRequest, ProduceResponse } from "../protocol/messages/produce.js";
import { recordCount, recordsByteLength } from "../protocol/record-batch.js";
import type { Session } from "../session/session.js";
import type { BucketPair, TenantByteRates } from "../limits/tenant-byte-rates.js";
import { Throttle } from "../limits/throttle.js";
import { CONTINUE, Interest, type Filter, type FilterRequest, type FilterResponse, type ProduceResponseView, type RequestVerdict } from "./filter.js";

/** Fetch v7 (KIP-227) brought sessions. */
const FIRST_SESSION_VERSION = 7;

export class ByteRateFilter implements Filter {
  readonly name = "byte-rates";
  private readonly throttle = new Throttle();

  constructor(
    /** The virtual cluster's live buckets: the same object across reloads. */
    private readonly rates: TenantByteRates,
    private readonly observer: GatewayObserver,
  ) {}

  requestInterest(apiKey: number): Interest {
    return apiKey === ApiKey.Produce || apiKey === ApiKey.Fetch ? Interest.Message : Interest.None;
  }

  wantsResponse(apiKey: number): boolean {
    return apiKey === ApiKey.Produce || apiKey === ApiKey.Fetch;
  }

  onRequest(request: FilterRequest): RequestVerdict {
    return request.apiKey === ApiKey.Produce ? this.produce(request as FilterRequest<ProduceRequest>) : this.fetch(request as FilterRequest<FetchRequest>);
  }

  onResponse(response: FilterResponse): boolean {
    if (response.apiKey === ApiKey.Produce) return produced(response as FilterResponse<ProduceResponse>);
    return this.fetched(response as FilterResponse<FetchResponse>);
  }

  onProduceResponseView(view: ProduceResponseView): boolean {
    const left = throttleLeft(view.state);
    if (left !== undefined && left > view.throttleAtLeastMs) view.throttleAtLeastMs = left;
    return true;
  }

  /** Produce: the request's bytes are counted; the wait starts now (an acks=0 Produce has no response to carry it). */
  private produce(request: FilterRequest<ProduceRequest>): RequestVerdict {
    const nowMs = performance.now();
    const { session } = request;
    const throttle = this.throttle.reset();
    let total = 0;
    for (const topic of request.message.topicData) {
      let bytes = 0;
      for (const partition of topic.partitionData) bytes += recordsByteLength(partition.records);
      total += bytes;
      const pair = this.topicOf(topic.name, topic.topicId, nowMs);
      if (pair === undefined) continue;
      this.observer.topicBytes?.(session, pair.name, "produce", bytes, recordsOf(topic.partitionData));
      throttle.take(pair.produce, bytes, nowMs, "topic", pair.name);
    }
    throttle.take(this.rates.principal(session.principal?.name, nowMs).produce, total, nowMs, "principal", undefined);
    throttle.take(this.rates.tenant.produce, total, nowMs, "tenant", undefined);
    if (throttle.ms === 0) return CONTINUE;
    this.mute(session, "produce", throttle);
    // The response carries what is left of the wait when it comes back.
    return { kind: "continue", state: nowMs + throttle.ms };
  }

  private fetch(request: FilterRequest<FetchRequest>): RequestVerdict {
    const nowMs = performance.now();
    const message = request.message;
    const throttle = this.throttle.reset();
    if (this.rates.hasTopicRates) {
      for (const topic of message.topics) {
        const pair = this.topicOf(topic.topic, topic.topicId, nowMs);
        if (pair !== undefined) throttle.look(pair.fetch, nowMs, "topic", pair.name);
      }
    }
    throttle.look(this.rates.principal(request.session.principal?.name, nowMs).fetch, nowMs, "principal", undefined);
    throttle.look(this.rates.tenant.fetch, nowMs, "tenant", undefined);
    const available = throttle.available;
    if (available === Number.POSITIVE_INFINITY) return CONTINUE;
    if (throttle.ms > 0 && !inFetchSession(request.apiVersion, message)) {
      this.mute(request.session, "fetch", throttle);
      return { kind: "respond", message: emptyFetchResponse(throttle.ms) };
    }
    const cap = Math.max(1, Math.floor(available));
    if (cap < message.maxBytes) {
      message.maxBytes = cap;
      if (message.minBytes > cap) message.minBytes = cap;
      request.messageChanged = true;
    }
    return CONTINUE;
  }

  /** Fetch: the response's bytes are counted when it comes back, and the wait starts then. */
  private fetched(response: FilterResponse<FetchResponse>): boolean {
    const nowMs = performance.now();
    const { session, message } = response;
    const throttle = this.throttle.reset();
    let total = 0;
    for (const topic of message.responses) {
      let bytes = 0;
      for (const partition of topic.partitions) bytes += recordsByteLength(partition.records);
      total += bytes;
      const pair = this.topicOf(topic.topic, topic.topicId, nowMs);
      if (pair === undefined) continue;
      if (bytes > 0) this.observer.topicBytes?.(session, pair.name, "fetch", bytes, recordsOf(topic.partitions));
      throttle.take(pair.fetch, bytes, nowMs, "topic", pair.name);
    }
    throttle.take(this.rates.principal(session.principal?.name, nowMs).fetch, total, nowMs, "principal", undefined);
    throttle.take(this.rates.tenant.fetch, total, nowMs, "tenant", undefined);
    if (throttle.ms === 0) return false;
    this.mute(session, "fetch", throttle);
    if (throttle.ms <= message.throttleTimeMs) return false;
    message.throttleTimeMs = throttle.ms;
    return true;
  }

  /** A topic named by name (older versions) or by id (v13+); undefined for an id whose name isn't known yet. */
  private topicOf(name: string | undefined, id: string | undefined, nowMs: number): BucketPair | undefined {
    return name !== undefined ? this.rates.topic(name, nowMs) : id !== undefined ? this.rates.topicById(id, nowMs) : undefined;
  }

  private mute(session: Session, direction: ByteDirection, throttle: Throttle): void {
    session.mute(throttle.ms);
    this.observer.throttled?.(session, direction, throttle.scope, throttle.topic, throttle.ms);
  }
}

/** Records in a topic's partitions, from their batch headers; empty partitions (most of a Fetch's) cost nothing. */
function recordsOf(partitions: readonly { records: Buffer | readonly Buffer[] | null }[]): number {
  let records = 0;
  for (const partition of partitions) if (recordsByteLength(partition.records) > 0) records += recordCount(partition.records);
  return records;
}

/** The larger of the broker's throttle time and what is left of ours (`state`: when our wait ends). */
function produced(response: FilterResponse<ProduceResponse>): boolean {
  const left = throttleLeft(response.state);
  if (left === undefined || left <= (response.message.throttleTimeMs ?? 0)) return false;
  response.message.throttleTimeMs = left;
  return true;
}

/** What is left of a Produce's wait (`state`: when it ends), in whole ms; undefined when it wasn't throttled. */
function throttleLeft(state: unknown): number | undefined {
  return state === undefined ? undefined : Math.ceil((state as number) - performance.now());
}

/** Whether a KIP-227 fetch session is running, or being replaced: then only the broker may answer. */
function inFetchSession(version: number, message: FetchRequest): boolean {
  if (version < FIRST_SESSION_VERSION) return false;
  return message.sessionId !== 0 || (message.sessionEpoch !== -1 && message.sessionEpoch !== 0);
}

/** What a broker sends a throttled Fetch without a session: no partitions, no session, the throttle time. */
function emptyFetchResponse(throttleTimeMs: number): FetchResponse {
  return { throttleTimeMs, errorCode: 0, sessionId: 0, responses: [] };
}
