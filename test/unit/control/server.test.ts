import { createServer } from "node:net";
import { Registry, Counter } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { startControlServer, type ControlServer } from "../../../src/control/server.js";

const LOCALHOST = "127.0.0.1";
let servers: ControlServer[] = [];

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function start(isReady: () => Promise<boolean> = async () => true, registry?: Registry) {
  const server = await startControlServer({ listen: { host: LOCALHOST, port: 0 }, isReady, registry, readyTimeoutMs: 200 });
  servers.push(server);
  return (path: string, init?: RequestInit) => fetch(`http://${LOCALHOST}:${server.address.port}${path}`, init);
}

describe("control server", () => {
  it("answers /healthz while the process is alive", async () => {
    const get = await start(async () => false);
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it.each([
    ["ready", async () => true, 200, "ready"],
    ["not ready", async () => false, 503, "not ready"],
    ["a failing check", async () => Promise.reject(new Error("boom")), 503, "not ready"],
    ["a check slower than the timeout", () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 1000)), 503, "not ready"],
  ])("answers /readyz for %s", async (_title, isReady, status, body) => {
    const get = await start(isReady);
    const res = await get("/readyz");
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ status: body });
  });

  it("serves the registry's metrics in Prometheus text format", async () => {
    const registry = new Registry();
    new Counter({ name: "test_things_total", help: "things", registers: [registry] }).inc(3);
    const get = await start(undefined, registry);
    const res = await get("/metrics?x=1");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toMatch(/^test_things_total 3$/m);
  });

  it("serves the gateway's own metrics by default", async () => {
    const get = await start();
    expect(await (await get("/metrics")).text()).toContain("# TYPE bulkhead_requests_total counter");
  });

  it("answers 404 to any other path and 405 to other methods", async () => {
    const get = await start();
    for (const path of ["/", "/admin", "/metricsx", "/healthz/x", "/__proto__", "/toString"]) {
      expect((await get(path)).status, path).toBe(404);
    }
    const post = await get("/metrics", { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("frees its port on close, even with a keep-alive connection open", async () => {
    const server = await startControlServer({ listen: { host: LOCALHOST, port: 0 }, isReady: async () => true });
    const res = await fetch(`http://${LOCALHOST}:${server.address.port}/healthz`, { keepalive: true });
    await res.text();
    await server.close();
    await expect(fetch(`http://${LOCALHOST}:${server.address.port}/healthz`)).rejects.toThrow();
  });

  it("rejects when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, LOCALHOST, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startControlServer({ listen: { host: LOCALHOST, port }, isReady: async () => true })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });
});
