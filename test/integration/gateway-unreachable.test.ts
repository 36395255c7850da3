/**
 * One virtual cluster whose physical cluster is down, one that is up, in the same gateway: clients of
 * the dead one are closed promptly (and counted), clients of the live one don't notice.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { metrics } from "../../src/observe/metrics.js";
import { startGateway, type Gateway } from "../../src/gateway.js";
import { kafkajsClient, uniqueName } from "../harness/clients.js";
import { waitUntil } from "../harness/wait.js";
import { freePort, parseHostPorts, testGatewayConfig, testVirtualCluster } from "../harness/gateway.js";

/** Connects, sends one byte, and resolves with how long the gateway took to close the connection. */
function timeUntilClosed(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, "127.0.0.1", () => socket.write(Buffer.from([0])));
    socket.on("error", () => undefined); // a reset counts as closed too
    socket.on("close", () => resolve(Date.now() - started));
    setTimeout(() => reject(new Error(`connection to ${port} still open after 5 s`)), 5_000).unref();
  });
}

async function upstreamErrorCount(cluster: string): Promise<number> {
  const metric = await metrics.upstreamErrors.get();
  return metric.values.filter((v) => v.labels.cluster === cluster).reduce((n, v) => n + v.value, 0);
}

describe("upstream unreachable", () => {
  const upstream = inject("kafka");
  let gateway: Gateway;

  beforeAll(async () => {
    const dead = await testVirtualCluster("dead-vc", "dead", 3, 0);
    const live = await testVirtualCluster("live-vc", "live", 8, Math.min(...upstream.brokers.map((b) => b.nodeId)));
    const config = testGatewayConfig(
      [
        { name: "dead", bootstrap: [{ host: "127.0.0.1", port: await freePort() }] },
        { name: "live", bootstrap: parseHostPorts(upstream.bootstrap) },
      ],
      [dead, live],
    );
    gateway = await startGateway(config, { connectTimeoutMs: 1_000 });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it("closes clients of the dead cluster promptly, on the bootstrap and on broker ports, and counts it", async () => {
    const before = await upstreamErrorCount("dead");
    const listener = gateway.endpoints.find((e) => e.virtualCluster === "dead-vc")!;
    const bootstrapPort = parseHostPorts(listener.bootstrap)[0]!.port;
    expect(await timeUntilClosed(bootstrapPort)).toBeLessThan(1_500);
    // A broker port: the node's address is unknown and the Metadata fetch for it fails too.
    expect(await timeUntilClosed(bootstrapPort + 1)).toBeLessThan(2_500);
    expect(await upstreamErrorCount("dead")).toBeGreaterThanOrEqual(before + 2);
  });

  it("stays ready while one cluster is up; a gateway whose only cluster is down is not ready", async () => {
    expect(await gateway.isReady()).toBe(true);
    const onlyDead = await startGateway(
      testGatewayConfig(
        [{ name: "dead", bootstrap: [{ host: "127.0.0.1", port: await freePort() }] }],
        [await testVirtualCluster("dead-only", "dead", 1, 0)],
      ),
    );
    try {
      expect(await onlyDead.isReady()).toBe(false);
    } finally {
      await onlyDead.close();
    }
  });

  it("keeps serving the live virtual cluster meanwhile", async () => {
    const live = gateway.endpoints.find((e) => e.virtualCluster === "live-vc")!;
    const deadBootstrap = parseHostPorts(gateway.endpoints.find((e) => e.virtualCluster === "dead-vc")!.bootstrap)[0]!;
    const hammering = Array.from({ length: 5 }, () => timeUntilClosed(deadBootstrap.port));
    const admin = kafkajsClient(live.bootstrap, uniqueName("live")).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      expect(cluster.brokers).toHaveLength(upstream.brokers.length);
    } finally {
      await admin.disconnect();
    }
    await Promise.all(hammering);
    await waitUntil(() => gateway.connectionCount() === 0, { what: "all connections closed", timeoutMs: 5_000 });
  });
});
