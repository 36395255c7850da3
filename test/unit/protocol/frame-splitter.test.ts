import { describe, expect, it } from "vitest";
import { FrameSplitter, FrameTooLargeError, type Frame, type FrameStreamSink } from "../../../src/protocol/frame-splitter.js";

function encode(bodies: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const body of bodies) {
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(body.length, 0);
    parts.push(prefix, body);
  }
  return Buffer.concat(parts); // test input only
}

function collect(splitter: FrameSplitter): Frame[] {
  const frames: Frame[] = [];
  splitter.onFrame((f) => frames.push(f));
  return frames;
}

function bodiesOf(frames: Frame[]): string[] {
  return frames.map((f) => {
    expect(f.chunks.reduce((n, c) => n + c.length, 0)).toBe(f.size);
    return Buffer.concat(f.chunks).toString("hex");
  });
}

const bodies = [
  Buffer.from("a"),
  Buffer.alloc(0),
  Buffer.from("hello kafka frame"),
  Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]),
  Buffer.from("z"),
];
const stream = encode(bodies);
const expected = bodies.map((b) => b.toString("hex"));

describe("FrameSplitter", () => {
  it("splits a whole stream pushed at once", () => {
    const splitter = new FrameSplitter();
    const frames = collect(splitter);
    splitter.push(stream);
    expect(bodiesOf(frames)).toEqual(expected);
    expect(splitter.hasPartialFrame).toBe(false);
  });

  it("survives a split at every byte boundary, and at every pair of boundaries", () => {
    for (let i = 0; i <= stream.length; i++) {
      for (let j = i; j <= stream.length; j++) {
        const splitter = new FrameSplitter();
        const frames = collect(splitter);
        splitter.push(stream.subarray(0, i));
        splitter.push(stream.subarray(i, j));
        splitter.push(stream.subarray(j));
        expect(bodiesOf(frames), `split at ${i},${j}`).toEqual(expected);
      }
    }
  });

  it("survives one byte at a time and random chunkings", () => {
    const oneByOne = new FrameSplitter();
    const frames1 = collect(oneByOne);
    for (let i = 0; i < stream.length; i++) oneByOne.push(stream.subarray(i, i + 1));
    expect(bodiesOf(frames1)).toEqual(expected);

    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 7) + 1;
    for (let run = 0; run < 200; run++) {
      const splitter = new FrameSplitter();
      const frames = collect(splitter);
      for (let at = 0; at < stream.length; ) {
        const n = random();
        splitter.push(stream.subarray(at, at + n));
        at += n;
      }
      expect(bodiesOf(frames)).toEqual(expected);
    }
  });

  it("hands out views of the input, never copies", () => {
    const splitter = new FrameSplitter();
    const frames = collect(splitter);
    const input = encode([Buffer.from("abcdefgh")]);
    const other = Buffer.from(input.subarray(7)); // a separate allocation: the body spans two memories
    splitter.push(input.subarray(0, 7));
    splitter.push(other);
    const [first, second] = frames[0]!.chunks;
    expect(first!.buffer).toBe(input.buffer);
    expect(second!.buffer).toBe(other.buffer);
    first![0] = 0x41; // writing through the view changes the input: it is a view
    expect(input[4]).toBe(0x41);
  });

  it("hands out one view for pieces that lie next to each other in memory (consecutive reads of one slab)", () => {
    const splitter = new FrameSplitter();
    const frames = collect(splitter);
    const input = encode([Buffer.from("abcdefgh"), Buffer.from("ij")]);
    splitter.push(input.subarray(0, 7));
    splitter.push(input.subarray(7, 10));
    splitter.push(input.subarray(10));
    expect(frames.map((f) => f.chunks.length)).toEqual([1, 1]);
    const [whole] = frames[0]!.chunks;
    expect(whole!.toString()).toBe("abcdefgh");
    whole![7] = 0x48; // still a view of the input
    expect(input[11]).toBe(0x48);
  });

  it("gives a frame the sink declined as one view when its head and the rest came in one chunk", () => {
    const splitter = new FrameSplitter();
    const frames = collect(splitter);
    splitter.streamFramesTo({ start: () => false, body: () => {}, end: () => {} }, 6);
    const input = encode([Buffer.from("0123456789abcdef")]);
    splitter.push(input);
    expect(frames[0]!.chunks).toHaveLength(1);
    expect(frames[0]!.chunks[0]!.toString()).toBe("0123456789abcdef");
    expect(frames[0]!.chunks[0]!.buffer).toBe(input.buffer);
  });

  it("emits zero-length frames", () => {
    const splitter = new FrameSplitter();
    const frames = collect(splitter);
    splitter.push(encode([Buffer.alloc(0), Buffer.alloc(0)]));
    expect(frames).toEqual([
      { size: 0, chunks: [] },
      { size: 0, chunks: [] },
    ]);
  });

  it("rejects a frame over the maximum, even when its size prefix straddles chunks", () => {
    const splitter = new FrameSplitter(16);
    collect(splitter);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(17, 0);
    splitter.push(prefix.subarray(0, 2));
    expect(() => splitter.push(prefix.subarray(2))).toThrow(FrameTooLargeError);
  });

  it("accepts a frame of exactly the maximum and rejects a negative size", () => {
    const splitter = new FrameSplitter(16);
    const frames = collect(splitter);
    splitter.push(encode([Buffer.alloc(16, 1)]));
    expect(frames).toHaveLength(1);
    const negative = Buffer.alloc(4);
    negative.writeInt32BE(-1, 0);
    const err = (() => {
      try {
        splitter.push(negative);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(FrameTooLargeError);
    expect((err as FrameTooLargeError).code).toBe("ERR_FRAME_TOO_LARGE");
  });
});

/**
 * Streams the frames whose first body byte is odd (and empty frames), takes the others whole; records
 * every frame's body in arrival order, tagged with how it was delivered.
 */
function streamOddFrames(splitter: FrameSplitter, headBytes: number): string[] {
  const out: string[] = [];
  let streaming: Buffer[] | undefined;
  const sink: FrameStreamSink = {
    start(size, head) {
      const headLength = head.reduce((n, c) => n + c.length, 0);
      expect(headLength).toBe(Math.min(size, headBytes));
      const first = head[0]?.[0];
      if (first !== undefined && first % 2 === 0) return false;
      streaming = [...head];
      return true;
    },
    body(chunk) {
      expect(chunk.length).toBeGreaterThan(0);
      streaming!.push(chunk);
    },
    end() {
      out.push(`streamed:${Buffer.concat(streaming!).toString("hex")}`);
      streaming = undefined;
    },
  };
  splitter.streamFramesTo(sink, headBytes);
  splitter.onFrame((frame) => out.push(`whole:${Buffer.concat(frame.chunks).toString("hex")}`));
  return out;
}

describe("FrameSplitter streaming", () => {
  const mixed = [Buffer.from([1, 2, 3, 4, 5, 6]), Buffer.from([2, 9, 9]), Buffer.alloc(0), Buffer.from([3]), Buffer.from([4, 4, 4, 4, 4, 4, 4])];
  const mixedStream = encode(mixed);
  const expectedMixed = mixed.map((b) => `${b.length > 0 && b[0]! % 2 === 0 ? "whole" : "streamed"}:${b.toString("hex")}`);

  it.each([1, 4, 8])("streams or collects each frame as the sink decides, at every split point (head %i)", (headBytes) => {
    for (let i = 0; i <= mixedStream.length; i++) {
      for (let j = i; j <= mixedStream.length; j++) {
        const splitter = new FrameSplitter();
        const out = streamOddFrames(splitter, headBytes);
        splitter.push(mixedStream.subarray(0, i));
        splitter.push(mixedStream.subarray(i, j));
        splitter.push(mixedStream.subarray(j));
        expect(out, `split at ${i},${j}`).toEqual(expectedMixed);
        expect(splitter.hasPartialFrame).toBe(false);
      }
    }
  });

  it("hands a streamed frame's bytes on as soon as they arrive", () => {
    const splitter = new FrameSplitter();
    const pieces: number[] = [];
    splitter.streamFramesTo({ start: () => true, body: (c) => pieces.push(c.length), end: () => pieces.push(-1) }, 4);
    const frame = encode([Buffer.alloc(100, 1)]);
    splitter.push(frame.subarray(0, 10)); // size + 6 body bytes: head (4) decided, 2 streamed
    expect(pieces).toEqual([2]);
    splitter.push(frame.subarray(10, 50));
    expect(pieces).toEqual([2, 40]);
    splitter.push(frame.subarray(50));
    expect(pieces).toEqual([2, 40, 54, -1]);
  });
});

describe("FrameSplitter.bytesToFrameEnd", () => {
  it.each([
    ["collecting whole frames", undefined],
    ["streaming (head 8)", 8],
    ["collecting after a head (head 8)", -8],
  ] as const)("counts the body bytes still to come, %s", (_, head) => {
    const splitter = new FrameSplitter();
    if (head !== undefined) splitter.streamFramesTo({ start: () => head > 0, body: () => {}, end: () => {} }, Math.abs(head));
    const wire = encode([Buffer.alloc(100, 1), Buffer.alloc(3, 2)]);
    let pushed = 0;
    // [bytes of the stream pushed so far, body bytes still to come]; 2 = half a size prefix: nothing known yet.
    for (const [upTo, left] of [[0, 0], [2, 0], [4, 100], [6, 98], [12, 92], [50, 54], [103, 1], [104, 0], [109, 2], [111, 0]] as const) {
      splitter.push(wire.subarray(pushed, upTo));
      pushed = upTo;
      expect(splitter.bytesToFrameEnd, `after ${upTo} bytes`).toBe(left);
    }
  });
});
