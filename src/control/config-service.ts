// The one way the config changes while the gateway runs. Every change (an API call, a reload of the file, a
// rollback) is validated as a whole new config first, applied to the data plane, written to the store, kept as a
// new version, and audited. Changes run one at a time, so two API calls never interleave. A rejected config changes
// nothing: the old one stays in force, and the rejection is logged, counted and put in the event log.
import type { Logger } from "pino";
import { isAlias, parseDocument, visit, type Document, type Node } from "yaml";
import { ConfigError, formatIssue } from "../config/errors.js";
import type { ConfigSnapshot, ConfigStore } from "../config/store.js";
import type { GatewayConfig } from "../config/types.js";
import { BulkheadError } from "../errors.js";
import { metrics } from "../observe/metrics.js";
import { ApiError } from "./api-error.js";
import type { AuditLog } from "./audit-log.js";
import type { EventLog } from "./event-log.js";
import type { ConfigHistory, VersionInfo } from "./history.js";

export type ReloadTrigger = "file" | "sighup" | "api";

/** A change to the document, in the caller's words. */
export interface ConfigChange {
  /** The token name. */
  readonly who: string;
  /** e.g. "PUT /api/v1/virtual-clusters/payments/limits". */
  readonly action: string;
  readonly virtualCluster?: string | undefined;
  /** Edits the document in place (comments and layout are kept); throws an ApiError for a missing resource. */
  readonly edit: (doc: Document.Parsed) => void;
  /** The part of the (plain) document the audit entry shows before and after. */
  readonly subject: (document: unknown) => unknown;
}

/** A change already made to document `base`: what an edit in another thread (the control server's) sends. */
export interface EditedChange {
  readonly base: string;
  readonly text: string;
  readonly who: string;
  readonly action: string;
  readonly virtualCluster?: string | undefined;
  readonly before: unknown;
  readonly after: unknown;
}

/** Edits `change` into document `base` (a copy: aliases expanded, so an edit of one place changes only that place). */
export function edited(base: string, change: ConfigChange): EditedChange {
  const doc = withoutAliases(parseDocument(base));
  const before = change.subject(doc.toJS());
  change.edit(doc);
  return { base, text: doc.toString(), who: change.who, action: change.action, virtualCluster: change.virtualCluster, before, after: change.subject(doc.toJS()) };
}

/** The data plane refused a valid config (e.g. a port it could not bind); nothing changed. */
export class ConfigApplyError extends BulkheadError {
  override name = "ConfigApplyError";
}

export class ConfigService {
  private currentNow: ConfigSnapshot;
  private queue: Promise<unknown> = Promise.resolve();
  /** Told every document that goes into force (the control server on the admin worker keeps a copy). */
  onInstalled: ((snapshot: ConfigSnapshot) => void) | undefined;

  constructor(
    private readonly store: ConfigStore,
    initial: ConfigSnapshot,
    private readonly apply: (config: GatewayConfig) => Promise<unknown>,
    readonly history: ConfigHistory,
    readonly audit: AuditLog,
    private readonly events: EventLog,
    private readonly log: Logger,
  ) {
    this.currentNow = initial;
  }

  private get current(): ConfigSnapshot {
    return this.currentNow;
  }

  private set current(snapshot: ConfigSnapshot) {
    this.currentNow = snapshot;
    this.onInstalled?.(snapshot);
  }

  get config(): GatewayConfig {
    return this.current.config;
  }

  /** The document in force, as stored (secrets not yet redacted). */
  get text(): string {
    return this.current.text;
  }

  /** The document in force, as plain data (references unresolved, secrets not redacted). */
  document(): unknown {
    return parseDocument(this.current.text).toJS();
  }

  /** Keeps the config the gateway started with as a version (a no-op when it is the newest already). */
  recordStartup(): Promise<VersionInfo> {
    return this.history.record(this.current.text, "startup", "startup");
  }

  change(change: ConfigChange): Promise<VersionInfo> {
    return this.serially(() => this.commit(edited(this.current.text, change)));
  }

