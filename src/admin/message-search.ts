// A bounded search of one partition for the messages whose key, value or a header value contains some bytes. It reads
// on from an offset page by page (readMessages), so the virtual cluster's ACLs and fetch byte rates hold as for a
// tenant's client: a throttled fetch is answered empty at once and mutes this client, whose next read waits it out.
// It stops at the log's end as it was when the search began, after `maxScanned` messages or `maxMatches` matches, or
// when `signal` aborts (the caller went away). A caller scans a long log as a series of these, each resuming at
// `nextOffset`, which lets it show progress and stop between them.
import { AdminError } from "./admin-error.js";
import { LATEST, listOffsets, partitionKey } from "./log-offsets.js";
import { readMessages, type ReadMessage } from "./messages.js";
import type { TenantClient } from "./tenant-client.js";
import { fetchTopic } from "./topic-metadata.js";

const PAGE = 500;
/** Reads in a row that moved no further (each throttled, say) before the search gives up for this call. */
const MAX_STALLED_READS = 20;

export interface SearchRequest {
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: number;
  readonly contains: Buffer;
  readonly maxScanned: number;
  readonly maxMatches: number;
  readonly signal?: AbortSignal;
}

export interface SearchResult {
  readonly matches: ReadMessage[];
  /** Messages read. */
  readonly scanned: number;
  /** Where the next search call resumes; equal to endOffset once the whole log was read. */
  readonly nextOffset: number;
  /** The log end offset when the search began. */
  readonly endOffset: number;
}

export async function searchMessages(client: TenantClient, request: SearchRequest): Promise<SearchResult> {
  const { topic, partition, contains, signal } = request;
  if (contains.length === 0) throw new AdminError("ERR_ADMIN_INVALID", "the text to search for must not be empty");
  const info = await fetchTopic(client, topic);
  const endOffset = Number((await listOffsets(client, new Map([[topic, info]]), [{ topic, partition }], LATEST)).get(partitionKey(topic, partition))!);
  const matches: ReadMessage[] = [];
  let next = request.fromOffset;
  let scanned = 0;
  let stalled = 0;
  while (next < endOffset && scanned < request.maxScanned && matches.length < request.maxMatches && signal?.aborted !== true && stalled < MAX_STALLED_READS) {
    const page = await readMessages(client, { topic, partition, fromOffset: next, limit: Math.min(PAGE, request.maxScanned - scanned) });
    scanned += page.messages.length;
    for (const message of page.messages) if (matches.length < request.maxMatches && contain(message, contains)) matches.push(message);
    stalled = page.nextOffset > next ? 0 : stalled + 1;
    next = Math.max(next, page.nextOffset);
  }
  return { matches, scanned, nextOffset: next, endOffset };
}

function contain(message: ReadMessage, text: Buffer): boolean {
  return message.key?.includes(text) === true || message.value?.includes(text) === true || message.headers.some((h) => h.value?.includes(text) === true);
}
