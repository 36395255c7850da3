// The tenancy rewrite of a Fetch response (10 topics x 10 partitions, 1 MiB of records) on the gateway's real
// path (FilterChain.onResponse with the TenancyFilter): decode, rewriteResponse (topic ids checked against the
// tenant's namespace through the pre-filled id map), re-encode around the original record slices. Fails if a
// record slice is copied. Run alone: npx tsx bench/tenancy-fetch.bench.ts
import assert from "node:assert/strict";
import type { Frame } from "../src/protocol/frame-splitter.js";
import { decodeResponseHeader, encodeResponseHeader, responseHeaderVersion } from "../src/protocol/headers.js";
import { decodeFetchResponse, encodeFetchResponse } from "../src/protocol/messages/fetch.js";
import { ApiKey } from "../src/protocol/messages/index.js";
import { Reader } from "../src/protocol/reader.js";
import { Writer } from "../src/protocol/writer.js";
import { rewriteResponse, wantsTenancy } from "../src/tenancy/rewrite.js";
import { benchRewrite, benchTenantContext, benchTopics } from "./lib/tenancy.js";

const API_VERSION = 16; // flexible, topics by id (v13+): accepted by Kafka 3.9 and 4.x
const TOPICS = 10;
const PARTITIONS = 10;
const RECORDS_PER_PARTITION = 10 * 1024; // 100 x 10 KiB = 1,000 KiB of record data

const topics = benchTopics(TOPICS);
const ctx = benchTenantContext(topics);
const headerVersion = responseHeaderVersion(ApiKey.Fetch, API_VERSION);
assert.ok(wantsTenancy(ApiKey.Fetch, API_VERSION).response, "the gateway decodes Fetch responses for tenancy");

// The broker's response (topic ids of the tenant's topics). A byte pattern stands in for the record batches.
const responseWriter = new Writer();
encodeResponseHeader(responseWriter, headerVersion, 42);
encodeFetchResponse(responseWriter, API_VERSION, {
  throttleTimeMs: 0,
  errorCode: 0,
  sessionId: 123_456,
  responses: topics.map((t, ti) => ({
    topicId: t.id,
    partitions: Array.from({ length: PARTITIONS }, (_, partitionIndex) => ({
      partitionIndex,
      errorCode: 0,
      highWatermark: 1_000_000n,
      lastStableOffset: 1_000_000n,
      logStartOffset: 0n,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: [Buffer.alloc(RECORDS_PER_PARTITION, ti * PARTITIONS + partitionIndex + 1)],
    })),
  })),
  nodeEndpoints: [],
});
const responseSize = Buffer.alloc(4);
responseSize.writeInt32BE(responseWriter.length, 0);
const wire = Buffer.concat([responseSize, ...responseWriter.toChunks()]); // setup only: the bytes the broker would send

function decodeFetch(chunks: Buffer[]) {
  const reader = new Reader(chunks);
  const header = decodeResponseHeader(reader, headerVersion);
  return { header, response: decodeFetchResponse(reader, API_VERSION) };
}

await benchRewrite(
  `Fetch v${API_VERSION} response, tenancy rewrite, ${TOPICS} topics x ${PARTITIONS} partitions x 10 KiB`,
  wire,
  TOPICS * PARTITIONS * RECORDS_PER_PARTITION,
  {
    decode: (frame: Frame) => decodeFetch(frame.chunks),
    // No request state: the Fetch request named only the tenant's own ids, so no stand-ins.
    rewrite: ({ response }) => rewriteResponse(ctx, ApiKey.Fetch, API_VERSION, response, undefined),
    // Nothing to undo: ids of the tenant's own topics stay as they are (checkOutput: same bytes).
    reset: () => {},
    // The re-encode a changed response pays (an unchanged one is forwarded as received: see RESULTS.md).
    encode: ({ header, response }) => {
      const writer = new Writer();
      encodeResponseHeader(writer, headerVersion, header.correlationId, header.unknownTaggedFields);
      encodeFetchResponse(writer, API_VERSION, response);
      return writer.toChunks();
    },
    records: ({ response }) => response.responses.flatMap((t) => t.partitions.flatMap((p) => p.records ?? [])),
    // Only the tenant's own ids: nothing dropped, so the re-encoded response is the broker's, byte for byte.
    checkOutput: (out) => assert.ok(Buffer.concat(out).equals(wire.subarray(4)), "the rewritten Fetch response differs from the broker's"),
  },
);
