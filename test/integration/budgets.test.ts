// The gateway's budgets (src/config/budgets.ts) against the real cluster: hostile raw sockets attack one tenant
// ("attacked") while real clients (kafkajs, kcat) of another ("bystander") must keep working. Each test sets the
// budgets it needs by a reload, so each also shows that a reload applies them at once.
import net from "node:net";
import { CompressionTypes, type Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { BudgetsConfig } from "../../src/config/budgets.js";
import type { GatewayConfig } from "../../src/config/types.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { metrics } from "../../src/observe/metrics.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { assertSucceeded, kafkajsClient, uniqueName } from "../harness/clients.js";
import { parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";
import { runKcat } from "../harness/kcat.js";
import { RawKafkaConnection } from "../harness/raw-client.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const MiB = 1024 * 1024;
const API_VERSIONS = { clientSoftwareName: "budgets-test", clientSoftwareVersion: "1.0" };

/** A raw socket that sends what the test tells it to, and nothing else. */
interface Hostile {
  socket: net.Socket;
  closed: Promise<void>;
  isClosed(): boolean;
}

function hostile(bootstrap: string): Promise<Hostile> {
  const [host, port] = [bootstrap.slice(0, bootstrap.lastIndexOf(":")), Number(bootstrap.slice(bootstrap.lastIndexOf(":") + 1))];
  const socket = net.connect({ host, port });
  let closed = false;
  socket.on("error", () => undefined); // surfaces as "close"
  const closedPromise = new Promise<void>((resolve) => socket.once("close", () => ((closed = true), resolve())));
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve({ socket, closed: closedPromise, isClosed: () => closed }));
    socket.once("error", reject);
  });
}

/** A size prefix declaring a frame of `size` bytes, then `bodyBytes` zero bytes of it. */
function startFrame(socket: net.Socket, size: number, bodyBytes: number): void {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(size, 0);
  socket.write(prefix);
  if (bodyBytes > 0) socket.write(Buffer.alloc(bodyBytes));
}

async function counterValue(counter: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> }, labels: Record<string, string>): Promise<number> {
  const { values } = await counter.get();
  return values.filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want)).reduce((sum, v) => sum + v.value, 0);
}
const reaped = (virtualCluster: string, reason: string) => counterValue(metrics.connectionsReaped, { virtual_cluster: virtualCluster, reason });
const refused = (virtualCluster: string) => counterValue(metrics.limitRefusals, { virtual_cluster: virtualCluster, limit: "gateway_connections" });
const budgetUsage = (scope: string, budget: string) => counterValue(metrics.budgetUsage, { scope, budget });

