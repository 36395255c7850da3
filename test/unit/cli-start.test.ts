// `bulkhead start` as a process: readiness, graceful drain on SIGTERM, second signal, start-up failures.
// The upstream "Kafka" is a black hole (accepts, never answers) so a request stays in flight for the drain tests.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { FrameSplitter } from "../../src/protocol/frame-splitter.js";
import { ApiKey } from "../../src/protocol/messages/index.js";
import { apiVersionsResponseFrame } from "../harness/frames.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const HOST = "127.0.0.1";
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function listen(server: net.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, HOST, resolve));
  return (server.address() as net.AddressInfo).port;
}

/** `count` consecutive free ports, found by binding them all. */
async function freePortRange(count: number): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const servers = Array.from({ length: count }, () => net.createServer());
    const bound = await Promise.allSettled(servers.map((server, i) => listen(server, base + i)));
    servers.forEach((server) => server.listening && server.close());
    if (bound.every((result) => result.status === "fulfilled")) return base;
  }
}

const CLIENT_ID = "cli-test";

/** Accepts connections and never answers; `forwarded` resolves once a request from our test client arrives. */
/**
 * A "broker" that answers ApiVersions (what the readiness probe asks) when `answersApiVersions`, and nothing else:
 * requests forwarded to it stay in flight for ever.
 */
async function blackHoleKafka(answersApiVersions = true): Promise<{ port: number; forwarded: Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let onForwarded: () => void;
  const forwarded = new Promise<void>((resolve) => (onForwarded = resolve));
  const server = net.createServer((socket) => {
    sockets.add(socket.on("error", () => {}));
    const splitter = new FrameSplitter();
    splitter.onFrame((frame) => {
      const body = Buffer.concat(frame.chunks);
      if (body.includes(CLIENT_ID)) onForwarded();
      if (answersApiVersions && body.readInt16BE(0) === ApiKey.ApiVersions) socket.write(apiVersionsResponseFrame(body.readInt16BE(2), body.readInt32BE(4)));
    });
    socket.on("data", (chunk: Buffer) => splitter.push(chunk));
  });
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return { port: await listen(server), forwarded };
}

interface Running {
  child: ChildProcess;
  logs: { msg?: string; level?: number }[];
  bootstrapPort: number;
  controlPort: number;
  waitForLog(msg: string): Promise<void>;
  exit: Promise<{ code: number | null; ms: number }>;
}

async function startCli(options: { upstreamPort: number; drainTimeoutMs: number; controlPort?: number }): Promise<Running> {
  const base = await freePortRange(5);
  const controlPort = options.controlPort ?? base + 4;
  const config = {
    clusters: [{ name: "local", bootstrap: [`${HOST}:${options.upstreamPort}`] }],
    virtualClusters: [
      { name: "demo", cluster: "local", listeners: [{ name: "plain", bind: HOST, bootstrapPort: base, brokerPorts: `${base + 1}-${base + 3}`, advertisedHost: HOST }] },
    ],
    control: { listen: `${HOST}:${controlPort}` },
    shutdown: { drainTimeoutMs: options.drainTimeoutMs },
  };
  const file = join(await mkdtemp(join(tmpdir(), "bulkhead-start-")), "gw.yaml");
  await writeFile(file, stringify(config));

  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start", file], {
    cwd: ROOT,
    env: { ...process.env, BULKHEAD_LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  cleanups.push(() => child.kill("SIGKILL"));
  const started = Date.now();
  let signalledAt = started;
  const logs: Running["logs"] = [];
  const waiters: { msg: string; resolve: () => void }[] = [];
  let pending = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const lines = (pending + chunk.toString("utf8")).split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      const entry = JSON.parse(line) as { msg?: string };
      logs.push(entry);
      for (const waiter of waiters.filter((w) => w.msg === entry.msg)) waiter.resolve();
    }
  });
  const originalKill = child.kill.bind(child);
  child.kill = (signal) => ((signalledAt = Date.now()), originalKill(signal));
  // "close", not "exit": by then every log line the child wrote has been read.
  const exit = once(child, "close").then(([code]) => ({ code: code as number | null, ms: Date.now() - signalledAt }));
  const waitForLog = (msg: string) =>
    logs.some((entry) => entry.msg === msg) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ msg, resolve }));
  const run = { child, logs, bootstrapPort: base, controlPort, waitForLog, exit };
  if (options.controlPort !== undefined) return run; // the caller expects start-up to fail
  await Promise.race([waitForLog("bulkhead started"), exit.then(() => Promise.reject(new Error(`exited early: ${JSON.stringify(logs)}`)))]);
  return run;
}

