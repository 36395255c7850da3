// The admin API end to end over HTTP, with a real YAML file store, history, audit and event logs, and the data plane
// replaced by a recorder of the configs it was asked to apply.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AdminError } from "../../../src/admin/admin-error.js";
import { DEFAULT_MAX_IN_FLIGHT_PER_TOKEN } from "../../../src/config/control.js";
import type { GatewayConfig } from "../../../src/config/types.js";
import { YamlFileStore } from "../../../src/config/yaml-file-store.js";
import { AuditLog } from "../../../src/control/audit-log.js";
import { createToken } from "../../../src/control/auth.js";
import { ConfigService } from "../../../src/control/config-service.js";
import { EventLog } from "../../../src/control/event-log.js";
import { ConfigHistory } from "../../../src/control/history.js";
import { startControlServer, type ControlServer } from "../../../src/control/server.js";
import type { TenantOperations } from "../../../src/control/control-api.js";
import { controlApiCaller } from "../../harness/control-api.js";
import { waitUntil } from "../../harness/wait.js";

const admin = createToken();
const viewer = createToken();
const paymentsOperator = createToken();

const CONFIG = `# the test gateway
clusters:
  - name: local
    bootstrap: ["127.0.0.1:9092"]
virtualClusters:
  - name: payments
    cluster: local
    listeners:
      - { name: plain, bind: 127.0.0.1, bootstrapPort: 19092, brokerPorts: "19093-19095", advertisedHost: localhost }
    limits:
      maxTopics: 10 # keep this comment
  - name: analytics
    cluster: local
    listeners:
      - { name: plain, bind: 127.0.0.1, bootstrapPort: 29092, brokerPorts: "29093-29095", advertisedHost: localhost }
control:
  listen: 127.0.0.1:19190
  tokens:
    - { name: ops, sha256: "${admin.sha256}", role: admin }
    - { name: watcher, sha256: "${viewer.sha256}", role: viewer }
    - { name: payments-team, sha256: "${paymentsOperator.sha256}", role: operator, virtualCluster: payments }
`;

let dir: string;
let file: string;
let server: ControlServer;
let applied: GatewayConfig[];
let events: EventLog;
/** The data plane's answer to the next apply: a bind failure, say. */
let applyFailure: Error | undefined;
/** How the tenant operations run (none: the topic, group and message routes answer 404). */
let runOperation: ((virtualCluster: string) => Promise<unknown>) | undefined;

const tenantOperations: TenantOperations = {
  has: () => runOperation !== undefined,
  run: (virtualCluster) => runOperation!(virtualCluster) as never,
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "bulkhead-admin-api-"));
  file = join(dir, "gateway.yaml");
  await writeFile(file, CONFIG);
  const store = new YamlFileStore(file);
  const initial = await store.read();
  applied = [];
  applyFailure = undefined;
  runOperation = undefined;
  const log = pino({ level: "silent" });
  events = new EventLog(join(dir, "state", "events"), 100, () => [], log);
  const configs = new ConfigService(store, initial, async (config) => {
    const failure = applyFailure;
    applyFailure = undefined;
    if (failure !== undefined) throw failure;
    applied.push(config);
  }, new ConfigHistory(join(dir, "state"), 5), new AuditLog(join(dir, "state", "audit.jsonl")), events, log);
  await configs.recordStartup();
  server = await startControlServer({ listen: { host: "127.0.0.1", port: 0 }, isReady: async () => true, api: { configs, events, tenantOperations } });
});

afterEach(async () => {
  await server.close();
  await events.close();
});

const call = controlApiCaller(() => server.address);

