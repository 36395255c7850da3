import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigHistory } from "../../../src/control/history.js";

describe("ConfigHistory", () => {
  it("numbers versions, skips a repeat of the newest, and keeps only the newest few", async () => {
    const history = new ConfigHistory(await mkdtemp(join(tmpdir(), "bulkhead-history-")), 3);
    expect((await history.record("a: 1\n", "startup", "startup")).version).toBe(1);
    expect((await history.record("a: 1\n", "file", "reload")).version).toBe(1);
    for (const n of [2, 3, 4, 5]) await history.record(`a: ${n}\n`, "ops", `change ${n}`);
    expect((await history.list()).map((v) => v.version)).toEqual([3, 4, 5]);
    expect(await history.get(1)).toBeUndefined();
    expect(await history.get(5)).toMatchObject({ info: { version: 5, by: "ops", reason: "change 5" }, text: "a: 5\n" });
  });
});
