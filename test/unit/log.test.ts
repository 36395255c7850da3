import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { applyLogLevel, createLogger } from "../../src/log.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString("utf8")));
      done();
    },
  });
  return { lines, stream };
}

describe("logger", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("writes structured JSON with the given bindings", () => {
    const { lines, stream } = capture();
    createLogger(stream, "info").child({ component: "test" }).info({ port: 19092 }, "listening");
    expect(lines).toEqual([expect.objectContaining({ msg: "listening", port: 19092, component: "test", level: 30 })]);
  });

  it("redacts passwords, secrets, tokens and everything under sasl, also nested", () => {
    const { lines, stream } = capture();
    createLogger(stream, "info").info(
      {
        password: "p0",
        user: { name: "alice", token: "t1", sasl: { mechanism: "SCRAM-SHA-512", username: "alice" } },
        cluster: { auth: { secret: "s2" } },
        sasl: { password: "p3" },
      },
      "with secrets",
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ["p0", "t1", "s2", "p3", "SCRAM-SHA-512"]) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      password: "[REDACTED]",
      user: { name: "alice", token: "[REDACTED]", sasl: { mechanism: "[REDACTED]", username: "[REDACTED]" } },
      cluster: { auth: { secret: "[REDACTED]" } },
    });
  });

  it("takes the config level unless BULKHEAD_LOG_LEVEL overrides it", () => {
    const { stream } = capture();
    const log = createLogger(stream, "info");
    applyLogLevel("warn", log);
    expect(log.level).toBe("warn");
    vi.stubEnv("BULKHEAD_LOG_LEVEL", "debug");
    applyLogLevel("warn", log);
    expect(log.level).toBe("debug");
    vi.stubEnv("BULKHEAD_LOG_LEVEL", "loud");
    applyLogLevel("error", log);
    expect(log.level).toBe("error");
  });
});
