// The connection pipeline against a fake broker (a local TCP server that answers each request frame
// with a frame echoing its correlation id): ordering, acks=0, drain, unreachable upstream, oversize, the gates
// (pending verdicts, delayed answers, mutes), the phases (a session not ready yet), a shared listener's hand-over to
// its virtual cluster, and what observers see.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createFilterChain } from "../../../src/filters/index.js";
import { CONTINUE, Interest, type Filter, type FilterRequest, type RequestVerdict } from "../../../src/filters/filter.js";
import { FrameSplitter, type Frame } from "../../../src/protocol/frame-splitter.js";
import { decodeRequestHeader, encodeRequestHeader } from "../../../src/protocol/headers.js";
import { API_BY_KEY, APIS, ApiKey } from "../../../src/protocol/messages/index.js";
import { Reader } from "../../../src/protocol/reader.js";
import { Writer } from "../../../src/protocol/writer.js";
import type { ConnectionAdmission } from "../../../src/limits/connection-caps.js";
import type { ConnectionContext } from "../../../src/proxy/client-connection.js";
import { Listener } from "../../../src/proxy/listener.js";
import { logger } from "../../../src/log.js";
import { TENANT_VERSION_RANGES } from "../../../src/tenancy/api-policy.js";
import { ListenerEndpoint } from "../../../src/session/endpoint.js";
import type { Session } from "../../../src/session/session.js";
import { BrokerAddressMap } from "../../../src/upstream/broker-address-map.js";
import { sizePrefixed } from "../../harness/frames.js";
import { freePort } from "../../harness/gateway.js";
import { tenant } from "../tenancy/tenant-fixture.js";
import { connectionContext, recordingObserver } from "./connection-fixture.js";

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