  /**
   * Puts in force a change edited elsewhere (the control server's thread) into document `base`; when another change
   * went first, nothing changes and the answer is the document now in force, to edit again.
   */
  changeEdited(change: EditedChange): Promise<VersionInfo | { readonly stale: string }> {
    return this.serially(async () => (change.base === this.current.text ? this.commit(change) : { stale: this.current.text }));
  }

  private async commit(change: EditedChange): Promise<VersionInfo> {
    const version = await this.install(change.text, change.who, change.action);
    const { who, action, virtualCluster, before, after } = change;
    await this.audit.append({ who, action, virtualCluster, version: version.version, before, after });
    return version;
  }

  /** Reads the store again and applies what changed; a bad document is rejected and the old config stays. */
  reload(trigger: ReloadTrigger, who: string): Promise<{ changed: boolean; version?: VersionInfo }> {
    return this.serially(async () => {
      let next: ConfigSnapshot;
      try {
        next = await this.store.read();
      } catch (error) {
        this.rejected(trigger, error);
        throw error;
      }
      if (next.text === this.current.text) {
        metrics.configReloads.labels("unchanged").inc();
        return { changed: false };
      }
      try {
        await this.applyOnly(next.config);
      } catch (error) {
        this.rejected(trigger, error);
        throw error;
      }
      this.current = next;
      const version = await this.history.record(next.text, who, `reload (${trigger})`);
      metrics.configReloads.labels("applied").inc();
      this.log.info({ trigger, version: version.version }, "config reloaded");
      await this.audit.append({ who, action: `reload (${trigger})`, version: version.version });
      return { changed: true, version };
    });
  }

  /** Makes version `target` the config in force again, as a new version. */
  rollback(target: number, who: string): Promise<VersionInfo> {
    return this.serially(async () => {
      const kept = await this.history.get(target);
      if (kept === undefined) throw new ApiError(404, "not_found", `config version ${target} not found (it may have been pruned)`);
      const from = (await this.history.list()).at(-1)?.version;
      const version = await this.install(kept.text, who, `rollback to ${target}`);
      await this.audit.append({ who, action: "rollback", version: version.version, before: { version: from }, after: { version: target } });
      return version;
    });
  }

  /** Validate, apply, write, record; on a failed write the data plane goes back to the old config. */
  private async install(text: string, who: string, reason: string): Promise<VersionInfo> {
    const config = this.store.validate(text); // a ConfigError names file, path and reason
    await this.applyOnly(config);
    try {
      await this.store.write(text);
    } catch (error) {
      await this.apply(this.current.config);
      throw error;
    }
    this.current = { text, config };
    return this.history.record(text, who, reason);
  }

  private async applyOnly(config: GatewayConfig): Promise<void> {
    try {
      await this.apply(config);
    } catch (error) {
      throw new ConfigApplyError("ERR_BULKHEAD_CONFIG_APPLY", `the data plane could not apply the config: ${(error as Error).message}`, { cause: error });
    }
  }

  private rejected(trigger: ReloadTrigger, error: unknown): void {
    metrics.configReloads.labels("rejected").inc();
    const reason = error instanceof ConfigError ? error.issues.map(formatIssue).join("; ") : (error as Error).message;
    this.log.error({ trigger, reason }, "config rejected, the old one stays in force");
    this.events.record(undefined, "config_rejected", `${trigger} reload rejected: ${reason}`);
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/**
 * A hand-written config may share a section between places with a YAML anchor and aliases (`&limits` / `*limits`).
 * An API edit of one place must not change, or orphan, the others: each alias becomes a copy of what it names first.
 */
export function withoutAliases<D extends Document>(doc: D): D {
  visit(doc, {
    Alias(_key, alias) {
      return alias.resolve(doc)?.clone() as Node | undefined;
    },
  });
  visit(doc, {
    Node(_key, node) {
      if (!isAlias(node)) node.anchor = undefined;
    },
  });
  return doc;
}
