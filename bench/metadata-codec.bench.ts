// Decode + re-encode of a Metadata response (3 brokers, 100 topics): the gateway rewrites every one
// of these (broker addresses), so its cost is paid per client metadata refresh.
// Run alone: npx tsx bench/metadata-codec.bench.ts
import assert from "node:assert/strict";
import { decodeResponseHeader, encodeResponseHeader, responseHeaderVersion } from "../src/protocol/headers.js";
import { decodeMetadataResponse, encodeMetadataResponse, type MetadataResponse } from "../src/protocol/messages/metadata.js";
import { Reader } from "../src/protocol/reader.js";
import { Writer } from "../src/protocol/writer.js";
import { runCases } from "./lib/report.js";

const API_KEY = 3;
const API_VERSION = 12; // flexible, topic ids; accepted by Kafka 3.9 and 4.x
const TOPICS = 100;
const PARTITIONS = 6;
const BROKERS = [1, 2, 3];

function metadataResponse(): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: BROKERS.map((nodeId) => ({ nodeId, host: `broker-${nodeId}.kafka.internal`, port: 9092, rack: `rack-${nodeId}` })),
    clusterId: "q1Sh-9_ISia_zwGINzRvyQ",
    controllerId: 1,
    topics: Array.from({ length: TOPICS }, (_, t) => ({
      errorCode: 0,
      name: `tenant-a.orders-${String(t).padStart(3, "0")}`,
      topicId: `${String(t).padStart(3, "0")}AAAAAAAAAAAAAAAAAA`.slice(0, 21) + "A",
      isInternal: false,
      partitions: Array.from({ length: PARTITIONS }, (_, p) => {
        const replicas = [0, 1, 2].map((i) => BROKERS[(t + p + i) % BROKERS.length]!);
        return {
          errorCode: 0, partitionIndex: p, leaderId: replicas[0]!, leaderEpoch: 3,
          replicaNodes: replicas, isrNodes: replicas, offlineReplicas: [],
        };
      }),
      topicAuthorizedOperations: -2147483648,
    })),
  };
}

const headerVersion = responseHeaderVersion(API_KEY, API_VERSION);

function encode(correlationId: number, response: MetadataResponse): Buffer[] {
  const writer = new Writer();
  writer.writeInt32(0); // the frame size, patched below
  encodeResponseHeader(writer, headerVersion, correlationId);
  encodeMetadataResponse(writer, API_VERSION, response);
  const chunks = writer.toChunks();
  chunks[0]!.writeInt32BE(writer.length - 4, 0); // the first chunk starts with the reserved bytes
  return chunks;
}

// The response body as a frame's chunk list (without the size prefix), as the upstream side receives it.
const frame = Buffer.concat(encode(7, metadataResponse()));
const body = [frame.subarray(4)];

function decode() {
  const reader = new Reader(body);
  const header = decodeResponseHeader(reader, headerVersion);
  return { header, response: decodeMetadataResponse(reader, API_VERSION) };
}

// Round trip once before timing: the re-encoded frame must be byte-identical.
{
  const { header, response } = decode();
  assert.equal(response.topics.length, TOPICS);
  assert.equal(response.brokers.length, BROKERS.length);
  assert.ok(Buffer.concat(encode(header.correlationId, response)).equals(frame), "Metadata round trip changed bytes");
}

await runCases(`Metadata v${API_VERSION} response, ${BROKERS.length} brokers, ${TOPICS} topics x ${PARTITIONS} partitions (${frame.length} B)`, [
  { name: "decode", fn: () => void decode(), bytesPerOp: frame.length },
  {
    name: "decode + re-encode",
    fn: () => {
      const { header, response } = decode();
      encode(header.correlationId, response);
    },
    bytesPerOp: frame.length,
  },
]);
