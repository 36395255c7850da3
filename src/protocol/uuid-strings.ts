// The string form of a UUID read off the wire, from a small direct-mapped cache of recent ones. Requests and
// responses of Kafka 4 clients name topics by id, the same few ids over and over; Buffer#toString("base64url")
// costs a crossing into C++ and a new string each time (about 3 % of the gateway's JavaScript under produce load),
// while four int32 reads and compares don't. A miss replaces the slot: an id seen once costs what it did before.

/** Slots, a power of two: a connection's working set of topic ids fits many times over. */
const SLOTS = 64;

const words = new Int32Array(SLOTS * 4);
const strings: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

/** Kafka's Uuid.toString form (unpadded base64url, 22 chars) of the 16 bytes at `offset` of `buffer`. */
export function uuidString(buffer: Buffer, offset: number): string {
  const w0 = buffer.readInt32BE(offset);
  const w1 = buffer.readInt32BE(offset + 4);
  const w2 = buffer.readInt32BE(offset + 8);
  const w3 = buffer.readInt32BE(offset + 12);
  // Random v4 ids: their low bits are already spread.
  const slot = (w0 ^ w1 ^ w2 ^ w3) & (SLOTS - 1);
  const at = slot * 4;
  const known = strings[slot];
  if (known !== undefined && words[at] === w0 && words[at + 1] === w1 && words[at + 2] === w2 && words[at + 3] === w3) return known;
  const text = buffer.toString("base64url", offset, offset + 16);
  words[at] = w0;
  words[at + 1] = w1;
  words[at + 2] = w2;
  words[at + 3] = w3;
  strings[slot] = text;
  return text;
}
