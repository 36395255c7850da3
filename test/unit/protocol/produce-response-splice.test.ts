// The Produce response splice against its reference, the codec: random responses of every version (random names,
// prefixes, throttle times, error messages, node endpoints, unknown tagged fields on flexible versions), framed
// whole or cut into random chunks. Whenever the splice answers bytes they are exactly decode → edit → encode; it
// answers DECODE exactly when the edit needs the codec, and UNCHANGED only when the codec would write the original.
import { describe, expect, it } from "vitest";
import { encodeResponseHeader, responseHeaderVersion } from "../../../src/protocol/headers.js";
import { APIS } from "../../../src/protocol/messages/index.js";
import type { ProduceResponse } from "../../../src/protocol/messages/produce.js";
import { DECODE, NO_RAISE, spliceProduceResponse, UNCHANGED, type ProduceResponseEdit } from "../../../src/protocol/produce-response-splice.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { rng, sampleMessage, versionsOf } from "./sample-message.js";

const PRODUCE = APIS.Produce;
const CASES_PER_VERSION = 400;
const PREFIXES = ["", "t.", "payments.", "grüße-", "x".repeat(120) + "."];
const NAMES = ["a", "orders", "grüße", "✓ ok", "y".repeat(200), ""];
const OWN_ID = "AAAAAAAAAAAAAAAAAAAAAA";

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

/** A random response of `version`: a codec sample with names, messages and endpoints steered toward both paths. */
function randomResponse(version: number, seed: number, rand: Rand, prefix: string): ProduceResponse {
  const message = sampleMessage(PRODUCE.responseSchema, version, seed) as unknown as ProduceResponse;
  for (const topic of message.responses) {
    if (topic.name !== undefined) topic.name = (rand() < 0.9 ? prefix : pick(rand, PREFIXES)) + pick(rand, NAMES);
    if (topic.topicId !== undefined && rand() < 0.8) topic.topicId = OWN_ID;
    for (const partition of topic.partitionResponses) {
      if (rand() < 0.8) partition.errorMessage &&= null;
      if (rand() < 0.8) for (const e of partition.recordErrors ?? []) e.batchIndexErrorMessage = null;
    }
  }
  if (rand() < 0.8) delete message.nodeEndpoints;
  return message;
}

/** The response frame (header and body), and where its body starts. */
function encodeFrame(version: number, message: ProduceResponse, headerTags: boolean): { bytes: Buffer; bodyStart: number } {
  const w = new Writer();
  const headerVersion = responseHeaderVersion(PRODUCE.apiKey, version);
  encodeResponseHeader(w, headerVersion, 42, headerTags && headerVersion > 0 ? [{ tag: 3, data: Buffer.from([1, 2]) }] : undefined);
  const bodyStart = w.length;
  PRODUCE.encodeResponse(w, version, message);
  return { bytes: Buffer.concat(w.toChunks()), bodyStart };
}

/** The frame cut at random places, as a socket may deliver it. */
function cut(bytes: Buffer, rand: Rand): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const len = rand() < 0.5 ? bytes.length - at : 1 + Math.floor(rand() * 7);
    chunks.push(bytes.subarray(at, at + len));
    at += len;
  }
  return chunks;
}

/**
 * The reference: decode, apply the edit the way the filters do on the decoded message, encode. Undefined when the
 * edit needs what the splice leaves to the codec (a topic to drop, an id to restore, a message to scrub, endpoints).
 */
function reference(bytes: Buffer, bodyStart: number, version: number, edit: ProduceResponseEdit): Buffer | undefined {
  const r = new Reader(bytes);
  r.seek(bodyStart);
  const message = PRODUCE.decodeResponse(r, version);
  if (message.nodeEndpoints !== undefined) return undefined;
  for (const topic of message.responses) {
    if (topic.name !== undefined && edit.renameTopic !== undefined) {
      const renamed = edit.renameTopic(topic.name);
      if (renamed === undefined) return undefined;
      topic.name = renamed;
    }
    if (topic.topicId !== undefined && edit.keepTopicId?.(topic.topicId) === false) return undefined;
    for (const partition of topic.partitionResponses) {
      if (partition.errorMessage != null) return undefined;
      if (partition.recordErrors?.some((e) => e.batchIndexErrorMessage !== null) === true) return undefined;
    }
  }
  if (message.throttleTimeMs !== undefined && message.throttleTimeMs < edit.throttleAtLeastMs) message.throttleTimeMs = edit.throttleAtLeastMs;
  const w = new Writer();
  w.writeRaw(bytes.subarray(0, bodyStart));
  PRODUCE.encodeResponse(w, version, message);
  return Buffer.concat(w.toChunks());
}

