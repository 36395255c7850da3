import { outOfRange, ProtocolError } from "./errors.js";
import type { TaggedField } from "./tagged-field.js";

export type { TaggedField } from "./tagged-field.js";

/** Byte fields at least this large are appended as a chunk instead of being copied into scratch. */
const APPEND_THRESHOLD = 1024;
const MAX_INT16 = 0x7fff;
/** Strings shorter than this try the ASCII fast path (and fit a one-byte compact length). */
const SHORT_STRING = 127;
const UUID_FORM = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** Bytes an unsigned varint takes for `value`. */
export function unsignedVarintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/**
 * Writes Kafka's wire types. Small fields go into a growable scratch buffer; record data (and large
 * byte fields) are appended as the caller's own Buffers, so encoding a Produce request or a Fetch
 * response never copies record bytes. The result is a list of chunks for a scatter-gather write.
 *
 * Chunks handed out by `toChunks()` may share memory with the scratch buffer: don't keep writing
 * into a Writer whose chunks you still need to change.
 */
export class Writer {
  private buf: Buffer;
  /** Next write position in `buf`. */
  private pos = 0;
  /** First byte of `buf` not yet moved to `chunks`. */
  private start = 0;
  private readonly chunks: Buffer[] = [];
  /** Bytes already in `chunks`. */
  private flushed = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushed + this.pos - this.start;
  }

  /** The encoded bytes as chunks (scratch pieces and appended slices, in order). */
  toChunks(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  // ---- fixed-size primitives -------------------------------------------------------------

  // Fixed-size writes store bytes directly after a cheap integer range check: Buffer#writeInt32BE
  // and friends validate their arguments again on every call, which shows in encode profiles.

  writeInt8(v: number): void {
    if ((v << 24) >> 24 !== v) throw outOfRange("int8", String(v));
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  writeUint8(v: number): void {
    if ((v & 0xff) !== v) throw outOfRange("uint8", String(v));
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  writeBoolean(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  writeInt16(v: number): void {
    if ((v << 16) >> 16 !== v) throw outOfRange("int16", String(v));
    this.ensure(2);
    const b = this.buf, p = this.pos;
    b[p] = v >> 8;
    b[p + 1] = v;
    this.pos = p + 2;
  }

  writeUint16(v: number): void {
    if ((v & 0xffff) !== v) throw outOfRange("uint16", String(v));
    this.ensure(2);
    const b = this.buf, p = this.pos;
    b[p] = v >> 8;
    b[p + 1] = v;
    this.pos = p + 2;
  }

  writeInt32(v: number): void {
    if ((v | 0) !== v) throw outOfRange("int32", String(v));
    this.ensure(4);
    const b = this.buf, p = this.pos;
    b[p] = v >> 24;
    b[p + 1] = v >> 16;
    b[p + 2] = v >> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  writeUint32(v: number): void {
    if (v >>> 0 !== v) throw outOfRange("uint32", String(v));
    this.ensure(4);
    const b = this.buf, p = this.pos;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
    this.pos = p + 4;
  }

  writeInt64(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
  }

  writeFloat64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
  }

  /** A UUID in Kafka's string form (22 chars of unpadded base64url). */
  writeUuid(v: string): void {
    // The last char carries 2 data bits and 4 zero bits, hence [AQgw]: rejects non-canonical forms.
    if (!UUID_FORM.test(v)) {
      throw new ProtocolError("ERR_PROTOCOL_INVALID_UUID", `not a Kafka UUID (22 base64url chars): ${JSON.stringify(v)}`);
    }
    this.ensure(16);
    this.pos += this.buf.write(v, this.pos, 16, "base64url");
  }

  // ---- variable-length integers ----------------------------------------------------------

  writeUnsignedVarint(v: number): void {
    if (v >= 0 && v < 0x80 && (v | 0) === v) {
      // Fast path: most lengths, counts and tags fit one byte.
      this.ensure(1);
      this.buf[this.pos++] = v;
      return;
    }
    if (!(v >= 0 && v <= 0xffffffff) || !Number.isInteger(v)) {
      throw outOfRange("unsigned varint", `${v} is not a uint32`);
    }
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.pos = p;
  }

  /** Zig-zag encoded int32. */
  writeVarint(v: number): void {
    this.writeUnsignedVarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Zig-zag encoded int64. */
  writeVarlong(v: bigint): void {
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  // ---- strings ---------------------------------------------------------------------------

  writeString(v: string): void {
    this.writeNullableString(v);
  }

  writeNullableString(v: string | null): void {
    if (v === null) {
      this.writeInt16(-1);
      return;
    }
    if (v.length < SHORT_STRING) {
      this.ensure(2 + v.length); // before taking positions: growing may move pending bytes
      const start = this.pos;
      this.pos += 2;
      if (this.writeAscii(v)) {
        this.buf.writeInt16BE(v.length, start);
        return;
      }
      this.pos = start;
    }
    const len = Buffer.byteLength(v, "utf8");
    if (len > MAX_INT16) throw outOfRange("string", `${len} bytes exceed the int16 length limit`);
    this.ensure(2 + len);
    this.pos = this.buf.writeInt16BE(len, this.pos);
    this.pos += this.buf.write(v, this.pos, len, "utf8");
  }

  writeCompactString(v: string): void {
    this.writeCompactNullableString(v);
  }

  writeCompactNullableString(v: string | null): void {
    if (v === null) {
      this.writeUnsignedVarint(0);
      return;
    }
    if (v.length < SHORT_STRING) {
      // Short strings have a one-byte compact length.
      this.ensure(1 + v.length); // before taking positions: growing may move pending bytes
      const start = this.pos;
      this.buf[this.pos++] = v.length + 1;
      if (this.writeAscii(v)) return;
      this.pos = start;
    }
    const len = Buffer.byteLength(v, "utf8");
    this.writeUnsignedVarint(len + 1);
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, len, "utf8");
  }

  /**
   * Copies an ASCII string byte by byte (room already ensured): for the short names that fill most
   * messages this beats Buffer.byteLength + Buffer#write. Returns false, having written garbage
   * the caller rewinds over, at the first non-ASCII char.
   */
  private writeAscii(v: string): boolean {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0x80) return false;
      b[p++] = c;
    }
    this.pos = p;
    return true;
  }

  // ---- bytes -----------------------------------------------------------------------------

  writeBytes(v: Buffer): void {
    this.writeNullableBytes(v);
  }

  writeNullableBytes(v: Buffer | null): void {
    if (v === null) {
      this.writeInt32(-1);
      return;
    }
    this.writeInt32(v.length);
    this.writeRaw(v);
  }

  writeCompactBytes(v: Buffer): void {
    this.writeCompactNullableBytes(v);
  }

  writeCompactNullableBytes(v: Buffer | null): void {
    if (v === null) {
      this.writeUnsignedVarint(0);
      return;
    }
    this.writeUnsignedVarint(v.length + 1);
    this.writeRaw(v);
  }

  /** Bytes without a length prefix; large ones are appended as a chunk instead of copied. */
  writeRaw(v: Buffer): void {
    if (v.length >= APPEND_THRESHOLD) {
      this.append(v);
      return;
    }
    this.ensure(v.length);
    this.pos += v.copy(this.buf, this.pos);
  }

  // ---- records ---------------------------------------------------------------------------

  /** A RECORDS field: the length, then the caller's slices themselves (never copied). */
  writeRecords(slices: readonly Buffer[] | null, compact: boolean): void {
    if (slices === null) {
      if (compact) this.writeUnsignedVarint(0);
      else this.writeInt32(-1);
      return;
    }
    let len = 0;
    for (const s of slices) len += s.length;
    if (compact) this.writeUnsignedVarint(len + 1);
    else this.writeInt32(len);
    for (const s of slices) this.append(s);
  }

  // ---- arrays and tagged fields ----------------------------------------------------------

  /** An array's element count; -1 writes a null array. */
  writeArrayLength(n: number, compact: boolean): void {
    if (compact) this.writeUnsignedVarint(n + 1);
    else this.writeInt32(n);
  }

  /** A whole tagged-field section made only of raw fields (headers, unknown-only structs). */
  writeTaggedFields(fields: readonly TaggedField[] | undefined): void {
    if (fields === undefined) {
      this.writeUnsignedVarint(0);
      return;
    }
    this.writeUnsignedVarint(fields.length);
    for (const f of fields) this.writeRawTaggedField(f);
  }

  writeRawTaggedField(f: TaggedField): void {
    this.writeUnsignedVarint(f.tag);
    this.writeUnsignedVarint(f.data.length);
    this.writeRaw(f.data);
  }

  /**
   * Writes the raw fields of `fields` from index `from` whose tag is below `belowTag`, and returns
   * the index of the first one not written. Lets generated code merge unknown tagged fields with
   * known ones in ascending tag order, as Kafka does.
   */
  writeRawTaggedFieldsBelow(fields: readonly TaggedField[] | undefined, from: number, belowTag: number): number {
    if (fields === undefined) return 0;
    let i = from;
    while (i < fields.length && fields[i]!.tag < belowTag) this.writeRawTaggedField(fields[i++]!);
    return i;
  }

  // ---- size prefixes ---------------------------------------------------------------------

  /** Marks where a size-prefixed value starts; pass the result to `insertSizePrefix`. */
  mark(): number {
    return this.length;
  }

  /**
   * Inserts, at `mark`, the unsigned-varint size of everything written since. Tagged values are
   * small, so shifting them by a few bytes is cheaper than a separate sizing pass.
   */
  insertSizePrefix(mark: number): void {
    const size = this.length - mark;
    const n = unsignedVarintSize(size);
    if (mark >= this.flushed) {
      // Common case: everything since the mark is still in the scratch buffer.
      this.ensure(n);
      const at = this.start + (mark - this.flushed);
      this.buf.copyWithin(at + n, at, this.pos);
      this.pos += n;
      this.writeUnsignedVarintAt(at, size);
      return;
    }
    // Rare case: chunks were appended since the mark. Split the chunk holding the mark and put the
    // prefix in between as its own small chunk.
    this.flush();
    const prefix = new Writer(8);
    prefix.writeUnsignedVarint(size);
    const prefixChunk = prefix.toChunks()[0]!;
    let offset = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      if (mark < offset + c.length) {
        const cut = mark - offset;
        const pieces = cut === 0 ? [prefixChunk, c] : [c.subarray(0, cut), prefixChunk, c.subarray(cut)];
        this.chunks.splice(i, 1, ...pieces);
        this.flushed += n;
        return;
      }
      offset += c.length;
    }
    throw new Error("insertSizePrefix: mark beyond written data");
  }

  // ---- internals -------------------------------------------------------------------------

  private writeUnsignedVarintAt(at: number, v: number): void {
    const b = this.buf;
    while (v >= 0x80) {
      b[at++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    b[at] = v;
  }

  /** Appends a Buffer as its own chunk (after the pending scratch bytes). */
  private append(b: Buffer): void {
    if (b.length === 0) return;
    this.flush();
    this.chunks.push(b);
    this.flushed += b.length;
  }

  /** Moves the pending scratch bytes to `chunks`; later writes continue after them in `buf`. */
  private flush(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.flushed += this.pos - this.start;
      this.start = this.pos;
    }
  }

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  /** New scratch buffer; pending bytes move to its start (chunks already handed out keep the old one). */
  private grow(n: number): void {
    const pending = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, pending + n, 256));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = pending;
  }
}
