import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../../src/protocol/errors.js";
import { Reader } from "../../../src/protocol/reader.js";
import { unsignedVarintSize, Writer } from "../../../src/protocol/writer.js";

/**
 * Ways to cut `bytes` into chunks: at every byte boundary (for long values: every boundary within
 * 40 bytes of either end, where the length prefixes and the trailer live), plus one byte per chunk
 * with empty chunks between.
 */
function splits(bytes: Buffer): Buffer[][] {
  const out: Buffer[][] = [[bytes]];
  for (let i = 0; i <= bytes.length; i++) {
    if (bytes.length > 100 && i > 40 && i < bytes.length - 40) continue;
    out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  }
  if (bytes.length <= 100) {
    const single: Buffer[] = [];
    for (let i = 0; i < bytes.length; i++) single.push(bytes.subarray(i, i + 1), Buffer.alloc(0));
    out.push(single);
  }
  return out;
}

function concat(w: Writer): Buffer {
  return Buffer.concat(w.toChunks());
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
  throw new Error("expected a ProtocolError");
}

interface Case {
  name: string;
  write: (w: Writer) => void;
  read: (r: Reader) => unknown;
  value: unknown;
}

const UUID = "AAECAwQFBgcICQoLDA0ODw"; // bytes 0..15
const cases: Case[] = [
  { name: "int8 min", write: (w) => w.writeInt8(-128), read: (r) => r.readInt8(), value: -128 },
  { name: "int16 min", write: (w) => w.writeInt16(-32768), read: (r) => r.readInt16(), value: -32768 },
  { name: "uint16 max", write: (w) => w.writeUint16(65535), read: (r) => r.readUint16(), value: 65535 },
  { name: "int32 max", write: (w) => w.writeInt32(2 ** 31 - 1), read: (r) => r.readInt32(), value: 2 ** 31 - 1 },
  { name: "uint32 max", write: (w) => w.writeUint32(2 ** 32 - 1), read: (r) => r.readUint32(), value: 2 ** 32 - 1 },
  { name: "int64 min", write: (w) => w.writeInt64(-(2n ** 63n)), read: (r) => r.readInt64(), value: -(2n ** 63n) },
  { name: "float64", write: (w) => w.writeFloat64(-1.5e300), read: (r) => r.readFloat64(), value: -1.5e300 },
  { name: "bool", write: (w) => w.writeBoolean(true), read: (r) => r.readBoolean(), value: true },
  { name: "uvarint max", write: (w) => w.writeUnsignedVarint(2 ** 32 - 1), read: (r) => r.readUnsignedVarint(), value: 2 ** 32 - 1 },
  { name: "varint min", write: (w) => w.writeVarint(-(2 ** 31)), read: (r) => r.readVarint(), value: -(2 ** 31) },
  { name: "varint max", write: (w) => w.writeVarint(2 ** 31 - 1), read: (r) => r.readVarint(), value: 2 ** 31 - 1 },
  { name: "varlong min", write: (w) => w.writeVarlong(-(2n ** 63n)), read: (r) => r.readVarlong(), value: -(2n ** 63n) },
  { name: "varlong max", write: (w) => w.writeVarlong(2n ** 63n - 1n), read: (r) => r.readVarlong(), value: 2n ** 63n - 1n },
  { name: "uuid", write: (w) => w.writeUuid(UUID), read: (r) => r.readUuid(), value: UUID },
  { name: "zero uuid", write: (w) => w.writeUuid("AAAAAAAAAAAAAAAAAAAAAA"), read: (r) => r.readUuid(), value: "AAAAAAAAAAAAAAAAAAAAAA" },
  { name: "string utf8", write: (w) => w.writeString("héllo✓"), read: (r) => r.readString(), value: "héllo✓" },
  { name: "empty string", write: (w) => w.writeString(""), read: (r) => r.readString(), value: "" },
  { name: "null string", write: (w) => w.writeNullableString(null), read: (r) => r.readNullableString(), value: null },
  { name: "max string", write: (w) => w.writeString("x".repeat(32767)), read: (r) => r.readString(), value: "x".repeat(32767) },
  { name: "compact string beyond the int16 limit", write: (w) => w.writeCompactString("y".repeat(40000)), read: (r) => r.readCompactString(), value: "y".repeat(40000) },
  { name: "compact string", write: (w) => w.writeCompactString("abc"), read: (r) => r.readCompactString(), value: "abc" },
  { name: "compact null string", write: (w) => w.writeCompactNullableString(null), read: (r) => r.readCompactNullableString(), value: null },
  { name: "compact empty string", write: (w) => w.writeCompactNullableString(""), read: (r) => r.readCompactNullableString(), value: "" },
  { name: "bytes", write: (w) => w.writeBytes(Buffer.from([1, 2, 3])), read: (r) => r.readBytes(), value: Buffer.from([1, 2, 3]) },
  { name: "empty bytes", write: (w) => w.writeBytes(Buffer.alloc(0)), read: (r) => r.readBytes(), value: Buffer.alloc(0) },
  { name: "null bytes", write: (w) => w.writeNullableBytes(null), read: (r) => r.readNullableBytes(), value: null },
  { name: "large bytes", write: (w) => w.writeBytes(Buffer.alloc(5000, 7)), read: (r) => r.readBytes(), value: Buffer.alloc(5000, 7) },
  { name: "compact bytes", write: (w) => w.writeCompactBytes(Buffer.from([9])), read: (r) => r.readCompactBytes(), value: Buffer.from([9]) },
  { name: "compact null bytes", write: (w) => w.writeCompactNullableBytes(null), read: (r) => r.readCompactNullableBytes(), value: null },
  { name: "bytes view", write: (w) => w.writeCompactBytes(Buffer.from([4, 5])), read: (r) => r.readBytesView(true), value: Buffer.from([4, 5]) },
  { name: "null array", write: (w) => w.writeArrayLength(-1, false), read: (r) => r.readArrayLength(false), value: -1 },
  { name: "compact null array", write: (w) => w.writeArrayLength(-1, true), read: (r) => r.readArrayLength(true), value: -1 },
  {
    name: "tagged fields",
    write: (w) => w.writeTaggedFields([{ tag: 0, data: Buffer.from([1]) }, { tag: 300, data: Buffer.alloc(0) }]),
    read: (r) => r.readTaggedFields(),
    value: [{ tag: 0, data: Buffer.from([1]) }, { tag: 300, data: Buffer.alloc(0) }],
  },
  { name: "no tagged fields", write: (w) => w.writeTaggedFields(undefined), read: (r) => r.readTaggedFields(), value: undefined },
];

