// The control server's config access from the admin worker (RemoteConfigs), here with its questions answered by a
// ControlHost over a real config service in the same thread, every answer and error passed through the same transfer
// as between threads: a change edited on an old copy of the document is edited again on the newer one, and the
// config service's errors keep their class and fields.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/errors.js";
import type { ConfigSnapshot } from "../../../src/config/store.js";
import { YamlFileStore } from "../../../src/config/yaml-file-store.js";
import { ApiError } from "../../../src/control/api-error.js";
import { AuditLog } from "../../../src/control/audit-log.js";
import { ConfigApplyError, ConfigService, type ConfigChange } from "../../../src/control/config-service.js";
import { ControlHost } from "../../../src/control/control-host.js";
import { EventLog } from "../../../src/control/event-log.js";
import { receivedFailure, sendableFailure } from "../../../src/control/failure-transfer.js";
import { ConfigHistory } from "../../../src/control/history.js";
import { RemoteConfigs, type AskMain } from "../../../src/control/remote-control-api.js";

const CONFIG = `clusters:
  - name: local
    bootstrap: ["127.0.0.1:9092"]
virtualClusters:
  - name: payments
    cluster: local
    listeners:
      - { name: plain, bind: 127.0.0.1, bootstrapPort: 19092, brokerPorts: "19093-19095", advertisedHost: localhost }
control:
  listen: 127.0.0.1:19190
`;

const setLimit = (requestsPerSecond: number): ConfigChange => ({
  who: "ops",
  action: "PUT limits",
  virtualCluster: "payments",
  subject: (document) => (document as { virtualClusters: { limits?: unknown }[] }).virtualClusters[0]!.limits,
  edit: (doc) => doc.setIn(["virtualClusters", 0, "limits"], doc.createNode({ requestsPerSecond })),
});

let dir: string;
let file: string;
let configs: ConfigService;
let events: EventLog;
let remote: RemoteConfigs;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "bulkhead-remote-configs-"));
  file = join(dir, "gateway.yaml");
  await writeFile(file, CONFIG);
  const store = new YamlFileStore(file);
  const initial = await store.read();
  const log = pino({ level: "silent" });
  events = new EventLog(join(dir, "state", "events"), 100, () => [], log);
  configs = new ConfigService(store, initial, async () => {}, new ConfigHistory(join(dir, "state"), 5), new AuditLog(join(dir, "state", "audit.jsonl")), events, log);
  await configs.recordStartup();
  const host = new ControlHost({ isReady: async () => true, registry: new Registry(), state: { configs, events, sessions: () => [], limitUsage: async () => undefined } });
  const ask: AskMain = async (method, ...args) => {
    try {
      return structuredClone(await host.answer(method, structuredClone(args))) as never;
    } catch (err) {
      throw receivedFailure(structuredClone(sendableFailure(err)));
    }
  };
  // A copy that is never told of changes: each change finds a newer document on the main thread.
  const stale: ConfigSnapshot = { ...initial };
  remote = new RemoteConfigs(stale, ask);
});

afterEach(async () => {
  await events.close();
});

describe("RemoteConfigs", () => {
  it("edits a change again on the document in force when another went first, and keeps both", async () => {
    await configs.change(setLimit(1)); // another change, the copy not told
    await remote.change({ ...setLimit(2), edit: (doc) => doc.setIn(["virtualClusters", 0, "listeners", 0, "advertisedHost"], "gateway.local") });
    const text = await readFile(file, "utf8");
    expect(text).toContain("requestsPerSecond: 1");
    expect(text).toContain("advertisedHost: gateway.local");
    expect((await remote.history.list()).map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it("rejects an invalid change with the config service's ConfigError, naming file and path", async () => {
    const change: ConfigChange = { ...setLimit(1), edit: (doc) => doc.setIn(["virtualClusters", 0, "cluster"], "nowhere") };
    const error = await remote.change(change).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]).toMatchObject({ file, path: "virtualClusters[0].cluster" });
  });

  it("passes an ApiError and a ConfigApplyError across with their fields", () => {
    const api = receivedFailure(structuredClone(sendableFailure(new ApiError(404, "not_found", "config version 9 not found", { version: 9 }))));
    expect(api).toBeInstanceOf(ApiError);
    expect(api).toMatchObject({ status: 404, code: "not_found", message: "config version 9 not found", details: { version: 9 } });
    const apply = receivedFailure(structuredClone(sendableFailure(new ConfigApplyError("ERR_BULKHEAD_CONFIG_APPLY", "EADDRINUSE"))));
    expect(apply).toBeInstanceOf(ConfigApplyError);
    expect(apply.message).toBe("EADDRINUSE");
  });
});
