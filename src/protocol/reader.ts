import { invalidLength, nullNotAllowed, ProtocolError, truncated } from "./errors.js";
import type { TaggedField } from "./tagged-field.js";
import { uuidString } from "./uuid-strings.js";

export type { TaggedField } from "./tagged-field.js";

const EMPTY = Buffer.alloc(0);
const NO_CHUNKS: readonly Buffer[] = [];
/**
 * Holds a primitive that straddles chunks (at most 16 bytes: a UUID). One for every reader: each read consumes it
 * before it returns, and a reader per frame would otherwise cost an allocation per frame.
 */
const SCRATCH = Buffer.allocUnsafe(16);

/**
 * Reads Kafka's wire types from one frame held as a list of chunks (as the socket delivered them;
 * the frame splitter never concatenates).
 *
 * Every read first tries the current chunk (the common case); only a value that straddles two
 * chunks is gathered with a small copy. RECORDS come back as subarray views of the input chunks,
 * never copied, so record data passes through the gateway untouched.
 */
export class Reader {
  private total = 0;
  private chunks: readonly Buffer[] = NO_CHUNKS;
  private index = 0;
  private chunk: Buffer = EMPTY;
  /** Read position inside `chunk`. */
  private off = 0;
  /** Absolute offset of `chunk`'s first byte. */
  private chunkStart = 0;

  constructor(input: Buffer | readonly Buffer[]) {
    this.reset(input);
  }

  /** Starts over on `input`: one reader for many short reads (the per-topic record counts) allocates nothing. */
  reset(input: Buffer | readonly Buffer[]): void {
    this.chunks = Buffer.isBuffer(input) ? [input] : input;
    let total = 0;
    for (const c of this.chunks) total += c.length;
    this.total = total;
    this.seek(0);
  }

  /** Total bytes of the frame. */
  get length(): number {
    return this.total;
  }

  /** Bytes consumed so far. */
  get offset(): number {
    return this.chunkStart + this.off;
  }

  get remaining(): number {
    return this.total - this.chunkStart - this.off;
  }

  /** Moves to absolute `offset` (from the frame's start). */
  seek(offset: number): void {
    this.index = 0;
    this.chunk = this.chunks.length > 0 ? this.chunks[0]! : EMPTY;
    this.off = 0;
    this.chunkStart = 0;
    this.skip(offset);
  }

  skip(n: number): void {
    if (n < 0 || n > this.remaining) throw truncated("skip", n, this.remaining);
    let left = n;
    while (left > 0) {
      if (this.off === this.chunk.length) this.advance();
      const take = Math.min(left, this.chunk.length - this.off);
      this.off += take;
      left -= take;
    }
  }

  /** Throws unless the next `n` bytes exist; lets callers fail before allocating for a bogus length. */
  ensureRemaining(n: number, what: string): void {
    if (n > this.remaining) throw truncated(what, n, this.remaining);
  }

  // ---- fixed-size primitives -------------------------------------------------------------

  readInt8(): number {
    const c = this.chunk, o = this.off;
    if (o < c.length) {
      this.off = o + 1;
      return c.readInt8(o);
    }
    return this.gather(1, "int8").readInt8(0);
  }

  readUint8(): number {
    const c = this.chunk, o = this.off;
    if (o < c.length) {
      this.off = o + 1;
      return c[o]!;
    }
    return this.gather(1, "uint8")[0]!;
  }

  readBoolean(): boolean {
    return this.readUint8() !== 0;
  }

  readInt16(): number {
    const c = this.chunk, o = this.off;
    if (o + 2 <= c.length) {
      this.off = o + 2;
      return (((c[o]! << 8) | c[o + 1]!) << 16) >> 16;
    }
    return this.gather(2, "int16").readInt16BE(0);
  }

  readUint16(): number {
    const c = this.chunk, o = this.off;
    if (o + 2 <= c.length) {
      this.off = o + 2;
      return (c[o]! << 8) | c[o + 1]!;
    }
    return this.gather(2, "uint16").readUInt16BE(0);
  }

  readInt32(): number {
    const c = this.chunk, o = this.off;
    if (o + 4 <= c.length) {
      // Direct byte loads: bounds are checked above, Buffer#readInt32BE would check again.
      this.off = o + 4;
      return (c[o]! << 24) | (c[o + 1]! << 16) | (c[o + 2]! << 8) | c[o + 3]!;
    }
    return this.gather(4, "int32").readInt32BE(0);
  }

