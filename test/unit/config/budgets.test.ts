// The top-level `budgets`: units, defaults derived from the rest of the config and the descriptor limit, and errors
// that name the file, the path and the reason.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/index.js";
import { resolveBudgets } from "../../../src/config/budgets.js";
import type { ConfigError } from "../../../src/config/errors.js";
import { openFileLimit } from "../../../src/limits/fd-limit.js";

const MiB = 1024 * 1024;

function yamlWith(top: object): string {
  return JSON.stringify({
    clusters: [{ name: "local", bootstrap: ["127.0.0.1:9092"] }],
    virtualClusters: [{ name: "payments", cluster: "local", listeners: [{ name: "plain", bind: "0.0.0.0", bootstrapPort: 19092, brokerPorts: "19093-19095", advertisedHost: "localhost" }] }],
    ...top,
  });
}

function problems(top: object): string[] {
  try {
    parseConfig(yamlWith(top), "gw.yaml");
  } catch (error) {
    return (error as ConfigError).message.split("\n").slice(1).map((line) => line.trim());
  }
  return [];
}

describe("budgets config", () => {
  it("reads every key, sizes as numbers or with a unit", () => {
    const config = parseConfig(
      yamlWith({ budgets: { maxConnections: 5000, requestBytes: "1GiB", requestBytesPerVirtualCluster: 268435456, unfinishedRequestTimeoutMs: 20_000, firstRequestTimeoutMs: 5_000, idleTimeoutMs: 60_000 } }),
      "gw.yaml",
    );
    expect(resolveBudgets(config, 20_000)).toEqual({
      maxConnections: 5000,
      requestBytes: 1024 * MiB,
      requestBytesPerVirtualCluster: 256 * MiB,
      unfinishedRequestTimeoutMs: 20_000,
      firstRequestTimeoutMs: 5_000,
      idleTimeoutMs: 60_000,
    });
  });

  it("defaults: 512 MiB (half per virtual cluster), Kafka's 10 min idle, connections from the descriptor limit", () => {
    const config = parseConfig(yamlWith({}), "gw.yaml");
    expect(resolveBudgets(config, 20_000)).toEqual({
      maxConnections: (20_000 - 256) / 2,
      requestBytes: 512 * MiB,
      requestBytesPerVirtualCluster: 256 * MiB,
      unfinishedRequestTimeoutMs: 30_000,
      firstRequestTimeoutMs: 10_000,
      idleTimeoutMs: 600_000,
    });
    expect(resolveBudgets(config, undefined).maxConnections).toBe(10_000);
    // A larger frame limit raises the default byte budgets with it: the largest frame must always fit.
    const big = parseConfig(yamlWith({ limits: { maxFrameBytes: 400 * MiB } }), "gw.yaml");
    expect(resolveBudgets(big, 20_000)).toMatchObject({ requestBytes: 800 * MiB, requestBytesPerVirtualCluster: 400 * MiB });
  });

  it("refuses budgets that could never hold the largest frame, and misspelt keys, naming file and path", () => {
    expect(problems({ budgets: { requestBytes: "50MiB" } })).toEqual([
      expect.stringMatching(/^gw\.yaml:\d+:\d+ budgets\.requestBytes: 52428800 bytes is below limits\.maxFrameBytes \(104857600\): a frame of the largest allowed size could never be received$/),
    ]);
    expect(problems({ budgets: { requestBytes: "200MiB", requestBytesPerVirtualCluster: "300MiB" } })).toEqual([
      expect.stringMatching(/budgets\.requestBytesPerVirtualCluster: 314572800 bytes is above budgets\.requestBytes \(209715200\)/),
    ]);
    expect(problems({ budgets: { idleTimeoutMs: 10 } })).toEqual([expect.stringMatching(/budgets\.idleTimeoutMs: must be at least 100 ms/)]);
    expect(problems({ budgets: { maxConnection: 10 } })).toEqual([expect.stringMatching(/budgets(\.maxConnection)?: .*(unknown|unrecognized)/i)]);
    expect(problems({ budgets: { requestBytes: "lots" } })).toEqual([expect.stringMatching(/budgets\.requestBytes: expected a size such as "10GiB"/)]);
  });

  it("reads the soft descriptor limit from /proc's format", () => {
    const dir = mkdtempSync(join(tmpdir(), "fd-limit-"));
    const file = join(dir, "limits");
    writeFileSync(file, "Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 4096                 files\n");
    expect(openFileLimit(file)).toBe(1024);
    writeFileSync(file, "Max open files            unlimited            unlimited            files\n");
    expect(openFileLimit(file)).toBeUndefined();
    expect(openFileLimit(join(dir, "missing"))).toBeUndefined();
  });
});
