// A client connection under the gateway's budgets, against a fake broker (a local TCP server answering each request
// with its correlation id): a frame not whole in one read reserves its declared size, a connection that can't
// reserve is not read until it can, whole frames never wait, and closing gives everything back.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { logger } from "../../../src/log.js";
import { ObserverSet } from "../../../src/observe/observer.js";
import { FrameSplitter } from "../../../src/protocol/frame-splitter.js";
import { encodeRequestHeader } from "../../../src/protocol/headers.js";
import { Writer } from "../../../src/protocol/writer.js";
import { GatewayBudgets } from "../../../src/proxy/gateway-budgets.js";
import { Listener } from "../../../src/proxy/listener.js";
import { freePort } from "../../harness/gateway.js";
import { waitUntil } from "../../harness/wait.js";
import { connectionContext } from "./connection-fixture.js";

const KiB = 1024;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Answers each request with its correlation id; `received` lists them. */
async function fakeBroker(): Promise<{ port: number; received: number[] }> {
  const received: number[] = [];
  const server = net.createServer((socket) => {
    const splitter = new FrameSplitter(1 << 30);
    splitter.onFrame((frame) => {
      const correlationId = Buffer.concat(frame.chunks).readInt32BE(4);
      received.push(correlationId);
      const response = Buffer.alloc(8);
      response.writeInt32BE(4, 0);
      response.writeInt32BE(correlationId, 4);
      socket.write(response);
    });
    socket.on("data", (chunk) => splitter.push(chunk));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as net.AddressInfo).port, received };
}

/** A request frame (ApiVersions v0 header, `bodyBytes` of padding) with its size prefix. */
function request(correlationId: number, bodyBytes = 0): Buffer {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey: 18, apiVersion: 0, correlationId, clientId: "t" });
  const header = Buffer.concat(writer.toChunks());
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(header.length + bodyBytes, 0);
  return Buffer.concat([prefix, header, Buffer.alloc(bodyBytes)]);
}

async function setup(requestBytes: number) {
  const broker = await fakeBroker();
  const budgets = new GatewayBudgets(
    { maxConnections: 100, requestBytes, requestBytesPerVirtualCluster: requestBytes, unfinishedRequestTimeoutMs: 60_000, firstRequestTimeoutMs: 60_000, idleTimeoutMs: 60_000 },
    1,
    new ObserverSet([]),
    logger.child({ test: "connection-budgets" }),
  );
  cleanups.push(() => budgets.close());
  const listener = new Listener({ ...connectionContext(await freePort(), broker.port, { maxFrameBytes: 1 << 20 }), budgets });
  await listener.start();
  cleanups.push(() => listener.stopAccepting());
  cleanups.push(() => listener.closeAll("test"));
  const connect = async () => {
    const socket = net.connect(listener.endpoint.bootstrap.port, "127.0.0.1");
    socket.on("error", () => undefined);
    await new Promise((resolve) => socket.once("connect", resolve));
    cleanups.push(() => socket.destroy());
    return socket;
  };
  const sideOf = (socket: net.Socket) => [...listener.connections].find((c) => c.session.remotePort === socket.localPort);
  return { broker, budgets, connect, sideOf };
}

describe("a client connection under the request-bytes budget", () => {
  it("waits, unread, while another connection's unfinished frame holds the budget; whole frames go on meanwhile", async () => {
    const { broker, budgets, connect, sideOf } = await setup(200 * KiB);
    const big = request(1, 150 * KiB);
    const first = await connect();
    first.write(big.subarray(0, 20 * KiB)); // unfinished: 150 KiB reserved
    await waitUntil(() => budgets.requestBytes.usedBytes > 150 * KiB, { what: "the first frame's reservation", intervalMs: 5 });

    const second = await connect();
    const secondFrame = request(2, 100 * KiB);
    second.write(secondFrame.subarray(0, 10 * KiB)); // 100 KiB more would pass 200: waits
    second.write(secondFrame.subarray(10 * KiB, 70 * KiB));
    await waitUntil(() => (sideOf(second)?.session.counters.bytesFromClient ?? 0) > 0, { what: "the second's first bytes", intervalMs: 5 });
    const third = await connect();
    third.write(request(3)); // whole in one read: never waits
    await waitUntil(() => broker.received.includes(3), { what: "the whole small request to be forwarded", intervalMs: 5 });
    const readWhileWaiting = sideOf(second)!.session.counters.bytesFromClient;
    expect(readWhileWaiting).toBeLessThan(70 * KiB);

    first.write(big.subarray(20 * KiB)); // the first frame is whole: its bytes go back and the second is read on
    second.write(secondFrame.subarray(70 * KiB));
    await waitUntil(() => broker.received.includes(1) && broker.received.includes(2), { what: () => `both frames forwarded (${broker.received})`, intervalMs: 5 });
    await waitUntil(() => budgets.requestBytes.usedBytes === 0, { what: "every reservation given back", intervalMs: 5 });
  });

  it("gives back what a closed connection held or waited for, even when it is granted and closed in one go", async () => {
    const { budgets, connect, sideOf } = await setup(100 * KiB);
    const holder = await connect();
    holder.write(request(1, 90 * KiB).subarray(0, 1 * KiB));
    await waitUntil(() => budgets.requestBytes.usedBytes > 0, { what: "the holder's reservation", intervalMs: 5 });
    const waiter = await connect();
    waiter.write(request(2, 50 * KiB).subarray(0, 8 * KiB));
    await waitUntil(() => budgets.requestBytes.usage().gateway > 0 && sideOf(waiter) !== undefined && (sideOf(waiter)!.session.counters.bytesFromClient > 0), { what: "the waiter's first bytes", intervalMs: 5 });
    waiter.write(Buffer.alloc(16 * KiB)); // buffered in its socket while it waits
    const waiterSide = sideOf(waiter)!;
    // The gateway's socket (private: only this test looks) holds those bytes, read but not handed over.
    const gatewaySocket = (waiterSide as unknown as { client: net.Socket }).client;
    await waitUntil(() => gatewaySocket.readableLength > 0, { what: "the waiter's bytes buffered by the gateway", intervalMs: 5 });
    // The holder closes: the waiter is granted (and resumed), then closed at once, before it reads again.
    const closed = [holder, waiter].map((socket) => new Promise((resolve) => socket.once("close", resolve)));
    sideOf(holder)!.close("test");
    waiterSide.close("test");
    // By the time the clients see their connections closed, a stray buffered 'data' event would have come.
    await Promise.all(closed);
    expect(budgets.requestBytes.usedBytes).toBe(0);
  });
});
