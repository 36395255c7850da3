// The caps in `virtualClusters[].limits`: units, defaults left to the code, and errors that name the path.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/index.js";
import { parseByteSize } from "../../../src/config/cap-limits.js";
import type { ConfigError } from "../../../src/config/errors.js";

function yamlWith(limits: object): string {
  return JSON.stringify({
    clusters: [{ name: "local", bootstrap: ["127.0.0.1:9092"] }],
    virtualClusters: [{ name: "payments", cluster: "local", limits, listeners: [{ name: "plain", bind: "0.0.0.0", bootstrapPort: 19092, brokerPorts: "19093-19095", advertisedHost: "localhost" }] }],
  });
}

function problems(limits: object): { path: string; message: string }[] {
  try {
    parseConfig(yamlWith(limits), "test.yaml");
  } catch (error) {
    return (error as ConfigError).issues.map(({ path, message }) => ({ path, message }));
  }
  return [];
}

describe("cap limits config", () => {
  it("reads every cap, with sizes as numbers or with a unit", () => {
    const config = parseConfig(
      yamlWith({ maxConnections: 100, connectionsPerSecond: 5, requestsPerSecond: 1000, maxTopics: 50, maxPartitions: 500, maxRetainedBytes: "10GiB", retainedBytesPollMs: 60_000 }),
      "test.yaml",
    );
    expect(config.virtualClusters[0]!.limits).toMatchObject({
      maxConnections: 100,
      connectionsPerSecond: 5,
      requestsPerSecond: 1000,
      maxTopics: 50,
      maxPartitions: 500,
      maxRetainedBytes: 10 * 1024 ** 3,
      retainedBytesPollMs: 60_000,
    });
  });

  it("leaves absent caps absent (no cap)", () => {
    const limits = parseConfig(yamlWith({}), "test.yaml").virtualClusters[0]!.limits!;
    expect(limits.maxConnections).toBeUndefined();
    expect(limits.maxRetainedBytes).toBeUndefined();
  });

  it("names the path and the reason of a bad value", () => {
    expect(problems({ maxConnections: 0 })).toEqual([{ path: "virtualClusters[0].limits.maxConnections", message: expect.stringContaining("1") }]);
    expect(problems({ maxRetainedBytes: "ten gigs" })[0]).toEqual({ path: "virtualClusters[0].limits.maxRetainedBytes", message: expect.stringContaining(`"10GiB"`) });
    expect(problems({ retainedBytesPollMs: 10 })[0]!.path).toBe("virtualClusters[0].limits.retainedBytesPollMs");
    expect(problems({ maxTopic: 3 })).toHaveLength(1); // strict: a misspelt cap is an error, not silently no cap
  });

  it("parses sizes in decimal and binary units", () => {
    expect(parseByteSize("500MB")).toBe(500_000_000);
    expect(parseByteSize("1.5KiB")).toBe(1536);
    expect(parseByteSize("2 TB")).toBe(2e12);
    expect(parseByteSize("1.5")).toMatch(/expected a size/);
  });
});
