// GatewayRuntime.apply with live clients: a kafkajs producer and consumer keep going across a new config (a virtual
// cluster added, another's policy changed, then one removed) without a single connection of theirs being closed;
// new connections get the new config.
import net from "node:net";
import type { Admin, Consumer, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { GatewayConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import type { Session } from "../../src/session/session.js";
import { kafkajsClient, subscribeWhenKnown, uniqueName } from "../harness/clients.js";
import { parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

describe("GatewayRuntime.apply", () => {
  const kafka = inject("kafka");
  const tag = uniqueName("rt").slice(3);
  const closedSessions: { session: Session; reason: string }[] = [];
  let gateway: Gateway;
  let base: GatewayConfig;
  let producer: Producer;
  let consumer: Consumer;
  let admin: Admin;
  const received: string[] = [];
  const disconnect: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
    const payments = { ...(await testVirtualCluster("payments", "shared", kafka.brokers.length + 2, nodeIdBase)), prefix: `payments-${tag}.` };
    base = testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [payments]);
    gateway = await startGateway(base, { observers: [{ sessionClosed: (session, reason) => closedSessions.push({ session, reason }) }] });
    const client = kafkajsClient(gateway.endpoints[0]!.bootstrap, "runtime-apply");
    admin = client.admin();
    await admin.connect();
    disconnect.push(() => admin.disconnect());
    await createTopicsAndWait(admin, [{ topic: "orders", numPartitions: 2, replicationFactor: 3 }]);
    producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    disconnect.push(() => producer.disconnect());
    consumer = client.consumer({ groupId: "g", maxWaitTimeInMs: 200 });
    await consumer.connect();
    disconnect.push(() => consumer.disconnect());
    await subscribeWhenKnown(consumer, "orders");
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
  });

  afterAll(async () => {
    for (const close of disconnect.reverse()) await close().catch(() => undefined);
    await gateway?.close(0);
  });

  const send = (values: string[]) => producer.send({ topic: "orders", messages: values.map((value) => ({ value })) });
  const sessionsNow = () => new Set(gateway.runtime.sessions());

  it("keeps a live producer and consumer undisturbed while a virtual cluster is added and another's policy changes", async () => {
    await send(["a1", "a2"]);
    await waitUntil(() => received.length === 2, { what: "the first two messages", timeoutMs: 60_000 });
    const before = sessionsNow();
    expect(before.size).toBeGreaterThan(0);

    const analytics = { ...(await testVirtualCluster("analytics", "shared", kafka.brokers.length + 2, base.virtualClusters[0]!.listeners[0]!.nodeIdBase)), prefix: `analytics-${tag}.` };
    const payments = { ...base.virtualClusters[0]!, deniedApis: ["DeleteTopics"] };
    const next: GatewayConfig = { ...base, virtualClusters: [payments, analytics] };
    const result = await gateway.apply(next);
    expect(result).toEqual({ added: ["analytics/plain"], updated: ["payments/plain"], removed: [] });

    await send(["b1", "b2"]);
    await waitUntil(() => received.length === 4, { what: "the two messages sent after apply", timeoutMs: 60_000 });
    expect(received.sort()).toEqual(["a1", "a2", "b1", "b2"]);
    // Not one of the connections that were open before apply was closed (kafkajs would have reconnected silently).
    expect(closedSessions.filter(({ session }) => before.has(session))).toEqual([]);
    for (const session of before) expect(sessionsNow().has(session)).toBe(true);

    // A new connection gets the new policy: DeleteTopics is no longer offered to payments (ApiVersions leaves it out,
    // so kafkajs refuses to send it), while the connection opened before apply was offered it.
    const fresh = kafkajsClient(gateway.endpoints[0]!.bootstrap, "runtime-apply-fresh").admin();
    await fresh.connect();
    disconnect.push(() => fresh.disconnect());
    await expect(fresh.deleteTopics({ topics: ["orders"], timeout: 5_000 })).rejects.toThrow("does not support the requested API version");
    expect(await fresh.listTopics()).toEqual(["orders"]);

    // The new virtual cluster serves its own clients.
    const analyticsClient = kafkajsClient(gateway.endpoints.find((e) => e.virtualCluster === "analytics")!.bootstrap, "runtime-apply-analytics");
    const analyticsAdmin = analyticsClient.admin();
    await analyticsAdmin.connect();
    disconnect.push(() => analyticsAdmin.disconnect());
    await createTopicsAndWait(analyticsAdmin, [{ topic: "events", numPartitions: 1, replicationFactor: 3 }]);
    expect(await analyticsAdmin.listTopics()).toEqual(["events"]);
  });

  it("removing a virtual cluster stops its listener from accepting, and leaves the others' clients alone", async () => {
    const before = sessionsNow();
    const analyticsBootstrap = gateway.endpoints.find((e) => e.virtualCluster === "analytics")!.bootstrap;
    const result = await gateway.apply({ ...base, virtualClusters: [gateway.runtime.config.virtualClusters[0]!] });
    expect(result.removed).toEqual(["analytics/plain"]);
    const [host, port] = [analyticsBootstrap.split(":")[0]!, Number(analyticsBootstrap.split(":")[1])];
    await expect(
      new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, host, () => (socket.destroy(), resolve()));
        socket.on("error", reject);
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
    await send(["c1"]);
    await waitUntil(() => received.includes("c1"), { what: "the message sent after the removal", timeoutMs: 60_000 });
    expect(closedSessions.filter(({ session }) => before.has(session) && session.endpoint.virtualCluster === "payments")).toEqual([]);
  });
});
