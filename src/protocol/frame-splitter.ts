// Splits a Kafka TCP byte stream into frames: int32 size prefix, then `size` body bytes.
// Survives arbitrary chunking. Bodies are handed out as subarray views of the socket's chunks,
// never concatenated; only the 4-byte size prefix is assembled when it straddles two chunks.

export interface Frame {
  /** Body length in bytes (the size prefix's value). */
  size: number;
  /** The body WITHOUT the size prefix, as views into the received chunks. */
  chunks: Buffer[];
}

export const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

export class FrameTooLargeError extends Error {
  readonly code = "FRAME_TOO_LARGE";
  constructor(
    readonly size: number,
    readonly maxFrameBytes: number,
  ) {
    super(
      size < 0
        ? `invalid frame size ${size} (negative)`
        : `frame of ${size} bytes exceeds the maximum of ${maxFrameBytes} bytes`,
    );
    this.name = "FrameTooLargeError";
  }
}

const READING_SIZE = -1;

export class FrameSplitter {
  private listener: (frame: Frame) => void = () => {};
  // Scratch for a size prefix that straddles chunks; reused, never handed out.
  private readonly sizeScratch = Buffer.alloc(4);
  private sizeBytesHave = 0;
  /** Body bytes still missing for the current frame, or READING_SIZE. */
  private bodyRemaining = READING_SIZE;
  private bodySize = 0;
  private bodyChunks: Buffer[] = [];

  constructor(readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  onFrame(listener: (frame: Frame) => void): void {
    this.listener = listener;
  }

  /** True while part of a frame (or of its size prefix) has been received. */
  get hasPartialFrame(): boolean {
    return this.bodyRemaining !== READING_SIZE || this.sizeBytesHave > 0;
  }

  /**
   * Feeds one chunk; calls the frame listener synchronously for each frame it completes.
   * Throws FrameTooLargeError on an oversize/negative size: the stream can't be resynchronised,
   * so the caller must close the connection.
   */
  push(chunk: Buffer): void {
    const end = chunk.length;
    let offset = 0;
    while (offset < end) {
      if (this.bodyRemaining === READING_SIZE) {
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
        if (size === 0) {
          this.listener({ size: 0, chunks: [] });
          continue;
        }
        this.bodySize = size;
        this.bodyRemaining = size;
        this.bodyChunks = [];
        continue;
      }
      const take = Math.min(this.bodyRemaining, end - offset);
      // A whole-chunk body needs no new view.
      this.bodyChunks.push(offset === 0 && take === end ? chunk : chunk.subarray(offset, offset + take));
      offset += take;
      this.bodyRemaining -= take;
      if (this.bodyRemaining === 0) {
        const frame: Frame = { size: this.bodySize, chunks: this.bodyChunks };
        this.bodyRemaining = READING_SIZE;
        this.bodyChunks = [];
        this.listener(frame);
      }
    }
  }
}