/** A Metadata v1 request (all topics), which the gateway forwards to the upstream bootstrap broker. */
function metadataRequest(): Buffer {
  const clientId = Buffer.from(CLIENT_ID);
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
  let offset = body.writeInt16BE(3, 0); // api key: Metadata
  offset = body.writeInt16BE(1, offset); // version 1
  offset = body.writeInt32BE(7, offset); // correlation id
  offset = body.writeInt16BE(clientId.length, offset);
  offset += clientId.copy(body, offset);
  body.writeInt32BE(-1, offset); // topics: null = all
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** Leaves one request in flight: sent through the gateway and swallowed by the black hole. */
async function sendInFlightRequest(port: number, upstream: { forwarded: Promise<void> }): Promise<void> {
  const socket = net.connect(port, HOST);
  socket.on("error", () => {});
  cleanups.push(() => socket.destroy());
  await once(socket, "connect");
  socket.write(metadataRequest());
  await upstream.forwarded;
}

const control = (run: Running, path: string) => fetch(`http://${HOST}:${run.controlPort}${path}`);

describe("bulkhead start", { timeout: 60_000 }, () => {
  it("serves the control plane and stops cleanly on SIGTERM", async () => {
    const run = await startCli({ upstreamPort: (await blackHoleKafka()).port, drainTimeoutMs: 30_000 });
    expect((await control(run, "/healthz")).status).toBe(200);
    expect((await control(run, "/readyz")).status).toBe(200);
    expect(await (await control(run, "/metrics")).text()).toContain("bulkhead_connections_total");
    run.child.kill("SIGTERM");
    const { code, ms } = await run.exit;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000); // far below drainTimeoutMs
    expect(run.logs.map((entry) => entry.msg)).toEqual(expect.arrayContaining(["stopping: no new connections, draining in-flight requests", "bulkhead stopped"]));
  });

  it("drains in-flight requests for at most drainTimeoutMs", async () => {
    const upstream = await blackHoleKafka();
    const run = await startCli({ upstreamPort: upstream.port, drainTimeoutMs: 3_000 });
    await sendInFlightRequest(run.bootstrapPort, upstream);
    run.child.kill("SIGTERM");
    await run.waitForLog("stopping: no new connections, draining in-flight requests");
    expect((await control(run, "/healthz")).status).toBe(200); // still observable while draining
    const { code, ms } = await run.exit;
    expect(code).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(2_900);
    expect(run.logs.at(-1)?.msg).toBe("bulkhead stopped");
  });

  it("exits at once on a second signal", async () => {
    const upstream = await blackHoleKafka();
    const run = await startCli({ upstreamPort: upstream.port, drainTimeoutMs: 60_000 });
    await sendInFlightRequest(run.bootstrapPort, upstream);
    run.child.kill("SIGINT");
    await run.waitForLog("stopping: no new connections, draining in-flight requests");
    run.child.kill("SIGINT");
    const { code, ms } = await run.exit;
    expect(code).toBe(130);
    expect(ms).toBeLessThan(10_000); // far below drainTimeoutMs
    expect(run.logs.map((entry) => entry.msg)).toContain("second signal, exiting without draining");
  });

  it("reports not ready when the physical cluster is unreachable", async () => {
    const closed = net.createServer();
    const port = await listen(closed);
    closed.close();
    const run = await startCli({ upstreamPort: port, drainTimeoutMs: 1_000 });
    const res = await control(run, "/readyz");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "not ready" });
    run.child.kill("SIGTERM");
    expect((await run.exit).code).toBe(0);
  });

  it("reports not ready when the cluster's port accepts connections but no Kafka answers there", async () => {
    const run = await startCli({ upstreamPort: (await blackHoleKafka(false)).port, drainTimeoutMs: 1_000 });
    expect((await control(run, "/readyz")).status).toBe(503);
    run.child.kill("SIGTERM");
    expect((await run.exit).code).toBe(0);
  });

  it("logs and exits 1 when it cannot start", async () => {
    const blocker = net.createServer();
    const controlPort = await listen(blocker);
    cleanups.push(() => blocker.close());
    const run = await startCli({ upstreamPort: (await blackHoleKafka()).port, drainTimeoutMs: 1_000, controlPort });
    const { code } = await run.exit;
    expect(code).toBe(1);
    const fatal = run.logs.find((entry) => entry.level === 60) as { msg?: string; err?: { message?: string } } | undefined;
    expect(fatal?.msg).toBe("bulkhead failed");
    expect(fatal?.err?.message).toMatch(/EADDRINUSE/);
  });
});
