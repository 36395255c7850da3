import { chmod, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/errors.js";
import { YamlFileStore } from "../../../src/config/yaml-file-store.js";

const VALID = `clusters: [{ name: local, bootstrap: "127.0.0.1:9092" }]
virtualClusters:
  - { name: a, cluster: local, listeners: [{ name: plain, bind: 127.0.0.1, bootstrapPort: 19092, brokerPorts: "19093-19094", advertisedHost: localhost }] }
`;

describe("YamlFileStore", () => {
  it("reads and validates the file, naming file, path and reason when it is bad", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bulkhead-store-"));
    const file = join(dir, "gw.yaml");
    await writeFile(file, VALID);
    const store = new YamlFileStore(file);
    expect((await store.read()).config.virtualClusters[0]!.name).toBe("a");
    await writeFile(file, VALID.replace("cluster: local", "cluster: elsewhere"));
    const error = await store.read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([expect.objectContaining({ file, path: "virtualClusters[0].cluster" })]);
    await expect(new YamlFileStore(join(dir, "missing.yaml")).read()).rejects.toThrow(/cannot read the file \(ENOENT\)/);
  });

  it("replaces the file whole, keeping its permissions and leaving no temporary file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bulkhead-store-"));
    const file = join(dir, "gw.yaml");
    await writeFile(file, VALID);
    await chmod(file, 0o640);
    await new YamlFileStore(file).write(`# new\n${VALID}`);
    expect(await readFile(file, "utf8")).toBe(`# new\n${VALID}`);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(["gw.yaml"]);
  });
});
