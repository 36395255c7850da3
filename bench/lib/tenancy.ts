// The tenancy rewrite of one message, step by step, as the gateway's filters do it (src/filters/tenancy-request.ts,
// decoding-response-filter.ts): decode with the generated codec, rewriteRequest/rewriteResponse, re-encode. Each
// bench file describes its message; this checks zero-copy once, then times decode, rewrite, encode and the total.
import assert from "node:assert/strict";
import type { Frame } from "../../src/protocol/frame-splitter.js";
import { DEFAULT_TOPIC_CONFIG_ALLOWLIST } from "../../src/config/index.js";
import { TenantNamespace } from "../../src/tenancy/namespace.js";
import type { TenantContext } from "../../src/tenancy/rewrite.js";
import { TopicIdMap } from "../../src/tenancy/topic-ids.js";
import { trackAllocations } from "./alloc-tracker.js";
import { runCases } from "./report.js";
import { assertResentByIdentity, assertViewsOf, bytesOf, receivedFrame } from "./zero-copy.js";

export const TENANT = "tenant-a";
export const PREFIX = "tenant-a.";

/** A topic of the tenant: its tenant-side name, physical name and (deterministic) topic id. */
export interface BenchTopic {
  name: string;
  physical: string;
  id: string;
}

export function benchTopics(count: number): BenchTopic[] {
  return Array.from({ length: count }, (_, t) => {
    const name = `orders-${String(t).padStart(2, "0")}`;
    // 16 bytes, version-4 bits set, never starting with '-' in base64url.
    const bytes = Buffer.alloc(16, 0x11 * ((t % 14) + 1));
    bytes.writeUInt16BE(t, 0);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    return { name, physical: PREFIX + name, id: bytes.toString("base64url") };
  });
}

/**
 * One tenant's context as startGateway builds it, with the topic id map pre-filled with every topic: a refresh
 * (a Metadata request upstream in the gateway) would fail the bench.
 */
export function benchTenantContext(topics: readonly BenchTopic[]): TenantContext {
  const topicIds = new TopicIdMap(() => {
    throw new Error("the topic id map refreshed during the bench");
  });
  for (const t of topics) topicIds.learn(t.id, t.physical);
  return {
    ns: new TenantNamespace(TENANT, PREFIX),
    topicIds,
    topicConfigAllowlist: new Set(DEFAULT_TOPIC_CONFIG_ALLOWLIST),
  };
}

/** One message's steps; `M` is the decoded header and body. */
export interface RewriteSteps<M> {
  decode(frame: Frame): M;
  /** Mutates the message in place, as the filters do. */
  rewrite(message: M): void;
  /** Undoes `rewrite` (untimed, before every timed rewrite): cheaper than a fresh decode per call. */
  reset(message: M): void;
  encode(message: M): Buffer[];
  records(message: M): Buffer[];
  /** Checks the re-encoded message (e.g. names prefixed / stripped, or bytes unchanged). */
  checkOutput(out: Buffer[]): void;
}

/** 64 KiB, the size of a socket read under load. */
const SOCKET_READ = 64 * 1024;

/**
 * Receives `wire` (one size-prefixed message) as 64 KiB socket reads and as one chunk, checks zero-copy on both,
 * prints it, then times each step on the 64 KiB reads.
 */
export async function benchRewrite<M>(title: string, wire: Buffer, recordBytes: number, steps: RewriteSteps<M>): Promise<void> {
  title = `${title} (${wire.length} B)`;
  const frames = [
    { label: "64 KiB socket reads", frame: receivedFrame(wire, SOCKET_READ) },
    { label: "1 contiguous chunk", frame: receivedFrame(wire, wire.length) },
  ];
  const report = frames.map(({ label, frame }) => {
    const decoded = trackAllocations(() => steps.decode(frame));
    const message = decoded.result;
    // Taken before the rewrite: the slices the reader handed out must be the ones that leave.
    const slices = steps.records(message);
    assert.equal(bytesOf(slices), recordBytes, `${label}: decoded record bytes`);
    assertViewsOf(slices, frame, label);
    const rewritten = trackAllocations(() => steps.rewrite(message));
    const encoded = trackAllocations(() => steps.encode(message));
    const out = encoded.result;
    const resent = assertResentByIdentity(slices, out, label);
    const otherBytes = bytesOf(out) - bytesOf(resent);
    // Headers, names, offsets: a few KiB for 100 partitions, never record data.
    assert.ok(otherBytes < 16 * 1024, `${label}: ${otherBytes} non-record bytes in the re-encoded message`);
    const concats = decoded.allocations.concats + rewritten.allocations.concats + encoded.allocations.concats;
    assert.equal(concats, 0, `${label}: Buffer.concat on the rewrite path`);
    for (const [step, a] of [["decode", decoded], ["rewrite", rewritten], ["encode", encoded]] as const) {
      assert.ok(a.allocations.bytes < 64 * 1024, `${label}: ${step} allocated ${a.allocations.bytes} Buffer bytes`);
    }
    steps.checkOutput(out);
    return {
      frame: label,
      "record bytes": bytesOf(slices),
      "record slices": slices.length,
      "re-sent by identity": resent.length,
      "other bytes out": otherBytes,
      "Buffer alloc B decode / rewrite / encode": [decoded, rewritten, encoded].map((a) => a.allocations.bytes).join(" / "),
      "Buffer.concat": concats,
    };
  });
  console.log(`\n## ${title}: zero-copy check`);
  console.table(report);

  const frame = frames[0]!.frame;
  const bytes = frame.size;
  const pending = steps.decode(frame);
  const rewritten = steps.decode(frame);
  steps.rewrite(rewritten);
  // The reset must give back the decoded message: rewritten again, it encodes to the same bytes.
  steps.reset(rewritten);
  steps.rewrite(rewritten);
  assert.ok(Buffer.concat(steps.encode(rewritten)).equals(Buffer.concat(steps.encode((() => {
    const once = steps.decode(frame);
    steps.rewrite(once);
    return once;
  })()))), "reset + rewrite differs from one rewrite");
  await runCases(`${title}, ${frames[0]!.label}`, [
    { name: "decode", fn: () => void steps.decode(frame), bytesPerOp: bytes },
    // Reset before every call, untimed: the rewrite mutates its message.
    { name: "rewrite", fn: () => steps.rewrite(pending), beforeEach: () => steps.reset(pending), bytesPerOp: bytes },
    { name: "encode", fn: () => void steps.encode(rewritten), bytesPerOp: bytes },
    {
      name: "total (decode + rewrite + encode)",
      fn: () => {
        const message = steps.decode(frame);
        steps.rewrite(message);
        steps.encode(message);
      },
      bytesPerOp: bytes,
    },
  ]);
}
