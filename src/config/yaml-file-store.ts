// The default ConfigStore: the YAML file the gateway was started with. Writes are atomic (a temporary file in the
// same folder, fsync, rename, fsync of the folder), so a crash leaves the old file or the new one, and a watcher
// never reads half a file.
import { randomBytes } from "node:crypto";
import { open, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "./errors.js";
import { parseConfig } from "./load.js";
import type { ConfigSnapshot, ConfigStore } from "./store.js";
import type { GatewayConfig } from "./types.js";

export class YamlFileStore implements ConfigStore {
  constructor(readonly name: string) {}

  async read(): Promise<ConfigSnapshot> {
    let text: string;
    try {
      text = await readFile(this.name, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? "read failed";
      throw new ConfigError(this.name, [{ file: this.name, path: "", message: `cannot read the file (${reason})` }]);
    }
    return { text, config: this.validate(text) };
  }

  validate(text: string): GatewayConfig {
    return parseConfig(text, this.name);
  }

  async write(text: string): Promise<void> {
    const folder = dirname(this.name);
    const temporary = join(folder, `.${basename(this.name)}.${randomBytes(6).toString("hex")}.tmp`);
    const mode = (await stat(this.name).catch(() => undefined))?.mode ?? 0o600; // keep the file's permissions
    const file = await open(temporary, "wx", mode & 0o777);
    try {
      await file.writeFile(text, "utf8");
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(temporary, this.name);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    const dir = await open(folder, "r");
    try {
      await dir.sync(); // the rename itself survives a crash
    } finally {
      await dir.close();
    }
  }
}
