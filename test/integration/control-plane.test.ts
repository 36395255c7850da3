// The control plane against real Kafka: a gateway started from a config FILE, changed through the admin API, the
// file and SIGHUP while a kafkajs producer and consumer on one tenant keep going without an error or a reconnect.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type Consumer, type Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { YamlFileStore } from "../../src/config/yaml-file-store.js";
import { createToken } from "../../src/control/auth.js";
import { reloadOnSighup } from "../../src/control/reload-triggers.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { metrics } from "../../src/observe/metrics.js";
import type { Session } from "../../src/session/session.js";
import { kafkajsClient, subscribeWhenKnown, uniqueName } from "../harness/clients.js";
import { controlApiCaller } from "../harness/control-api.js";
import { freePort, freePortRange } from "../harness/gateway.js";
import { createTopicsAndWait } from "../harness/topic-propagation.js";
import { waitUntil } from "../harness/wait.js";

const admin = createToken();
const paymentsTeam = createToken();
const PASSWORD = "alice-pa55word-never-stored";

describe("control plane", () => {
  const kafka = inject("kafka");
  const tag = uniqueName("cp").slice(3);
  const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
  const brokerCount = kafka.brokers.length;
  const closed: { session: Session; reason: string }[] = [];
  const received: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  let file: string;
  let stateDir: string;
  let gateway: Gateway;
  let producer: Producer;
  let consumer: Consumer;
  let consumerCrashes = 0;
  let base: string;

  async function listener(name: string, extra: Record<string, unknown> = {}) {
    const first = await freePortRange(brokerCount + 1);
    return { name, bind: "127.0.0.1", bootstrapPort: first, brokerPorts: `${first + 1}-${first + brokerCount}`, nodeIdBase, advertisedHost: "127.0.0.1", ...extra };
  }

  const call = controlApiCaller(() => gateway.controlAddress);

  const bootstrapOf = (vc: string, name = "plain") => {
    const l = gateway.runtime.config.virtualClusters.find((v) => v.name === vc)!.listeners.find((x) => x.name === name)!;
    return `127.0.0.1:${l.bootstrapPort}`;
  };

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "bulkhead-control-plane-"));
    file = join(dir, "gateway.yaml");
    stateDir = join(dir, "bulkhead-state");
    const document = {
      clusters: [{ name: "shared", bootstrap: kafka.bootstrap }],
      virtualClusters: [
        { name: "payments", cluster: "shared", prefix: `payments-${tag}.`, listeners: [await listener("plain")] },
        { name: "analytics", cluster: "shared", prefix: `analytics-${tag}.`, listeners: [await listener("plain")] },
      ],
      control: {
        listen: `127.0.0.1:${await freePort()}`,
        tokens: [
          { name: "ops", sha256: admin.sha256, role: "admin" },
          { name: "payments-team", sha256: paymentsTeam.sha256, role: "operator", virtualCluster: "payments" },
        ],
      },
      shutdown: { drainTimeoutMs: 2000 },
      log: { level: "warn" },
    };
    base = `# written by the control-plane test\n${stringify(document)}`;
    await writeFile(file, base);
    const store = new YamlFileStore(file);
    const { config, text } = await store.read();
    gateway = await startGateway(config, { store: { store, text }, observers: [{ sessionClosed: (session, reason) => void closed.push({ session, reason }) }] });
    cleanups.push(() => gateway.close(0));

    const client = kafkajsClient(bootstrapOf("payments"), "control-plane");
    const kafkaAdmin = client.admin();
    await kafkaAdmin.connect();
    cleanups.push(() => kafkaAdmin.disconnect());
    await createTopicsAndWait(kafkaAdmin, [{ topic: "orders", numPartitions: 2, replicationFactor: Math.min(3, brokerCount) }]);
    producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    consumer = client.consumer({ groupId: "billing", maxWaitTimeInMs: 200 });
    consumer.on(consumer.events.CRASH, () => void consumerCrashes++);
    await consumer.connect();
    cleanups.push(() => consumer.disconnect());
    await subscribeWhenKnown(consumer, "orders");
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  const paymentsClosed = () => closed.filter((c) => c.session.endpoint.virtualCluster === "payments");

  it("keeps a live producer and consumer going, without an error or a reconnect, through 20 changes made through the API", async () => {
    await producer.send({ topic: "orders", messages: [{ value: "m-start" }] });
    await waitUntil(() => received.includes("m-start"), { what: "the first message" });
    const before = new Set(gateway.runtime.sessions().filter((s) => s.endpoint.virtualCluster === "payments"));
    const closedBefore = paymentsClosed().length; // the harness's own short-lived clients, before the changes
    for (let i = 0; i < 20; i++) {
      const change =
        i % 3 === 0
          ? call("PUT", "/api/v1/virtual-clusters/payments/limits", paymentsTeam.token, { requestsPerSecond: 10_000 + i, tenantByteRate: { produce: "64MiB/s" } })
          : i % 3 === 1
            ? call("PUT", "/api/v1/virtual-clusters/payments/acls", paymentsTeam.token, {
                allowIfNoAclFound: true,
                rules: [{ principal: "User:*", resourceType: "topic", name: `off-limits-${i}`, operations: ["ALL"], permission: "deny" }],
              })
            : call("PATCH", "/api/v1/virtual-clusters/analytics", admin.token, { deniedApis: i % 2 === 0 ? ["DeleteTopics"] : [], limits: { maxTopics: 100 + i } });
      const res = await change;
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      await producer.send({ topic: "orders", messages: [{ value: `m-${i}` }] });
    }
    await waitUntil(() => received.includes("m-19"), { what: "every message sent during the changes" });
    expect(received.filter((v) => v.startsWith("m-"))).toHaveLength(21);
    expect(paymentsClosed().slice(closedBefore).map((c) => `${c.session.clientId} ${c.reason}`)).toEqual([]);
    expect(consumerCrashes).toBe(0);
    const after = new Set(gateway.runtime.sessions().filter((s) => s.endpoint.virtualCluster === "payments"));
    for (const session of before) expect(after.has(session)).toBe(true);
    const config = gateway.runtime.config;
    expect(config.virtualClusters[0]!.limits?.requestsPerSecond).toBe(10_018);
    // Answered as written: a byte rate as its text, no default filled in.
    expect((await call("GET", "/api/v1/virtual-clusters/payments/limits", paymentsTeam.token)).body).toEqual({ limits: { requestsPerSecond: 10_018, tenantByteRate: { produce: "64MiB/s" } } });
    const rule = { principal: "User:*", resourceType: "topic", name: "off-limits-19", operations: ["ALL"], permission: "deny" };
    expect((await call("GET", "/api/v1/virtual-clusters/payments/acls", paymentsTeam.token)).body).toEqual({ acls: { allowIfNoAclFound: true, rules: [rule] } });
    expect(config.virtualClusters[1]!.deniedApis).toEqual([]);
    expect(await readFile(file, "utf8")).toContain("# written by the control-plane test");
  });

  it("refuses a bad change with file, path and reason, and changes nothing", async () => {
    const text = await readFile(file, "utf8");
    const config = gateway.runtime.config;
    const versions = (await call("GET", "/api/v1/config/versions", admin.token)).body.versions.length;
    const res = await call("PATCH", "/api/v1/virtual-clusters/analytics", admin.token, { listeners: [{ ...config.virtualClusters[0]!.listeners[0]!, brokerPorts: "10-20" }] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: "invalid_config", details: [expect.objectContaining({ file, path: "virtualClusters[1].listeners[0].bootstrapPort", reason: expect.stringContaining("clashes with virtualClusters[0].listeners[0].bootstrapPort") })] });
    expect(await readFile(file, "utf8")).toBe(text);
    expect(gateway.runtime.config).toBe(config);
    expect((await call("GET", "/api/v1/config/versions", admin.token)).body.versions).toHaveLength(versions);
  });

  it("reloads a changed file, on SIGHUP too, and keeps the old config when the file is bad", async () => {
    let sighupReload: Promise<unknown> | undefined;
    const stopSighup = reloadOnSighup((trigger) => (sighupReload = gateway.reload(trigger)));
    try {
      const current = await readFile(file, "utf8");
      await writeFile(file, current.replace(/maxTopics: \d+/, "maxTopics: 7"));
      await waitUntil(() => gateway.runtime.config.virtualClusters[1]!.limits?.maxTopics === 7, { what: "the file change applied" });

      const rejectedBefore = (await metrics.configReloads.get()).values.find((v) => v.labels.result === "rejected")?.value ?? 0;
      const good = gateway.runtime.config;
      await writeFile(file, current.replace(/maxTopics: \d+/, "maxTopics: many"));
      await waitUntil(async () => ((await metrics.configReloads.get()).values.find((v) => v.labels.result === "rejected")?.value ?? 0) > rejectedBefore, { what: "the bad file rejected" });
      expect(gateway.runtime.config).toBe(good);
      const events = await call("GET", "/api/v1/events?type=config_rejected", admin.token);
      expect(events.body.events.at(-1).message).toContain("virtualClusters[1].limits.maxTopics");

      await writeFile(file, current.replace(/maxTopics: \d+/, "maxTopics: 9"));
      process.kill(process.pid, "SIGHUP");
      // The file watch sees the same write: whichever reload runs first applies it, the other finds it unchanged (a
      // loaded machine can stall past the watch's debounce). So the test waits for the SIGHUP's own reload to settle
      // and checks the version the change became was applied by the reload that found it.
      await waitUntil(() => sighupReload !== undefined, { what: "SIGHUP to start a reload" });
      const outcome = (await sighupReload) as { changed: boolean };
      expect(gateway.runtime.config.virtualClusters[1]!.limits?.maxTopics).toBe(9);
      const audit = await call("GET", "/api/v1/audit?action=reload", admin.token);
      const actions = audit.body.entries.map((e: { action: string }) => e.action);
      expect(actions).toContain("reload (file)");
      expect(actions.at(-1)).toBe(outcome.changed ? "reload (sighup)" : "reload (file)");
    } finally {
      stopSighup();
    }
  });

  it("opens a virtual cluster made through the API, with a user who logs in with SCRAM; a scoped token can't see it", async () => {
    const created = await call("POST", "/api/v1/virtual-clusters", admin.token, { name: "fresh", cluster: "shared", prefix: `fresh-${tag}.`, listeners: [await listener("plain")] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const plainAdmin = kafkajsClient(bootstrapOf("fresh"), "control-plane-fresh").admin();
    await plainAdmin.connect();
    cleanups.push(() => plainAdmin.disconnect());
    await createTopicsAndWait(plainAdmin, [{ topic: "fresh-topic", numPartitions: 1, replicationFactor: 1 }]);
    expect(await plainAdmin.listTopics()).toContain("fresh-topic");

    const user = await call("POST", "/api/v1/virtual-clusters/fresh/users", admin.token, { name: "alice", password: PASSWORD });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const fresh = (await call("GET", "/api/v1/virtual-clusters/fresh", admin.token)).body;
    expect(fresh.users).toEqual([{ name: "alice", scramSha256: "[REDACTED]", scramSha512: "[REDACTED]" }]);
    const plainListener = fresh.listeners[0];
    const patched = await call("PATCH", "/api/v1/virtual-clusters/fresh", admin.token, { listeners: [plainListener, await listener("sasl", { security: "sasl_plaintext", saslMechanisms: ["SCRAM-SHA-512"] })] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const sasl = (password: string) =>
      new Kafka({ clientId: "control-plane-sasl", brokers: [bootstrapOf("fresh", "sasl")], sasl: { mechanism: "scram-sha-512", username: "alice", password }, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
    const alice = sasl(PASSWORD).admin();
    await alice.connect();
    cleanups.push(() => alice.disconnect());
    expect(await alice.listTopics()).toContain("fresh-topic");
    await expect(sasl("wrong").admin().connect()).rejects.toThrow();

    expect((await call("GET", "/api/v1/virtual-clusters/fresh", paymentsTeam.token)).status).toBe(404);
    expect((await call("GET", "/api/v1/virtual-clusters/analytics/limits", paymentsTeam.token)).status).toBe(404);
    const visible = await call("GET", "/api/v1/virtual-clusters", paymentsTeam.token);
    expect(visible.body.virtualClusters.map((vc: { name: string }) => vc.name)).toEqual(["payments"]);
  });

  it("rolls back to a version: the virtual cluster made later is gone again, and the rollback is audited", async () => {
    const versions: { version: number; reason: string }[] = (await call("GET", "/api/v1/config/versions", admin.token)).body.versions;
    const beforeFresh = versions.filter((v) => !v.reason.includes("fresh")).filter((v) => v.version < versions.find((x) => x.reason.includes("(fresh)"))!.version).at(-1)!;
    const freshPort = Number(bootstrapOf("fresh").split(":")[1]);
    const res = await call("POST", "/api/v1/config/rollback", admin.token, { version: beforeFresh.version });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(gateway.runtime.config.virtualClusters.map((vc) => vc.name)).toEqual(["payments", "analytics"]);
    await expect(connectTo(freshPort)).rejects.toThrow(/ECONNREFUSED/);
    const version = await call("GET", `/api/v1/config/versions/${beforeFresh.version}`, admin.token);
    expect((await readFile(file, "utf8")).replace(/sha256: "?[0-9a-f]{64}"?/g, "")).toBe(version.body.document.replace(/sha256: "\[REDACTED\]"/g, ""));
    const audit = await call("GET", "/api/v1/audit?action=rollback", admin.token);
    expect(audit.body.entries.at(-1)).toMatchObject({ who: "ops", after: { version: beforeFresh.version } });
  });

  it("never writes a secret to the audit log, and a data port gives no HTTP answer", async () => {
    const audit = await readFile(join(stateDir, "audit.jsonl"), "utf8");
    expect(audit).toContain("[REDACTED]");
    for (const secret of [PASSWORD, "stored_key", admin.sha256, paymentsTeam.sha256, admin.token]) expect(audit).not.toContain(secret);

    const answer = await rawExchange(Number(bootstrapOf("payments").split(":")[1]), `GET /api/v1/virtual-clusters HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin.token}\r\n\r\n`);
    expect(answer).not.toContain("HTTP/");
  });
});

function connectTo(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve();
    });
    socket.on("error", reject);
  });
}

/** Sends `request` and collects what comes back until the other side closes. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
  });
}
