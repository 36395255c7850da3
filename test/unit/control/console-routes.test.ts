// The routes the console added (whoami, connections, bandwidth) over HTTP, with a real config service and the data
// plane's session table replaced by a fixed list.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { YamlFileStore } from "../../../src/config/yaml-file-store.js";
import { AuditLog } from "../../../src/control/audit-log.js";
import { createToken } from "../../../src/control/auth.js";
import { ConfigService } from "../../../src/control/config-service.js";
import { EventLog } from "../../../src/control/event-log.js";
import { ConfigHistory } from "../../../src/control/history.js";
import { startControlServer, type ControlServer } from "../../../src/control/server.js";
import type { Session } from "../../../src/session/session.js";
import { controlApiCaller } from "../../harness/control-api.js";

const ops = createToken();
const team = createToken();

const CONFIG = `clusters:
  - { name: local, bootstrap: ["127.0.0.1:9092"] }
virtualClusters:
  - name: payments
    cluster: local
    listeners: [{ name: plain, bind: 127.0.0.1, bootstrapPort: 19092, brokerPorts: "19093-19095", advertisedHost: localhost }]
    limits:
      tenantByteRate: { produce: 10MiB/s }
  - name: analytics
    cluster: local
    listeners: [{ name: plain, bind: 127.0.0.1, bootstrapPort: 29092, brokerPorts: "29093-29095", advertisedHost: localhost }]
control:
  listen: 127.0.0.1:19190
  tokens:
    - { name: ops, sha256: "${ops.sha256}", role: admin }
    - { name: payments-team, sha256: "${team.sha256}", role: viewer, virtualCluster: payments }
`;

/** What the connections route reads of a session. */
function session(virtualCluster: string, id: number, clientId: string): Session {
  return {
    id,
    openedAt: Date.parse("2026-01-01T00:00:00Z"),
    clientId,
    principal: { type: "User", name: "alice" },
    remote: `10.0.0.${id}:5000${id}`,
    virtualCluster: { name: virtualCluster, physicalCluster: "local" },
    endpoint: { listener: { name: "plain" } },
    target: { kind: "broker", nodeId: 2 },
    counters: { requests: 7, refused: 0, bytesFromClient: 100, bytesToClient: 2048 },
  } as unknown as Session;
}

let server: ControlServer;
let events: EventLog;
const call = controlApiCaller(() => server.address);

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "bulkhead-console-routes-"));
  const file = join(dir, "gateway.yaml");
  await writeFile(file, CONFIG);
  const store = new YamlFileStore(file);
  const log = pino({ level: "silent" });
  events = new EventLog(join(dir, "events"), 100, () => [], log);
  const configs = new ConfigService(store, await store.read(), async () => undefined, new ConfigHistory(dir, 5), new AuditLog(join(dir, "audit.jsonl")), events, log);
  const sessions = () => [session("payments", 1, "billing"), session("analytics", 2, "reports")];
  server = await startControlServer({ listen: { host: "127.0.0.1", port: 0 }, isReady: async () => true, api: { configs, events, sessions } });
});

afterAll(async () => {
  await server.close();
  await events.close();
});

describe("console routes", () => {
  it("whoami names the token, its role and its scope", async () => {
    expect(await call("GET", "/api/v1/whoami", ops.token)).toMatchObject({ status: 200, body: { name: "ops", role: "admin", virtualCluster: null } });
    expect(await call("GET", "/api/v1/whoami", team.token)).toMatchObject({ status: 200, body: { name: "payments-team", role: "viewer", virtualCluster: "payments" } });
    expect((await call("GET", "/api/v1/whoami", undefined)).status).toBe(401);
  });

  it("connections: a virtual cluster's own sessions only, and none of another's for a scoped token", async () => {
    const answer = await call("GET", "/api/v1/virtual-clusters/payments/connections", team.token);
    expect(answer).toMatchObject({ status: 200 });
    expect(answer.body.connections).toEqual([
      {
        id: 1,
        openedAt: "2026-01-01T00:00:00.000Z",
        clientId: "billing",
        principal: "User:alice",
        address: "10.0.0.1:50001",
        listener: "plain",
        target: "broker 2",
        requests: 7,
        bytesFromClient: 100,
        bytesToClient: 2048,
      },
    ]);
    expect(await call("GET", "/api/v1/virtual-clusters/analytics/connections", team.token)).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(await call("GET", "/api/v1/virtual-clusters/nowhere/connections", ops.token)).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
  });

  it("bandwidth: the tenant's limits from the config in force, scoped like the rest", async () => {
    const answer = await call("GET", "/api/v1/virtual-clusters/payments/bandwidth", team.token);
    expect(answer).toMatchObject({ status: 200, body: { tenant: { limit: { produce: 10 * 1024 * 1024, fetch: null }, throttleSecondsTotal: { produce: 0, fetch: 0 } }, topics: [] } });
    expect((await call("GET", "/api/v1/virtual-clusters/analytics/bandwidth", team.token)).status).toBe(404);
  });
});
