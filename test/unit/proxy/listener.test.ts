import net from "node:net";
import tls from "node:tls";
import { makeTestCertificates, type TestCertificates } from "../../../scripts/tls/certificates.js";
import { ListenerEndpoint } from "../../../src/session/endpoint.js";
import { waitUntil } from "../../harness/wait.js";
import { describe, expect, it } from "vitest";
import { Listener } from "../../../src/proxy/listener.js";
import { connectionContext } from "./connection-fixture.js";
import { freePortRange } from "../../harness/gateway.js";

function listenerOn(first: number): Listener {
  return new Listener(connectionContext(first, 1, { brokerPorts: 2 }));
}

describe("Listener", () => {
  it("binds the bootstrap port and one port per broker", async () => {
    const first = await freePortRange(3);
    const listener = listenerOn(first);
    await listener.start();
    try {
      for (const port of [first, first + 1, first + 2]) {
        await new Promise<void>((resolve, reject) => {
          const socket = net.connect(port, "127.0.0.1", () => (socket.destroy(), resolve()));
          socket.on("error", reject);
        });
      }
    } finally {
      listener.stopAccepting();
    }
  });

  it("names the listener and the port when a port is taken", async () => {
    const first = await freePortRange(3);
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(first + 2, "127.0.0.1", resolve));
    const listener = listenerOn(first);
    try {
      await expect(listener.start()).rejects.toThrow(`listener vc/plain cannot listen on 127.0.0.1:${first + 2}`);
    } finally {
      listener.stopAccepting();
      squatter.close();
    }
  });
});

describe("Listener TLS", () => {
  it("swaps in a new certificate for new handshakes without rebinding; an open connection stays up", async () => {
    const [a, b] = [await makeTestCertificates(), await makeTestCertificates()]; // two CAs, two server certificates
    const first = await freePortRange(1);
    // An upstream that accepts and stays quiet: a connection through the listener stays open.
    const upstream = net.createServer(() => undefined);
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const base = connectionContext(first, (upstream.address() as net.AddressInfo).port);
    const tlsContext = (certs: TestCertificates) => ({
      ...base,
      endpoint: new ListenerEndpoint("vc", { ...base.endpoint.listener, security: "tls" as const, tls: { certificate: certs.certificate, privateKey: certs.privateKey } }),
    });
    const listener = new Listener(tlsContext(a));
    await listener.start();
    const handshake = (ca: string) =>
      new Promise<tls.TLSSocket>((resolve, reject) => {
        const socket = tls.connect({ port: first, host: "127.0.0.1", ca }, () => resolve(socket));
        socket.on("error", reject);
      });
    try {
      const before = await handshake(a.ca);
      await waitUntil(() => [...listener.connections].some((c) => c.phase === "open"), { what: "the connection open upstream", timeoutMs: 10_000, intervalMs: 10 });
      listener.setContext(tlsContext(b));
      const after = await handshake(b.ca);
      await expect(handshake(a.ca)).rejects.toThrow(); // the old certificate is no longer served
      expect(before.destroyed).toBe(false);
      before.destroy();
      after.destroy();
    } finally {
      listener.closeAll("test");
      listener.stopAccepting();
      upstream.close();
    }
  });
});
