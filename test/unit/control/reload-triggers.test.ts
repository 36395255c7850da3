import { mkdtemp, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { watchConfigFile } from "../../../src/control/reload-triggers.js";
import { waitUntil } from "../../harness/wait.js";

describe("watchConfigFile", () => {
  it("reloads once per burst of changes, and when the file is replaced by a rename (as editors and the store do)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bulkhead-watch-"));
    const file = join(dir, "gw.yaml");
    await writeFile(file, "a: 1\n");
    const reloads: string[] = [];
    const stop = watchConfigFile(file, async (trigger) => void reloads.push(trigger), pino({ level: "silent" }), 200);
    try {
      for (let i = 0; i < 5; i++) await writeFile(file, `a: ${i}\n`);
      await waitUntil(() => reloads.length === 1, { what: "one reload", timeoutMs: 10_000, intervalMs: 20 });
      await writeFile(join(dir, "next.tmp"), "a: 9\n");
      await rename(join(dir, "next.tmp"), file);
      await waitUntil(() => reloads.length === 2, { what: "a reload after the rename", timeoutMs: 10_000, intervalMs: 20 });
      expect(reloads).toEqual(["file", "file"]);
    } finally {
      stop();
    }
  });
});
