// The audit log: one JSON line per control-plane change (who, when, what, before and after), in a file of its own
// (`<stateDir>/audit.jsonl`). Entries are redacted before they are written, so the file never holds a secret.
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { redact } from "./redact.js";

export interface AuditEntry {
  readonly at: string;
  /** The token name, or "file" / "sighup" for reloads that no token made. */
  readonly who: string;
  /** e.g. "PUT /api/v1/virtual-clusters/payments/limits", "reload", "rollback". */
  readonly action: string;
  /** The virtual cluster changed, when the change is one tenant's. */
  readonly virtualCluster?: string | undefined;
  /** The config version this change produced. */
  readonly version?: number | undefined;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface AuditFilter {
  readonly who?: string | undefined;
  readonly action?: string | undefined;
  readonly virtualCluster?: string | undefined;
  /** ISO times, inclusive. */
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly limit: number;
}

export class AuditLog {
  private writes: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** Appends in call order; resolves once the entry is in the file. */
  append(entry: Omit<AuditEntry, "at">): Promise<void> {
    const line = `${JSON.stringify(redact({ at: new Date().toISOString(), ...entry }))}\n`;
    this.writes = this.writes.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      await appendFile(this.file, line, { mode: 0o600 });
    });
    return this.writes;
  }

  /** The newest `limit` entries matching the filter, oldest first. */
  async read(filter: AuditFilter): Promise<AuditEntry[]> {
    await this.writes.catch(() => undefined);
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const entries = text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line) as AuditEntry);
    return entries
      .filter(
        (e) =>
          (filter.who === undefined || e.who === filter.who) &&
          (filter.action === undefined || e.action.includes(filter.action)) &&
          (filter.virtualCluster === undefined || e.virtualCluster === filter.virtualCluster) &&
          (filter.since === undefined || e.at >= filter.since) &&
          (filter.until === undefined || e.at <= filter.until),
      )
      .slice(-filter.limit);
  }
}
