// Every config the gateway applied, kept as a numbered version next to the config (`<stateDir>/history/`): the
// document as it was written (NNNNNN.yaml) and who applied it, when and why (NNNNNN.json). Only the newest
// `keep` versions stay; numbers are never reused.
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface VersionInfo {
  readonly version: number;
  readonly at: string;
  /** The token name, or "file", "sighup", "startup". */
  readonly by: string;
  /** What made this version: "startup", "reload", "rollback to 3", "PUT /api/v1/virtual-clusters/a/limits", ... */
  readonly reason: string;
}

const pad = (version: number) => String(version).padStart(6, "0");

export class ConfigHistory {
  private readonly dir: string;

  constructor(stateDir: string, private readonly keep: number) {
    this.dir = join(stateDir, "history");
  }

  /** Versions kept, oldest first. */
  async list(): Promise<VersionInfo[]> {
    await mkdir(this.dir, { recursive: true });
    const numbers = (await readdir(this.dir)).filter((f) => /^\d+\.json$/.test(f)).map((f) => Number.parseInt(f, 10));
    numbers.sort((a, b) => a - b);
    return Promise.all(numbers.map(async (n) => JSON.parse(await readFile(join(this.dir, `${pad(n)}.json`), "utf8")) as VersionInfo));
  }

  async get(version: number): Promise<{ info: VersionInfo; text: string } | undefined> {
    try {
      const info = JSON.parse(await readFile(join(this.dir, `${pad(version)}.json`), "utf8")) as VersionInfo;
      return { info, text: await readFile(join(this.dir, `${pad(version)}.yaml`), "utf8") };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  /** Keeps `text` as the next version, unless it is the newest already; returns the version it is. */
  async record(text: string, by: string, reason: string): Promise<VersionInfo> {
    const versions = await this.list();
    const newest = versions.at(-1);
    if (newest !== undefined && (await this.get(newest.version))?.text === text) return newest;
    const info: VersionInfo = { version: (newest?.version ?? 0) + 1, at: new Date().toISOString(), by, reason };
    // The document first: a version is listed (by its .json) only once its text is there.
    await writeFile(join(this.dir, `${pad(info.version)}.yaml`), text, { mode: 0o600 });
    await writeFile(join(this.dir, `${pad(info.version)}.json`), `${JSON.stringify(info)}\n`, { mode: 0o600 });
    for (const old of versions.slice(0, Math.max(0, versions.length + 1 - this.keep))) {
      await rm(join(this.dir, `${pad(old.version)}.json`), { force: true });
      await rm(join(this.dir, `${pad(old.version)}.yaml`), { force: true });
    }
    return info;
  }
}
