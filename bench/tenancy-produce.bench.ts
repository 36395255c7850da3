// The tenancy rewrite of a Produce request (10 topics x 10 partitions, 1 MiB of records) on the gateway's real
// path: decode, rewriteRequest (tenant prefix on every topic name, upstream client id), re-encode around the
// original record slices. Fails if a record slice is copied. Run alone: npx tsx bench/tenancy-produce.bench.ts
import assert from "node:assert/strict";
import type { Frame } from "../src/protocol/frame-splitter.js";
import { decodeRequestHeader, encodeRequestHeader } from "../src/protocol/headers.js";
import { ApiKey } from "../src/protocol/messages/index.js";
import { decodeProduceRequest, encodeProduceRequest } from "../src/protocol/messages/produce.js";
import { Reader } from "../src/protocol/reader.js";
import { Writer } from "../src/protocol/writer.js";
import { rewriteRequest } from "../src/tenancy/rewrite.js";
import { benchRewrite, benchTenantContext, benchTopics, TENANT } from "./lib/tenancy.js";

const API_VERSION = 11; // flexible, topics by name: the newest version both Kafka 3.9 and 4.x accept
const TOPICS = 10;
const PARTITIONS = 10;
const RECORDS_PER_PARTITION = 10 * 1024; // 100 x 10 KiB = 1,000 KiB of record data
const CLIENT_ID = "bench-producer";

const topics = benchTopics(TOPICS);
const ctx = benchTenantContext(topics);

// The client's request: tenant-side names. The codec never looks inside record batches: a byte pattern will do.
const requestWriter = new Writer();
encodeRequestHeader(requestWriter, { apiKey: ApiKey.Produce, apiVersion: API_VERSION, correlationId: 42, clientId: CLIENT_ID });
encodeProduceRequest(requestWriter, API_VERSION, {
  transactionalId: null,
  acks: -1,
  timeoutMs: 30_000,
  topicData: topics.map((t, ti) => ({
    name: t.name,
    partitionData: Array.from({ length: PARTITIONS }, (_, index) => ({
      index,
      records: [Buffer.alloc(RECORDS_PER_PARTITION, ti * PARTITIONS + index + 1)],
    })),
  })),
});
const requestSize = Buffer.alloc(4);
requestSize.writeInt32BE(requestWriter.length, 0);
const wire = Buffer.concat([requestSize, ...requestWriter.toChunks()]); // setup only: the bytes a client would send

function decodeProduce(chunks: Buffer[]) {
  const reader = new Reader(chunks);
  const header = decodeRequestHeader(reader);
  return { header, request: decodeProduceRequest(reader, header.apiVersion) };
}

await benchRewrite(
  `Produce v${API_VERSION} request, tenancy rewrite, ${TOPICS} topics x ${PARTITIONS} partitions x 10 KiB`,
  wire,
  TOPICS * PARTITIONS * RECORDS_PER_PARTITION,
  {
    decode: (frame: Frame) => decodeProduce(frame.chunks),
    // As TenancyFilter.onRequest: the upstream client id, then the message.
    rewrite: ({ header, request }) => {
      header.clientId = ctx.ns.upstreamClientId(header.clientId);
      const outcome = rewriteRequest(ctx, ApiKey.Produce, header.apiVersion, request);
      if (outcome instanceof Promise || outcome.kind !== "forward") throw new Error("the Produce rewrite did not forward synchronously");
    },
    reset: ({ header, request }) => {
      header.clientId = CLIENT_ID;
      request.topicData.forEach((t, i) => (t.name = topics[i]!.name));
    },
    // As FilterChain.forward when the message changed.
    encode: ({ header, request }) => {
      const writer = new Writer();
      encodeRequestHeader(writer, header);
      encodeProduceRequest(writer, header.apiVersion, request);
      return writer.toChunks();
    },
    records: ({ request }) => request.topicData.flatMap((t) => t.partitionData.flatMap((p) => p.records ?? [])),
    checkOutput: (out) => {
      const { header, request } = decodeProduce([Buffer.concat(out)]);
      assert.equal(header.clientId, `${TENANT}/${CLIENT_ID}`);
      assert.deepEqual(request.topicData.map((t) => t.name), topics.map((t) => t.physical), "every topic name prefixed once");
    },
  },
);
