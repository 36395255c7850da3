// Buffers for a socket's `onread`, cut from slabs the way Node's Buffer pool cuts small buffers: each read gets
// the unused tail of the current slab, so no byte is ever written twice and a record slice that is still queued
// for writing can't be overwritten (a slab lives as long as any slice of it). Reads that a big frame is waiting
// for get a slab as big as the rest of that frame (capped), so a 2 MiB Fetch response arrives in a few reads
// instead of 32 of 64 KiB, and small responses share a slab instead of costing an allocation each.

/** A slab's usual size: Node's own read size. */
export const SLAB_BYTES = 64 * 1024;
/** The largest slab, for the rest of a big frame. */
export const MAX_SLAB_BYTES = 256 * 1024;
/** A tail smaller than this is left unused: reads into it would return a few frames' worth at most. */
export const MIN_READ_BYTES = 8 * 1024;

export class ReadBuffers {
  private slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  /** Start of the slab's unused tail. */
  private offset = 0;

  /** The buffer for the next read; `wanted` is how many bytes the reader is known to be waiting for (0: unknown). */
  next(wanted: number): Buffer {
    const free = this.slab.length - this.offset;
    if (free < MIN_READ_BYTES || (free < wanted && free < SLAB_BYTES)) {
      this.slab = Buffer.allocUnsafeSlow(Math.min(MAX_SLAB_BYTES, Math.max(SLAB_BYTES, wanted)));
      this.offset = 0;
    }
    return this.slab.subarray(this.offset);
  }

  /** The `nread` bytes a read put at the start of `buffer` (the last one `next` gave); they are never handed out again. */
  take(buffer: Buffer, nread: number): Buffer {
    // A slab from allocUnsafeSlow starts at byteOffset 0 of its own ArrayBuffer.
    if (buffer.buffer === this.slab.buffer) this.offset = buffer.byteOffset + nread;
    return buffer.subarray(0, nread);
  }
}
