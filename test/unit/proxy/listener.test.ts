import net from "node:net";
import { describe, expect, it } from "vitest";
import { logger } from "../../../src/log.js";
import { BrokerAddressMap } from "../../../src/proxy/broker-address-map.js";
import { ListenerEndpoint } from "../../../src/proxy/endpoint.js";
import { Listener } from "../../../src/proxy/listener.js";
import { ListenerMeters } from "../../../src/proxy/meters.js";
import { freePortRange } from "../../harness/gateway.js";
import { LogThrottle } from "../../../src/proxy/log-throttle.js";

function listenerOn(first: number): Listener {
  const endpoint = new ListenerEndpoint("vc", {
    name: "plain",
    bind: "127.0.0.1",
    bootstrapPort: first,
    brokerPorts: { first: first + 1, last: first + 2 },
    nodeIdBase: 5,
    advertisedHost: "127.0.0.1",
  });
  return new Listener(endpoint, {
    physicalCluster: "none",
    bootstrap: [],
    addressMap: new BrokerAddressMap(async () => []),
    responseFilter: { wantsResponse: () => false, onResponse: () => undefined },
    maxFrameBytes: 1024,
    connectTimeoutMs: 100,
    meters: new ListenerMeters("vc", "plain", "none"),
    log: logger,
    unreachableLog: new LogThrottle(),
  });
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
