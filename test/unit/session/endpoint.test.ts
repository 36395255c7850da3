import { describe, expect, it } from "vitest";
import { ListenerEndpoint } from "../../../src/session/endpoint.js";

const endpoint = new ListenerEndpoint("demo", {
  name: "plain",
  bind: "0.0.0.0",
  bootstrapPort: 19092,
  brokerPorts: { first: 19093, last: 19095 },
  nodeIdBase: 1,
  advertisedHost: "kafka.example",
});

describe("ListenerEndpoint", () => {
  it("maps node ids to ports as first + (nodeId - nodeIdBase), and back", () => {
    expect(endpoint.brokerPort(1)).toBe(19093);
    expect(endpoint.brokerPort(3)).toBe(19095);
    expect(endpoint.nodeIdForPort(19094)).toBe(2);
    expect(endpoint.bootstrap).toEqual({ host: "kafka.example", port: 19092 });
  });

  it("has no port for node ids outside the range", () => {
    expect(endpoint.brokerPort(0)).toBeUndefined();
    expect(endpoint.brokerPort(4)).toBeUndefined();
  });
});