describe("Reader/Writer round trip at every chunk boundary", () => {
  it.each(cases)("$name", ({ write, read, value }) => {
    const w = new Writer(4);
    write(w);
    w.writeInt8(42); // a trailing value shows the read consumed exactly its bytes
    const bytes = concat(w);
    expect(w.length).toBe(bytes.length);
    for (const chunks of splits(bytes)) {
      const r = new Reader(chunks);
      expect(read(r)).toEqual(value);
      expect(r.readInt8()).toBe(42);
      expect(r.remaining).toBe(0);
    }
  }, 30_000); // "large bytes" reads 5 KB at every split point: seconds on a loaded CI machine

  it.each(cases)("$name: truncated input throws ERR_PROTOCOL_TRUNCATED or INVALID_LENGTH", ({ write, read }) => {
    const w = new Writer();
    write(w);
    const bytes = concat(w);
    for (let cut = 0; cut < bytes.length; cut += cut < 64 ? 1 : 997) {
      const code = codeOf(() => read(new Reader([bytes.subarray(0, cut)])));
      expect(["ERR_PROTOCOL_TRUNCATED", "ERR_PROTOCOL_INVALID_LENGTH"]).toContain(code);
    }
  });
});

describe("Reader", () => {
  it("returns records as views of the input chunks, never copies", () => {
    const a = Buffer.from([0, 0, 0, 5, 1, 2]);
    const b = Buffer.from([3, 4, 5, 99]);
    const r = new Reader([a, b]);
    const slices = r.readRecords(false)!;
    expect(slices).toHaveLength(2);
    expect(slices[0]!.buffer).toBe(a.buffer);
    expect(slices[0]!.byteOffset).toBe(a.byteOffset + 4);
    expect(slices[1]!.buffer).toBe(b.buffer);
    expect(Buffer.concat(slices)).toEqual(Buffer.from([1, 2, 3, 4, 5]));
    expect(r.readInt8()).toBe(99);
  });

  it("reads null and empty records", () => {
    expect(new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff])).readRecords(false)).toBeNull();
    expect(new Reader(Buffer.from([0])).readRecords(true)).toBeNull();
    expect(new Reader(Buffer.from([1])).readRecords(true)).toEqual([]);
  });

  it("rejects negative lengths other than the null marker", () => {
    expect(codeOf(() => new Reader(Buffer.from([0xff, 0xfe])).readNullableString())).toBe("ERR_PROTOCOL_INVALID_LENGTH");
    expect(codeOf(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xfe])).readNullableBytes())).toBe("ERR_PROTOCOL_INVALID_LENGTH");
    expect(codeOf(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xfe])).readArrayLength(false))).toBe("ERR_PROTOCOL_INVALID_LENGTH");
    expect(codeOf(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xfe])).readRecords(false))).toBe("ERR_PROTOCOL_INVALID_LENGTH");
  });

  it("rejects null where a value is required", () => {
    expect(codeOf(() => new Reader(Buffer.from([0xff, 0xff])).readString())).toBe("ERR_PROTOCOL_NULL_NOT_ALLOWED");
    expect(codeOf(() => new Reader(Buffer.from([0])).readCompactString())).toBe("ERR_PROTOCOL_NULL_NOT_ALLOWED");
    expect(codeOf(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff])).readBytes())).toBe("ERR_PROTOCOL_NULL_NOT_ALLOWED");
  });

  it("rejects an array count larger than the bytes left (no huge allocation)", () => {
    expect(codeOf(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).readArrayLength(false))).toBe("ERR_PROTOCOL_INVALID_LENGTH");
    expect(codeOf(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])).readArrayLength(true))).toBe("ERR_PROTOCOL_INVALID_LENGTH");
  });

  it("rejects over-long varints", () => {
    const six = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(codeOf(() => new Reader(six).readUnsignedVarint())).toBe("ERR_PROTOCOL_VARINT_TOO_LONG");
    expect(codeOf(() => new Reader(Buffer.alloc(11, 0x80)).readVarlong())).toBe("ERR_PROTOCOL_VARINT_TOO_LONG");
  });

  it("works on an empty frame and an empty chunk list", () => {
    expect(new Reader([]).remaining).toBe(0);
    expect(codeOf(() => new Reader([]).readInt8())).toBe("ERR_PROTOCOL_TRUNCATED");
    expect(codeOf(() => new Reader(Buffer.alloc(0)).readUuid())).toBe("ERR_PROTOCOL_TRUNCATED");
  });

  it("skips across chunks and refuses to skip past the end", () => {
    const r = new Reader([Buffer.from([1, 2]), Buffer.from([3]), Buffer.from([4, 5])]);
    r.skip(3);
    expect(r.offset).toBe(3);
    expect(r.readInt8()).toBe(4);
    expect(codeOf(() => r.skip(2))).toBe("ERR_PROTOCOL_TRUNCATED");
  });

  it("returns a zero-copy view for bytes inside one chunk", () => {
    const frame = Buffer.from([0, 0, 0, 2, 7, 8]);
    const view = new Reader(frame).readBytesView(false)!;
    expect(view.buffer).toBe(frame.buffer);
    expect(view).toEqual(Buffer.from([7, 8]));
  });
});

