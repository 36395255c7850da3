// Class-data sharing (AppCDS): a JVM maps the classes that an earlier run of the same main class loaded,
// instead of parsing and verifying thousands of classes again. Measured here: a tool starts in about
// half the time, a broker with about a third less CPU. Archives live next to the jars they describe.
// BULKHEAD_KAFKA_CDS=off runs without archives: CI does, as a fresh clone has none, and writing one at JVM
// exit (15-20 s for a broker on a busy machine) costs more than the few later starts of one run save.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { kafkaHome } from "./fetch.js";

/** "use": map the archive if there is one. "create": also write it at exit when there is none yet. */
export type CdsMode = "use" | "create";

export interface ClassArchive {
  flags: string[];
  /** True when this JVM writes the archive as it exits, which takes a few more seconds. */
  dumping: boolean;
  /** Call with the JVM's exit code once it is gone: publishes a freshly dumped archive. */
  finish(code: number | null): void;
}

export function cdsDir(version: string): string {
  return join(kafkaHome(version), "cds");
}

const NO_ARCHIVE: ClassArchive = { flags: [], dumping: false, finish: () => undefined };

export function classArchive(version: string, mainClass: string, mode: CdsMode): ClassArchive {
  if (process.env.BULKHEAD_KAFKA_CDS?.trim() === "off") return NO_ARCHIVE;
  const archive = join(cdsDir(version), `${mainClass}.jsa`);
  if (existsSync(archive)) return { flags: [`-XX:SharedArchiveFile=${archive}`], dumping: false, finish: () => undefined };
  if (mode === "use") return NO_ARCHIVE;
  // The JVM dumps the archive as it exits; a private draft name keeps concurrent first runs apart.
  mkdirSync(cdsDir(version), { recursive: true });
  const draft = `${archive}.${randomUUID()}.draft`;
  return {
    flags: [`-XX:ArchiveClassesAtExit=${draft}`],
    dumping: true,
    finish(code) {
      // 137 = SIGKILL, which may have cut the dump short.
      if (code !== null && code !== 137 && existsSync(draft)) renameSync(draft, archive);
      else rmSync(draft, { force: true });
    },
  };
}