  readUint32(): number {
    const c = this.chunk, o = this.off;
    if (o + 4 <= c.length) {
      this.off = o + 4;
      return ((c[o]! << 24) | (c[o + 1]! << 16) | (c[o + 2]! << 8) | c[o + 3]!) >>> 0;
    }
    return this.gather(4, "uint32").readUInt32BE(0);
  }

  readInt64(): bigint {
    const c = this.chunk, o = this.off;
    if (o + 8 <= c.length) {
      this.off = o + 8;
      return c.readBigInt64BE(o);
    }
    return this.gather(8, "int64").readBigInt64BE(0);
  }

  readFloat64(): number {
    const c = this.chunk, o = this.off;
    if (o + 8 <= c.length) {
      this.off = o + 8;
      return c.readDoubleBE(o);
    }
    return this.gather(8, "float64").readDoubleBE(0);
  }

  /** Kafka's Uuid.toString form: 16 bytes as unpadded base64url (22 chars). */
  readUuid(): string {
    const c = this.chunk, o = this.off;
    if (o + 16 <= c.length) {
      this.off = o + 16;
      return uuidString(c, o);
    }
    return uuidString(this.gather(16, "uuid"), 0);
  }

  // ---- variable-length integers ----------------------------------------------------------

  /** Unsigned LEB128, at most 5 bytes (Kafka's ByteUtils.readUnsignedVarint). */
  readUnsignedVarint(): number {
    // Fast path: lengths and counts below 128 (the common case) take one byte.
    const c = this.chunk, o = this.off;
    if (o < c.length && c[o]! < 0x80) {
      this.off = o + 1;
      return c[o]!;
    }
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.readUint8();
      // Multiplication instead of << keeps bit 31 from turning the result negative.
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new ProtocolError("ERR_PROTOCOL_VARINT_TOO_LONG", "unsigned varint longer than 5 bytes");
  }

  /** Zig-zag encoded int32. */
  readVarint(): number {
    const u = this.readUnsignedVarint();
    if (u > 0xffffffff) throw new ProtocolError("ERR_PROTOCOL_VARINT_TOO_LONG", "varint exceeds 32 bits");
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zig-zag encoded int64, at most 10 bytes. */
  readVarlong(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.readUint8();
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asIntN(64, (value >> 1n) ^ -(value & 1n));
    }
    throw new ProtocolError("ERR_PROTOCOL_VARINT_TOO_LONG", "varlong longer than 10 bytes");
  }

  // ---- strings ---------------------------------------------------------------------------

  readString(): string {
    const s = this.readNullableString();
    if (s === null) throw nullNotAllowed("string");
    return s;
  }

  readNullableString(): string | null {
    const len = this.readInt16();
    if (len === -1) return null;
    return this.utf8(len, "string");
  }

  readCompactString(): string {
    const s = this.readCompactNullableString();
    if (s === null) throw nullNotAllowed("compact string");
    return s;
  }

  readCompactNullableString(): string | null {
    const n = this.readUnsignedVarint();
    if (n === 0) return null;
    return this.utf8(n - 1, "compact string");
  }

  // ---- bytes (small fields: returned as an owned copy) -----------------------------------

  readBytes(): Buffer {
    const b = this.readNullableBytes();
    if (b === null) throw nullNotAllowed("bytes");
    return b;
  }

  readNullableBytes(): Buffer | null {
    const len = this.readInt32();
    if (len === -1) return null;
    return this.copy(len, "bytes");
  }

  readCompactBytes(): Buffer {
    const b = this.readCompactNullableBytes();
    if (b === null) throw nullNotAllowed("compact bytes");
    return b;
  }

  readCompactNullableBytes(): Buffer | null {
    const n = this.readUnsignedVarint();
    if (n === 0) return null;
    return this.copy(n - 1, "compact bytes");
  }

