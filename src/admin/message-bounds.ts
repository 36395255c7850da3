// How much one admin read of a partition, or one step of a message search, may cover. Apart from messages.ts and
// message-search.ts (Node code) so that the admin API's schemas, which the console's type check reads, can state them.
export const MAX_READ_COUNT = 1_000;
export const MAX_READ_BYTES = 8 * 1024 * 1024;
export const MAX_SCANNED = 10_000;
export const MAX_MATCHES = 1_000;
