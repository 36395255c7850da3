// The caps a request can trip (the connection caps are enforced at accept, src/limits/connection-caps.ts):
//  - request rate: every request takes a token of the virtual cluster's bucket; in debt, the client is throttled the
//    Kafka way (KIP-219): its socket is muted for the repay time and the response carries it as throttle_time_ms
//    (the larger of ours and the broker's). Nothing is refused or dropped.
//  - topics and partitions: a CreateTopics or CreatePartitions is checked against the tenant's count upstream; the
//    topics that would exceed a cap are answered POLICY_VIOLATION (see topic-caps.ts for why), the rest go on.
//  - retained bytes: while the tenant is over its cap, a Produce is answered POLICY_VIOLATION for every partition.
//    Not retriable for the Java producer, librdkafka and kafkajs: the send fails and the application sees why,
//    instead of the client retrying until its delivery timeout. Reads and everything else keep working.
// Caps are read from the virtual cluster's TenantCaps on every request, so a reload applies to open sessions at once.
import { ErrorCode } from "../protocol/error-codes.js";
import type { CreatePartitionsRequest, CreatePartitionsTopicResult } from "../protocol/messages/create-partitions.js";
import type { CreatableTopicResult, CreateTopicsRequest } from "../protocol/messages/create-topics.js";
import { API_BY_KEY, ApiKey } from "../protocol/messages/index.js";
import { inVersionRange } from "../protocol/schema.js";
import { checkTopicCaps, requestedPartitions, type TopicCapRefusal, type TopicGrowth } from "../limits/topic-caps.js";
import type { TenantCaps } from "../limits/tenant-caps.js";
import { buildErrorResponse } from "../tenancy/error-response.js";
import { CONTINUE, Interest, isRequest, isResponse, type Filter, type FilterRequest, type FilterResponse, type ProduceResponseView, type RequestVerdict } from "./filter.js";

/** What a request leaves for its response: the throttle time, the refused topics to add, the creations to confirm. */
class CapsState {
  /** Results for the topics the gateway refused (the broker never saw them). */
  refused: object[] = [];
  /** Creations let through and reserved in the ledger: cancelled if the broker refuses them. */
  reserved: string[] = [];
  constructor(readonly throttleMs: number) {}
}

export class CapsFilter implements Filter {
  readonly name = "caps";
  constructor(private readonly caps: TenantCaps) {}

  requestInterest(apiKey: number): Interest {
    const decode = apiKey === ApiKey.Produce || apiKey === ApiKey.CreateTopics || apiKey === ApiKey.CreatePartitions;
    return decode ? Interest.Message : Interest.Header; // every request counts towards the request rate
  }

  onRequest(request: FilterRequest): RequestVerdict {
    const throttleMs = this.caps.requestThrottleMs();
    if (throttleMs > 0) request.session.mute(throttleMs);
    if (isRequest(request, "Produce")) {
      const refusal = this.caps.retainedBytesRefusal();
      if (refusal !== undefined) {
        this.caps.refuse("retained_bytes", refusal);
        return this.refuseAll(request, refusal, throttleMs, "retained_bytes");
      }
    } else if (isRequest(request, "CreateTopics") || isRequest(request, "CreatePartitions")) {
      const { maxTopics, maxPartitions } = this.caps.settings;
      if (maxTopics !== undefined || maxPartitions !== undefined) return { kind: "pending", verdict: this.checkTopics(request, throttleMs) };
    }
    return throttleMs > 0 ? { kind: "continue", state: new CapsState(throttleMs) } : CONTINUE;
  }

