// Decode + re-encode of a 1 MiB Produce request, the gateway's per-request rewrite path, and a check
// that it is zero-copy: the re-encoded chunk list must carry the original record slices themselves.
// Run alone: npx tsx bench/produce-codec.bench.ts
import assert from "node:assert/strict";
import type { Frame } from "../src/protocol/frame-splitter.js";
import { decodeRequestHeader, encodeRequestHeader, type RequestHeader } from "../src/protocol/headers.js";
import { decodeProduceRequest, encodeProduceRequest, type ProduceRequest } from "../src/protocol/messages/produce.js";
import { Reader } from "../src/protocol/reader.js";
import { Writer } from "../src/protocol/writer.js";
import { trackAllocations, type Allocations } from "./lib/alloc-tracker.js";
import { runCases } from "./lib/report.js";
import { assertResentByIdentity, assertViewsOf, bytesOf, receivedFrame } from "./lib/zero-copy.js";

const API_VERSION = 11; // flexible, topics by name: the newest version both Kafka 3.9 and 4.x accept
const PARTITIONS = 8;
const RECORDS_PER_PARTITION = 128 * 1024; // 8 x 128 KiB = 1 MiB of record data
const SOCKET_READ = 64 * 1024;

function produceRequest(): ProduceRequest {
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [
      {
        name: "bench-topic",
        // The codec never looks inside record batches, so a byte pattern stands in for them.
        partitionData: Array.from({ length: PARTITIONS }, (_, index) => ({
          index,
          records: [Buffer.alloc(RECORDS_PER_PARTITION, index + 1)],
        })),
      },
    ],
  };
}

function decode(frame: Frame) {
  const reader = new Reader(frame.chunks);
  const header = decodeRequestHeader(reader);
  return { header, request: decodeProduceRequest(reader, header.apiVersion) };
}

/** Header and body as one frame (a chunk list): the int32 size goes into 4 bytes reserved at the start. */
function encodeProduceFrame(header: RequestHeader, request: ProduceRequest): Buffer[] {
  const writer = new Writer();
  writer.writeInt32(0); // the frame size, patched below
  encodeRequestHeader(writer, header);
  encodeProduceRequest(writer, header.apiVersion, request);
  const chunks = writer.toChunks();
  chunks[0]!.writeInt32BE(writer.length - 4, 0); // the first chunk starts with the reserved bytes
  return chunks;
}

/** The rewrite path: decode, then encode header and body again into a new frame (a chunk list). */
function reencode(frame: Frame): Buffer[] {
  const { header, request } = decode(frame);
  return encodeProduceFrame(header, request);
}

const recordSlices = (request: ProduceRequest): Buffer[] =>
  request.topicData.flatMap((t) => t.partitionData.flatMap((p) => p.records ?? []));

interface ZeroCopyReport {
  frame: string;
  recordBytes: number;
  "record slices": number;
  "slices re-sent by identity": number;
  "other bytes out": number;
  "reader alloc B": number;
  "writer alloc B (calls)": string;
  "Buffer.concat": number;
}

/** Runs one decode + re-encode outside the timed loop and proves that no record byte was copied. */
function verifyZeroCopy(name: string, frame: Frame, wire: Buffer): ZeroCopyReport {
  const decoded = trackAllocations(() => decode(frame));
  const slices = recordSlices(decoded.result.request);
  assert.equal(bytesOf(slices), PARTITIONS * RECORDS_PER_PARTITION, "decoded record bytes");
  assertViewsOf(slices, frame, name);

  // Encode the already decoded request, so the writer's own allocations are counted alone.
  const { header, request } = decoded.result;
  const encoded = trackAllocations(() => encodeProduceFrame(header, request));
  const out = encoded.result;
  const resent = assertResentByIdentity(slices, out, name);
  const otherBytes = bytesOf(out) - bytesOf(resent);
  // Only headers and small fields may be freshly written: a few hundred bytes, never record data.
  assert.ok(otherBytes < 1024, `${otherBytes} non-record bytes in the re-encoded frame`);
  const noCopies = (a: Allocations, what: string) => {
    assert.equal(a.concats, 0, `${what} called Buffer.concat`);
    assert.ok(a.bytes < 16 * 1024, `${what} allocated ${a.bytes} bytes for a 1 MiB request`);
  };
  noCopies(decoded.allocations, "decode");
  noCopies(encoded.allocations, "encode");
  // Byte-for-byte the same frame (concatenated here, outside the hot path, only to compare).
  assert.ok(Buffer.concat(out).equals(wire), "the re-encoded frame differs from the received one");

  return {
    frame: name,
    recordBytes: bytesOf(slices),
    "record slices": slices.length,
    "slices re-sent by identity": resent.length,
    "other bytes out": otherBytes,
    "reader alloc B": decoded.allocations.bytes,
    "writer alloc B (calls)": `${encoded.allocations.bytes} (${encoded.allocations.calls})`,
    "Buffer.concat": decoded.allocations.concats + encoded.allocations.concats,
  };
}

const requestHeader = { apiKey: 0, apiVersion: API_VERSION, correlationId: 42, clientId: "bench-producer" };
const wire = Buffer.concat(encodeProduceFrame(requestHeader, produceRequest())); // setup only: the bytes a client would send

const chunked = receivedFrame(wire, SOCKET_READ);
const whole = receivedFrame(wire, wire.length);
const MiB = 1024 * 1024;

console.log(`\n## Produce v${API_VERSION} request: zero-copy check (${(wire.length / MiB).toFixed(3)} MiB frame)`);
console.table([
  verifyZeroCopy(`${chunked.chunks.length} chunks of <=64 KiB`, chunked, wire),
  verifyZeroCopy("1 contiguous chunk", whole, wire),
]);

await runCases(`Produce v${API_VERSION} request, ${PARTITIONS} partitions x 128 KiB (1 MiB records)`, [
  { name: "decode, 64 KiB chunks", fn: () => void decode(chunked), bytesPerOp: wire.length },
  { name: "decode + re-encode, 64 KiB chunks", fn: () => void reencode(chunked), bytesPerOp: wire.length },
  { name: "decode + re-encode, contiguous", fn: () => void reencode(whole), bytesPerOp: wire.length },
]);
