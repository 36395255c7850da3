// One Produce request through the production filter chain (createFilterChain: API policy, broker addresses,
// tenancy) as a connection runs it: peek, header decoded once, message decoded and rewritten, encoded once; the
// record slices leave as the same memory. Reports how many times the request header was read (the client id is the
// header's only classic nullable string, so counting those reads counts header decodes) and the Buffer allocations
// per request. Run alone: npx tsx bench/filter-chain.bench.ts
import assert from "node:assert/strict";
import type { ChainedRequest, RequestSink } from "../src/filters/chain.js";
import { createFilterChain } from "../src/filters/index.js";
import { logger } from "../src/log.js";
import { encodeRequestHeader } from "../src/protocol/headers.js";
import { ApiKey } from "../src/protocol/messages/index.js";
import { encodeProduceRequest } from "../src/protocol/messages/produce.js";
import { Reader } from "../src/protocol/reader.js";
import { Writer } from "../src/protocol/writer.js";
import { TENANT_VERSION_RANGES } from "../src/tenancy/api-policy.js";
import { BrokerAddressMap } from "../src/upstream/broker-address-map.js";
import { testEndpoint, testSession } from "../test/harness/session.js";
import { trackAllocations } from "./lib/alloc-tracker.js";
import { runCases } from "./lib/report.js";
import { benchTenantContext, benchTopics } from "./lib/tenancy.js";
import { bytesOf, receivedFrame } from "./lib/zero-copy.js";

const TOPICS = 2;
const PARTITIONS = 1;
const RECORD_BYTES = 15 * 1024; // ~30 KiB requests of 2 partitions, as ProducerPerformance sends them
const topics = benchTopics(TOPICS);
const tenant = benchTenantContext(topics);
const endpoint = testEndpoint(tenant.ns.tenant);
const chain = createFilterChain({ endpoint, addressMap: new BrokerAddressMap(async () => []), tenant, forwardable: TENANT_VERSION_RANGES, log: logger });
const session = testSession(endpoint);

function wire(version: number, byId: boolean): Buffer {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey: ApiKey.Produce, apiVersion: version, correlationId: 7, clientId: "producer-1" });
  encodeProduceRequest(writer, version, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: topics.map((t, ti) => ({
      ...(byId ? { topicId: t.id } : { name: t.name }),
      partitionData: Array.from({ length: PARTITIONS }, (_, index) => ({ index, records: [Buffer.alloc(RECORD_BYTES, ti + 1)] })),
    })),
  });
  const size = Buffer.alloc(4);
  size.writeInt32BE(writer.length, 0);
  return Buffer.concat([size, ...writer.toChunks()]); // setup only
}

let forwarded: readonly Buffer[] = [];
const sink: RequestSink = {
  forward: (_r: ChainedRequest, _size, body) => (forwarded = body),
  respond: () => assert.fail("answered instead of forwarded"),
  closeConnection: (reason) => assert.fail(`closed: ${reason}`),
};

/** Counts calls of a Reader method while `fn` runs. */
function countReads(method: "readNullableString", fn: () => void): number {
  const original = Reader.prototype[method];
  let calls = 0;
  Reader.prototype[method] = function (this: Reader) {
    calls++;
    return original.call(this);
  };
  try {
    fn();
  } finally {
    Reader.prototype[method] = original;
  }
  return calls;
}

const cases = [
  { name: "Produce v11 by name (message rewritten)", version: 11, byId: false },
  { name: "Produce v13 by topic id (header only)", version: 13, byId: true },
];
const rows = cases.map(({ name, version, byId }) => {
  const frame = receivedFrame(wire(version, byId), 64 * 1024);
  const headerReads = countReads("readNullableString", () => void chain.onRequest(session, frame, sink));
  const { allocations } = trackAllocations(() => void chain.onRequest(session, frame, sink));
  assert.equal(allocations.concats, 0, `${name}: Buffer.concat on the request path`);
  // Record bytes leave as views of the received memory, never copied.
  const large = forwarded.filter((c) => c.length > 1024);
  assert.ok(bytesOf(large) >= TOPICS * PARTITIONS * RECORD_BYTES, `${name}: record bytes missing from the output`);
  assert.ok(large.every((c) => frame.chunks.some((f) => f.buffer === c.buffer)), `${name}: a record slice was copied`);
  return { case: name, "header reads": headerReads, "Buffer allocs": allocations.calls, "Buffer alloc B": allocations.bytes, "bytes out": bytesOf(forwarded), frame };
});
console.log("\n## Filter chain, one Produce request per call (header reads and Buffer allocations per request)");
console.table(rows.map(({ frame: _frame, ...row }) => row));
await runCases(
  "Filter chain, Produce request, 64 KiB socket reads",
  rows.map(({ case: name, frame }) => ({ name, fn: () => void chain.onRequest(session, frame, sink), bytesPerOp: frame.size })),
);