function randomEdit(rand: Rand, prefix: string): ProduceResponseEdit {
  const throttles = [NO_RAISE, 0, 1, 250, 30_000, 2 ** 31 - 1];
  return {
    throttleAtLeastMs: pick(rand, throttles),
    renameTopic: rand() < 0.9 ? (name) => (name.startsWith(prefix) ? name.slice(prefix.length) : undefined) : undefined,
    keepTopicId: rand() < 0.9 ? (id) => id === OWN_ID : undefined,
  };
}

describe("Produce response splice", () => {
  it.each(versionsOf([PRODUCE.minVersion, PRODUCE.maxVersion]))("is byte-identical to decode → edit → encode, v%i", (version) => {
    const outcomes = { spliced: 0, unchanged: 0, decoded: 0 };
    for (let seed = 0; seed < CASES_PER_VERSION; seed++) {
      const rand = rng(seed * 131 + version);
      const prefix = pick(rand, PREFIXES);
      const message = randomResponse(version, seed, rand, prefix);
      const { bytes, bodyStart } = encodeFrame(version, message, rand() < 0.5);
      const edit = randomEdit(rand, prefix);
      const expected = reference(bytes, bodyStart, version, edit);
      const got = spliceProduceResponse(cut(bytes, rand), bodyStart, version, edit);
      const what = `v${version} seed ${seed}`;
      if (got === DECODE) {
        expect(expected, what).toBeUndefined();
        outcomes.decoded++;
      } else if (got === UNCHANGED) {
        expect(expected?.equals(bytes), what).toBe(true);
        outcomes.unchanged++;
      } else {
        expect(expected, what).toBeDefined();
        expect(Buffer.concat(got).equals(expected!), what).toBe(true);
        outcomes.spliced++;
      }
    }
    // Every path taken, so the comparison above means something at this version.
    expect(outcomes.spliced).toBeGreaterThan(CASES_PER_VERSION / 10);
    expect(outcomes.unchanged).toBeGreaterThan(0);
    expect(outcomes.decoded).toBeGreaterThan(0);
  });

  it("keeps the bytes it doesn't change as views of the received chunks, never copies", () => {
    const message: ProduceResponse = {
      responses: [{ name: "t.orders", partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 7n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null }] }],
      throttleTimeMs: 0,
    };
    const encoded = encodeFrame(9, message, false);
    // Memory of its own (not Node's shared pool), so a view of it can't be mistaken for one of the new bytes.
    const bytes = Buffer.alloc(encoded.bytes.length);
    encoded.bytes.copy(bytes);
    const bodyStart = encoded.bodyStart;
    const got = spliceProduceResponse([bytes], bodyStart, 9, { throttleAtLeastMs: NO_RAISE, renameTopic: (n) => n.slice(2), keepTopicId: undefined });
    if (got === DECODE || got === UNCHANGED) throw new Error(`expected spliced bytes, got ${String(got)}`);
    const views = got.filter((b) => b.buffer === bytes.buffer);
    expect(views.length).toBe(2); // the header and topic count before the name, everything after it
    expect(Buffer.concat(got).length).toBe(bytes.length - 2);
  });

  it("leaves malformed bytes and versions it doesn't know to the codec", () => {
    const edit: ProduceResponseEdit = { throttleAtLeastMs: 5, renameTopic: undefined, keepTopicId: undefined };
    const { bytes, bodyStart } = encodeFrame(9, { responses: [], throttleTimeMs: 0 }, false);
    expect(spliceProduceResponse([bytes.subarray(0, bytes.length - 2)], bodyStart, 9, edit)).toBe(DECODE);
    expect(spliceProduceResponse([Buffer.concat([bytes, Buffer.from([0])])], bodyStart, 9, edit)).toBe(DECODE);
    expect(spliceProduceResponse([bytes], bodyStart, 14, edit)).toBe(DECODE);
  });
});
