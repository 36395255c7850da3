import { describe, expect, it } from "vitest";
import { ListenerEndpoint } from "../../../src/session/endpoint.js";
import { SniHosts } from "../../../src/session/sni-hosts.js";

const endpoint = new ListenerEndpoint("demo", {
  name: "plain",
  bind: "0.0.0.0",
  bootstrapPort: 19092,
  brokerPorts: { first: 19093, last: 19095 },
  nodeIdBase: 1,
  advertisedHost: "kafka.example",
});

const sniEndpoint = new ListenerEndpoint("payments", {
  name: "sni",
  bind: "0.0.0.0",
  bootstrapPort: 9093,
  nodeIdBase: 0,
  security: "tls",
  sni: { bootstrapHost: "bootstrap.payments.kafka.example", brokerHostPattern: "broker-{nodeId}.payments.kafka.example" },
});

describe("ListenerEndpoint, port per broker", () => {
  it("maps node ids to ports as first + (nodeId - nodeIdBase), and lists every port with its target", () => {
    expect(endpoint.broker(1)).toEqual({ host: "kafka.example", port: 19093 });
    expect(endpoint.broker(3)).toEqual({ host: "kafka.example", port: 19095 });
    expect(endpoint.bootstrap).toEqual({ host: "kafka.example", port: 19092 });
    expect(endpoint.ports()).toEqual([
      { port: 19092, target: { kind: "bootstrap" } },
      { port: 19093, target: { kind: "broker", nodeId: 1 } },
      { port: 19094, target: { kind: "broker", nodeId: 2 } },
      { port: 19095, target: { kind: "broker", nodeId: 3 } },
    ]);
  });

  it("has no port for node ids outside the range", () => {
    expect(endpoint.broker(0)).toBeUndefined();
    expect(endpoint.broker(4)).toBeUndefined();
  });
});

describe("ListenerEndpoint, SNI routing", () => {
  it("advertises every broker by host name on the one port", () => {
    expect(sniEndpoint.bootstrap).toEqual({ host: "bootstrap.payments.kafka.example", port: 9093 });
    expect(sniEndpoint.broker(2)).toEqual({ host: "broker-2.payments.kafka.example", port: 9093 });
    expect(sniEndpoint.broker(1234)).toEqual({ host: "broker-1234.payments.kafka.example", port: 9093 });
    expect(sniEndpoint.ports()).toEqual([{ port: 9093, target: { kind: "bootstrap" } }]);
  });

  it("reads the target from the host name the client asked for (case-insensitive), and nothing from other names", () => {
    const sni = sniEndpoint.sni!;
    expect(sni.targetOf("bootstrap.payments.kafka.example")).toEqual({ kind: "bootstrap" });
    expect(sni.targetOf("BROKER-7.Payments.Kafka.Example")).toEqual({ kind: "broker", nodeId: 7 });
    for (const other of [undefined, "", "broker-.payments.kafka.example", "broker-x.payments.kafka.example", "broker-01.payments.kafka.example", "broker-1.analytics.kafka.example", "evil.broker-1.payments.kafka.example", "broker-99999999999.payments.kafka.example"]) {
      expect(sni.targetOf(other), String(other)).toBeUndefined();
    }
  });

  it("finds when two listeners' names overlap (they can't share a port then)", () => {
    const hosts = (bootstrapHost: string, brokerHostPattern: string) => new SniHosts({ bootstrapHost, brokerHostPattern });
    const payments = hosts("bootstrap.payments.k", "b-{nodeId}.payments.k");
    expect(payments.overlaps(hosts("bootstrap.analytics.k", "b-{nodeId}.analytics.k"))).toBe(false);
    expect(payments.overlaps(hosts("bootstrap.other.k", "b-1{nodeId}.payments.k"))).toBe(true);
    expect(payments.overlaps(hosts("b-3.payments.k", "x-{nodeId}.k"))).toBe(true);
    expect(payments.overlaps(hosts("bootstrap.payments.k", "y-{nodeId}.k"))).toBe(true);
  });
});
