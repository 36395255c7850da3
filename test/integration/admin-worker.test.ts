// The control plane's tenant operations run on the admin worker thread (src/admin/admin-thread.ts), off the data
// plane's event loop, against real Kafka; and what an admin read fetches still counts against the tenant's fetch byte
// rate on the data plane: a client of the virtual cluster is throttled for it.
import { threadId } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AdminArgs, AdminOperation } from "../../src/admin/operations.js";
import type { VirtualClusterConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { metrics } from "../../src/observe/metrics.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { kafkajsClient, uniqueName } from "../harness/clients.js";
import { parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { RawKafkaConnection } from "../harness/raw-client.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";

const KiB = 1024;
/** The tenant's fetch byte rate: one 256 KiB batch read puts it about 3 s in debt. */
const FETCH_RATE = 64 * KiB;

describe("the admin worker", () => {
  const kafka = inject("kafka");
  let gateway: Gateway;
  let vc: VirtualClusterConfig;
  let bootstrap: string;
  const run = <N extends AdminOperation>(operation: N, args: AdminArgs<N>) => gateway.runtime.admin.run(vc.name, undefined, operation, args);

  beforeAll(async () => {
    const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
    const base = await testVirtualCluster("worker", "shared", kafka.brokers.length + 2, nodeIdBase);
    vc = { ...base, prefix: `${uniqueName("worker")}.`, limits: { tenantByteRate: { fetch: FETCH_RATE } } };
    gateway = await startGateway(testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [vc]));
    bootstrap = gateway.endpoints[0]!.bootstrap;
    const client = kafkajsClient(bootstrap, uniqueName("admin-worker"));
    const admin = client.admin();
    await admin.connect();
    await createTopicsAndWait(admin, [
      { topic: "history", numPartitions: 1, replicationFactor: Math.min(3, kafka.brokers.length) },
      { topic: "empty", numPartitions: 1, replicationFactor: Math.min(3, kafka.brokers.length) },
    ]);
    await admin.disconnect();
    const producer = client.producer();
    await producer.connect();
    // One batch of 256 KiB (produce is not limited).
    await producer.send({ topic: "history", messages: Array.from({ length: 8 }, () => ({ value: Buffer.alloc(32 * KiB, "h") })) });
    await producer.disconnect();
  });

  afterAll(async () => {
    await gateway?.close(0);
  });

  it("runs the tenant operations on a thread of its own, which does their work", async () => {
    await run("listTopics", undefined); // starts the worker
    const admin = gateway.runtime.admin;
    expect(admin.threadId).toBeDefined();
    expect(admin.threadId).not.toBe(threadId);
    const before = admin.eventLoopUtilization()!;
    for (let i = 0; i < 20; i++) expect((await run("describeTopicConfigs", { topic: "history" })).length).toBeGreaterThan(10);
    // Run on this thread, the operations would leave the worker's event loop idle.
    expect(admin.eventLoopUtilization()!.active - before.active).toBeGreaterThan(5);
  });

  it("charges an admin read to the tenant's fetch byte rate on the data plane: its clients are throttled for it", async () => {
    const fetchEmpty = async (conn: RawKafkaConnection) => {
      const partition = { partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n };
      const topics = [{ topic: "empty", partitions: [partition] }];
      return conn.send<{ throttleTimeMs: number; responses: unknown[] }>(ApiKey.Fetch, 12, { replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, topics, forgottenTopicsData: [], rackId: "" });
    };
    const throttled = async () => (await metrics.throttleSeconds.get()).values.find((v) => v.labels.virtual_cluster === vc.name && v.labels.direction === "fetch" && v.labels.limit === "tenant")?.value ?? 0;
    const conn = await RawKafkaConnection.connect(bootstrap, "data-plane-client");
    try {
      // Nothing fetched yet: the tenant's bucket is full, a client's Fetch goes to the broker.
      expect((await fetchEmpty(conn)).throttleTimeMs).toBe(0);
      const throttledBefore = await throttled();

      const read = await run("readMessages", { topic: "history", partition: 0, fromOffset: 0, limit: 8 });
      expect(read.messages.map((m) => m.value?.length)).toEqual(Array(8).fill(32 * KiB));
      // The worker's 256 KiB were taken from the data plane's bucket: the next Fetch of a client is answered at once,
      // empty, with the time the tenant is in debt for (about 3 s at 64 KiB/s), as Kafka's quotas do (KIP-219).
      const after = await fetchEmpty(conn);
      expect(after.responses).toEqual([]);
      expect(after.throttleTimeMs).toBeGreaterThan(1_000);
      // The throttling reaches the main thread's metrics.
      expect(await throttled()).toBeGreaterThan(throttledBefore);
    } finally {
      await conn.close();
    }
  });
});
