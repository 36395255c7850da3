// Messages of a tenant's topic: send a test message, read a partition's messages, and search one a bounded step at a
// time. Keys, values and header values are text in the request's `encoding`: utf8 (default) or base64.
import { z } from "zod";
import { MAX_MATCHES, MAX_READ_BYTES, MAX_READ_COUNT, MAX_SCANNED } from "../../admin/message-bounds.js";
import { virtualClusterParams } from "./shared.js";

const encoding = z.enum(["utf8", "base64"]).default("utf8").describe("how keys, values and header values are written as text");
export const messageTopicParams = virtualClusterParams.extend({ topic: z.string().min(1) });
export const partitionParams = messageTopicParams.extend({ partition: z.coerce.number().int().min(0) });
const bytes = z.string().nullable();
const header = z.object({ key: z.string(), value: bytes });
export const message = z.object({ offset: z.number(), timestamp: z.number(), key: bytes, value: bytes, headers: z.array(header) });

export const testMessage = z.strictObject({
  partition: z.int().min(0).default(0),
  key: bytes.default(null),
  value: bytes,
  headers: z.array(header).default([]),
  encoding,
});
export const sentMessage = z.object({ topic: z.string(), partition: z.int(), offset: z.number() });

export const readQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_READ_COUNT).default(20).describe("at most this many messages"),
  fromTimestamp: z.coerce.number().int().min(0).optional().describe("from the first message at or after this time (ms since the epoch); default: the latest `limit`"),
  fromOffset: z.coerce.number().int().min(0).optional().describe("from this offset on (kept within the partition's log); wins over fromTimestamp"),
  maxBytes: z.coerce.number().int().min(1).max(MAX_READ_BYTES).default(1024 * 1024).describe("about this many record bytes at most (at least one batch)"),
  encoding,
});
export const readResult = z.object({
  messages: z.array(message),
  notShown: z.array(z.object({ fromOffset: z.number(), toOffset: z.number(), compression: z.string() })).describe("batches compressed with snappy, lz4 or zstd: not decoded"),
  nextOffset: z.number(),
});

export const searchQuery = z.object({
  contains: z.string().min(1).describe("UTF-8 text to find in a key, a value or a header value"),
  fromOffset: z.coerce.number().int().min(0).default(0),
  maxScanned: z.coerce.number().int().min(1).max(MAX_SCANNED).default(1000).describe("read at most this many messages in this step"),
  maxMatches: z.coerce.number().int().min(1).max(MAX_MATCHES).default(100),
  encoding,
});
export const searchResult = z.object({
  matches: z.array(message),
  scanned: z.int(),
  nextOffset: z.number().describe("where the next step resumes"),
  endOffset: z.number().describe("the log end offset when this step began: the scan is done once nextOffset reaches it"),
});