  /**
   * Bytes of a `zeroCopy` field: a view into the frame when the value lies in one chunk (it then
   * shares memory with the frame), gathered into a new Buffer only when it straddles chunks.
   */
  readBytesView(compact: boolean): Buffer | null {
    const len = compact ? this.readUnsignedVarint() - 1 : this.readInt32();
    if (len === -1) return null;
    this.checkLength(len, "bytes");
    const c = this.chunk, o = this.off;
    if (o + len <= c.length) {
      this.off = o + len;
      return c.subarray(o, o + len);
    }
    return this.copy(len, "bytes");
  }

  /** Raw bytes of a known length, copied (unknown tagged field payloads). */
  readRaw(len: number): Buffer {
    this.checkLength(len, "raw bytes");
    return this.copy(len, "raw bytes");
  }

  // ---- records ---------------------------------------------------------------------------

  /** A RECORDS field as subarray views of the frame's chunks (no copy). Null when the length is null. */
  readRecords(compact: boolean): Buffer[] | null {
    const len = compact ? this.readUnsignedVarint() - 1 : this.readInt32();
    if (len === -1) return null;
    this.checkLength(len, "records");
    return this.slices(len);
  }

  /** The next `len` bytes as views of the input chunks. */
  slices(len: number): Buffer[] {
    if (len > this.remaining) throw truncated("slices", len, this.remaining);
    const out: Buffer[] = [];
    let left = len;
    while (left > 0) {
      if (this.off === this.chunk.length) this.advance();
      const take = Math.min(left, this.chunk.length - this.off);
      if (take > 0) out.push(this.chunk.subarray(this.off, this.off + take));
      this.off += take;
      left -= take;
    }
    return out;
  }

  // ---- arrays and tagged fields ----------------------------------------------------------

  /**
   * An array's element count, or -1 for a null array. A count larger than the bytes left is
   * rejected up front (as Kafka does), so a bogus length never makes us allocate.
   */
  readArrayLength(compact: boolean): number {
    const n = compact ? this.readUnsignedVarint() - 1 : this.readInt32();
    if (n === -1) return -1;
    if (n < -1 || n > this.remaining) throw invalidLength("array", n, this.remaining);
    return n;
  }

  /** A whole tagged-field section kept as raw fields; undefined when it is empty. */
  readTaggedFields(): TaggedField[] | undefined {
    const count = this.readUnsignedVarint();
    if (count === 0) return undefined;
    const fields: TaggedField[] = [];
    for (let i = 0; i < count; i++) {
      const tag = this.readUnsignedVarint();
      fields.push({ tag, data: this.readRaw(this.readUnsignedVarint()) });
    }
    return fields;
  }

  /** Checks that a known tagged field consumed exactly its declared size. */
  expectOffset(end: number, what: string): void {
    if (this.offset !== end) {
      throw new ProtocolError(
        "ERR_PROTOCOL_TAGGED_FIELD_SIZE",
        `${what}: declared size ends at byte ${end}, value ended at ${this.offset}`,
      );
    }
  }

  // ---- internals -------------------------------------------------------------------------

  private checkLength(len: number, what: string): void {
    if (len < 0 || len > this.remaining) throw invalidLength(what, len, this.remaining);
  }

  private utf8(len: number, what: string): string {
    this.checkLength(len, what);
    const c = this.chunk, o = this.off;
    if (o + len <= c.length) {
      this.off = o + len;
      return c.toString("utf8", o, o + len);
    }
    return this.copy(len, what).toString("utf8");
  }

  /** The next `len` bytes as a new Buffer (length already checked by the caller). */
  private copy(len: number, what: string): Buffer {
    this.checkLength(len, what);
    const out = Buffer.allocUnsafe(len);
    this.copyInto(out, len);
    return out;
  }

  /** Assembles a straddling primitive into the scratch buffer. */
  private gather(n: number, what: string): Buffer {
    if (n > this.remaining) throw truncated(what, n, this.remaining);
    this.copyInto(SCRATCH, n);
    return SCRATCH;
  }

  private copyInto(target: Buffer, n: number): void {
    let done = 0;
    while (done < n) {
      if (this.off === this.chunk.length) this.advance();
      const take = Math.min(n - done, this.chunk.length - this.off);
      this.chunk.copy(target, done, this.off, this.off + take);
      this.off += take;
      done += take;
    }
  }

  private advance(): void {
    this.chunkStart += this.chunk.length;
    this.index++;
    this.chunk = this.index < this.chunks.length ? this.chunks[this.index]! : EMPTY;
    this.off = 0;
  }
}
