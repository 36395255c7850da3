// What makes the gateway read its config file again: the file changing on disk, and SIGHUP. (The third trigger,
// POST /api/v1/config/reload, is a route.) A rejected config is handled by ConfigService; here it is only caught.
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import type { Logger } from "pino";
import type { ReloadTrigger } from "./config-service.js";

export type Reload = (trigger: ReloadTrigger) => Promise<unknown>;

/** Editors and our own atomic writes replace the file (a rename), so the folder is watched, not the file's inode. */
export const FILE_DEBOUNCE_MS = 300;

export function watchConfigFile(file: string, reload: Reload, log: Logger, debounceMs = FILE_DEBOUNCE_MS): () => void {
  let timer: NodeJS.Timeout | undefined;
  const name = basename(file);
  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed.toString() !== name) return;
      clearTimeout(timer);
      // Several events arrive for one save; read the file once it has settled.
      timer = setTimeout(() => void reload("file").catch(() => undefined), debounceMs);
    });
  } catch (err) {
    log.warn({ err, file }, "cannot watch the config file; reload with SIGHUP or the API");
    return () => undefined;
  }
  watcher.on("error", (err) => log.warn({ err, file }, "config file watch failed; reload with SIGHUP or the API"));
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}

export function reloadOnSighup(reload: Reload): () => void {
  const onSignal = () => void reload("sighup").catch(() => undefined);
  process.on("SIGHUP", onSignal);
  return () => process.off("SIGHUP", onSignal);
}
