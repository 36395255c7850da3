// Produce responses through the listener's real chain: spliced when every filter that wants one can say its edit on
// the narrow view (names stripped, throttle time raised), decoded when one can't (a topic to drop, node endpoints to
// re-point, stand-in ids, denied partitions to merge). Either way the client gets what the codec path would give.
import { describe, expect, it } from "vitest";
import { FilterChain, type ChainedRequest } from "../../../src/filters/chain.js";
import type { Filter } from "../../../src/filters/filter.js";
import { createFilterChain } from "../../../src/filters/index.js";
import { logger } from "../../../src/log.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { encodeResponseHeader, responseHeaderVersion } from "../../../src/protocol/headers.js";
import { ApiKey, APIS } from "../../../src/protocol/messages/index.js";
import type { ProduceResponse } from "../../../src/protocol/messages/produce.js";
import { Writer } from "../../../src/protocol/writer.js";
import { TENANT_VERSION_RANGES } from "../../../src/tenancy/api-policy.js";
import { BrokerAddressMap } from "../../../src/upstream/broker-address-map.js";
import { tenant } from "../tenancy/tenant-fixture.js";
import { decide, decodedResponse, forwarded, frame, testEndpoint, testSession } from "./chain-fixture.js";

function chainFor(extra: Filter[] = []): FilterChain {
  const chain = createFilterChain({ endpoint: testEndpoint(), addressMap: new BrokerAddressMap(async () => []), tenant: tenant(), forwardable: TENANT_VERSION_RANGES, log: logger });
  return new FilterChain([...chain.filters, ...extra]);
}

/** A Produce of one batch to `topics`, through the chain: what the connection keeps for its response. */
async function produced(chain: FilterChain, topics: string[], version: number): Promise<ChainedRequest> {
  const topicData = topics.map((name) => ({ name, partitionData: [{ index: 0, records: [Buffer.alloc(70)] }] }));
  return forwarded(await decide(chain, frame(ApiKey.Produce, version, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData }))).request;
}

/** A broker's response in memory of its own (not Node's shared pool), so views of it can be told from new bytes. */
function brokerResponse(version: number, response: ProduceResponse): Frame {
  const w = new Writer();
  encodeResponseHeader(w, responseHeaderVersion(ApiKey.Produce, version), 7);
  APIS.Produce.encodeResponse(w, version, response);
  const encoded = Buffer.concat(w.toChunks());
  const own = Buffer.alloc(encoded.length);
  encoded.copy(own);
  return { size: own.length, chunks: [own] };
}

function partition(index: number) {
  return { index, errorCode: 0, baseOffset: 12n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null };
}

/** Whether the chain's output holds views of the broker's frame (the splice) rather than only new bytes (the codec). */
function spliced(out: readonly Buffer[], from: Frame): boolean {
  return out.some((b) => b.buffer === from.chunks[0]!.buffer);
}

describe("Produce responses on the splice path", () => {
  it.each([3, 9, 12])("strips the tenant prefix from every topic name without decoding, v%i", async (version) => {
    const chain = chainFor();
    const request = await produced(chain, ["orders", "audit"], version);
    const from = brokerResponse(version, { responses: [{ name: "payments.orders", partitionResponses: [partition(0), partition(1)] }, { name: "payments.audit", partitionResponses: [partition(0)] }], throttleTimeMs: 3 });
    const out = chain.onResponse(testSession(), request, from)!;
    expect(spliced(out, from)).toBe(true);
    const response = decodedResponse<ProduceResponse>(ApiKey.Produce, version, out);
    expect(response.responses.map((t) => t.name)).toEqual(["orders", "audit"]);
    expect(response.responses[0]!.partitionResponses.map((p) => p.baseOffset)).toEqual([12n, 12n]);
    expect(response.throttleTimeMs).toBe(3);
  });

  it("decodes a response naming a topic that is not the tenant's: the codec drops it", async () => {
    const chain = chainFor();
    const request = await produced(chain, ["orders"], 9);
    const from = brokerResponse(9, { responses: [{ name: "payments.orders", partitionResponses: [partition(0)] }, { name: "analytics.orders", partitionResponses: [partition(0)] }], throttleTimeMs: 0 });
    const out = chain.onResponse(testSession(), request, from)!;
    expect(spliced(out, from)).toBe(false);
    expect(decodedResponse<ProduceResponse>(ApiKey.Produce, 9, out).responses.map((t) => t.name)).toEqual(["orders"]);
  });

  it("decodes a response with node endpoints (v10+): the broker-addresses filter re-points them", async () => {
    const chain = chainFor();
    const request = await produced(chain, ["orders"], 10);
    const nodeEndpoints = [{ nodeId: 1, host: "kafka-1.internal", port: 9092, rack: null }];
    const from = brokerResponse(10, { responses: [{ name: "payments.orders", partitionResponses: [{ ...partition(0), errorCode: 6 }] }], throttleTimeMs: 0, nodeEndpoints });
    const out = chain.onResponse(testSession(), request, from)!;
    expect(spliced(out, from)).toBe(false);
    const response = decodedResponse<ProduceResponse>(ApiKey.Produce, 10, out);
    expect(response.responses[0]!.name).toBe("orders");
    expect(response.nodeEndpoints![0]!.host).not.toBe("kafka-1.internal");
  });

  it("decodes when a filter that wants the response has no view of it", async () => {
    let calls = 0;
    const reader: Filter = { name: "reads-everything", wantsResponse: (apiKey) => apiKey === ApiKey.Produce, onResponse: () => (calls++, false) };
    const chain = chainFor([reader]);
    const request = await produced(chain, ["orders"], 9);
    const from = brokerResponse(9, { responses: [{ name: "payments.orders", partitionResponses: [partition(0)] }], throttleTimeMs: 0 });
    const out = chain.onResponse(testSession(), request, from)!;
    expect(calls).toBe(1);
    expect(spliced(out, from)).toBe(false);
    expect(decodedResponse<ProduceResponse>(ApiKey.Produce, 9, out).responses[0]!.name).toBe("orders");
  });

  it("forwards the original frame when nothing changes (v13 names topics by the tenant's own ids)", async () => {
    const chain = chainFor();
    const topicData = [{ topicId: "AAAAAAAAAAAAAAAAAAAAAQ", partitionData: [{ index: 0, records: [Buffer.alloc(70)] }] }];
    const request = forwarded(await decide(chain, frame(ApiKey.Produce, 13, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData }))).request;
    const from = brokerResponse(13, { responses: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAQ", partitionResponses: [partition(0)] }], throttleTimeMs: 0 });
    expect(chain.onResponse(testSession(), request, from)).toBeUndefined();
  });
});
