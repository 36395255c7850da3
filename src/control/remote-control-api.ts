// The ControlApi the control server's routes get on the admin worker thread: what they read of the main thread's
// state is asked there (control-host.ts answers), except the config document in force, which the main thread
// pushes after every change, so that token checks and config reads cost the main thread nothing. A change is
// edited here into that document and sent whole; the main thread validates, applies and writes it (the runtime is
// there), or answers with the newer document when another change went first, and the edit is made again on that.
import { parseDocument } from "yaml";
import type { ConfigSnapshot } from "../config/store.js";
import type { VersionInfo } from "./history.js";
import { edited, type ConfigChange } from "./config-service.js";
import type { ConfigAccess, ControlApi, TenantOperations } from "./control-api.js";
import type { ControlMethod, ControlMethods } from "./control-host.js";

/** Asks the main thread's ControlHost; rejects with the error it threw (failure-transfer.ts). */
export type AskMain = <M extends ControlMethod>(method: M, ...args: Parameters<ControlMethods[M]>) => Promise<Awaited<ReturnType<ControlMethods[M]>>>;

/** How many times a change is edited again when others keep going first, before it gives up. */
const MAX_EDITS = 10;

export class RemoteConfigs implements ConfigAccess {
  readonly history: ConfigAccess["history"];
  readonly audit: ConfigAccess["audit"];

  constructor(
    private snapshot: ConfigSnapshot,
    private readonly ask: AskMain,
  ) {
    this.history = { list: () => ask("versions"), get: (version) => ask("version", version) };
    this.audit = { read: (filter) => ask("audit", filter) };
  }

  /** The main thread put a new document in force. */
  installed(snapshot: ConfigSnapshot): void {
    this.snapshot = snapshot;
  }

  get config(): ConfigSnapshot["config"] {
    return this.snapshot.config;
  }

  document(): unknown {
    return parseDocument(this.snapshot.text).toJS();
  }

  async change(change: ConfigChange): Promise<VersionInfo> {
    let base = this.snapshot.text;
    for (let edits = 1; ; edits++) {
      const answer = await this.ask("changeEdited", edited(base, change));
      if (!("stale" in answer)) return answer;
      if (edits === MAX_EDITS) throw new Error(`${change.action}: the config kept changing under this change (${MAX_EDITS} tries)`);
      base = answer.stale;
    }
  }

  reload(...args: Parameters<ConfigAccess["reload"]>): ReturnType<ConfigAccess["reload"]> {
    return this.ask("reload", ...args);
  }

  rollback(...args: Parameters<ConfigAccess["rollback"]>): ReturnType<ConfigAccess["rollback"]> {
    return this.ask("rollback", ...args);
  }
}

export function remoteControlApi(configs: RemoteConfigs, ask: AskMain, tenantOperations: TenantOperations): ControlApi {
  return {
    configs,
    events: { read: (filter) => ask("events", filter) },
    tenantOperations,
    sessions: () => ask("sessions"),
    limitUsage: (virtualCluster) => ask("limitUsage", virtualCluster),
    bandwidth: (virtualCluster) => ask("bandwidth", virtualCluster),
  };
}
