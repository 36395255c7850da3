// Starts Kafka's JVMs (broker, storage tool, command-line tools) so that none outlives us.
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import type { Socket } from "node:net";
import { join } from "node:path";
import { classArchive, type CdsMode } from "./cds.js";
import { KAFKA_SCRIPTS_DIR, kafkaClasspath, kafkaLine } from "./fetch.js";

type StdioTarget = "pipe" | "ignore" | number;
export type LogSetup = { kind: "broker"; logsDir: string } | { kind: "tools" };

/** System properties that point the version's logging backend (log4j2 on 4.x, reload4j on 3.x) at our config. */
export function loggingProperties(version: string, log: LogSetup): string[] {
  const v4 = kafkaLine(version) === 4;
  const file = join(KAFKA_SCRIPTS_DIR, `${v4 ? "log4j2" : "log4j"}-${log.kind}.${v4 ? "xml" : "properties"}`);
  const props = [v4 ? `-Dlog4j2.configurationFile=${file}` : `-Dlog4j.configuration=file:${file}`];
  if (log.kind === "broker") props.push(`-Dkafka.logs.dir=${log.logsDir}`);
  return props;
}

// The JVM runs under a small sh watchdog. fd 3 is a pipe whose write end only we hold: when this Node
// process dies, even by SIGKILL, the pipe reaches EOF and the watchdog stops the JVM. A SIGTERM to the
// watchdog is forwarded to the JVM, and the watchdog exits only once the JVM has, with the JVM's code.
// (Background jobs of a non-interactive sh get /dev/null as stdin, hence the saved copy on fd 4.)
const WATCHDOG = `exec 4<&0
"$@" <&4 3<&- 4<&- & jvm=$!
( read -r _ <&3; kill -TERM "$jvm" ) 2>/dev/null & watcher=$!
trap 'kill -TERM "$jvm" 2>/dev/null' TERM
code=0
while kill -0 "$jvm" 2>/dev/null; do wait "$jvm"; code=$?; done
kill "$watcher" 2>/dev/null
exit "$code"`;

export interface JvmSpec {
  version: string;
  mainClass: string;
  args: readonly string[];
  log: LogSetup;
  /** Heap and GC flags; small defaults so a 3-node cluster, the gateway and tests share 2 cores. */
  jvmOptions?: readonly string[];
  /** stdin, stdout, stderr of the JVM (fd 3 is reserved for the watchdog). */
  stdio?: [StdioTarget, StdioTarget, StdioTarget];
  env?: NodeJS.ProcessEnv;
  /** Class-data sharing archive for this main class (see cds.ts). Default "create". */
  cds?: CdsMode;
  /** Jars after Kafka's own (the Java test clients). */
  classpath?: readonly string[];
}

export interface Jvm {
  child: ChildProcess;
  /** Process group of the watchdog and its JVM. */
  pgid: number;
  /** Resolves with the JVM's exit code (null if the watchdog was killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, wait up to graceMs (default 15 s, more while a CDS archive is dumped), then SIGKILL the group. */
  stop(graceMs?: number): Promise<void>;
}

export const DEFAULT_JVM_OPTIONS = ["-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"];

export function spawnJvm(spec: JvmSpec): Jvm {
  const cds = classArchive(spec.version, spec.mainClass, spec.cds ?? "create");
  const java = [
    "java", ...(spec.jvmOptions ?? DEFAULT_JVM_OPTIONS), ...cds.flags,
    // JVM warnings go to stderr, as a tool's stdout is for its output; CDS chatter (an archive being
    // dumped or not matching) is noise, as the archive only changes the start-up speed.
    "-Xlog:disable", "-Xlog:all=warning:stderr", "-Xlog:cds*=off:stderr", "-Djava.awt.headless=true",
    // Fixed locale: tool output (perf numbers, dates) must parse the same on every machine.
    "-Duser.language=en", "-Duser.country=US",
    ...loggingProperties(spec.version, spec.log),
    "-cp", [kafkaClasspath(spec.version), ...(spec.classpath ?? [])].join(":"), spec.mainClass, ...spec.args,
  ];
  const [stdin, stdout, stderr] = spec.stdio ?? ["ignore", "pipe", "pipe"];
  // detached: own session and process group, so a terminal's Ctrl-C reaches us (and our cleanup), not the JVM.
  const child = spawn("/bin/sh", ["-c", WATCHDOG, "kafka-jvm", ...java], {
    detached: true,
    stdio: [stdin, stdout, stderr, "pipe"] as StdioOptions,
    env: spec.env ?? process.env,
  });
  if (child.pid === undefined) throw new Error(`Could not start java for ${spec.mainClass}`);
  const pgid = child.pid;
  // The lifeline pipe must not keep our event loop alive on its own.
  (child.stdio[3] as Socket | null)?.unref();
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      cds.finish(code);
      resolve(code);
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    pgid,
    exited,
    async stop(graceMs = cds.dumping ? 45_000 : 15_000) {
      child.ref(); // an unref'd child would let Node exit before the JVM is down
      if (alive()) child.kill("SIGTERM");
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">((r) => (timer = setTimeout(r, graceMs, "timeout")));
      if (alive() && (await Promise.race([exited, timeout])) === "timeout") killGroup(pgid, "SIGKILL");
      clearTimeout(timer);
      await exited.catch(() => undefined);
      // A watchdog killed by a signal could not stop its JVM: finish the group off.
      if (child.signalCode !== null) killGroup(pgid, "SIGKILL");
    },
  };
}

/** Signals a whole process group; a group that is already gone is fine. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}