describe("gateway budgets", () => {
  const kafka = inject("kafka");
  const tag = uniqueName("budgets").slice(8);
  let gateway: Gateway;
  let base: GatewayConfig;
  let attacked: string;
  let bystander: string;
  let physical: Admin;
  const cleanups: (() => Promise<unknown>)[] = [];

  const setBudgets = (budgets: BudgetsConfig) => gateway.apply({ ...base, budgets });
  /** The gateway's connection for a local socket (its session's remote port is the socket's local port). */
  const gatewaySide = (socket: net.Socket) => gateway.runtime.connections().find((c) => c.session.remotePort === socket.localPort);
  const bytesRead = (socket: net.Socket) => gatewaySide(socket)?.session.counters.bytesFromClient ?? 0;
  const openOf = (virtualCluster: string) => gateway.runtime.connections().filter((c) => c.session.endpoint.virtualCluster === virtualCluster).length;

  beforeAll(async () => {
    const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
    const a = { ...(await testVirtualCluster("attacked", "shared", kafka.brokers.length + 2, nodeIdBase)), prefix: `attacked-${tag}.` };
    const b = { ...(await testVirtualCluster("bystander", "shared", kafka.brokers.length + 2, nodeIdBase)), prefix: `bystander-${tag}.` };
    base = testGatewayConfig([{ name: "shared", bootstrap: parseHostPorts(kafka.bootstrap) }], [a, b]);
    gateway = await startGateway(base);
    attacked = gateway.endpoints.find((e) => e.virtualCluster === "attacked")!.bootstrap;
    bystander = gateway.endpoints.find((e) => e.virtualCluster === "bystander")!.bootstrap;
    physical = kafkajsClient(kafka.bootstrap, "budgets-physical").admin();
    await physical.connect();
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await gateway?.close(0);
    if (physical !== undefined) {
      const ours = (await physical.listTopics()).filter((t) => t.includes(tag));
      if (ours.length > 0) await physical.deleteTopics({ topics: ours, timeout: 30_000 }).catch(() => undefined);
      await physical.disconnect();
    }
  });

  it("request bytes: frames stalled past a tenant's budget stop being read, a 50 MiB Produce of another tenant goes through, and stalled frames are closed at the deadline", async () => {
    // The default byte budgets (512 MiB, 256 MiB per virtual cluster) with a short deadline for the test.
    await setBudgets({ unfinishedRequestTimeoutMs: 4_000 });
    const reapedBefore = await reaped("attacked", "unfinished_request");
    const declared = 100 * MiB; // limits.maxFrameBytes, the largest frame a client may send
    const sent = 8 * MiB;
    const attackers: Hostile[] = [];
    for (let i = 0; i < 3; i++) {
      const attacker = await hostile(attacked);
      cleanups.push(async () => attacker.socket.destroy());
      attackers.push(attacker);
      startFrame(attacker.socket, declared, sent);
      // The first two fit the tenant's 256 MiB and are read in full; the third must wait, so wait for it to be seen.
      if (i < 2) await waitUntil(() => bytesRead(attacker.socket) === 4 + sent, { what: () => `the gateway to read attacker ${i}'s ${sent} bytes (read ${bytesRead(attacker.socket)})` });
      else await waitUntil(() => bytesRead(attacker.socket) > 0, { what: "the gateway to read the third attacker's first bytes" });
    }
    const [, , third] = attackers;
    expect(gatewaySide(third!.socket)).toBeDefined();
    // Held: 200 MiB of the tenant's 256; the third connection is not read while it waits (its client has sent 8 MiB).
    expect(await budgetUsage("attacked", "request_bytes")).toBeCloseTo(200 / 256, 5);
    expect(bytesRead(third!.socket)).toBeLessThan(1 * MiB);

    // The attacked tenant's small requests still work (a whole frame in one read reserves nothing) ...
    const attackedAdmin = kafkajsClient(attacked, "budgets-attacked-admin").admin();
    cleanups.push(() => attackedAdmin.disconnect());
    await attackedAdmin.connect();
    await attackedAdmin.listTopics();
    await attackedAdmin.disconnect();
    // ... and the other tenant sends a 50 MiB record through the same gateway.
    const admin = kafkajsClient(bystander, "budgets-bystander-admin").admin();
    cleanups.push(() => admin.disconnect());
    await admin.connect();
    const topic = `big-${tag}`;
    await createTopicsAndWait(admin, [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: "max.message.bytes", value: String(60 * MiB) }] }]);
    const producer = kafkajsClient(bystander, "budgets-big-producer").producer();
    cleanups.push(() => producer.disconnect());
    await producer.connect();
    const value = Buffer.alloc(50 * MiB, 7);
    const [result] = await producer.send({ topic, compression: CompressionTypes.None, messages: [{ value }] });
    expect(result!.errorCode).toBe(0);
    const [end] = await physical.fetchTopicOffsets(`bystander-${tag}.${topic}`);
    expect(end!.high).toBe("1");
    await producer.disconnect();

    // The deadline closes every stalled frame's connection (the third's clock started with its first bytes too),
    // and every byte goes back.
    await Promise.all(attackers.map((a) => a.closed));
    expect(await reaped("attacked", "unfinished_request")).toBe(reapedBefore + 3);
    let usage = -1;
    await waitUntil(async () => (usage = await budgetUsage("attacked", "request_bytes")) === 0, { what: () => `the tenant's request bytes to be given back (usage ${usage})` });
    expect(await budgetUsage("gateway", "request_bytes")).toBe(0);
  });

  it("idle and half-sent connections are reaped after their deadlines; a real client reconnects", async () => {
    await setBudgets({ firstRequestTimeoutMs: 1_000, idleTimeoutMs: 2_000 });
    const before = { first: await reaped("attacked", "first_request"), idle: await reaped("attacked", "idle"), bystanderIdle: await reaped("bystander", "idle") };
    const openedAt = performance.now();
    const silent = await hostile(attacked); // sends nothing
    const halfSent = await hostile(attacked); // two bytes of a size prefix
    halfSent.socket.write(Buffer.from([0, 0]));
    const chatty = await RawKafkaConnection.connect(attacked, "budgets-idle"); // one request, then idle
    cleanups.push(async () => [silent.socket.destroy(), halfSent.socket.destroy(), await chatty.close()]);
    expect((await chatty.send(ApiKey.ApiVersions, 3, API_VERSIONS)).errorCode).toBe(0);
    const answeredAt = performance.now();

    await Promise.all([silent.closed, halfSent.closed]);
    expect(performance.now() - openedAt).toBeGreaterThanOrEqual(1_000); // never before the deadline
    expect(chatty.isOpen).toBe(true); // it sent a whole request
    await chatty.closed;
    expect(performance.now() - answeredAt).toBeGreaterThanOrEqual(2_000);
    expect(await reaped("attacked", "first_request")).toBe(before.first + 2);
    expect(await reaped("attacked", "idle")).toBe(before.idle + 1);
    await waitUntil(() => openOf("attacked") === 0, { what: "the gateway to hold no connection of the attacked tenant" });

    // A kafkajs producer left idle loses its connections to the reaper and reconnects by itself on its next send.
    const admin = kafkajsClient(bystander, "budgets-idle-admin").admin();
    await admin.connect();
    const topic = `idle-${tag}`;
    await createTopicsAndWait(admin, [{ topic, numPartitions: 1, replicationFactor: 1 }]);
    await admin.disconnect();
    const producer = kafkajsClient(bystander, "budgets-idle-producer").producer();
    cleanups.push(() => producer.disconnect());
    await producer.connect();
    await producer.send({ topic, messages: [{ value: "before" }] });
    await waitUntil(() => openOf("bystander") === 0, { what: "the idle producer's connections to be reaped", timeoutMs: 30_000 });
    expect(await reaped("bystander", "idle")).toBeGreaterThan(before.bystanderIdle);
    await producer.send({ topic, messages: [{ value: "after" }] });
    await producer.disconnect();
    const [end] = await physical.fetchTopicOffsets(`bystander-${tag}.${topic}`);
    expect(end!.high).toBe("2");
  });

  it("connections: one tenant holding the gateway's whole budget is refused, the other still gets in (kafkajs, kcat)", async () => {
    await setBudgets({ maxConnections: 16 }); // two virtual clusters: a fair share of 8 each
    const before = { refusedAttacked: await refused("attacked"), refusedBystander: await refused("bystander"), evicted: await reaped("attacked", "evicted") };
    // The attacker opens idle connections until the gateway turns it away: 16 of them fit, as nobody else is connected.
    const held: RawKafkaConnection[] = [];
    let refusals = 0;
    for (let attempt = 0; attempt < 24 && refusals < 3; attempt++) {
      const conn = await RawKafkaConnection.connect(attacked, "budgets-flood", 10_000);
      cleanups.push(() => conn.close());
      try {
        await conn.send(ApiKey.ApiVersions, 3, API_VERSIONS);
        held.push(conn);
      } catch {
        refusals++;
      }
    }
    expect(held.length).toBe(16);
    expect(refusals).toBe(3);
    expect(await refused("attacked")).toBe(before.refusedAttacked + 3);

    // The other tenant gets in: each connection it opens makes room by closing one of the attacker's (the least
    // recently active), up to its fair share; the attacker, over its share, is still refused while the gateway is full.
    const first = await RawKafkaConnection.connect(bystander, "budgets-fair-raw", 10_000);
    cleanups.push(() => first.close());
    expect((await first.send(ApiKey.ApiVersions, 3, API_VERSIONS)).errorCode).toBe(0);
    const more = await RawKafkaConnection.connect(attacked, "budgets-flood-more", 10_000);
    cleanups.push(() => more.close());
    await expect(more.send(ApiKey.ApiVersions, 3, API_VERSIONS)).rejects.toThrow(/closed/);
    // Real clients of the other tenant work as usual (kafkajs, then kcat).
    const admin = kafkajsClient(bystander, "budgets-fair-admin").admin();
    cleanups.push(() => admin.disconnect());
    await admin.connect();
    const topic = `fair-${tag}`;
    await createTopicsAndWait(admin, [{ topic, numPartitions: 1, replicationFactor: 1 }]);
    assertSucceeded("kcat -P", await runKcat(["-b", bystander, "-P", "-t", topic], { input: "one\ntwo\n" }));
    const read = assertSucceeded("kcat -C", await runKcat(["-b", bystander, "-C", "-t", topic, "-o", "beginning", "-e"]));
    expect(read.stdout.trim().split("\n")).toEqual(["one", "two"]);
    expect(await refused("bystander")).toBe(before.refusedBystander);
    expect(await reaped("attacked", "evicted")).toBeGreaterThan(before.evicted);
    expect(held.filter((c) => !c.isOpen).length).toBeGreaterThan(0);
    await admin.disconnect();
    for (const conn of held) await conn.close();
  });

  it("per client address: a cap on open connections and on new ones per second (max.connections.per.ip, KIP-612)", async () => {
    const refusedFor = (limit: string) => counterValue(metrics.limitRefusals, { virtual_cluster: "attacked", limit });
    // From an address of its own (all of 127/8 is loopback), so the other tests' connections from 127.0.0.1 don't count.
    const opened = async (client: string): Promise<RawKafkaConnection | undefined> => {
      const conn = await RawKafkaConnection.connect(attacked, client, 10_000, "127.0.0.2");
      cleanups.push(() => conn.close());
      return conn.send(ApiKey.ApiVersions, 3, API_VERSIONS).then(() => conn, () => undefined);
    };
    await setBudgets({ maxConnectionsPerAddress: 3 });
    const before = await refusedFor("address_connections");
    const held = [await opened("per-address-1"), await opened("per-address-2"), await opened("per-address-3")];
    expect(held.every((c) => c !== undefined)).toBe(true);
    expect(await opened("per-address-4")).toBeUndefined(); // 127.0.0.2 holds 3: closed at once
    expect(await refusedFor("address_connections")).toBe(before + 1);
    await held[0]!.close();
    await waitUntil(async () => (await opened("per-address-again")) !== undefined, { what: "a connection once one of the three closed" });
    for (const conn of held) await conn?.close();

    await setBudgets({ connectionsPerSecondPerAddress: 2 });
    const rateBefore = await refusedFor("address_connection_rate");
    const burst = [await opened("rate-1"), await opened("rate-2"), await opened("rate-3")];
    // A burst of one second's worth (2) is let in; the third, within that second, is refused.
    expect(burst.filter((c) => c === undefined).length).toBeGreaterThanOrEqual(1);
    expect(await refusedFor("address_connection_rate")).toBeGreaterThan(rateBefore);
    for (const conn of burst) await conn?.close();
    await setBudgets({});
  });

  it("bootstrap connections land on more than one broker", async () => {
    await setBudgets({});
    const conns: RawKafkaConnection[] = [];
    const clientIds = new Set<string>();
    for (let i = 0; i < 6; i++) {
      clientIds.add(`budgets-spread-${i}`);
      const conn = await RawKafkaConnection.connect(bystander, `budgets-spread-${i}`);
      cleanups.push(() => conn.close());
      expect((await conn.send(ApiKey.ApiVersions, 3, API_VERSIONS)).errorCode).toBe(0);
      conns.push(conn);
    }
    const upstreams = gateway.runtime.connections().filter((c) => clientIds.has(c.session.clientId ?? "")).map((c) => c.upstreamAddress);
    const brokers = new Set(kafka.brokers.map((b) => `${b.host}:${b.port}`));
    expect(upstreams).toHaveLength(6);
    for (const upstream of upstreams) expect(brokers.has(upstream!.replace(/^::ffff:/, ""))).toBe(true);
    expect(new Set(upstreams).size).toBeGreaterThan(1);
    for (const conn of conns) await conn.close();
  });
});