describe("Writer", () => {
  it("appends record slices as-is", () => {
    const rec = Buffer.from([1, 2, 3]);
    const w = new Writer();
    w.writeInt16(7);
    w.writeRecords([rec, Buffer.alloc(0), rec], true);
    w.writeInt8(1);
    const chunks = w.toChunks();
    expect(chunks.filter((c) => c === rec)).toHaveLength(2);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0, 7, 7, 1, 2, 3, 1, 2, 3, 1]));
    expect(w.length).toBe(10);
  });

  it("keeps strings intact when the scratch buffer grows after appended records", () => {
    for (const text of ["ascii-name", "nön-ascii", "x".repeat(126), "é".repeat(200)]) {
      const w = new Writer(16);
      w.writeInt32(1);
      w.writeRecords([Buffer.alloc(3, 9)], false);
      w.writeInt32(2); // 12 of 16 scratch bytes used, 8 of them already flushed: the string must grow it
      w.writeString(text);
      w.writeCompactString(text);
      const r = new Reader(w.toChunks());
      expect([r.readInt32(), r.readRecords(false)!.length, r.readInt32()]).toEqual([1, 1, 2]);
      expect([r.readString(), r.readCompactString(), r.remaining]).toEqual([text, text, 0]);
    }
  });

  it("writes null records", () => {
    const w = new Writer();
    w.writeRecords(null, false);
    w.writeRecords(null, true);
    expect(concat(w)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff, 0]));
  });

  it("rejects strings longer than the int16 limit and malformed UUIDs", () => {
    expect(codeOf(() => new Writer().writeString("x".repeat(32768)))).toBe("ERR_PROTOCOL_VALUE_OUT_OF_RANGE");
    expect(codeOf(() => new Writer().writeString("é".repeat(16384)))).toBe("ERR_PROTOCOL_VALUE_OUT_OF_RANGE");
    expect(codeOf(() => new Writer().writeUuid("short"))).toBe("ERR_PROTOCOL_INVALID_UUID");
    expect(codeOf(() => new Writer().writeUuid("AAAAAAAAAAAAAAAAAAAAAB"))).toBe("ERR_PROTOCOL_INVALID_UUID");
    expect(codeOf(() => new Writer().writeUuid("AAAAAAAAAAAAAAAAAAAA+A"))).toBe("ERR_PROTOCOL_INVALID_UUID");
  });

  it("rejects integers that do not fit their wire type", () => {
    const w = new Writer();
    const bad: [(v: number) => void, number][] = [
      [(v) => w.writeInt8(v), 128],
      [(v) => w.writeUint8(v), -1],
      [(v) => w.writeInt16(v), 32768],
      [(v) => w.writeUint16(v), 65536],
      [(v) => w.writeInt32(v), 2 ** 31],
      [(v) => w.writeInt32(v), 1.5],
      [(v) => w.writeInt32(v), Number.NaN],
      [(v) => w.writeUint32(v), -1],
      [(v) => w.writeUnsignedVarint(v), 2 ** 32],
    ];
    for (const [write, v] of bad) expect(codeOf(() => write(v))).toBe("ERR_PROTOCOL_VALUE_OUT_OF_RANGE");
    expect(w.length).toBe(0);
  });

  it("inserts a size prefix in scratch, across growth, and across appended chunks", () => {
    for (const payload of [0, 1, 127, 128, 300, 20000]) {
      const w = new Writer(2);
      w.writeInt8(9);
      const m = w.mark();
      for (let i = 0; i < payload; i++) w.writeInt8(i & 0x7f);
      w.insertSizePrefix(m);
      w.writeInt8(10);
      const r = new Reader(w.toChunks());
      expect(r.readInt8()).toBe(9);
      expect(r.readUnsignedVarint()).toBe(payload);
      r.skip(payload);
      expect(r.readInt8()).toBe(10);
      expect(r.remaining).toBe(0);
      expect(w.length).toBe(2 + payload + unsignedVarintSize(payload));
    }
    for (const before of [0, 2]) {
      const w = new Writer();
      w.writeInt8(1);
      const m = w.mark();
      for (let i = 0; i < before; i++) w.writeInt8(2);
      w.writeRecords([Buffer.alloc(200, 3)], false);
      w.writeInt8(4);
      w.insertSizePrefix(m);
      const bytes = concat(w);
      const size = before + 4 + 200 + 1;
      expect(bytes.length).toBe(w.length);
      const r = new Reader(bytes);
      expect(r.readInt8()).toBe(1);
      expect(r.readUnsignedVarint()).toBe(size);
      expect(r.remaining).toBe(size);
    }
  });

  it("merges unknown tagged fields below a known tag", () => {
    const w = new Writer();
    const unknown = [{ tag: 1, data: Buffer.from([1]) }, { tag: 5, data: Buffer.from([5]) }];
    const next = w.writeRawTaggedFieldsBelow(unknown, 0, 3);
    expect(next).toBe(1);
    expect(w.writeRawTaggedFieldsBelow(unknown, next, Infinity)).toBe(2);
    expect(concat(w)).toEqual(Buffer.from([1, 1, 1, 5, 1, 5]));
  });
});
