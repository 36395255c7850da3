// Kafka's bounds on SCRAM iterations (ScramMechanism.minIterations, and the 16384 cap of its credential command).
// Apart from scram.ts (node:crypto) so that the admin API's schemas, which the console's type check reads, can state them.
export const MIN_ITERATIONS = 4096;
export const MAX_ITERATIONS = 16384;
