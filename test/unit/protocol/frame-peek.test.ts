import { describe, expect, it } from "vitest";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { encodeRequestHeader } from "../../../src/protocol/headers.js";
import { encodeProduceRequest } from "../../../src/protocol/messages/produce.js";
import { Writer } from "../../../src/protocol/writer.js";
import { decodeRequestHeader } from "../../../src/protocol/headers.js";
import { Reader } from "../../../src/protocol/reader.js";
import { peekInt16, peekInt32, peekProduceAcks } from "../../../src/protocol/frame-peek.js";

/** acks=0, read after the header the way the filter chain reads it; the reader must stay where it was. */
function isAcksZero(frame: Frame, version: number): boolean {
  const reader = new Reader(frame.chunks);
  decodeRequestHeader(reader);
  const at = reader.offset;
  const acks = peekProduceAcks(reader, version);
  expect(reader.offset).toBe(at);
  return acks === 0;
}

/** A Produce request frame body, cut into 1-byte chunks up to `splitUpTo` so every header field straddles. */
function produceFrame(version: number, acks: number, transactionalId: string | null, splitUpTo = 0): Frame {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey: 0, apiVersion: version, correlationId: 0x01020304, clientId: "peek-test" });
  encodeProduceRequest(writer, version, {
    transactionalId,
    acks,
    timeoutMs: 30_000,
    topicData: [{ name: "t", topicId: "AAAAAAAAAAAAAAAAAAAAAA", partitionData: [{ index: 0, records: [Buffer.from("records")] }] }],
  });
  const whole = Buffer.concat(writer.toChunks());
  const chunks: Buffer[] = [];
  for (let i = 0; i < splitUpTo; i++) chunks.push(whole.subarray(i, i + 1));
  chunks.push(whole.subarray(splitUpTo));
  return { size: whole.length, chunks };
}

const versions = [3, 7, 8, 9, 11, 12, 13];

describe("frame peeks", () => {
  it.each(versions)("Produce v%i: acks=0 is recognised, with or without a transactional id", (v) => {
    expect(isAcksZero(produceFrame(v, 0, null), v)).toBe(true);
    expect(isAcksZero(produceFrame(v, 0, "txn-1"), v)).toBe(true);
    expect(isAcksZero(produceFrame(v, 1, null), v)).toBe(false);
    expect(isAcksZero(produceFrame(v, -1, "txn-1"), v)).toBe(false);
  });

  it.each(versions)("Produce v%i: a header scattered over 1-byte chunks reads the same", (v) => {
    const frame = produceFrame(v, 0, "txn", 40);
    expect(isAcksZero(frame, v)).toBe(true);
    expect(peekInt16(frame, 0)).toBe(0);
    expect(peekInt16(frame, 2)).toBe(v);
    expect(peekInt32(frame, 4)).toBe(0x01020304);
  });

  it("peeks negative values across chunks with the right sign", () => {
    const frame: Frame = { size: 6, chunks: [Buffer.from([0xff]), Buffer.from([0xfe, 0xff, 0xff]), Buffer.from([0xff, 0xfd])] };
    expect(peekInt16(frame, 0)).toBe(-2);
    expect(peekInt32(frame, 2)).toBe(-3);
  });

  it("a frame too short for the field is a ProtocolError", () => {
    expect(() => peekInt32({ size: 2, chunks: [Buffer.from([0, 1])] }, 0)).toThrow(expect.objectContaining({ name: "ProtocolError" }));
  });
});
