// A Produce response rewritten without decoding it. The walk reads only what may change (topic names, topic ids,
// throttle_time_ms) and steps over the rest; the new frame is the original's slices with new bytes spliced in where
// a name or the throttle time changed. The generated codec (messages/produce.ts) stays the reference: the output is
// byte-identical to decode → edit → encode (test/unit/protocol/produce-response-splice.test.ts). Whatever the edit
// can't express (a topic to drop, an error message to scrub, node endpoints to re-point) answers DECODE, and the
// caller takes the codec's path.
import { ProtocolError } from "./errors.js";
import { Reader } from "./reader.js";
import { Writer } from "./writer.js";

/** What may change in a Produce response on the splice path. */
export interface ProduceResponseEdit {
  /** throttle_time_ms is raised to this when it is lower (v1+; v0 has none). */
  throttleAtLeastMs: number;
  /** A topic name's replacement (v0-12); undefined when the topic can't go back as a rename (drop it: decode). */
  renameTopic: ((name: string) => string | undefined) | undefined;
  /** Whether a topic id goes back as it came (v13+); false: decode. */
  keepTopicId: ((id: string) => boolean) | undefined;
}

/** throttleAtLeastMs that raises nothing: int32's least value. */
export const NO_RAISE = -0x8000_0000;

/** The response goes back as it came: forward the original frame. */
export const UNCHANGED = Symbol("unchanged");
/** The edit can't be spliced: decode, edit and encode through the codec. */
export const DECODE = Symbol("decode");

/** Versions whose layout the walk knows (the codec's, ProduceResponse 0-13); later ones decode. */
const MAX_VERSION = 13;
const FIRST_FLEXIBLE = 9;
/** NodeEndpoints (KIP-951): top-level tag 0 from v10, re-pointed by the broker-addresses filter. */
const FIRST_NODE_ENDPOINTS = 10;
/** index int32, error_code int16, base_offset int64. */
const PARTITION_FIXED_BYTES = 4 + 2 + 8;
const INT64_BYTES = 8;
const BATCH_INDEX_BYTES = 4;

/**
 * The response frame (`chunks`: response header and body, no size prefix; the body starts at `bodyStart`) with `edit`
 * applied, as slices of `chunks` around new bytes. Malformed bytes answer DECODE too: the codec words the refusal.
 */
export function spliceProduceResponse(
  chunks: readonly Buffer[],
  bodyStart: number,
  version: number,
  edit: ProduceResponseEdit,
): Buffer[] | typeof UNCHANGED | typeof DECODE {
  if (version < 0 || version > MAX_VERSION) return DECODE;
  const reader = new Reader(chunks);
  reader.seek(bodyStart);
  const splice = new Splice(chunks);
  try {
    if (!walk(reader, version, edit, splice)) return DECODE;
  } catch (err) {
    if (err instanceof ProtocolError) return DECODE;
    throw err;
  }
  return splice.finish();
}

/** Walks the body, recording replacements in `splice`; false when the edit needs the codec. */
function walk(r: Reader, version: number, edit: ProduceResponseEdit, splice: Splice): boolean {
  const flexible = version >= FIRST_FLEXIBLE;
  const topics = r.readArrayLength(flexible);
  if (topics < 0) return false;
  for (let t = 0; t < topics; t++) {
    if (version <= 12) {
      const start = r.offset;
      const name = flexible ? r.readCompactString() : r.readString();
      const renamed = edit.renameTopic === undefined ? name : edit.renameTopic(name);
      if (renamed === undefined) return false;
      if (renamed !== name) splice.replace(start, r.offset, encodeName(renamed, flexible));
    } else {
      const id = r.readUuid();
      if (edit.keepTopicId !== undefined && !edit.keepTopicId(id)) return false;
    }
    const partitions = r.readArrayLength(flexible);
    if (partitions < 0) return false;
    for (let p = 0; p < partitions; p++) {
      r.skip(PARTITION_FIXED_BYTES);
      if (version >= 2) r.skip(INT64_BYTES); // log_append_time_ms
      if (version >= 5) r.skip(INT64_BYTES); // log_start_offset
      if (version >= 8) {
        const recordErrors = r.readArrayLength(flexible);
        if (recordErrors < 0) return false;
        for (let e = 0; e < recordErrors; e++) {
          r.skip(BATCH_INDEX_BYTES);
          // Tenancy scrubs error messages: only absent ones can stay as they are.
          if (!readNull(r, flexible)) return false;
          if (flexible) skipTaggedFields(r, undefined);
        }
        if (!readNull(r, flexible)) return false; // error_message
      }
      if (flexible && !skipTaggedFields(r, undefined)) return false; // current_leader (tag 0) goes back as it came
    }
    if (flexible && !skipTaggedFields(r, undefined)) return false;
  }
  if (version >= 1) {
    const at = r.offset;
    if (r.readInt32() < edit.throttleAtLeastMs) splice.replace(at, r.offset, int32(edit.throttleAtLeastMs));
  }
  if (flexible && !skipTaggedFields(r, version >= FIRST_NODE_ENDPOINTS ? 0 : undefined)) return false;
  // Trailing bytes the codec would drop on re-encoding: let it.
  return r.remaining === 0;
}

/** Whether the next nullable string is null (its bytes are not decoded). */
function readNull(r: Reader, flexible: boolean): boolean {
  return flexible ? r.readUnsignedVarint() === 0 : r.readInt16() === -1;
}

/** Steps over a tagged-field section; false when it holds `refused` (a known field the splice can't carry over). */
function skipTaggedFields(r: Reader, refused: number | undefined): boolean {
  const count = r.readUnsignedVarint();
  for (let i = 0; i < count; i++) {
    if (r.readUnsignedVarint() === refused) return false;
    r.skip(r.readUnsignedVarint());
  }
  return true;
}

/**
 * Names as they go on the wire, classic and compact: the same few topics come back in every response, so each is
 * encoded once. The buffers are only ever read (written to sockets). Bounded: cleared when full.
 */
const ENCODED_NAMES = [new Map<string, Buffer[]>(), new Map<string, Buffer[]>()] as const;
const MAX_ENCODED_NAMES = 1024;

function encodeName(name: string, flexible: boolean): Buffer[] {
  const cache = ENCODED_NAMES[flexible ? 1 : 0];
  let bytes = cache.get(name);
  if (bytes === undefined) {
    const w = new Writer(Buffer.byteLength(name) + 5);
    if (flexible) w.writeCompactString(name);
    else w.writeString(name);
    bytes = w.toChunks();
    if (cache.size >= MAX_ENCODED_NAMES) cache.clear();
    cache.set(name, bytes);
  }
  return bytes;
}

function int32(value: number): Buffer[] {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(value);
  return [b];
}

/** The output: slices of the original frame up to each replaced range, the new bytes, and the rest of the frame. */
class Splice {
  private readonly source: Reader;
  private out: Buffer[] | undefined;

  constructor(chunks: readonly Buffer[]) {
    this.source = new Reader(chunks);
  }

  /** Replaces bytes [start, end) of the frame; ranges come in frame order. */
  replace(start: number, end: number, bytes: readonly Buffer[]): void {
    const out = (this.out ??= []);
    for (const slice of this.source.slices(start - this.source.offset)) out.push(slice);
    this.source.skip(end - start);
    for (const b of bytes) out.push(b);
  }

  finish(): Buffer[] | typeof UNCHANGED {
    if (this.out === undefined) return UNCHANGED;
    for (const slice of this.source.slices(this.source.remaining)) this.out.push(slice);
    return this.out;
  }
}
