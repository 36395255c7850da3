// A tenant moved to another physical cluster by a new config: its open connections are drained (what is in flight is
// answered, then they close) and its clients reconnect through the new cluster's connector; the other tenant's
// connections stay open. The two physical clusters are two names for the one Kafka cluster the harness starts: the
// gateway keeps one connector per physical cluster, and a session records which one it was opened on, so that is
// enough to see the drain and the reconnection without a second cluster's startup time. (Moving the data itself, for
// disaster recovery, is not the gateway's part.)
import type { Consumer, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { GatewayConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import type { Session } from "../../src/session/session.js";
import { kafkajsClient, subscribeWhenKnown, uniqueName } from "../harness/clients.js";
import { parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

describe("a virtual cluster moved to another physical cluster", () => {
  const kafka = inject("kafka");
  const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
  const tag = uniqueName("move").slice(5);
  const closed: { session: Session; reason: string }[] = [];
  const received: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  let gateway: Gateway;
  let config: GatewayConfig;
  let producer: Producer;
  let consumer: Consumer;
  let bystander: Producer;

  const sessionsOf = (vc: string) => gateway.runtime.sessions().filter((s) => s.endpoint.virtualCluster === vc);

  beforeAll(async () => {
    const bootstrap = parseHostPorts(kafka.bootstrap);
    const moving = { ...(await testVirtualCluster("moving", "blue", kafka.brokers.length, nodeIdBase)), prefix: `moving-${tag}.` };
    const staying = { ...(await testVirtualCluster("staying", "blue", kafka.brokers.length, nodeIdBase)), prefix: `staying-${tag}.` };
    config = testGatewayConfig([{ name: "blue", bootstrap }, { name: "green", bootstrap }], [moving, staying], { drainTimeoutMs: 10_000 });
    gateway = await startGateway(config, { observers: [{ sessionClosed: (session, reason) => void closed.push({ session, reason }) }] });
    cleanups.push(() => gateway.close(0));

    const bootstrapOf = (vc: string) => `127.0.0.1:${config.virtualClusters.find((v) => v.name === vc)!.listeners[0]!.bootstrapPort}`;
    const client = kafkajsClient(bootstrapOf("moving"), "cluster-move");
    const admin = client.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    await createTopicsAndWait(admin, [{ topic: "orders", numPartitions: 1, replicationFactor: 1 }]);
    producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    consumer = client.consumer({ groupId: "billing", maxWaitTimeInMs: 200 });
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    await subscribeWhenKnown(consumer, "orders");
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });

    const other = kafkajsClient(bootstrapOf("staying"), "cluster-move-bystander");
    const otherAdmin = other.admin();
    await otherAdmin.connect();
    cleanups.push(() => otherAdmin.disconnect());
    await createTopicsAndWait(otherAdmin, [{ topic: "audit", numPartitions: 1, replicationFactor: 1 }]);
    bystander = other.producer();
    await bystander.connect();
    cleanups.push(() => bystander.disconnect());
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it("drains the tenant's connections, its clients reconnect through the new cluster, and the other tenant's stay open", async () => {
    await producer.send({ topic: "orders", messages: [{ value: "before" }] });
    await bystander.send({ topic: "audit", messages: [{ value: "before" }] });
    await waitUntil(() => received.includes("before"), { what: "the message sent before the move" });
    const movingBefore = sessionsOf("moving");
    const stayingBefore = sessionsOf("staying");
    expect(movingBefore.length).toBeGreaterThan(0);
    expect(movingBefore.every((s) => s.virtualCluster?.physicalCluster === "blue")).toBe(true);
    const closedBefore = closed.length;

    config = { ...config, virtualClusters: config.virtualClusters.map((vc) => (vc.name === "moving" ? { ...vc, cluster: "green" } : vc)) };
    await gateway.apply(config);

    // Every connection open before the move closes by draining (never cut off with a request in flight)...
    await waitUntil(() => movingBefore.every((s) => closed.some((c) => c.session === s)), { what: "the moved tenant's old connections drained" });
    expect(closed.slice(closedBefore).filter((c) => movingBefore.includes(c.session)).map((c) => c.reason)).toEqual(movingBefore.map(() => "drained"));
    // ...and the clients carry on through the new cluster.
    await producer.send({ topic: "orders", messages: [{ value: "after" }] });
    await waitUntil(() => received.includes("after"), { what: "the message sent after the move" });
    const movingAfter = sessionsOf("moving");
    expect(movingAfter.length).toBeGreaterThan(0);
    expect(movingAfter.every((s) => s.virtualCluster?.physicalCluster === "green" && !movingBefore.includes(s))).toBe(true);

    // The other tenant: the same sessions, none closed, still working.
    await bystander.send({ topic: "audit", messages: [{ value: "after" }] });
    expect(closed.slice(closedBefore).filter((c) => c.session.endpoint.virtualCluster === "staying")).toEqual([]);
    const stayingAfter = new Set(sessionsOf("staying"));
    for (const session of stayingBefore) expect(stayingAfter.has(session)).toBe(true);
  });
});
