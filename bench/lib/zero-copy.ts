// Helpers for the zero-copy checks of the codec benches: frames as the gateway receives them, and the test that
// record slices reach the output chunk list as the same memory (never copied).
import assert from "node:assert/strict";
import { FrameSplitter, type Frame } from "../../src/protocol/frame-splitter.js";
import { splitIntoChunks } from "./streams.js";

/** A message as the gateway receives it: the wire bytes cut into socket reads and split into a frame. */
export function receivedFrame(wire: Buffer, readSize: number): Frame {
  let frame: Frame | undefined;
  const splitter = new FrameSplitter(16 * 1024 * 1024);
  splitter.onFrame((f) => (frame = f));
  for (const chunk of splitIntoChunks(wire, readSize)) splitter.push(chunk);
  assert.ok(frame, "the frame splitter produced no frame");
  return frame;
}

export const bytesOf = (chunks: readonly Buffer[]): number => chunks.reduce((n, c) => n + c.length, 0);

export const sameMemory = (a: Buffer, b: Buffer): boolean =>
  a.buffer === b.buffer && a.byteOffset === b.byteOffset && a.length === b.length;

/** The record slices found in `out` as the same memory; fails unless every one is. */
export function assertResentByIdentity(slices: readonly Buffer[], out: readonly Buffer[], what: string): Buffer[] {
  const resent = slices.filter((slice) => out.some((chunk) => sameMemory(chunk, slice)));
  assert.equal(resent.length, slices.length, `${what}: every record slice must be in the output chunk list by identity`);
  return resent;
}

/** Fails unless every decoded record slice is a view of the received chunks. */
export function assertViewsOf(slices: readonly Buffer[], frame: Frame, what: string): void {
  for (const slice of slices) {
    assert.ok(frame.chunks.some((c) => c.buffer === slice.buffer), `${what}: a decoded record slice is not a view of the received chunks`);
  }
}
