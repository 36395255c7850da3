// One broker's Produce response back through the production filter chain (createFilterChain: broker addresses,
// tenancy), as a connection runs it: on the splice path (names stripped in the original bytes, nothing else decoded)
// and on the codec path it falls back to (decode, rewrite, encode), forced here by one more filter that wants the
// response and has no view of it. Both must give the client the same bytes. Run alone:
// npx tsx bench/produce-response.bench.ts
import assert from "node:assert/strict";
import { FilterChain, type ChainedRequest, type RequestSink } from "../src/filters/chain.js";
import type { Filter } from "../src/filters/filter.js";
import { createFilterChain } from "../src/filters/index.js";
import { logger } from "../src/log.js";
import type { Frame } from "../src/protocol/frame-splitter.js";
import { encodeRequestHeader, encodeResponseHeader, responseHeaderVersion } from "../src/protocol/headers.js";
import { ApiKey } from "../src/protocol/messages/index.js";
import { encodeProduceRequest, encodeProduceResponse } from "../src/protocol/messages/produce.js";
import { Writer } from "../src/protocol/writer.js";
import { TENANT_VERSION_RANGES } from "../src/tenancy/api-policy.js";
import { BrokerAddressMap } from "../src/upstream/broker-address-map.js";
import { testEndpoint, testSession } from "../test/harness/session.js";
import { trackAllocations } from "./lib/alloc-tracker.js";
import { runCases } from "./lib/report.js";
import { benchTenantContext, benchTopics } from "./lib/tenancy.js";

const TOPICS = 2;
const PARTITIONS = 3;
const topics = benchTopics(TOPICS);
const tenant = benchTenantContext(topics);
const endpoint = testEndpoint(tenant.ns.tenant);
const session = testSession(endpoint);
const production = createFilterChain({ endpoint, addressMap: new BrokerAddressMap(async () => []), tenant, forwardable: TENANT_VERSION_RANGES, log: logger });
/** A read-only filter without a view: every Produce response takes the codec path, as all did before the splice. */
const noView: Filter = { name: "no-view", wantsResponse: (apiKey) => apiKey === ApiKey.Produce, onResponse: () => false };
const codecOnly = new FilterChain([...production.filters, noView]);

/** What the connection keeps of a Produce request of `version` after the chain forwarded it. */
function inFlight(chain: FilterChain, version: number): ChainedRequest {
  const w = new Writer();
  encodeRequestHeader(w, { apiKey: ApiKey.Produce, apiVersion: version, correlationId: 7, clientId: "producer-1" });
  encodeProduceRequest(w, version, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 30_000,
    topicData: topics.map((t) => ({ name: t.name, partitionData: [{ index: 0, records: [Buffer.alloc(1024)] }] })),
  });
  const body = Buffer.concat(w.toChunks()); // setup only
  let request: ChainedRequest | undefined;
  const sink: RequestSink = {
    forward: (r) => (request = r),
    respond: () => assert.fail("answered instead of forwarded"),
    closeConnection: (reason) => assert.fail(`closed: ${reason}`),
  };
  void chain.onRequest(session, { size: body.length, chunks: [body] }, sink);
  assert.ok(request?.decodeResponse, "the chain wants the response");
  return request;
}

/** The broker's response: physical names, a base offset per partition, as a Kafka broker writes it. */
function brokerResponse(version: number): Frame {
  const w = new Writer();
  encodeResponseHeader(w, responseHeaderVersion(ApiKey.Produce, version), 7);
  encodeProduceResponse(w, version, {
    responses: topics.map((t) => ({
      name: t.physical,
      partitionResponses: Array.from({ length: PARTITIONS }, (_, index) => ({ index, errorCode: 0, baseOffset: 123_456n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null })),
    })),
    throttleTimeMs: 0,
  });
  const bytes = Buffer.concat(w.toChunks()); // setup only
  return { size: bytes.length, chunks: [bytes] };
}

const cases = [9, 11, 12].flatMap((version) => {
  const frame = brokerResponse(version);
  const spliceRequest = inFlight(production, version);
  const codecRequest = inFlight(codecOnly, version);
  const spliced = Buffer.concat(production.onResponse(session, spliceRequest, frame)!);
  const decoded = Buffer.concat(codecOnly.onResponse(session, codecRequest, frame)!);
  assert.ok(spliced.equals(decoded), `v${version}: the splice and the codec disagree`);
  return [
    { name: `Produce v${version} response, splice`, fn: () => void production.onResponse(session, spliceRequest, frame), bytesPerOp: frame.size },
    { name: `Produce v${version} response, codec (before)`, fn: () => void codecOnly.onResponse(session, codecRequest, frame), bytesPerOp: frame.size },
  ];
});

console.log(`\n## Produce response through the chain: Buffer allocations per response (${TOPICS} topics x ${PARTITIONS} partitions)`);
console.table(cases.map((c) => ({ case: c.name, ...trackAllocations(c.fn).allocations })));
await runCases(`Produce response through the chain (${TOPICS} topics x ${PARTITIONS} partitions)`, cases);
