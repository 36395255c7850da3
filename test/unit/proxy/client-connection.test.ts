// The connection pipeline against a fake broker (a local TCP server that answers each request frame
// with a frame echoing its correlation id): ordering, acks=0, drain, unreachable upstream, oversize.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RequestFilter, RequestVerdict } from "../../../src/filters/request-filter.js";
import type { ResponseFilter } from "../../../src/filters/response-filter.js";
import { FrameSplitter, type Frame } from "../../../src/protocol/frame-splitter.js";
import { TenancyRequestFilter } from "../../../src/filters/tenancy-request.js";
import { decodeRequestHeader, encodeRequestHeader } from "../../../src/protocol/headers.js";
import { API_BY_KEY, APIS, ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import { BrokerAddressMap } from "../../../src/proxy/broker-address-map.js";
import type { ListenerContext } from "../../../src/proxy/client-connection.js";
import { ListenerEndpoint } from "../../../src/proxy/endpoint.js";
import { Listener } from "../../../src/proxy/listener.js";
import { ListenerMeters } from "../../../src/proxy/meters.js";
import { logger } from "../../../src/log.js";
import { freePort } from "../../harness/gateway.js";
import { LogThrottle } from "../../../src/proxy/log-throttle.js";
import { tenant } from "../tenancy/tenant-fixture.js";

const passthrough: ResponseFilter = { wantsResponse: () => false, onResponse: () => undefined };

interface FakeBroker {
  port: number;
  /** Correlation ids of the requests received, in order. */
  received: number[];
  /** The request bodies received, in order. */
  bodies: Buffer[];
  close(): Promise<void>;
}

/**
 * Answers every request except acks=0-style ones (api key 0 with correlation id < 0) after `delayMs`,
 * with the correlation id, an int32 and `padding` zero bytes.
 */
async function startFakeBroker(delayMs = 0, padding = 0): Promise<FakeBroker> {
  const received: number[] = [];
  const bodies: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const splitter = new FrameSplitter();
    splitter.onFrame((frame) => {
      const body = Buffer.concat(frame.chunks);
      const correlationId = body.readInt32BE(4);
      received.push(correlationId);
      bodies.push(body);
      if (body.readInt16BE(0) === 0 && correlationId < 0) return; // our acks=0 stand-in: no response
      const response = Buffer.alloc(12 + padding);
      response.writeInt32BE(8 + padding, 0);
      response.writeInt32BE(correlationId, 4);
      response.writeInt32BE(correlationId * 2, 8);
      setTimeout(() => socket.writable && socket.write(response), delayMs);
    });
    socket.on("data", (chunk) => splitter.push(chunk));
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    bodies,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function request(apiKey: number, apiVersion: number, correlationId: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion, correlationId, clientId: "test" });
  const header = Buffer.concat(writer.toChunks());
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(header.length + body.length, 0);
  return Buffer.concat([prefix, header, body]);
}

/** A Produce v3..v8 body up to acks: transactional_id (null) then acks. */
function produceBody(acks: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeInt16BE(-1, 0);
  body.writeInt16BE(acks, 2);
  return body;
}

async function startListener(upstreamPort: number, maxFrameBytes = 1024, requestFilter?: RequestFilter): Promise<Listener> {
  const port = await freePort();
  const endpoint = new ListenerEndpoint("vc", {
    name: "plain",
    bind: "127.0.0.1",
    bootstrapPort: port,
    brokerPorts: { first: port + 1, last: port }, // no broker ports: bootstrap only
    nodeIdBase: 0,
    advertisedHost: "127.0.0.1",
  });
  const bootstrap = [{ host: "127.0.0.1", port: upstreamPort }];
  const ctx: ListenerContext = {
    physicalCluster: "fake",
    bootstrap,
    addressMap: new BrokerAddressMap(async () => []),
    responseFilter: passthrough,
    requestFilter,
    maxFrameBytes,
    connectTimeoutMs: 1_000,
    meters: new ListenerMeters("vc", "plain", "fake"),
    log: logger.child({ test: "client-connection" }),
    unreachableLog: new LogThrottle(),
  };
  const listener = new Listener(endpoint, ctx);
  await listener.start();
  return listener;
}

interface TestClient {
  socket: net.Socket;
  responses: Frame[];
  closed: Promise<number>;
}

function connect(listener: Listener): Promise<TestClient> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(listener.endpoint.bootstrap.port, "127.0.0.1", () =>
      resolve({ socket, responses, closed }),
    );
    const responses: Frame[] = [];
    const splitter = new FrameSplitter();
    splitter.onFrame((f) => responses.push(f));
    socket.on("data", (chunk) => splitter.push(chunk));
    socket.on("error", () => undefined);
    const closed = new Promise<number>((done) => socket.on("close", () => done(Date.now() - started)));
  });
}

