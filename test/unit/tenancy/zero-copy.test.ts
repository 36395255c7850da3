// Prefixing a Produce request (or stripping a Fetch response) must not copy record bytes: the records stay the
// very Buffers sliced from the frame, and the re-encoded message carries them as chunks of its own.
import { describe, expect, it } from "vitest";
import { APIS, ApiKey } from "../../../src/protocol/messages/index.js";
import type { FetchResponse } from "../../../src/protocol/messages/fetch.js";
import type { ProduceRequest } from "../../../src/protocol/messages/produce.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { rewriteRequest, rewriteResponse } from "../../../src/tenancy/rewrite.js";
import { tenant } from "./tenant-fixture.js";

const records = (fill: number) => Buffer.alloc(4096, fill);

describe("records are never copied", () => {
  it("Produce request: the records Buffers keep their identity through decode → rewrite → encode", () => {
    const original: ProduceRequest = {
      transactionalId: "tx",
      acks: -1,
      timeoutMs: 1000,
      topicData: [0, 1].map((t) => ({ name: `t${t}`, partitionData: [0, 1].map((p) => ({ index: p, records: [records(t * 2 + p)] })) })),
    };
    const w = new Writer();
    APIS.Produce.encodeRequest(w, 9, original);
    const decoded = APIS.Produce.decodeRequest(new Reader(w.toChunks()), 9);
    const before = decoded.topicData.flatMap((t) => t.partitionData.map((p) => p.records![0]!));

    expect(rewriteRequest(tenant(), ApiKey.Produce, 9, decoded)).toEqual({ kind: "forward" });
    const after = decoded.topicData.flatMap((t) => t.partitionData.map((p) => p.records![0]!));
    expect(decoded.topicData.map((t) => t.name)).toEqual(["payments.t0", "payments.t1"]);
    after.forEach((b, i) => expect(b).toBe(before[i]));

    const out = new Writer();
    APIS.Produce.encodeRequest(out, 9, decoded);
    const chunks = out.toChunks();
    for (const b of before) expect(chunks).toContain(b);
  });

  it("Fetch response: the records Buffers keep their identity through the rewrite", () => {
    const response: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [{ topic: "payments.t", partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 1n, lastStableOffset: 1n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records: [records(7)] }] }],
    };
    const slice = response.responses[0]!.partitions[0]!.records![0]!;
    rewriteResponse(tenant(), ApiKey.Fetch, 12, response, undefined);
    expect(response.responses[0]!.topic).toBe("t");
    expect(response.responses[0]!.partitions[0]!.records![0]).toBe(slice);
  });
});
