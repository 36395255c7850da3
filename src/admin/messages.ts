// Messages of a tenant's topic as control-plane operations: send one test message (a record batch built here), and
// read a partition's latest N messages or those from a timestamp on, bounded in count and bytes. Produce and Fetch
// go to the partition's leader through the virtual cluster's chain (tenant-client.ts): ACLs, byte rates and the
// retained-bytes cap apply as they do to the tenant's clients.
import { decodeRecords, type DecodedRecord, type UndecodedBatch } from "../protocol/record-decoder.js";
import { writeRecordBatch, type RecordHeader } from "../protocol/record-batch-writer.js";
import { AdminError, check } from "./admin-error.js";
import { EARLIEST, LATEST, listOffsets, partitionKey } from "./log-offsets.js";
import { MAX_READ_BYTES, MAX_READ_COUNT } from "./message-bounds.js";
import type { TenantClient } from "./tenant-client.js";
import { fetchTopic, leaderOf } from "./topic-metadata.js";

/** v9: the first flexible Produce; v12: the last Fetch that names topics. Kafka 3.x and 4.x serve both. */
const PRODUCE_VERSION = 9;
const FETCH_VERSION = 12;
const PRODUCE_TIMEOUT_MS = 10_000;
const DEFAULT_READ_COUNT = 20;
const DEFAULT_READ_BYTES = 1024 * 1024;
/** Fetches per read: each returns at least one batch, so a read of N small batches takes several. */
const MAX_FETCHES = 50;

export interface TestMessage {
  readonly topic: string;
  /** Default: partition 0. */
  readonly partition?: number;
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: readonly RecordHeader[];
}

export interface SentMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface ReadRequest {
  readonly topic: string;
  readonly partition: number;
  /** At most this many messages (default 20, at most 1000). */
  readonly limit?: number;
  /** From the first message at or after this time (ms since the epoch); default: the latest `limit` messages. */
  readonly fromTimestamp?: number;
  /** From this offset on (kept within the partition's log); wins over fromTimestamp. */
  readonly fromOffset?: number;
  /** At most about this many record bytes fetched (default 1 MiB, at most 8 MiB); Kafka returns at least one batch. */
  readonly maxBytes?: number;
}

export interface ReadMessage {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

export interface ReadResult {
  readonly messages: ReadMessage[];
  /** Batches in the range compressed with a codec the gateway does not read (snappy, lz4, zstd): not shown. */
  readonly notShown: { readonly fromOffset: number; readonly toOffset: number; readonly compression: string }[];
  /** Where a further read would start. */
  readonly nextOffset: number;
}

export async function sendMessage(client: TenantClient, message: TestMessage): Promise<SentMessage> {
  const partition = message.partition ?? 0;
  const leader = leaderOf(await fetchTopic(client, message.topic), partition);
  const batch = writeRecordBatch([{ key: message.key ?? null, value: message.value, headers: message.headers ?? [] }]);
  const response = await client.send(
    "Produce",
    PRODUCE_VERSION,
    { transactionalId: null, acks: -1, timeoutMs: PRODUCE_TIMEOUT_MS, topicData: [{ name: message.topic, partitionData: [{ index: partition, records: [batch] }] }] },
    leader,
  );
  const result = response.responses[0]?.partitionResponses[0];
  check(result?.errorCode ?? -1, `send a message to ${message.topic}-${partition}`, result?.errorMessage);
  return { topic: message.topic, partition, offset: Number(result!.baseOffset) };
}

export async function readMessages(client: TenantClient, request: ReadRequest): Promise<ReadResult> {
  const { topic, partition } = request;
  const limit = bounded(request.limit ?? DEFAULT_READ_COUNT, MAX_READ_COUNT, "limit");
  const maxBytes = bounded(request.maxBytes ?? DEFAULT_READ_BYTES, MAX_READ_BYTES, "maxBytes");
  const info = await fetchTopic(client, topic);
  const leader = leaderOf(info, partition);
  const topics = new Map([[topic, info]]);
  const key = partitionKey(topic, partition);
  const at = (offsets: Map<string, bigint>) => offsets.get(key)!;
  const [earliest, latest] = await Promise.all([listOffsets(client, topics, [{ topic, partition }], EARLIEST).then(at), listOffsets(client, topics, [{ topic, partition }], LATEST).then(at)]);
  let from = latest - BigInt(limit);
  if (request.fromTimestamp !== undefined) {
    const atTime = at(await listOffsets(client, topics, [{ topic, partition }], BigInt(request.fromTimestamp)));
    from = atTime < 0n ? latest : atTime;
  }
  if (request.fromOffset !== undefined) from = BigInt(request.fromOffset) > latest ? latest : BigInt(request.fromOffset);
  if (from < earliest) from = earliest;

  const messages: ReadMessage[] = [];
  const notShown: ReadResult["notShown"] = [];
  let next = from;
  let bytesLeft = maxBytes;
  for (let fetches = 0; fetches < MAX_FETCHES && next < latest && messages.length < limit && bytesLeft > 0; fetches++) {
    const response = await client.send(
      "Fetch",
      FETCH_VERSION,
      {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: bytesLeft,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: next, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: bytesLeft }] }],
        forgottenTopicsData: [],
        rackId: "",
      },
      leader,
    );
    check(response.errorCode, `read ${topic}-${partition}`);
    const data = response.responses[0]?.partitions[0];
    check(data?.errorCode ?? -1, `read ${topic}-${partition}`);
    const records = data!.records;
    if (records === null || records.length === 0) break;
    for (const chunk of records) bytesLeft -= chunk.length;
    const decoded = decodeRecords(records);
    const before = next;
    next = take(decoded.records, decoded.undecoded, next, limit, messages, notShown);
    // Past control batches (transaction markers) too, while the read goes on.
    if (messages.length < limit && decoded.nextOffset !== undefined && decoded.nextOffset > next) next = decoded.nextOffset;
    if (next === before) break; // nothing complete came back (a batch larger than the bytes left)
  }
  return { messages, notShown, nextOffset: Number(next) };
}

/** Adds the records at or after `from` (up to `limit` in all) and the undecoded batches; returns the next offset. */
function take(records: readonly DecodedRecord[], undecoded: readonly UndecodedBatch[], from: bigint, limit: number, out: ReadMessage[], notShown: ReadResult["notShown"]): bigint {
  let next = from;
  for (const batch of undecoded) {
    if (batch.lastOffset < from) continue;
    notShown.push({ fromOffset: Number(batch.baseOffset), toOffset: Number(batch.lastOffset), compression: batch.compression });
    if (batch.lastOffset + 1n > next) next = batch.lastOffset + 1n;
  }
  for (const r of records) {
    if (r.offset < from || out.length >= limit) continue;
    out.push({ offset: Number(r.offset), timestamp: Number(r.timestamp), key: r.key, value: r.value, headers: r.headers });
    if (r.offset + 1n > next) next = r.offset + 1n;
  }
  out.sort((a, b) => a.offset - b.offset);
  return next;
}

function bounded(value: number, max: number, what: string): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new AdminError("ERR_ADMIN_INVALID", `${what} must be an integer from 1 to ${max}, not ${value}`);
  return value;
}
