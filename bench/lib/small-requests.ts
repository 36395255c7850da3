// The "many small requests" workload of issue 14: Produce requests of one 1 KiB record each (acks=1), sent on the
// clock at a fixed rate (open loop: a slow answer doesn't slow the sending, as with many independent clients) on one
// connection to the partition's leader, each timed from its write to its response. The same requests go to every
// target, so the latency a proxy adds is its percentiles minus direct's, and its CPU per second is comparable.
import { Kafka, logLevel } from "kafkajs";
import { ApiKey, APIS } from "../../src/protocol/messages/index.js";
import { decodeResponseHeader, responseHeaderVersion } from "../../src/protocol/headers.js";
import type { Frame } from "../../src/protocol/frame-splitter.js";
import { Reader } from "../../src/protocol/reader.js";
import { Writer } from "../../src/protocol/writer.js";
import { completeRequest, RawKafkaConnection } from "../../test/harness/raw-client.js";
import { recordBatch } from "../../test/harness/record-batch.js";

const PRODUCE_VERSION = 9; // names topics by name; every broker and proxy here serves it

export interface SmallRequestsResult {
  sent: number;
  answered: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

/** The partition's error code in a Produce response: every answer is checked, so a failing target can't look fast. */
function produceErrorCode(frame: Frame): number {
  const reader = new Reader(frame.chunks);
  decodeResponseHeader(reader, responseHeaderVersion(ApiKey.Produce, PRODUCE_VERSION));
  return APIS.Produce.decodeResponse(reader, PRODUCE_VERSION).responses[0]!.partitionResponses[0]!.errorCode;
}

/** The target's address of the leader of `topic`'s partition 0, as the target advertises it ("host:port,..." bootstrap). */
async function leaderAddress(bootstrap: string, topic: string): Promise<string> {
  const admin = new Kafka({ clientId: "bulkhead-bench-small", brokers: bootstrap.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const leader = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;
    const broker = (await admin.describeCluster()).brokers.find((b) => b.nodeId === leader)!;
    return `${broker.host}:${broker.port}`;
  } finally {
    await admin.disconnect();
  }
}

export async function runSmallRequests(bootstrap: string, topic: string, rate: number, seconds: number, recordSize: number): Promise<SmallRequestsResult> {
  const connection = await RawKafkaConnection.connect(await leaderAddress(bootstrap, topic), "bulkhead-bench-small");
  try {
    const body = new Writer();
    const request = { transactionalId: null, acks: 1, timeoutMs: 5_000, topicData: [{ name: topic, partitionData: [{ index: 0, records: [recordBatch(["x".repeat(recordSize)])] }] }] };
    APIS.Produce.encodeRequest(body, PRODUCE_VERSION, completeRequest(ApiKey.Produce, PRODUCE_VERSION, request) as never);
    const encoded = body.toChunks();
    const latencies: number[] = [];
    let sent = 0;
    let failed: Error | undefined;
    const sendOne = () => {
      const start = performance.now();
      sent++;
      connection.sendRaw(ApiKey.Produce, PRODUCE_VERSION, encoded).then(
        (frame) => {
          latencies.push(performance.now() - start);
          const errorCode = produceErrorCode(frame);
          if (errorCode !== 0) failed ??= new Error(`a small Produce to ${topic} failed with error code ${errorCode}`);
        },
        (err: Error) => (failed ??= err),
      );
    };
    const started = performance.now();
    const durationMs = seconds * 1000;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - started;
        const due = Math.floor((Math.min(elapsed, durationMs) * rate) / 1000);
        while (sent < due) sendOne();
        if (elapsed >= durationMs) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    // The last answers: every request sent is answered (or the connection fails) before the percentiles are taken.
    const deadline = performance.now() + 10_000;
    while (latencies.length < sent && failed === undefined && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (failed !== undefined) throw failed;
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
    return { sent, answered: latencies.length, seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
  } finally {
    await connection.close();
  }
}