async function until(condition: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("client connection", () => {
  it("forwards pipelined requests split across writes and returns responses in order", async () => {
    const broker = await startFakeBroker();
    cleanups.push(() => broker.close());
    const listener = await startListener(broker.port);
    cleanups.push(() => listener.closeAll("test"));
    cleanups.push(() => listener.stopAccepting());
    const client = await connect(listener);
    const stream = Buffer.concat([1, 2, 3, 4, 5].map((id) => request(3, 12, id)));
    for (let at = 0; at < stream.length; at += 7) client.socket.write(stream.subarray(at, at + 7));
    await until(() => client.responses.length === 5, "5 responses");
    expect(client.responses.map((f) => Buffer.concat(f.chunks).readInt32BE(0))).toEqual([1, 2, 3, 4, 5]);
    expect(broker.received).toEqual([1, 2, 3, 4, 5]);
  });

  it("expects no response to an acks=0 Produce, so later responses still pair up", async () => {
    const broker = await startFakeBroker();
    cleanups.push(() => broker.close());
    const listener = await startListener(broker.port);
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    const client = await connect(listener);
    client.socket.write(request(0, 7, -1, produceBody(0)));
    client.socket.write(request(0, 7, 2, produceBody(1)));
    await until(() => client.responses.length === 1, "1 response");
    const [connection] = listener.connections;
    expect(connection!.inFlightCount).toBe(0);
    expect(Buffer.concat(client.responses[0]!.chunks).readInt32BE(0)).toBe(2);
  });

  it("drains: stops reading, delivers in-flight responses, then closes", async () => {
    const broker = await startFakeBroker(200);
    cleanups.push(() => broker.close());
    const listener = await startListener(broker.port);
    cleanups.push(() => listener.stopAccepting());
    const client = await connect(listener);
    client.socket.write(request(3, 12, 7));
    await until(() => broker.received.length === 1, "request at the broker");
    listener.stopAccepting();
    await listener.drain();
    await client.closed;
    expect(client.responses.map((f) => Buffer.concat(f.chunks).readInt32BE(0))).toEqual([7]);
  });

  it("closes the client promptly when the upstream is unreachable", async () => {
    const deadPort = await freePort();
    const listener = await startListener(deadPort);
    cleanups.push(() => listener.stopAccepting());
    const client = await connect(listener);
    expect(await client.closed).toBeLessThan(1_000);
    expect(listener.connections.size).toBe(0);
  });

  it("lets a response through that is larger than the client request limit", async () => {
    const broker = await startFakeBroker(0, 5_000);
    cleanups.push(() => broker.close());
    const listener = await startListener(broker.port, 64);
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    const client = await connect(listener);
    client.socket.write(request(1, 4, 3));
    await until(() => client.responses.length === 1, "the big response");
    expect(client.responses[0]!.size).toBe(8 + 5_000);
  });

  it("survives garbage from clients: each such connection closes, the listener lives on", async () => {
    const broker = await startFakeBroker();
    cleanups.push(() => broker.close());
    const listener = await startListener(broker.port, 256);
    cleanups.push(() => listener.stopAccepting());
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    for (let round = 0; round < 20; round++) {
      const client = await connect(listener);
      // A plausible small size prefix, then junk: short "requests", bad headers, truncated frames.
      const junk = Buffer.from(Array.from({ length: 64 }, random));
      junk.writeInt32BE(round % 10, 0);
      client.socket.end(junk);
      await client.closed;
    }
    const healthy = await connect(listener);
    healthy.socket.write(request(3, 12, 42));
    await until(() => healthy.responses.length === 1, "a response after the junk");
    healthy.socket.destroy();
  });

  it("streams a passthrough response: its first half reaches the client before the broker sends the rest", async () => {
    const half = 50_000;
    let sendRest: (() => void) | undefined;
    const slowBroker = net.createServer((socket) => {
      socket.once("data", (requestBytes) => {
        const response = Buffer.alloc(4 + 4 + 2 * half, 7);
        response.writeInt32BE(4 + 2 * half, 0);
        response.writeInt32BE(requestBytes.readInt32BE(8), 4); // echo the correlation id
        socket.write(response.subarray(0, 8 + half));
        sendRest = () => socket.end(response.subarray(8 + half));
      });
    });
    await new Promise<void>((resolve) => slowBroker.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => slowBroker.close(() => resolve())));
    const listener = await startListener((slowBroker.address() as net.AddressInfo).port);
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    const client = await connect(listener);
    let received = 0;
    client.socket.on("data", (chunk: Buffer) => (received += chunk.length));
    client.socket.write(request(1, 4, 5));
    await until(() => received >= 8 + half, "the first half at the client");
    expect(client.responses).toEqual([]); // not whole yet: the gateway did not wait for it
    sendRest!();
    await until(() => client.responses.length === 1, "the whole response");
    expect(client.responses[0]!.size).toBe(4 + 2 * half);
  });

  it("closes a connection that sends a frame over the maximum size", async () => {
    const broker = await startFakeBroker();
    cleanups.push(() => broker.close());
    const listener = await startListener(broker.port, 64);
    cleanups.push(() => listener.stopAccepting());
    const client = await connect(listener);
    client.socket.write(request(3, 12, 1, Buffer.alloc(100)));
    await client.closed;
    expect(broker.received).toEqual([]);
  });
});

