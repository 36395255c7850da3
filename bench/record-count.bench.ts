// What the per-topic message counters add to the hot path: recordCount() walks a RECORDS field's batch headers (one
// per Produce partition, one per non-empty Fetch partition). The cost per MiB is the time over the field's bytes.
// Run alone: npx tsx bench/record-count.bench.ts
import { recordCount, recordsByteLength } from "../src/protocol/record-batch.js";
import { recordBatch } from "../test/harness/record-batch.js";
import { runCases } from "./lib/report.js";

const MiB = 1024 ** 2;
/** 16 records of 1 KiB: a Java producer's batch at batch.size 16384, ProducerPerformance's record size. */
const batch16k = recordBatch(Array.from({ length: 16 }, () => "x".repeat(1000)));
const oneRecord = recordBatch(["x".repeat(100)]);
const fields = [
  { name: "one 16 KiB batch (a Produce partition)", field: [batch16k] },
  { name: "128 batches of 16 KiB (a 2 MiB Fetch partition)", field: [Buffer.concat(Array.from({ length: 128 }, () => batch16k))] },
  { name: "1000 one-record batches of 170 B (worst case)", field: [Buffer.concat(Array.from({ length: 1000 }, () => oneRecord))] },
];

const rows = await runCases(
  "recordCount per RECORDS field",
  fields.map(({ name, field }) => ({ name, fn: () => void recordCount(field), bytesPerOp: recordsByteLength(field) })),
);
console.log("\n## Gateway CPU added per MiB of records");
console.table(rows.map((r, i) => ({ case: r.name, "µs/MiB": ((r.p50Us * MiB) / recordsByteLength(fields[i]!.field)).toFixed(1) })));