async function startListener(upstreamPort: number, maxFrameBytes = 1024, filters: readonly Filter[] = [], observer = recordingObserver()): Promise<Listener> {
  const port = await freePort();
  const listener = new Listener(connectionContext(port, upstreamPort, { maxFrameBytes, filters, observer }));
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

  it("tells observers each forwarded request's peeked error code, the time the gateway added and the time upstream", async () => {
    const broker = await startFakeBroker(50);
    cleanups.push(() => broker.close());
    const completed: { correlationId: number; errorCode: number; gatewaySeconds: number; upstreamSeconds: number }[] = [];
    const observer = {
      ...recordingObserver(),
      requestCompleted: (_s: Session, r: { correlationId: number }, errorCode: number, gatewaySeconds: number, upstreamSeconds: number) =>
        completed.push({ correlationId: r.correlationId, errorCode, gatewaySeconds, upstreamSeconds }),
    };
    const listener = await startListener(broker.port, 1024, [], observer);
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    const client = await connect(listener);
    // Heartbeat v0 answers with error_code first: the fake broker's int32 after the correlation id, whose high half is 17.
    const correlationId = 17 << 15;
    client.socket.write(request(ApiKey.Heartbeat, 0, correlationId));
    client.socket.write(request(ApiKey.Metadata, 12, 2)); // no top-level error code
    await until(() => completed.length === 2, "both requests completed");
    expect(completed.map((c) => [c.correlationId, c.errorCode])).toEqual([[correlationId, 17], [2, 0]]);
    for (const c of completed) {
      expect(c.upstreamSeconds).toBeGreaterThanOrEqual(0.04); // the broker's 50 ms
      expect(c.gatewaySeconds).toBeGreaterThanOrEqual(0);
      expect(c.gatewaySeconds).toBeLessThan(c.upstreamSeconds);
    }
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

/** A Heartbeat v4 response message, the test filters' own answer (the chain encodes it for the request's version). */
const HEARTBEAT_OK = { throttleTimeMs: 0, errorCode: 0 };

const correlationIds = (client: TestClient) => client.responses.map((f) => Buffer.concat(f.chunks).readInt32BE(0));

/** A whole request frame (size prefix included) encoded by the codec, client id "test". */
function codecRequest(apiKey: number, apiVersion: number, correlationId: number, message: object): Buffer {
  const writer = new Writer();
  encodeRequestHeader(writer, { apiKey, apiVersion, correlationId, clientId: "test" });
  API_BY_KEY.get(apiKey)!.encodeRequest(writer, apiVersion, message as never);
  return sizePrefixed(writer.toChunks());
}

/** Heartbeat v4: the request the test filters answer themselves. */
const heartbeat = (correlationId: number) =>
  codecRequest(ApiKey.Heartbeat, 4, correlationId, { groupId: "g", generationId: 1, memberId: "m", groupInstanceId: null });

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (err: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

async function setup(filters: readonly Filter[], brokerDelayMs = 0) {
  const broker = await startFakeBroker(brokerDelayMs);
  cleanups.push(() => broker.close());
  const observer = recordingObserver();
  const listener = await startListener(broker.port, 1024, filters, observer);
  cleanups.push(() => listener.stopAccepting());
  cleanups.push(() => listener.closeAll("test"));
  return { broker, listener, observer, client: await connect(listener) };
}

describe("filter verdicts", () => {
  // api key 3 (Metadata): forwarded with the client id rewritten; 12 (Heartbeat): answered by the gateway; 99: refused.
  const filter: Filter = {
    name: "test",
    requestInterest: (apiKey) => (apiKey === 3 || apiKey === 12 || apiKey === 99 ? Interest.Header : Interest.None),
    onRequest: (request: FilterRequest): RequestVerdict => {
      if (request.apiKey === 12) return { kind: "respond", message: HEARTBEAT_OK };
      if (request.apiKey === 99) return { kind: "close", reason: "api 99 is not allowed", refusal: "denied" };
      request.header.clientId = "rewritten";
      request.headerChanged = true;
      return CONTINUE;
    },
  };

  it("forwards the request with the header a filter changed, and the original body bytes", async () => {
    const { broker, client } = await setup([filter]);
    client.socket.write(request(3, 12, 1, Buffer.from([1, 2, 3])));
    await until(() => client.responses.length === 1, "the response");
    const reader = new Reader(broker.bodies[0]!);
    expect(decodeRequestHeader(reader).clientId).toBe("rewritten");
    expect([...broker.bodies[0]!.subarray(-3)]).toEqual([1, 2, 3]);
  });

  it("answers locally in request order, behind responses still coming from the broker", async () => {
    const { broker, client, observer } = await setup([filter], 150);
    client.socket.write(Buffer.concat([request(18, 3, 1), heartbeat(2), request(18, 3, 3), heartbeat(4)]));
    await until(() => client.responses.length === 4, "4 responses");
    expect(correlationIds(client)).toEqual([1, 2, 3, 4]);
    expect(broker.received).toEqual([1, 3]); // the gateway's own answers never reached the broker
    expect(observer.events.filter((e) => !e.startsWith("sent"))).toEqual(["opened", "forwarded 1", "answered 2", "forwarded 3", "answered 4"]);
    // With nothing in flight, a local answer goes out at once.
    client.socket.write(heartbeat(5));
    await until(() => client.responses.length === 5, "the immediate local response");
  });

  it("closes the connection when a filter refuses, forwarding nothing after it, and reports the refusal", async () => {
    const { broker, client, observer } = await setup([filter]);
    client.socket.write(Buffer.concat([request(99, 0, 1), request(18, 3, 2)]));
    await client.closed;
    expect(broker.received).toEqual([]);
    await until(() => observer.events.some((e) => e.startsWith("closed")), "the session closed");
    expect(observer.events).toEqual(["opened", "refused 1 denied", "closed request refused"]);
  });

  it("keeps per-request state per filter: each filter gets back what it kept, and the response is encoded once", async () => {
    // Two filters each keep their own state for Heartbeat v4 and change the decoded response.
    const seen: string[] = [];
    const stateful = (name: string): Filter => ({
      name,
      requestInterest: (apiKey) => (apiKey === ApiKey.Heartbeat ? Interest.Message : Interest.None),
      onRequest: (r) => ({ kind: "continue", state: `${name}:${r.correlationId}` }),
      wantsResponse: (apiKey) => apiKey === ApiKey.Heartbeat,
      onResponse: (response) => {
        seen.push(`${name} got ${String(response.state)}`);
        (response.message as { throttleTimeMs: number }).throttleTimeMs += 1;
        return true;
      },
    });
    const brokerWithHeartbeats = net.createServer((socket) => {
      const splitter = new FrameSplitter();
      splitter.onFrame((frame) => {
        const correlationId = Buffer.concat(frame.chunks).readInt32BE(4);
        const writer = new Writer();
        writer.writeInt32(correlationId);
        writer.writeTaggedFields(undefined); // response header v1
        APIS.Heartbeat.encodeResponse(writer, 4, { throttleTimeMs: 10, errorCode: 0 });
        socket.write(sizePrefixed(writer.toChunks()));
      });
      socket.on("data", (chunk) => splitter.push(chunk));
    });
    await new Promise<void>((resolve) => brokerWithHeartbeats.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => brokerWithHeartbeats.close(() => resolve())));
    const listener = await startListener((brokerWithHeartbeats.address() as net.AddressInfo).port, 1024, [stateful("a"), stateful("b")]);
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    const client = await connect(listener);
    client.socket.write(heartbeat(41));
    await until(() => client.responses.length === 1, "the heartbeat response");
    expect(seen).toEqual(["b got b:41", "a got a:41"]); // responses run the chain in reverse
    const reader = new Reader(client.responses[0]!.chunks);
    expect(reader.readInt32()).toBe(41);
    reader.readTaggedFields();
    expect(APIS.Heartbeat.decodeResponse(reader, 4).throttleTimeMs).toBe(12);
  });
});

describe("verdicts that come later, and gates", () => {
  // Metadata (api key 3) v12 requests with correlation id N wait for `decisions[N]` when one is given; Heartbeat is
  // answered by the gateway; everything else is forwarded.
  function laterFilter(decisions: Record<number, Promise<RequestVerdict>>): Filter & { seen: number[] } {
    const seen: number[] = [];
    return {
      name: "later",
      seen,
      requestInterest: () => Interest.Header,
      onRequest: (r) => {
        seen.push(r.correlationId);
        if (r.apiKey === ApiKey.Heartbeat) return { kind: "respond", message: HEARTBEAT_OK };
        const decision = decisions[r.correlationId];
        return decision === undefined ? CONTINUE : { kind: "pending", verdict: decision };
      },
    };
  }

  it("holds every later request behind a pending one: forwarded and answered strictly in request order", async () => {
    const three = deferred<RequestVerdict>();
    const six = deferred<RequestVerdict>();
    const filter = laterFilter({ 3: three.promise, 6: six.promise });
    const { broker, client } = await setup([filter]);
    // 1 forwarded, 2 local, 3 pending, 4 local, 5 forwarded, 6 pending again, 7 local, 8 forwarded.
    client.socket.write(Buffer.concat([request(18, 3, 1), heartbeat(2), request(3, 12, 3), heartbeat(4)]));
    await until(() => client.responses.length === 2 && filter.seen.includes(3), "1 and 2 answered, 3 at the filter");
    client.socket.write(Buffer.concat([request(18, 3, 5), request(3, 12, 6), heartbeat(7), request(18, 3, 8)]));
    expect(broker.received).toEqual([1]); // 5 and 8 wait behind 3, although they need no decision
    expect(filter.seen).toEqual([1, 2, 3]); // nothing after 3 has even reached the chain
    three.resolve(CONTINUE);
    await until(() => filter.seen.includes(6), "6 at the filter");
    expect(correlationIds(client).length).toBeLessThanOrEqual(5); // 7 and 8 still wait behind 6
    expect(broker.received).not.toContain(8);
    six.resolve(CONTINUE);
    await until(() => client.responses.length === 8, "8 responses");
    expect(correlationIds(client)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(broker.received).toEqual([1, 3, 5, 6, 8]);
  });

  it("a pending request that ends in a refusal closes the connection, forwarding nothing after it", async () => {
    const { broker, client } = await setup([laterFilter({ 66: Promise.resolve({ kind: "close", reason: "refused later" }) })]);
    client.socket.write(Buffer.concat([request(18, 3, 1), request(3, 12, 66), request(18, 3, 2)]));
    await client.closed;
    expect(broker.received).toEqual([1]);
  });

  it("a failed decision closes the connection", async () => {
    const failed = Promise.reject(new Error("lookup failed"));
    failed.catch(() => undefined); // handled: the chain sees the rejection through its own then()
    const { broker, client } = await setup([laterFilter({ 67: failed })]);
    client.socket.write(Buffer.concat([request(3, 12, 67), request(18, 3, 2)]));
    await client.closed;
    expect(broker.received).toEqual([]);
  });

  it("drains only once held requests are decided and answered", async () => {
    const one = deferred<RequestVerdict>();
    const filter = laterFilter({ 1: one.promise });
    const { broker, listener, client } = await setup([filter]);
    client.socket.write(Buffer.concat([request(3, 12, 1), request(18, 3, 2)]));
    await until(() => filter.seen.includes(1), "the first request at the filter");
    const drained = listener.drain();
    one.resolve(CONTINUE);
    await client.closed;
    await drained;
    expect(correlationIds(client)).toEqual([1, 2]);
    expect(broker.received).toEqual([1, 2]);
  });

  it("a delayed answer holds the connection's later requests until it has gone out", async () => {
    const delayed: Filter = {
      name: "delay",
      requestInterest: (apiKey) => (apiKey === ApiKey.Heartbeat ? Interest.Header : Interest.None),
      onRequest: () => ({ kind: "respond", message: HEARTBEAT_OK, delayMs: 150 }),
    };
    const { broker, client } = await setup([delayed]);
    const started = Date.now();
    client.socket.write(Buffer.concat([heartbeat(1), request(18, 3, 2)]));
    await until(() => client.responses.length === 2, "both responses");
    expect(correlationIds(client)).toEqual([1, 2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(broker.received).toEqual([2]);
  });

  it("a muted session reads no requests until the mute ends, while responses still flow", async () => {
    const muting: Filter = {
      name: "mute",
      requestInterest: () => Interest.Header,
      onRequest: (r) => {
        if (r.correlationId === 1) r.session.mute(300);
        return CONTINUE;
      },
    };
    const { broker, client } = await setup([muting], 0);
    client.socket.write(request(18, 3, 1));
    await until(() => client.responses.length === 1, "the muting request's response"); // responses flow while muted
    const mutedAt = Date.now();
    client.socket.write(request(18, 3, 2));
    await until(() => client.responses.length === 2, "the request sent while muted");
    expect(Date.now() - mutedAt).toBeGreaterThanOrEqual(150);
    expect(broker.received).toEqual([1, 2]);
  });
});

describe("a session that is not ready yet", () => {
  // The session becomes ready (an authentication stand-in) once it sent a Heartbeat; before that only Heartbeat
  // (answered) is served, anything else is let through, which the transport must refuse: there is no upstream.
  function gate(): Filter & { ready: WeakSet<object> } {
    const ready = new WeakSet<object>();
    return {
      name: "gate",
      ready,
      requestInterest: () => Interest.Header,
      onRequest: (r) => {
        if (r.apiKey !== ApiKey.Heartbeat) return CONTINUE;
        ready.add(r.session);
        return { kind: "respond", message: HEARTBEAT_OK };
      },
      sessionReady: (session) => ready.has(session),
    };
  }

  async function brokerCountingConnections() {
    const broker = await startFakeBroker();
    cleanups.push(() => broker.close());
    return broker;
  }

  it("opens no upstream connection before it is ready, then forwards what follows in order", async () => {
    const broker = await brokerCountingConnections();
    const observer = recordingObserver();
    const listener = await startListener(broker.port, 1024, [gate()], observer);
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    const client = await connect(listener);
    await until(() => listener.connections.size === 1, "the connection accepted");
    const [connection] = listener.connections;
    expect(connection!.phase).toBe("authenticating");
    // The readiness request and two more in one write: the two wait until the upstream connection is open.
    client.socket.write(Buffer.concat([heartbeat(1), request(18, 3, 2), request(18, 3, 3)]));
    await until(() => client.responses.length === 3, "3 responses");
    expect(correlationIds(client)).toEqual([1, 2, 3]);
    expect(broker.received).toEqual([2, 3]);
    expect(connection!.phase).toBe("open");
  });

  it("becomes ready through a pending verdict (an asynchronous token check): what follows waits for the upstream connection", async () => {
    const broker = await brokerCountingConnections();
    const ready = new WeakSet<object>();
    const asyncGate: Filter = {
      name: "async-gate",
      requestInterest: () => Interest.Header,
      onRequest: (r) => {
        if (r.apiKey !== ApiKey.Heartbeat) return CONTINUE;
        const verdict = Promise.resolve().then((): RequestVerdict => {
          ready.add(r.session);
          return { kind: "respond", message: HEARTBEAT_OK };
        });
        return { kind: "pending", verdict };
      },
      sessionReady: (session) => ready.has(session),
    };
    const listener = await startListener(broker.port, 1024, [asyncGate]);
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    const client = await connect(listener);
    client.socket.write(Buffer.concat([heartbeat(1), request(18, 3, 2), request(18, 3, 3)]));
    await until(() => client.responses.length === 3, "3 responses");
    expect(correlationIds(client)).toEqual([1, 2, 3]);
    expect(broker.received).toEqual([2, 3]);
  });

  it("a request let through before the session is ready closes the connection, and no broker sees it", async () => {
    const broker = await brokerCountingConnections();
    const listener = await startListener(broker.port, 1024, [gate()]);
    cleanups.push(() => listener.stopAccepting());
    const client = await connect(listener);
    client.socket.write(request(18, 3, 1));
    await client.closed;
    expect(broker.received).toEqual([]);
  });
});

describe("with the tenant's filter chain", () => {
  it("denied requests are answered by the gateway between forwarded ones, in request order; forwarded ones carry the tenant's client id", async () => {
    const broker = await startFakeBroker(30);
    cleanups.push(() => broker.close());
    const port = await freePort();
    const endpoint = new ListenerEndpoint("payments", { name: "plain", bind: "127.0.0.1", bootstrapPort: port, brokerPorts: { first: port + 1, last: port }, nodeIdBase: 0, advertisedHost: "127.0.0.1" });
    const chain = createFilterChain({ endpoint, addressMap: new BrokerAddressMap(async () => []), tenant: tenant(), forwardable: TENANT_VERSION_RANGES, log: logger });
    const listener = new Listener({ ...connectionContext(port, broker.port, { maxFrameBytes: 1 << 20 }), endpoint, chain });
    await listener.start();
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    const client = await connect(listener);
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

describe("a shared listener: the hand-over to the principal's virtual cluster", () => {
  // An authentication stand-in that logs in on a Heartbeat, as the SASL gate does: "alice", or "mallory" for
  // correlation id 99; it counts the sessions it opens and closes (one instance in both chains, as in production).
  function identity() {
    const ready = new WeakSet<object>();
    const counts = { opened: 0, closed: 0 };
    const filter: Filter = {
      name: "identity",
      requestInterest: () => Interest.Header,
      onRequest: (r) => {
        if (r.apiKey !== ApiKey.Heartbeat) return CONTINUE;
        r.session.principal = { type: "User", name: r.correlationId === 99 ? "mallory" : "alice" };
        ready.add(r.session);
        r.session.authenticated();
        return { kind: "respond", message: HEARTBEAT_OK };
      },
      sessionReady: (session) => ready.has(session),
      sessionOpened: () => void counts.opened++,
      sessionClosed: () => void counts.closed++,
    };
    return { filter, counts };
  }

  /** A listener whose connections start unauthenticated ("*") and are handed over to "vc" when the principal is alice. */
  async function sharedListener(admission?: ConnectionAdmission, gate = identity()) {
    const broker = await startFakeBroker();
    cleanups.push(() => broker.close());
    const port = await freePort();
    const moved: string[] = [];
    const observer = { ...recordingObserver(), sessionMoved: (s: Session, from: ListenerEndpoint) => void moved.push(`${from.virtualCluster} -> ${s.endpoint.virtualCluster}`) };
    let tenantOpened = 0;
    const tenantOnly: Filter = { name: "tenant-only", sessionOpened: () => void tenantOpened++ };
    const vc: ConnectionContext = { ...connectionContext(port, broker.port, { filters: [gate.filter, tenantOnly], observer }), admission };
    const before = connectionContext(port, broker.port, { filters: [gate.filter], observer });
    const listener = new Listener({
      ...before,
      endpoint: new ListenerEndpoint("*", before.endpoint.listener),
      virtualCluster: undefined,
      connector: undefined,
      handOver: (session) => (session.principal?.name === "alice" ? vc : undefined),
    });
    await listener.start();
    cleanups.push(() => listener.stopAccepting());
    cleanups.push(() => listener.closeAll("test"));
    return { broker, listener, gate, moved, vc, tenantOpened: () => tenantOpened };
  }

  it("connects upstream only once handed over; the session, its chain and its labels move, the identity filter's state stays", async () => {
    const shared = await sharedListener();
    const client = await connect(shared.listener);
    await until(() => shared.listener.connections.size === 1, "the connection accepted");
    const [connection] = shared.listener.connections;
    expect(connection!.session.virtualCluster).toBeUndefined();
    expect(connection!.virtualClusterName).toBe("*");
    client.socket.write(Buffer.concat([heartbeat(1), request(18, 3, 2), request(18, 3, 3)]));
    await until(() => client.responses.length === 3, "3 responses");
    expect(correlationIds(client)).toEqual([1, 2, 3]);
    expect(shared.broker.received).toEqual([2, 3]);
    expect(connection!.session.virtualCluster?.name).toBe("vc");
    expect(connection!.session.endpoint).toBe(shared.vc.endpoint);
    expect(connection!.virtualClusterName).toBe("vc");
    expect(shared.moved).toEqual(["* -> vc"]);
    expect(shared.tenantOpened()).toBe(1);
    expect(shared.gate.counts.opened).toBe(1);
    client.socket.destroy();
    await until(() => shared.gate.counts.closed === 1, "the identity filter told of the close");
  });

  it("a session ready at accept (a client certificate's principal) is handed over before its upstream connection opens", async () => {
    const counts = { opened: 0, closed: 0 };
    const certificate: Filter = { name: "certificate", sessionOpened: (session) => void (counts.opened++, (session.principal = { type: "User", name: "alice" })) };
    const shared = await sharedListener(undefined, { filter: certificate, counts });
    const client = await connect(shared.listener);
    client.socket.write(request(18, 3, 1));
    await until(() => client.responses.length === 1, "1 response");
    expect(shared.broker.received).toEqual([1]);
    expect(shared.moved).toEqual(["* -> vc"]);
    expect([...shared.listener.connections][0]!.session.virtualCluster?.name).toBe("vc");
    expect(counts.opened).toBe(1);
  });

  it("a principal that maps to no virtual cluster: the connection closes and no broker sees a byte", async () => {
    const shared = await sharedListener();
    const client = await connect(shared.listener);
    client.socket.write(Buffer.concat([heartbeat(99), request(18, 3, 2)]));
    await client.closed;
    expect(shared.broker.received).toEqual([]);
    expect(shared.moved).toEqual([]);
  });

  it("the virtual cluster's connection caps decide at the hand-over: refused closes, delayed holds the requests", async () => {
    const refused = await sharedListener({ admitConnection: () => ({ refused: "connections", delayMs: 0 }) });
    const turnedAway = await connect(refused.listener);
    turnedAway.socket.write(Buffer.concat([heartbeat(1), request(18, 3, 2)]));
    await turnedAway.closed;
    expect(refused.broker.received).toEqual([]);

    let released = 0;
    const delayed = await sharedListener({ admitConnection: () => ({ delayMs: 50, release: () => void released++ }) });
    const waiting = await connect(delayed.listener);
    waiting.socket.write(Buffer.concat([heartbeat(1), request(18, 3, 2)]));
    await until(() => waiting.responses.length === 2, "2 responses");
    expect(delayed.broker.received).toEqual([2]);
    waiting.socket.destroy();
    await until(() => released === 1, "the admission ticket released at close");
  });
});