/** The response a test filter makes itself: correlation id + a marker int32. */
function localResponse(correlationId: number): Buffer[] {
  const body = Buffer.alloc(8);
  body.writeInt32BE(correlationId, 0);
  body.writeInt32BE(-7, 4);
  return [body];
}

const correlationIds = (client: TestClient) => client.responses.map((f) => Buffer.concat(f.chunks).readInt32BE(0));

describe("request filter", () => {
  // api key 3: forwarded with its last byte replaced; 17: answered by the gateway; 99: refused.
  const filter: RequestFilter = {
    wantsRequest: (apiKey) => apiKey === 3 || apiKey === 17 || apiKey === 99,
    onRequest: (key, frame) => {
      if (key.apiKey === 17) return { respond: localResponse(key.correlationId) };
      if (key.apiKey === 99) return { close: "api 99 is not allowed" };
      const body = Buffer.concat(frame.chunks);
      body[body.length - 1] = 0xee;
      return { forward: [body] };
    },
  };

  it("forwards the filter's rewritten request instead of the original", async () => {
    const broker = await startFakeBroker();
    cleanups.push(() => broker.close());
    const listener = await startListener(broker.port, 1024, filter);
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    const client = await connect(listener);
    client.socket.write(request(3, 12, 1, Buffer.from([1, 2, 3])));
    await until(() => client.responses.length === 1, "the response");
    expect([...broker.bodies[0]!.subarray(-3)]).toEqual([1, 2, 0xee]);
  });

  it("answers locally in request order, behind responses still coming from the broker", async () => {
    const broker = await startFakeBroker(150);
    cleanups.push(() => broker.close());
    const listener = await startListener(broker.port, 1024, filter);
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    const client = await connect(listener);
    client.socket.write(Buffer.concat([request(18, 3, 1), request(17, 0, 2), request(18, 3, 3), request(17, 0, 4)]));
    await until(() => client.responses.length === 4, "4 responses");
    expect(correlationIds(client)).toEqual([1, 2, 3, 4]);
    expect(broker.received).toEqual([1, 3]); // the gateway's own answers never reached the broker
    // With nothing in flight, a local answer goes out at once.
    client.socket.write(request(17, 0, 5));
    await until(() => client.responses.length === 5, "the immediate local response");
  });

  it("closes the connection when the filter refuses, forwarding nothing after it", async () => {
    const broker = await startFakeBroker();
    cleanups.push(() => broker.close());
    const listener = await startListener(broker.port, 1024, filter);
    cleanups.push(() => listener.stopAccepting());
    const client = await connect(listener);
    client.socket.write(Buffer.concat([request(99, 0, 1), request(18, 3, 2)]));
    await client.closed;
    expect(broker.received).toEqual([]);
  });
});

