import { describe, expect, it } from "vitest";
import { AdminError } from "../../../src/admin/admin-error.js";
import { withCoordinator } from "../../../src/admin/group-coordinator.js";
import { TenantClient } from "../../../src/admin/tenant-client.js";
import type { FilterChain, RequestSink } from "../../../src/filters/chain.js";
import { ErrorCode } from "../../../src/protocol/error-codes.js";
import { decodeRequestHeader } from "../../../src/protocol/headers.js";
import { ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import type { Frame } from "../../../src/protocol/frame-splitter.js";
import { responseFrame, testEndpoint } from "../filters/chain-fixture.js";

/** A tenant client whose chain answers FindCoordinator itself, with `coordinators` in turn (an error code as -code). */
function clientAnswering(coordinators: number[]) {
  let asked = 0;
  const chain = {
    sessionOpened: () => {},
    sessionClosed: () => {},
    onRequest: (_session: unknown, frame: Frame, sink: RequestSink) => {
      const header = decodeRequestHeader(new Reader([...frame.chunks]));
      if (header.apiKey !== ApiKey.FindCoordinator) throw new Error(`unexpected api ${header.apiKey}`);
      const answer = coordinators[Math.min(asked++, coordinators.length - 1)]!;
      const coordinator = { key: "g", nodeId: Math.max(answer, -1), host: "h", port: 1, errorCode: answer < 0 ? -answer : 0, errorMessage: null };
      const response = responseFrame(ApiKey.FindCoordinator, header.apiVersion, { throttleTimeMs: 0, coordinators: [coordinator] }, header.correlationId);
      sink.respond(undefined as never, response.chunks, 0, undefined, false);
    },
  } as unknown as FilterChain;
  const client = new TenantClient({
    virtualCluster: { name: "payments", physicalCluster: "local" },
    endpoint: testEndpoint(),
    chain,
    connector: undefined as never,
    principal: undefined,
    remoteAddress: "127.0.0.1",
    topicSizes: async () => new Map(),
    topicThroughput: async () => new Map(),
  });
  return { client, asked: () => asked };
}

describe("withCoordinator", () => {
  it("asks for a group's coordinator once for the operations within a second, at once or one after another", async () => {
    const { client, asked } = clientAnswering([2, 3]);
    const seen = await Promise.all([withCoordinator(client, "g", async (c) => c), withCoordinator(client, "g", async (c) => c)]);
    seen.push(await withCoordinator(client, "g", async (c) => c));
    expect(seen).toEqual([2, 2, 2]);
    expect(asked()).toBe(1);
    expect(await withCoordinator(client, "other group", async (c) => c)).toBe(3);
    expect(asked()).toBe(2);
  });

  it("asks afresh and runs the operation once more when the coordinator it was given says NOT_COORDINATOR", async () => {
    const { client, asked } = clientAnswering([2, 3]);
    await withCoordinator(client, "g", async (c) => c);
    const tried: number[] = [];
    const result = await withCoordinator(client, "g", async (c) => {
      tried.push(c);
      if (c === 2) throw AdminError.kafka(ErrorCode.NOT_COORDINATOR, "describe group g");
      return "done";
    });
    expect(result).toBe("done");
    expect(tried).toEqual([2, 3]);
    expect(asked()).toBe(2);
  });

  it("keeps no failure: a refused lookup is asked again by the next operation", async () => {
    const { client, asked } = clientAnswering([-ErrorCode.GROUP_AUTHORIZATION_FAILED, 4]);
    await expect(withCoordinator(client, "g", async (c) => c)).rejects.toMatchObject({ kafkaError: { name: "GROUP_AUTHORIZATION_FAILED" } });
    expect(await withCoordinator(client, "g", async (c) => c)).toBe(4);
    expect(asked()).toBe(2);
  });
});