describe("admin API", () => {
  it("answers every error with one body shape: 401, 403, 404, validation", async () => {
    const cases = [
      [await call("GET", "/api/v1/virtual-clusters", undefined), 401, "unauthenticated"],
      [await call("GET", "/api/v1/virtual-clusters", "not-a-token"), 401, "unauthenticated"],
      [await call("PUT", "/api/v1/virtual-clusters/payments/limits", viewer.token, {}), 403, "forbidden"],
      [await call("GET", "/api/v1/nothing-here", admin.token), 404, "not_found"],
      [await call("GET", "/api/v1/virtual-clusters/nope", admin.token), 404, "not_found"],
      [await call("POST", "/api/v1/config/rollback", admin.token, { version: "one" }), 400, "invalid_request"],
      [await call("GET", "/api/v1/events?type=bogus", admin.token), 400, "invalid_request"],
    ] as const;
    const malformed = await fetch(`http://127.0.0.1:${server.address.port}/api/v1/config/rollback`, { method: "POST", headers: { authorization: `Bearer ${admin.token}`, "content-type": "application/json" }, body: "{" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: { code: "invalid_request", message: expect.any(String) } });
    for (const [res, status, code] of cases) {
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
    }
  });

  it("changes limits in the file, keeping comments, applies them, and keeps a version and an audit entry", async () => {
    const res = await call("PUT", "/api/v1/virtual-clusters/payments/limits", paymentsOperator.token, { maxTopics: 20, tenantByteRate: { produce: "1MiB/s" } });
    expect(res.status).toBe(200);
    expect(res.body.version).toMatchObject({ version: 2, by: "payments-team" });
    const text = await readFile(file, "utf8");
    expect(text).toContain("# the test gateway");
    expect(text).toMatch(/produce: "?1MiB\/s/);
    expect(applied.at(-1)!.virtualClusters[0]!.limits).toMatchObject({ maxTopics: 20, tenantByteRate: { produce: 1024 * 1024 } });
    const audit = await call("GET", "/api/v1/audit?virtualCluster=payments", admin.token);
    expect(audit.body.entries).toEqual([expect.objectContaining({ who: "payments-team", before: { maxTopics: 10 }, after: { maxTopics: 20, tenantByteRate: { produce: "1MiB/s" } } })]);
  });

  it("refuses a bad change with file, path and reason, and changes nothing", async () => {
    const res = await call("PATCH", "/api/v1/virtual-clusters/payments", admin.token, { cluster: "nowhere" });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("invalid_config");
    expect(res.body.error.details).toEqual([expect.objectContaining({ file, path: "virtualClusters[0].cluster", reason: 'unknown cluster "nowhere" (defined: local)' })]);
    const malformed = await call("PUT", "/api/v1/virtual-clusters/payments/limits", admin.token, { maxTopics: -1 });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details).toEqual([expect.objectContaining({ path: "maxTopics" })]);
    expect(await readFile(file, "utf8")).toBe(CONFIG);
    expect(applied).toEqual([]);
    expect((await call("GET", "/api/v1/config/versions", admin.token)).body.versions).toHaveLength(1);
  });

  it("refuses a config the data plane can't apply (a port in use) with 409, and leaves the file as it was", async () => {
    applyFailure = new Error("listen EADDRINUSE: address already in use 127.0.0.1:39092");
    const listeners = [{ name: "plain", bind: "127.0.0.1", bootstrapPort: 39092, brokerPorts: "39093-39095", advertisedHost: "localhost" }];
    const res = await call("POST", "/api/v1/virtual-clusters", admin.token, { name: "fresh", cluster: "local", listeners });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "not_applied", message: expect.stringContaining("EADDRINUSE") });
    expect(await readFile(file, "utf8")).toBe(CONFIG);
    expect((await call("POST", "/api/v1/virtual-clusters", admin.token, { name: "fresh", cluster: "local", listeners })).status).toBe(201);
    expect(applied.at(-1)!.virtualClusters.map((vc) => vc.name)).toEqual(["payments", "analytics", "fresh"]);
  });

  it("hides other virtual clusters from a scoped token, as if they did not exist", async () => {
    const list = await call("GET", "/api/v1/virtual-clusters", paymentsOperator.token);
    expect(list.body.virtualClusters.map((vc: { name: string }) => vc.name)).toEqual(["payments"]);
    for (const path of ["/api/v1/virtual-clusters/analytics", "/api/v1/virtual-clusters/analytics/limits", "/api/v1/virtual-clusters/analytics/users"]) {
      const res = await call("GET", path, paymentsOperator.token);
      expect(res.status, path).toBe(404);
      const missing = await call("GET", path.replace("analytics", "no-such-tenant"), admin.token);
      expect(JSON.stringify(res.body)).toBe(JSON.stringify(missing.body).replace("no-such-tenant", "analytics"));
    }
    expect((await call("PUT", "/api/v1/virtual-clusters/analytics/limits", paymentsOperator.token, {})).status).toBe(404);
    expect((await call("GET", "/api/v1/physical-clusters", paymentsOperator.token)).status).toBe(403);
  });

  it("hashes a new user's password at once: never in the file, the response or the audit log", async () => {
    const password = "s3cret-pa55word";
    const res = await call("POST", "/api/v1/virtual-clusters/payments/users", paymentsOperator.token, { name: "alice", password });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const everything = [JSON.stringify(res.body), await readFile(file, "utf8"), await readFile(join(dir, "state", "audit.jsonl"), "utf8")];
    for (const text of everything) expect(text).not.toContain(password);
    expect(await readFile(join(dir, "state", "audit.jsonl"), "utf8")).not.toMatch(/stored_key/);
    expect(applied.at(-1)!.virtualClusters[0]!.users!.map((u) => u.name)).toEqual(["alice"]);
    expect((await call("GET", "/api/v1/virtual-clusters/payments/users", viewer.token)).body).toEqual({ users: [{ name: "alice", mechanisms: ["SCRAM-SHA-256", "SCRAM-SHA-512"] }] });
    expect((await call("POST", "/api/v1/virtual-clusters/payments/users", admin.token, { name: "alice", password: "x" })).status).toBe(409);
    expect((await call("DELETE", "/api/v1/virtual-clusters/payments/users/alice", admin.token)).status).toBe(200);
  });

  it("diffs versions and rolls back to one, as a new audited version", async () => {
    await call("PUT", "/api/v1/virtual-clusters/analytics/acls", admin.token, { allowIfNoAclFound: true });
    const diff = await call("GET", "/api/v1/config/diff?from=1&to=2", viewer.token);
    expect(diff.body.diff).toMatch(/^\+\s+acls:/m);
    expect(diff.body.diff).not.toContain(admin.sha256);
    const rollback = await call("POST", "/api/v1/config/rollback", admin.token, { version: 1 });
    expect(rollback.body.version).toMatchObject({ version: 3, reason: "rollback to 1" });
    expect(await readFile(file, "utf8")).toBe(CONFIG);
    expect(applied.at(-1)!.virtualClusters[1]!.acls).toBeUndefined();
    const audit = await call("GET", "/api/v1/audit?action=rollback", admin.token);
    expect(audit.body.entries).toEqual([expect.objectContaining({ who: "ops", version: 3, after: { version: 1 } })]);
    const version = await call("GET", "/api/v1/config/versions/1", viewer.token);
    expect(version.body.document).toContain('sha256: "[REDACTED]"');
    expect(version.body.document).not.toContain(admin.sha256);
  });

  it("reloads the file on request, and refuses a bad one with an event and the old config in force", async () => {
    await writeFile(file, CONFIG.replace("maxTopics: 10", "maxTopics: 11"));
    expect((await call("POST", "/api/v1/config/reload", admin.token)).body).toMatchObject({ changed: true, version: { version: 2 } });
    expect(applied.at(-1)!.virtualClusters[0]!.limits?.maxTopics).toBe(11);
    await writeFile(file, CONFIG.replace("maxTopics: 10", "maxTopics: lots"));
    const res = await call("POST", "/api/v1/config/reload", admin.token);
    expect(res.status).toBe(422);
    expect(applied).toHaveLength(1);
    const rejected = await call("GET", "/api/v1/events?type=config_rejected", admin.token);
    expect(rejected.body.events).toEqual([expect.objectContaining({ type: "config_rejected", message: expect.stringContaining("virtualClusters[0].limits.maxTopics") })]);
    expect((await call("GET", "/api/v1/events", paymentsOperator.token)).body.events).toEqual([]);
  });

  it("answers 429 with Retry-After beyond control.maxInFlightPerToken requests in flight for one token, and only for it", async () => {
    // Every upstream request of the tenant client hangs until `answer` is called, then times out.
    let answer = () => {};
    const upstream = new Promise<never>((_resolve, reject) => (answer = () => reject(new AdminError("ERR_ADMIN_TIMEOUT", "no answer"))));
    upstream.catch(() => {});
    let started = 0;
    let ended = 0;
    runOperation = async () => {
      started++;
      return upstream.finally(() => ended++);
    };
    const limit = DEFAULT_MAX_IN_FLIGHT_PER_TOKEN; // the test config leaves the default
    const hanging = Array.from({ length: limit }, () => call("GET", "/api/v1/virtual-clusters/payments/groups", admin.token));
    await waitUntil(() => started === limit, { what: `${limit} group listings in flight`, timeoutMs: 5_000, intervalMs: 5 });

    const refused = await fetch(`http://127.0.0.1:${server.address.port}/api/v1/virtual-clusters/payments/groups`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toEqual({ error: { code: "too_many_requests", message: expect.stringContaining(`${limit} admin API requests in flight`) } });
    expect(started).toBe(limit);
    expect((await call("GET", "/api/v1/virtual-clusters", viewer.token)).status).toBe(200); // another token is not held back

    answer();
    expect((await Promise.all(hanging)).map((res) => res.body.error.code)).toEqual(Array(limit).fill("upstream_timeout"));
    expect(ended).toBe(limit);
    expect((await call("GET", "/api/v1/virtual-clusters", admin.token)).status).toBe(200); // the places are free again
  });

  it("serves an OpenAPI document generated from the route schemas", async () => {
    const res = await call("GET", "/api/openapi.json", undefined);
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(["/api/v1/virtual-clusters/{name}/limits", "/api/v1/config/rollback", "/api/v1/events"]));
    expect(res.body.paths["/api/v1/virtual-clusters/{name}/users"].post.requestBody.content["application/json"].schema.required).toEqual(["name", "password"]);
  });
});
