import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const EXAMPLE = "config/bulkhead.example.yaml";

/** Runs the CLI from source like `npx tsx src/cli.ts …`, minus npx's start-up cost. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe.concurrent("bulkhead check-config", { timeout: 30_000 }, () => {
  let badFile: string;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "bulkhead-cli-"));
    badFile = join(dir, "bad.yaml");
    const example = await readFile(join(ROOT, EXAMPLE), "utf8");
    const bad = example
      .replace('brokerPorts: "19093-19095"', 'brokerPorts: "19095-19093"')
      .replace("cluster: local", "cluster: local\n    tier: gold");
    await writeFile(badFile, bad);
  });

  it("prints OK and a one-line summary for a valid file", async () => {
    const { code, stdout } = await cli("check-config", EXAMPLE);
    expect(code).toBe(0);
    expect(stdout).toBe(`OK ${EXAMPLE}: 1 cluster, 2 virtual clusters, 2 listeners, control 127.0.0.1:9190\n`);
  });

  it("prints every problem with file, line:col and path, and exits 2", async () => {
    const { code, stdout, stderr } = await cli("check-config", badFile);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`Invalid config ${badFile} (2 problems):`);
    expect(stderr).toMatch(new RegExp(`${badFile}:\\d+:\\d+ virtualClusters\\[0\\]\\.tier: unknown key`));
    expect(stderr).toMatch(new RegExp(`${badFile}:\\d+:\\d+ virtualClusters\\[0\\]\\.listeners\\[0\\]\\.brokerPorts: first port 19095 is above last port 19093`));
  });

  it("exits 2 naming a missing file", async () => {
    const { code, stderr } = await cli("check-config", "does/not/exist.yaml");
    expect(code).toBe(2);
    expect(stderr).toContain("does/not/exist.yaml (root): cannot read the file (ENOENT)");
  });
});

describe.concurrent("bulkhead usage", { timeout: 30_000 }, () => {
  it("prints help and the package version", async () => {
    const help = await cli("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: bulkhead <command>/);
    expect(help.stdout).toContain("check-config <config.yaml>");
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(await cli("--version")).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it.each([
    [["frob", EXAMPLE], 'unknown command "frob"'],
    [["check-config"], "check-config takes exactly one config file"],
    [["start", "a.yaml", "b.yaml"], "start takes exactly one config file"],
    [["--bogus"], "Unknown option '--bogus'"],
  ])("rejects %j with exit code 64", async (args, reason) => {
    const { code, stderr } = await cli(...args);
    expect(code).toBe(64);
    expect(stderr).toContain(`bulkhead: ${reason}`);
  });
});

// One process each: under a loaded machine's full unit run, every CLI start costs seconds.
describe("bulkhead token create", { timeout: 60_000 }, () => {
  it("prints a token once and a control.tokens entry holding only its SHA-256, which the config accepts", async () => {
    const { code, stdout } = await cli("token", "create", "--name", "payments-team", "--role", "operator", "--virtual-cluster", "payments");
    expect(code).toBe(0);
    const token = /token \(shown once; give it to its user\): (\S+)/.exec(stdout)![1]!;
    const entry = stdout.slice(stdout.indexOf("- name:"));
    expect(entry).toContain(`sha256: "${createHash("sha256").update(token).digest("hex")}"`);
    expect(entry).not.toContain(token);
    const example = await readFile(join(ROOT, EXAMPLE), "utf8");
    const withToken = (text: string) => example.replace(/^control:\n/m, `control:\n  tokens:\n${text.replace(/^/gm, "    ").trimEnd()}\n`);
    expect(parseConfig(withToken(entry), "gw.yaml").control.tokens).toEqual([{ name: "payments-team", sha256: expect.any(String), role: "operator", virtualCluster: "payments" }]);
    expect(() => parseConfig(withToken(entry.replace('"payments"', '"nobody"')), "gw.yaml")).toThrow('control.tokens[0].virtualCluster: unknown virtual cluster "nobody"');
  });

  it("rejects an unknown role with exit code 64", async () => {
    expect(await cli("token", "create", "--name", "x", "--role", "root")).toMatchObject({ code: 64, stderr: expect.stringContaining("--role viewer|operator|admin") });
  });
});
