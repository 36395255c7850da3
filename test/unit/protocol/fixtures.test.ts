/**
 * Real frames recorded from kafkajs, kcat, Kafka's Java tools and the broker itself (see
 * scripts/capture-fixtures.ts): each must decode with the codec and re-encode byte for byte.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { FixtureFile, FixtureFrame } from "../../../scripts/capture-fixtures.js";
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  responseHeaderVersion,
} from "../../../src/protocol/headers.js";
import { API_BY_KEY } from "../../../src/protocol/messages/index.js";
import { summarizeRecords } from "../../../src/protocol/record-batch.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";

const dir = new URL("../../fixtures/frames/", import.meta.url);
const files: FixtureFile[] = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), "utf8")) as FixtureFile);

const frames = files.flatMap((file) =>
  file.frames.map((frame) => ({ ...frame, client: file.client, name: `${file.kafkaVersion} ${file.client} ${frame.apiName} v${frame.apiVersion} ${frame.direction} #${frame.correlationId}` })),
);

/** Decodes header + body, then re-encodes both; returns the decoded body. */
function roundTrip(frame: FixtureFrame, chunks: Buffer[]): { bytes: Buffer; body: object } {
  const api = API_BY_KEY.get(frame.apiKey)!;
  const r = new Reader(chunks);
  const w = new Writer();
  let body: object;
  if (frame.direction === "request") {
    const header = decodeRequestHeader(r);
    expect([header.apiKey, header.apiVersion, header.correlationId]).toEqual([frame.apiKey, frame.apiVersion, frame.correlationId]);
    body = api.decodeRequest(r, frame.apiVersion);
    encodeRequestHeader(w, header);
    api.encodeRequest(w, frame.apiVersion, body);
  } else {
    const headerVersion = responseHeaderVersion(frame.apiKey, frame.apiVersion);
    const header = decodeResponseHeader(r, headerVersion);
    expect(header.correlationId).toBe(frame.correlationId);
    body = api.decodeResponse(r, frame.apiVersion);
    encodeResponseHeader(w, headerVersion, header.correlationId, header.unknownTaggedFields);
    api.encodeResponse(w, frame.apiVersion, body);
  }
  expect(r.remaining).toBe(0);
  return { bytes: Buffer.concat(w.toChunks()), body };
}

/** Every RECORDS value in a decoded message. */
function recordFields(value: unknown, out: Buffer[][] = []): Buffer[][] {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => Buffer.isBuffer(v))) out.push(value as Buffer[]);
    else for (const v of value) recordFields(v, out);
  } else if (value !== null && typeof value === "object" && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) if (k !== "unknownTaggedFields") recordFields(v, out);
  }
  return out;
}

describe("real frames from Kafka clients and brokers", () => {
  it("cover requests and responses of kafkajs, kcat, Java clients (flexible versions) and the broker", () => {
    expect(new Set(files.map((f) => f.client))).toEqual(new Set(["kafkajs", "kcat", "java", "broker"]));
    expect(new Set(files.map((f) => f.kafkaVersion))).toEqual(new Set(["4.4.0", "3.9.2"]));
    expect(new Set(frames.map((f) => f.apiKey)).size).toBeGreaterThanOrEqual(25);
    expect(frames.filter((f) => f.direction === "response").length).toBeGreaterThan(50);
    const flexible = frames.filter((f) => f.apiVersion >= (API_BY_KEY.get(f.apiKey)!.requestFlexibleFrom ?? Infinity));
    expect(flexible.length).toBeGreaterThan(30);
  });

  it.each(frames)("$name decodes and re-encodes byte for byte", (frame) => {
    const bytes = Buffer.from(frame.base64, "base64");
    expect(roundTrip(frame, [bytes]).bytes.equals(bytes)).toBe(true);
    // The same frame as the socket might deliver it: in 5-byte pieces.
    const pieces: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 5) pieces.push(bytes.subarray(i, i + 5));
    expect(roundTrip(frame, pieces).bytes.equals(bytes)).toBe(true);
  });

  it("finds whole record batches in real Produce requests and Fetch responses", () => {
    let batches = 0;
    for (const frame of frames.filter((f) => (f.apiKey === 0 && f.direction === "request") || (f.apiKey === 1 && f.direction === "response"))) {
      const { body } = roundTrip(frame, [Buffer.from(frame.base64, "base64")]);
      for (const records of recordFields(body)) {
        const summary = summarizeRecords(records);
        expect(summary.trailingBytes).toBe(0);
        expect(summary.records).toBeGreaterThan(0);
        batches += summary.batches;
      }
    }
    expect(batches).toBeGreaterThan(5);
  });
});
