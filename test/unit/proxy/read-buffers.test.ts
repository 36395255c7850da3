// The socket read buffers: never the same bytes twice (a queued slice is never overwritten), small reads share a
// slab, a big frame's rest gets a big slab (capped).
import { describe, expect, it } from "vitest";
import { MAX_SLAB_BYTES, MIN_READ_BYTES, ReadBuffers, SLAB_BYTES } from "../../../src/proxy/read-buffers.js";

/** Simulates a read of up to `n` bytes into the next buffer (a read never returns more than the buffer holds). */
function read(buffers: ReadBuffers, wanted: number, n: number): Buffer {
  const buffer = buffers.next(wanted);
  const nread = Math.min(n, buffer.length);
  buffer.fill(nread & 0xff, 0, nread);
  return buffers.take(buffer, nread);
}

describe("ReadBuffers", () => {
  it("hands out each byte once: earlier reads keep their bytes", () => {
    const buffers = new ReadBuffers();
    const chunks = [100, 7, 30_000, 1, 40_000, 5_000, 70_000, 300_000].map((n, i) => read(buffers, i * 50_000, n));
    chunks.forEach((chunk) => expect(chunk.every((b) => b === (chunk.length & 0xff))).toBe(true));
  });

  it("small reads share one slab", () => {
    const buffers = new ReadBuffers();
    const a = read(buffers, 0, 100);
    const b = read(buffers, 0, 100);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + 100);
  });

  it("starts a new slab when the tail is too small, or smaller than what a frame still needs", () => {
    const buffers = new ReadBuffers();
    const first = read(buffers, 0, SLAB_BYTES - MIN_READ_BYTES + 1);
    expect(buffers.next(0).buffer).not.toBe(first.buffer);
    const big = new ReadBuffers();
    read(big, 0, 1000);
    const next = big.next(2 * 1024 * 1024);
    expect(next.length).toBe(MAX_SLAB_BYTES);
  });

  it("a big frame's rest gets a slab of its size, between the usual size and the cap", () => {
    const buffers = new ReadBuffers();
    read(buffers, 0, SLAB_BYTES - 10); // tail of 10 bytes
    expect(buffers.next(200 * 1024).length).toBe(200 * 1024);
  });
});