describe("request filter: verdicts that come later", () => {
  // api key 17: answered by the gateway; 20: decided after `delays[correlationId]` ms (forward, or close for
  // correlation id 66, or a rejected Promise for 67); everything else forwarded. `state` travels with the request.
  function laterFilter(delays: Record<number, number>): RequestFilter & { decided: number[]; seen: number[] } {
    const decided: number[] = [];
    const seen: number[] = [];
    return {
      decided,
      seen,
      wantsRequest: () => true,
      onRequest: (key) => {
        seen.push(key.correlationId);
        if (key.apiKey === 17) return { respond: localResponse(key.correlationId) };
        if (key.apiKey !== 20) return { forward: undefined };
        const later = new Promise<RequestVerdict>((resolve, reject) =>
          setTimeout(() => {
            decided.push(key.correlationId);
            if (key.correlationId === 67) reject(new Error("lookup failed"));
            else resolve(key.correlationId === 66 ? { close: "refused later" } : { forward: undefined, state: key.correlationId });
          }, delays[key.correlationId] ?? 0),
        );
        return { pending: later };
      },
    };
  }

  async function setup(filter: RequestFilter, brokerDelayMs = 0) {
    const broker = await startFakeBroker(brokerDelayMs);
    cleanups.push(() => broker.close());
    const listener = await startListener(broker.port, 1024, filter);
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    return { broker, listener, client: await connect(listener) };
  }

  it("holds every later request behind a pending one: forwarded and answered strictly in request order", async () => {
    const filter = laterFilter({ 3: 100, 6: 30 });
    const { broker, client } = await setup(filter, 20);
    // 1 forwarded, 2 local, 3 pending (100 ms), 4 local, 5 forwarded, 6 pending again (30 ms), 7 local, 8 forwarded.
    client.socket.write(Buffer.concat([request(18, 3, 1), request(17, 0, 2), request(20, 0, 3), request(17, 0, 4)]));
    await new Promise((r) => setTimeout(r, 20));
    client.socket.write(Buffer.concat([request(18, 3, 5), request(20, 0, 6), request(17, 0, 7), request(18, 3, 8)]));
    await new Promise((r) => setTimeout(r, 60));
    expect(broker.received).toEqual([1]); // 5 and 8 wait behind 3, although they need no decision
    expect(correlationIds(client)).toEqual([1, 2]); // 4 is answered only after 3
    await until(() => client.responses.length === 8, "8 responses");
    expect(correlationIds(client)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(broker.received).toEqual([1, 3, 5, 6, 8]);
    expect(filter.decided).toEqual([3, 6]);
  });

  it("keeps reading after the hold: later writes are forwarded at once", async () => {
    const { broker, client } = await setup(laterFilter({ 1: 30 }));
    client.socket.write(request(20, 0, 1));
    await until(() => client.responses.length === 1, "the held request's response");
    client.socket.write(Buffer.concat([request(18, 3, 2), request(17, 0, 3)]));
    await until(() => client.responses.length === 3, "3 responses");
    expect(correlationIds(client)).toEqual([1, 2, 3]);
    expect(broker.received).toEqual([1, 2]);
  });

  it("a pending request that ends in a refusal closes the connection, forwarding nothing after it", async () => {
    const { broker, client } = await setup(laterFilter({ 66: 30 }));
    client.socket.write(Buffer.concat([request(18, 3, 1), request(20, 0, 66), request(18, 3, 2)]));
    await client.closed;
    expect(broker.received).toEqual([1]);
  });

  it("a failed decision closes the connection", async () => {
    const { broker, client } = await setup(laterFilter({ 67: 10 }));
    client.socket.write(Buffer.concat([request(20, 0, 67), request(18, 3, 2)]));
    await client.closed;
    expect(broker.received).toEqual([]);
  });

  it("drains only once held requests are decided and answered", async () => {
    const filter = laterFilter({ 1: 80 });
    const { broker, listener, client } = await setup(filter);
    client.socket.write(Buffer.concat([request(20, 0, 1), request(18, 3, 2)]));
    // Both requests arrive in one read; once the first is held, the second is read and waits behind it.
    await until(() => filter.seen.includes(1), "the first request at the filter");
    const drained = listener.drain();
    await client.closed;
    await drained;
    expect(correlationIds(client)).toEqual([1, 2]);
    expect(broker.received).toEqual([1, 2]);
  });
});

describe("with the tenant's request filter", () => {
  it("denied requests are answered by the gateway between forwarded ones, in request order; forwarded ones carry the tenant's client id", async () => {
    const broker = await startFakeBroker(30);
    cleanups.push(() => broker.close());
    const t = tenant();
    const listener = await startListener(broker.port, 1 << 20, new TenancyRequestFilter(t, logger));
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    const client = await connect(listener);
    const heartbeat = (correlationId: number) => codecRequest(ApiKey.Heartbeat, 4, correlationId, { groupId: "g", generationId: 1, memberId: "m", groupInstanceId: null });
    const denied = (correlationId: number) => codecRequest(ApiKey.DescribeLogDirs, 4, correlationId, { topics: null });
    client.socket.write(Buffer.concat([heartbeat(1), denied(2), heartbeat(3), denied(4), denied(5), heartbeat(6)]));
    await until(() => client.responses.length === 6, "6 responses");
    expect(correlationIds(client)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(broker.received).toEqual([1, 3, 6]);
    for (const body of broker.bodies) {
      const reader = new Reader(body);
      expect(decodeRequestHeader(reader).clientId).toBe("payments/test");
      expect(APIS.Heartbeat.decodeRequest(reader, 4).groupId).toBe("payments.g");
    }
  });
});

/** A whole request frame (size prefix included) encoded by the codec, client id "test". */
function codecRequest(apiKey: number, apiVersion: number, correlationId: number, message: object): Buffer {
  const writer = Writer.forFrame();
  encodeRequestHeader(writer, { apiKey, apiVersion, correlationId, clientId: "test" });
  API_BY_KEY.get(apiKey)!.encodeRequest(writer, apiVersion, message as never);
  return Buffer.concat(writer.toFrame());
}
