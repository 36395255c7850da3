// The byte-rate section of a virtual cluster's limits: units, errors with their paths, and which rate applies where.
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ConfigError, parseConfig } from "../../../src/config/index.js";
import { parseByteRate } from "../../../src/config/rate-limits.js";
import { ByteRatePlan } from "../../../src/limits/byte-rate-plan.js";

function configWith(limits: unknown, gatewayLimits: unknown = {}) {
  return parseConfig(
    stringify({
      clusters: [{ name: "local", bootstrap: ["127.0.0.1:9092"] }],
      virtualClusters: [
        {
          name: "demo",
          cluster: "local",
          limits,
          listeners: [{ name: "plain", bind: "0.0.0.0", bootstrapPort: 19092, brokerPorts: "19093-19095", advertisedHost: "localhost" }],
        },
      ],
      limits: gatewayLimits,
    }),
    "test.yaml",
  );
}

function issuesOf(limits: unknown, gatewayLimits: unknown = {}) {
  try {
    configWith(limits, gatewayLimits);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map(({ path, message }) => ({ path, message }));
  }
  throw new Error("expected a ConfigError");
}

describe("byte rates in config", () => {
  it.each([
    ["1MiB/s", 1_048_576],
    ["1.5 MiB/s", 1_572_864],
    ["500KB/s", 500_000],
    ["2GiB/s", 2 * 1024 ** 3],
    ["100B/s", 100],
    ["unlimited", null],
  ])("%s is %s bytes/s", (text, rate) => expect(parseByteRate(text)).toBe(rate));

  it.each(["1MiB", "1 mib/s", "fast", "-1KB/s", "0.5B/s"])("%j is refused with a reason", (text) => {
    expect(typeof parseByteRate(text)).toBe("string");
  });

  it("takes plain numbers as bytes per second and strings with units", () => {
    const config = configWith({ tenantByteRate: { produce: 2048, fetch: "1KiB/s" } });
    expect(config.virtualClusters[0]!.limits?.tenantByteRate).toEqual({ produce: 2048, fetch: 1024 });
  });

  it("names the path and the reason of a bad rate, a misspelt key and a bad instance count", () => {
    expect(issuesOf({ topicByteRates: { topics: { orders: { produce: "1 MB per second" } } } })).toEqual([
      {
        path: "virtualClusters[0].limits.topicByteRates.topics.orders.produce",
        message: 'expected a byte rate such as "1MiB/s", "500KB/s" or "unlimited", got "1 MB per second"',
      },
    ]);
    expect(issuesOf({ tenantByteRate: { produce: 0 } })).toEqual([{ path: "virtualClusters[0].limits.tenantByteRate.produce", message: "must be at least 1 byte/s" }]);
    expect(issuesOf({ tenantByteRate: { produse: 10 } })[0]!.path).toBe("virtualClusters[0].limits.tenantByteRate.produse");
    expect(issuesOf({}, { instances: 0 })).toEqual([{ path: "limits.instances", message: "must be at least 1" }]);
  });
});

describe("ByteRatePlan: which rate applies", () => {
  const limits = configWith({
    tenantByteRate: { produce: "10MiB/s" },
    topicByteRates: {
      default: { produce: "1MiB/s", fetch: "2MiB/s" },
      prefixes: { "logs.": { produce: "512KiB/s" }, "logs.debug.": { produce: "unlimited" } },
      topics: { orders: { produce: "5MiB/s" }, "logs.audit": { fetch: 1000 } },
    },
    principalByteRates: { default: { fetch: 3000 }, principals: { alice: { fetch: 6000, produce: 7000 } } },
  }).virtualClusters[0]!.limits;

  it("topics: exact name, then the longest prefix, then the default; a missing direction falls back to the default", () => {
    const plan = new ByteRatePlan(limits);
    expect(plan.topic("orders")).toEqual({ produce: 5 * 1_048_576, fetch: 2 * 1_048_576 });
    expect(plan.topic("logs.app")).toEqual({ produce: 524_288, fetch: 2 * 1_048_576 });
    expect(plan.topic("logs.debug.x")).toEqual({ produce: undefined, fetch: 2 * 1_048_576 });
    expect(plan.topic("logs.audit")).toEqual({ produce: 1_048_576, fetch: 1000 });
    expect(plan.topic("anything")).toEqual({ produce: 1_048_576, fetch: 2 * 1_048_576 });
  });

  it("principals by name, else the default; the tenant as configured", () => {
    const plan = new ByteRatePlan(limits);
    expect(plan.principal("alice")).toEqual({ produce: 7000, fetch: 6000 });
    expect(plan.principal("bob")).toEqual({ produce: undefined, fetch: 3000 });
    expect(plan.tenant).toEqual({ produce: 10 * 1_048_576, fetch: undefined });
  });

  it("divides every rate by the number of gateway instances", () => {
    const plan = new ByteRatePlan(limits, 4);
    expect(plan.topic("orders").produce).toBe((5 * 1_048_576) / 4);
    expect(plan.principal("alice").fetch).toBe(1500);
    expect(plan.tenant.produce).toBe((10 * 1_048_576) / 4);
  });

  it("leaves a pushed-down tenant rate to the brokers: no gateway bucket for it", () => {
    const pushed = configWith({ tenantByteRate: { produce: "1MiB/s", pushDown: true }, topicByteRates: { default: { produce: 1000 } } }).virtualClusters[0]!.limits;
    const plan = new ByteRatePlan(pushed, 2);
    expect(plan.tenant).toEqual({ produce: undefined, fetch: undefined });
    expect(plan.topic("orders").produce).toBe(500);
  });

  it("without limits, nothing is limited", () => {
    const plan = new ByteRatePlan(undefined);
    expect(plan.hasTopicRates || plan.hasPrincipalRates).toBe(false);
    expect(plan.topic("orders")).toEqual({ produce: undefined, fetch: undefined });
    expect(plan.tenant).toEqual({ produce: undefined, fetch: undefined });
  });
});
