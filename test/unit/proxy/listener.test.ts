import net from "node:net";
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