  private async checkTopics(request: FilterRequest<CreateTopicsRequest> | FilterRequest<CreatePartitionsRequest>, throttleMs: number): Promise<RequestVerdict> {
    let usage: Map<string, number>;
    try {
      usage = await this.caps.topicUsage();
    } catch (err) {
      // Not counted, not let through: a retriable error, so the client tries again.
      const message = `the gateway could not count this virtual cluster's topics (${(err as Error).message}); try again`;
      return this.refuseAll(request, message, throttleMs, undefined, ErrorCode.REQUEST_TIMED_OUT);
    }
    const creating = isRequest(request, "CreateTopics");
    const growths: TopicGrowth[] = creating
      ? request.message.topics.map((t) => ({ name: t.name, partitions: requestedPartitions(t), existing: false }))
      : (request.message as CreatePartitionsRequest).topics.map((t) => ({ name: t.name, partitions: t.count, existing: true }));
    const verdicts = checkTopicCaps(usage, this.caps.settings, growths);
    const state = new CapsState(throttleMs);
    const now = performance.now();
    growths.forEach(({ name, partitions }, i) => {
      const refusal = verdicts[i];
      if (refusal !== undefined) {
        this.caps.refuse(refusal.cap, refusal.message);
        state.refused.push(this.refusedResult(request.apiKey, request.apiVersion, name, refusal));
        return;
      }
      // Counted from now on, until Metadata shows it (topic-ledger.ts); a later filter's refusal leaves it to expire.
      const grows = creating ? !usage.has(name) : (usage.get(name) ?? partitions) < partitions;
      if (grows && !request.message.validateOnly) {
        this.caps.topics.reserve(name, partitions, now);
        state.reserved.push(name);
      }
    });
    if (state.refused.length === 0) return throttleMs > 0 || state.reserved.length > 0 ? { kind: "continue", state } : CONTINUE;
    if (state.refused.length === growths.length) {
      const response = buildErrorResponse(request.apiKey, request.apiVersion, null, ErrorCode.POLICY_VIOLATION) as Record<string, unknown>;
      response[creating ? "topics" : "results"] = state.refused;
      response.throttleTimeMs = throttleMs;
      return { kind: "respond", message: response, refusal: verdicts[0]!.cap };
    }
    // The broker creates the rest; the refused ones join its answer (onResponse).
    const message = request.message as { topics: unknown[] };
    message.topics = message.topics.filter((_, i) => verdicts[i] === undefined);
    request.messageChanged = true;
    return { kind: "continue", state };
  }

  /** The result a broker would give for one topic its policy refused. */
  private refusedResult(apiKey: number, apiVersion: number, name: string, refusal: TopicCapRefusal): object {
    const response = buildErrorResponse(apiKey, apiVersion, { topics: [{ name }] }, ErrorCode.POLICY_VIOLATION, refusal.message) as Record<string, unknown[]>;
    const result = (apiKey === ApiKey.CreateTopics ? response.topics : response.results)![0] as Record<string, unknown>;
    // Kafka's "unknown" for a topic it didn't create (v5+).
    if (result.numPartitions !== undefined) result.numPartitions = -1;
    if (result.replicationFactor !== undefined) result.replicationFactor = -1;
    return result;
  }

  /** Answers the whole request with `errorCode` in every item (every partition of a Produce, every topic). */
  private refuseAll(request: FilterRequest, message: string, throttleMs: number, refusal: string | undefined, errorCode: number = ErrorCode.POLICY_VIOLATION): RequestVerdict {
    const response = buildErrorResponse(request.apiKey, request.apiVersion, request.message, errorCode, message) as Record<string, unknown>;
    response.throttleTimeMs = throttleMs;
    return { kind: "respond", message: response, ...(refusal !== undefined && { refusal }) };
  }

  wantsResponse(apiKey: number, apiVersion: number): boolean {
    return apiKey === ApiKey.CreateTopics || apiKey === ApiKey.CreatePartitions || this.hasThrottleTime(apiKey, apiVersion);
  }

  onResponse(response: FilterResponse): boolean {
    const state = response.state;
    if (!(state instanceof CapsState)) return false;
    let changed = false;
    const message = response.message as { throttleTimeMs?: number };
    if (message.throttleTimeMs !== undefined && message.throttleTimeMs < state.throttleMs) {
      message.throttleTimeMs = state.throttleMs;
      changed = true;
    }
    let results: (CreatableTopicResult | CreatePartitionsTopicResult)[] | undefined;
    if (isResponse(response, "CreateTopics")) results = response.message.topics;
    else if (isResponse(response, "CreatePartitions")) results = response.message.results;
    if (results === undefined) return changed;
    for (const result of results) if (result.errorCode !== 0 && state.reserved.includes(result.name)) this.caps.topics.cancel(result.name);
    if (state.refused.length > 0) {
      results.push(...(state.refused as typeof results));
      changed = true;
    }
    return changed;
  }

  /** Produce's only change here: the throttle time of a request the rate cap throttled. */
  onProduceResponseView(view: ProduceResponseView): boolean {
    if (view.state instanceof CapsState && view.state.throttleMs > view.throttleAtLeastMs) view.throttleAtLeastMs = view.state.throttleMs;
    return true;
  }

  /** Whether the API's response has a throttle_time_ms at this version (asked once per version: the chain memoises). */
  private hasThrottleTime(apiKey: number, apiVersion: number): boolean {
    const field = API_BY_KEY.get(apiKey)?.responseSchema.fields.find((f) => f.name === "throttleTimeMs");
    return field !== undefined && inVersionRange(field.versions, apiVersion);
  }
}
