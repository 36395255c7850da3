// The control server runs on the admin worker thread, not on the data plane's: it answers while the main thread is
// blocked, a change through it still goes through the main thread's config service, and when its worker dies a new
// one brings the control port back while the data plane keeps serving.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker } from "node:worker_threads";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { stringify } from "yaml";
import { YamlFileStore } from "../../src/config/yaml-file-store.js";
import { createToken } from "../../src/control/auth.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { uniqueName } from "../harness/clients.js";
import { controlApiCaller } from "../harness/control-api.js";
import { freePort, freePortRange } from "../harness/gateway.js";
import { waitUntil } from "../harness/wait.js";

const admin = createToken();

/**
 * GETs `paths` from a child process while this thread waits for it without running its event loop (spawnSync): a
 * server on this thread could not answer, and the child would give up after `timeoutMs`.
 */
function getWhileThisThreadIsBlocked(base: string, paths: readonly string[], token: string, timeoutMs = 10_000): number[] {
  const script = `
    const statuses = [];
    for (const path of JSON.parse(process.argv[1])) {
      const response = await fetch(${JSON.stringify(base)} + path, { headers: { authorization: "Bearer ${token}" }, signal: AbortSignal.timeout(${timeoutMs}) });
      statuses.push(response.status);
    }
    process.stdout.write(JSON.stringify(statuses));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(paths)], { encoding: "utf8", timeout: timeoutMs * 2 });
  if (child.status !== 0) throw new Error(`the child could not reach the control server: ${child.stderr}`);
  return JSON.parse(child.stdout) as number[];
}

describe("control server on the admin worker thread", () => {
  const kafka = inject("kafka");
  const tag = uniqueName("cot").slice(4);
  const nodeIdBase = Math.min(...kafka.brokers.map((b) => b.nodeId));
  let file: string;
  let gateway: Gateway;
  const call = controlApiCaller(() => gateway.controlAddress);
  const base = () => `http://${gateway.controlAddress.host}:${gateway.controlAddress.port}`;

  beforeAll(async () => {
    file = join(await mkdtemp(join(tmpdir(), "bulkhead-control-off-thread-")), "gateway.yaml");
    const first = await freePortRange(kafka.brokers.length + 1);
    const listener = { name: "plain", bind: "127.0.0.1", bootstrapPort: first, brokerPorts: `${first + 1}-${first + kafka.brokers.length}`, nodeIdBase, advertisedHost: "127.0.0.1" };
    const document = {
      clusters: [{ name: "shared", bootstrap: kafka.bootstrap }],
      virtualClusters: [{ name: "payments", cluster: "shared", prefix: `payments-${tag}.`, listeners: [listener] }],
      control: { listen: `127.0.0.1:${await freePort()}`, tokens: [{ name: "ops", sha256: admin.sha256, role: "admin" }] },
      log: { level: "warn" },
    };
    await writeFile(file, stringify(document));
    const store = new YamlFileStore(file);
    const { config, text } = await store.read();
    gateway = await startGateway(config, { store: { store, text } });
  });

  afterAll(async () => {
    await gateway?.close(0);
  });

  it("answers health and config reads while the data plane's thread is blocked", () => {
    const statuses = getWhileThisThreadIsBlocked(base(), ["/healthz", "/api/v1/virtual-clusters/payments", "/api/v1/whoami"], admin.token);
    expect(statuses).toEqual([200, 200, 200]);
  });

  it("changes the config through the main thread's config service: applied, written, versioned and audited", async () => {
    const limits = { requestsPerSecond: 12_345 };
    const put = await call("PUT", "/api/v1/virtual-clusters/payments/limits", admin.token, limits);
    expect(put.status).toBe(200);
    expect(gateway.runtime.config.virtualClusters[0]!.limits?.requestsPerSecond).toBe(12_345);
    expect(await readFile(file, "utf8")).toContain("requestsPerSecond: 12345");
    const audit = await call("GET", "/api/v1/audit", admin.token);
    expect((audit.body as { entries: { action: string }[] }).entries.map((e) => e.action)).toContain("PUT /api/v1/virtual-clusters/payments/limits");
    // The worker's copy of the document follows the change at once.
    expect((await call("GET", "/api/v1/virtual-clusters/payments/limits", admin.token)).body).toEqual({ limits });
  });

  it("serves the main thread's metrics, where the data plane counts", async () => {
    expect((await call("POST", "/api/v1/config/reload", admin.token)).body).toEqual({ changed: false });
    const scrape = await fetch(`${base()}/metrics`);
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    expect(text).toMatch(/^bulkhead_config_reloads_total\{result="unchanged"\} [1-9]/m);
    // The process's own metrics come once, from the main thread (the worker collects none of its own).
    expect(text.match(/^# TYPE nodejs_eventloop_lag_p99_seconds /gm)).toHaveLength(1);
    expect(text).toMatch(/^process_cpu_user_seconds_total [0-9.e+-]+$/m);
  });

  it("brings the control port back on a new worker when the worker dies, and the data plane never notices", async () => {
    const admin0 = gateway.runtime.admin;
    const first = admin0.threadId;
    expect(first).toBeDefined();
    const kafkaClient = new Kafka({ clientId: "cot", brokers: [gateway.endpoints[0]!.bootstrap], logLevel: logLevel.NOTHING });
    const client = kafkaClient.admin();
    await client.connect();
    try {
      await client.listTopics();
      // The worker is ended from outside, as a crash would end it (AdminThread keeps it private).
      await (admin0 as unknown as { worker: Worker }).worker.terminate();
      await client.listTopics(); // the data plane's connection is untouched
      await waitUntil(async () => (await fetch(`${base()}/healthz`).catch(() => undefined))?.status === 200, { timeoutMs: 15_000, what: "the control port back on a new admin worker" });
      expect(admin0.threadId).not.toBe(first);
      expect((await call("GET", "/api/v1/virtual-clusters/payments", admin.token)).status).toBe(200);
      await client.listTopics();
    } finally {
      await client.disconnect();
    }
  });
});
