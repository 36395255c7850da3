// Classic consumer groups carry topic names inside opaque bytes: the subscription in JoinGroup metadata and the
// assignment in SyncGroup (Kafka's ConsumerProtocolSubscription/Assignment, protocolType "consumer"). The broker
// reads them itself when classic members share a group with KIP-848 members (and writes the assignments then),
// so the names in them are namespaced like every other name: prefixed on the way up, stripped (foreign ones
// dropped) on the way down. Bytes that don't parse are left alone: they are then only between the tenant's clients.
import { ProtocolError } from "../protocol/errors.js";
import { Reader } from "../protocol/reader.js";
import { Writer } from "../protocol/writer.js";

/** Renames a topic; undefined drops it. */
export type TopicMapper = (topic: string) => string | undefined;

/** The newest versions Kafka 4.4 defines; newer ones are read as these, their extra trailing bytes kept. */
const SUBSCRIPTION_MAX = 3;
const ASSIGNMENT_MAX = 3;

/** Thrown inside the parsers for a null array, which neither message ever has. */
const NOT_CONSUMER_PROTOCOL = Symbol("not a consumer protocol message");

function count(r: Reader): number {
  const n = r.readArrayLength(false);
  if (n < 0) throw NOT_CONSUMER_PROTOCOL;
  return n;
}

const notConsumerProtocol = (err: unknown): boolean => err instanceof ProtocolError || err === NOT_CONSUMER_PROTOCOL;

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

function readTopicPartitions(r: Reader): TopicPartitions[] {
  const n = count(r);
  const out: TopicPartitions[] = [];
  for (let i = 0; i < n; i++) {
    const topic = r.readString();
    const partitions: number[] = [];
    for (let j = 0, m = count(r); j < m; j++) partitions.push(r.readInt32());
    out.push({ topic, partitions });
  }
  return out;
}

function writeTopicPartitions(w: Writer, items: readonly TopicPartitions[], map: TopicMapper): void {
  const kept: TopicPartitions[] = [];
  for (const item of items) {
    const topic = map(item.topic);
    if (topic !== undefined) kept.push({ topic, partitions: item.partitions });
  }
  w.writeArrayLength(kept.length, false);
  for (const item of kept) {
    w.writeString(item.topic);
    w.writeArrayLength(item.partitions.length, false);
    for (const p of item.partitions) w.writeInt32(p);
  }
}

function tail(r: Reader, w: Writer): void {
  if (r.remaining > 0) w.writeRaw(r.readRaw(r.remaining));
}

function finish(w: Writer): Buffer {
  const chunks = w.toChunks();
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * A ConsumerProtocolSubscription with its topic names mapped, or undefined when `bytes` is not one (`strict`:
 * also when it has bytes beyond its version's fields, used where the protocol type is a guess).
 */
export function mapSubscription(bytes: Buffer, map: TopicMapper, strict = false): Buffer | undefined {
  try {
    const r = new Reader(bytes);
    const version = r.readInt16();
    if (version < 0) return undefined;
    const topics: string[] = [];
    for (let i = 0, n = count(r); i < n; i++) topics.push(r.readString());
    const userData = r.readNullableBytes();
    const owned = version >= 1 ? readTopicPartitions(r) : undefined;
    const generationId = version >= 2 ? r.readInt32() : undefined;
    const rackId = version >= 3 ? r.readNullableString() : undefined;
    if (strict && (r.remaining > 0 || version > SUBSCRIPTION_MAX)) return undefined;

    const w = new Writer(bytes.length + 64);
    w.writeInt16(version);
    const mapped = topics.map(map).filter((t): t is string => t !== undefined);
    w.writeArrayLength(mapped.length, false);
    for (const t of mapped) w.writeString(t);
    w.writeNullableBytes(userData);
    if (owned !== undefined) writeTopicPartitions(w, owned, map);
    if (generationId !== undefined) w.writeInt32(generationId);
    if (rackId !== undefined) w.writeNullableString(rackId);
    tail(r, w);
    return finish(w);
  } catch (err) {
    if (notConsumerProtocol(err)) return undefined;
    throw err;
  }
}

/** A ConsumerProtocolAssignment with its topic names mapped, or undefined when `bytes` is not one (see mapSubscription). */
export function mapAssignment(bytes: Buffer, map: TopicMapper, strict = false): Buffer | undefined {
  // An empty assignment (a member that got nothing, or an error) has no bytes at all.
  if (bytes.length === 0) return undefined;
  try {
    const r = new Reader(bytes);
    const version = r.readInt16();
    if (version < 0) return undefined;
    const assigned = readTopicPartitions(r);
    const userData = r.readNullableBytes();
    if (strict && (r.remaining > 0 || version > ASSIGNMENT_MAX)) return undefined;

    const w = new Writer(bytes.length + 64);
    w.writeInt16(version);
    writeTopicPartitions(w, assigned, map);
    w.writeNullableBytes(userData);
    tail(r, w);
    return finish(w);
  } catch (err) {
    if (notConsumerProtocol(err)) return undefined;
    throw err;
  }
}

/** The topics and partitions of a ConsumerProtocolAssignment (the control plane's group view); undefined when `bytes` is not one. */
export function readAssignment(bytes: Buffer): TopicPartitions[] | undefined {
  if (bytes.length === 0) return [];
  try {
    const r = new Reader(bytes);
    return r.readInt16() < 0 ? undefined : readTopicPartitions(r);
  } catch (err) {
    if (notConsumerProtocol(err)) return undefined;
    throw err;
  }
}
