// Splits a Kafka TCP byte stream into frames: int32 size prefix, then `size` body bytes.
// Survives arbitrary chunking. Bodies are handed out as subarray views of the socket's chunks,
// never concatenated; only the 4-byte size prefix is assembled when it straddles two chunks.
// Optionally (streamFramesTo) a frame can be streamed: once its first bytes are in, the sink decides
// to take the rest piece by piece as it arrives, so a passthrough frame is never held whole.

import { BulkheadError } from "../errors.js";

export interface Frame {
  /** Body length in bytes (the size prefix's value). */
  size: number;
  /** The body WITHOUT the size prefix, as views into the received chunks. */
  chunks: Buffer[];
}

export const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

/** Receives streamed frames (see FrameSplitter.streamFramesTo). */
export interface FrameStreamSink {
  /**
   * A frame starts; `head` holds its first min(size, headBytes) body bytes as views. Return true to
   * stream it (its remaining bytes go to body(), then end()), false to get it whole from onFrame.
   */
  start(size: number, head: Buffer[]): boolean;
  body(chunk: Buffer): void;
  end(): void;
}

export class FrameTooLargeError extends BulkheadError {
  override name = "FrameTooLargeError";
  constructor(
    readonly size: number,
    readonly maxFrameBytes: number,
  ) {
    super(
      "ERR_FRAME_TOO_LARGE",
      size < 0
        ? `invalid frame size ${size} (negative)`
        : `frame of ${size} bytes exceeds the maximum of ${maxFrameBytes} bytes`,
    );
  }
}

const enum State {
  Size,
  /** Collecting the first headBytes of the body for the stream sink's decision. */
  Head,
  /** Collecting the body to hand out whole. */
  Whole,
  /** Passing body bytes to the stream sink as they arrive. */
  Stream,
}

export class FrameSplitter {
  private listener: (frame: Frame) => void = () => {};
  private sink: FrameStreamSink | undefined;
  private headBytes = 0;
  private state = State.Size;
  // Scratch for a size prefix that straddles chunks; reused, never handed out.
  private readonly sizeScratch = Buffer.alloc(4);
  private sizeBytesHave = 0;
  private bodySize = 0;
  /** Bytes still missing for the current state (head or body). */
  private remaining = 0;
  private bodyChunks: Buffer[] = [];

  constructor(readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  onFrame(listener: (frame: Frame) => void): void {
    this.listener = listener;
  }

  /** Offers every frame to `sink` once its first `headBytes` body bytes are in (see FrameStreamSink). */
  streamFramesTo(sink: FrameStreamSink, headBytes: number): void {
    this.sink = sink;
    this.headBytes = headBytes;
  }

  /**
   * Body bytes still to come for the frame being received (0 between frames or inside a size prefix): how much
   * a reader can usefully ask the socket for next.
   */
  get bytesToFrameEnd(): number {
    if (this.state === State.Size) return 0;
    if (this.state === State.Head) return this.bodySize - Math.min(this.bodySize, this.headBytes) + this.remaining;
    return this.remaining;
  }

  /** The declared body size of the frame being received; 0 between frames and inside a size prefix. */
  get partialFrameSize(): number {
    return this.state === State.Size ? 0 : this.bodySize;
  }

  /** True while part of a frame (or of its size prefix) has been received. */
  get hasPartialFrame(): boolean {
    return this.state !== State.Size || this.sizeBytesHave > 0;
  }

  /**
   * Feeds one chunk; calls the frame listener (or stream sink) synchronously for what it completes.
   * Throws FrameTooLargeError on an oversize/negative size: the stream can't be resynchronised,
   * so the caller must close the connection.
   */
  push(chunk: Buffer): void {
    const end = chunk.length;
    let offset = 0;
    while (offset < end || (this.state === State.Head && this.remaining === 0)) {
      if (this.state === State.Size) {
        let size: number;
        if (this.sizeBytesHave === 0 && end - offset >= 4) {
          size = chunk.readInt32BE(offset); // common case: the prefix is whole in this chunk
          offset += 4;
        } else {
          const take = Math.min(4 - this.sizeBytesHave, end - offset);
          chunk.copy(this.sizeScratch, this.sizeBytesHave, offset, offset + take);
          this.sizeBytesHave += take;
          offset += take;
          if (this.sizeBytesHave < 4) return;
          this.sizeBytesHave = 0;
          size = this.sizeScratch.readInt32BE(0);
        }
        if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
        this.bodySize = size;
        this.bodyChunks = [];
        if (this.sink === undefined) {
          this.wholeBody(size);
        } else {
          this.state = State.Head;
          this.remaining = Math.min(size, this.headBytes);
        }
        continue;
      }
      if (this.state === State.Head && this.remaining === 0) {
        this.decide();
        continue;
      }
      const take = Math.min(this.remaining, end - offset);
      const start = offset;
      offset += take;
      this.remaining -= take;
      if (this.state === State.Stream) {
        this.sink!.body(viewOf(chunk, start, take));
        if (this.remaining === 0) this.endStream();
      } else {
        this.addBodyPiece(chunk, start, take);
        if (this.remaining === 0 && this.state === State.Whole) this.emitWhole();
      }
    }
  }

  /**
   * Adds `take` bytes of `chunk` from `start` to the frame's pieces. When the last piece ends in memory where they
   * begin (a head taken from this same chunk, or the previous read of a slab that hands out consecutive tails), that
   * piece grows to cover them: one view instead of two, so readers don't gather values across the seam and writes
   * carry fewer buffers.
   */
  private addBodyPiece(chunk: Buffer, start: number, take: number): void {
    const pieces = this.bodyChunks;
    const last = pieces.length > 0 ? pieces[pieces.length - 1]! : undefined;
    if (last !== undefined && last.buffer === chunk.buffer && last.byteOffset + last.length === chunk.byteOffset + start) {
      pieces[pieces.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + take);
    } else {
      pieces.push(viewOf(chunk, start, take));
    }
  }

  /** The head is in: the sink says whether to stream the rest of the frame. */
  private decide(): void {
    const headLength = Math.min(this.bodySize, this.headBytes);
    if (this.sink!.start(this.bodySize, this.bodyChunks)) {
      this.bodyChunks = [];
      this.state = State.Stream;
      this.remaining = this.bodySize - headLength;
      if (this.remaining === 0) this.endStream();
    } else {
      this.wholeBody(this.bodySize - headLength);
    }
  }

  private wholeBody(missing: number): void {
    this.state = State.Whole;
    this.remaining = missing;
    if (missing === 0) this.emitWhole();
  }

  private emitWhole(): void {
    const frame: Frame = { size: this.bodySize, chunks: this.bodyChunks };
    this.state = State.Size;
    this.bodyChunks = [];
    this.listener(frame);
  }

  private endStream(): void {
    this.state = State.Size;
    this.sink!.end();
  }
}

/** `take` bytes of `chunk` from `start`: the chunk itself when that is all of it (no new view). */
function viewOf(chunk: Buffer, start: number, take: number): Buffer {
  return start === 0 && take === chunk.length ? chunk : chunk.subarray(start, start + take);
}
