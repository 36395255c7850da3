// The upstream connector against a fake broker that answers ApiVersions: the only way out to a broker, for client
// connections (by target), the gateway's own round trips, and readiness.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FrameSplitter } from "../../../src/protocol/frame-splitter.js";
import { ApiKey } from "../../../src/protocol/messages/index.js";
import { UpstreamConnectError, UpstreamConnector } from "../../../src/upstream/connector.js";
import { apiVersionsResponseFrame } from "../../harness/frames.js";
import { freePort } from "../../harness/gateway.js";
import { waitUntil } from "../../harness/wait.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Answers ApiVersions with Metadata v0-12; counts connections. */
async function fakeBroker(): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    const splitter = new FrameSplitter();
    splitter.onFrame((frame) => {
      const body = Buffer.concat(frame.chunks);
      socket.write(apiVersionsResponseFrame(body.readInt16BE(2), body.readInt32BE(4)));
    });
    socket.on("data", (chunk) => splitter.push(chunk));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => server.close());
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
}

describe("UpstreamConnector", () => {
  it("asks a bootstrap server for its API versions once and reuses the answer; probe asks again", async () => {
    const broker = await fakeBroker();
    const connector = new UpstreamConnector({ name: "c", bootstrap: [{ host: "127.0.0.1", port: broker.port }] }, 1_000);
    expect(await connector.apiVersions()).toEqual([{ apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 12 }]);
    await connector.apiVersions();
    expect(broker.connections()).toBe(1);
    expect(await connector.probe()).toBe(true);
    expect(broker.connections()).toBe(2);
  });

  it("tries the bootstrap servers in turn, and does not remember a failure", async () => {
    const dead = await freePort();
    const broker = await fakeBroker();
    const connector = new UpstreamConnector({ name: "c", bootstrap: [{ host: "127.0.0.1", port: dead }, { host: "127.0.0.1", port: broker.port }] }, 1_000);
    expect(await connector.probe()).toBe(true);
    const allDead = new UpstreamConnector({ name: "dead", bootstrap: [{ host: "127.0.0.1", port: dead }] }, 1_000);
    await expect(allDead.apiVersions()).rejects.toBeInstanceOf(UpstreamConnectError);
    await expect(allDead.apiVersions()).rejects.toMatchObject({ code: "ERR_UPSTREAM_UNREACHABLE", reason: "connect" });
    expect(await allDead.probe()).toBe(false);
  });

  it("spreads bootstrap connections over the bootstrap servers in turn, and moves on past a dead one", async () => {
    const brokers = [await fakeBroker(), await fakeBroker(), await fakeBroker()];
    const connector = new UpstreamConnector({ name: "c", bootstrap: brokers.map((b) => ({ host: "127.0.0.1", port: b.port })) }, 1_000);
    const sockets = await Promise.all(Array.from({ length: 6 }, () => connector.connect({ kind: "bootstrap" })));
    // Each broker accepts its two (its accept may come a moment after the client's connect).
    await waitUntil(() => brokers.every((b) => b.connections() === 2), { what: `2 connections each, got ${brokers.map((b) => b.connections())}`, timeoutMs: 5_000, intervalMs: 10 });
    for (const socket of sockets) socket.destroy();

    const dead = await freePort();
    const withDead = new UpstreamConnector({ name: "d", bootstrap: [{ host: "127.0.0.1", port: dead }, { host: "127.0.0.1", port: brokers[0]!.port }] }, 1_000);
    const ports = [];
    for (let i = 0; i < 4; i++) {
      const socket = await withDead.connect({ kind: "bootstrap" });
      ports.push(socket.remotePort);
      socket.destroy();
    }
    expect(ports).toEqual([brokers[0]!.port, brokers[0]!.port, brokers[0]!.port, brokers[0]!.port]);
  });

  it("connects a session to the broker its port names, by the node id's learned address", async () => {
    const broker = await fakeBroker();
    const connector = new UpstreamConnector({ name: "c", bootstrap: [{ host: "127.0.0.1", port: await freePort() }] }, 1_000);
    connector.addressMap.learn(1, "127.0.0.1", broker.port);
    const socket = await connector.connect({ kind: "broker", nodeId: 1 });
    expect(socket.remotePort).toBe(broker.port);
    socket.destroy();
  });
});
