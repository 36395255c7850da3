// Kroxylicious, the best-known open-source Kafka proxy, as a peer of the gateway in bench/e2e.ts: fetched from
// Maven Central like Kafka (bench/java/pom.xml), started by a main of ours (bench/java/KroxyliciousBench.java)
// on a Java 21+ JDK, in passthrough or multi-tenant mode, as a child process whose CPU time is read from /proc.
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { fetchMavenDependencies, REPO_ROOT } from "../../scripts/kafka/fetch.js";
import { waitUntil } from "../../test/harness/wait.js";

export const KROXYLICIOUS_VERSION = "0.12.0";
const MIN_JAVA = 21;
const JAVA_SOURCES = join(REPO_ROOT, "bench", "java");
const MAIN_CLASS = "KroxyliciousBench";
const HOME = join(REPO_ROOT, ".cache", "kroxylicious", KROXYLICIOUS_VERSION);
/** Where Debian, and the Temurin packages, install JDKs. */
const JVM_DIR = "/usr/lib/jvm";

export type KroxyliciousMode = "passthrough" | "multitenant";

export interface Jdk {
  home: string;
  major: number;
}

/** The major version a JDK's java prints ("17.0.15", "25", or "1.8.0_x" for 8), undefined when it doesn't run. */
function javaMajor(home: string): number | undefined {
  const { stderr } = spawnSync(join(home, "bin", "java"), ["-version"], { encoding: "utf8", timeout: 30_000 });
  return stderr ? parseMajor(stderr) : undefined;
}

function parseMajor(versionOutput: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 ? Number(m[2]) : first;
}

/** The JDK home of the `java` on PATH, the one scripts/kafka runs (a symlink chain ends in <home>/bin/java). */
function javaOnPath(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const java = join(dir, "java");
    if (dir && existsSync(java)) return dirname(dirname(realpathSync(java)));
  }
  return undefined;
}

/**
 * A JDK of Java 21 or newer with javac: BULKHEAD_BENCH_JAVA_HOME when set (that one only), else JAVA_HOME, the java
 * on PATH (as scripts/kafka finds Java), then the JDKs under /usr/lib/jvm (where a second JDK sits beside the
 * default one). When there is none, `missing` says what was looked at.
 */
export function findJdk21(): { jdk: Jdk } | { missing: string } {
  const chosen = process.env.BULKHEAD_BENCH_JAVA_HOME?.trim();
  const listed = existsSync(JVM_DIR) ? readdirSync(JVM_DIR).sort().map((d) => join(JVM_DIR, d)) : [];
  const candidates = chosen ? [chosen] : [process.env.JAVA_HOME, javaOnPath(), ...listed];
  const seen = new Set<string>();
  const rejected: string[] = [];
  for (const candidate of candidates) {
    if (!candidate) continue;
    if (!existsSync(candidate)) {
      rejected.push(`${candidate} (no such directory)`);
      continue;
    }
    const home = realpathSync(candidate);
    if (seen.has(home)) continue;
    seen.add(home);
    const major = javaMajor(home);
    if (major !== undefined && major >= MIN_JAVA && existsSync(join(home, "bin", "javac"))) return { jdk: { home, major } };
    rejected.push(`${home} (${major === undefined ? "no java" : `Java ${major}`}${existsSync(join(home, "bin", "javac")) ? "" : ", no javac"})`);
  }
  return {
    missing: `Kroxylicious ${KROXYLICIOUS_VERSION} needs a Java ${MIN_JAVA}+ JDK and none was found ` +
      `(looked at: ${rejected.join(", ") || "nothing"}; BULKHEAD_BENCH_JAVA_HOME names one)`,
  };
}

/** The jars with their dependency closure, fetched once into .cache/kroxylicious/<version>/libs. */
export function fetchKroxylicious(): Promise<string> {
  return fetchMavenDependencies({
    what: `Kroxylicious ${KROXYLICIOUS_VERSION}`,
    pom: join(JAVA_SOURCES, "pom.xml"),
    home: HOME,
    properties: { "kroxylicious.version": KROXYLICIOUS_VERSION },
  });
}

/** The jars and our main's classes (compiled once per source and JDK), as a classpath. */
export async function kroxyliciousClasspath(jdk: Jdk): Promise<string> {
  const libs = await fetchKroxylicious();
  const source = join(JAVA_SOURCES, `${MAIN_CLASS}.java`);
  const hash = createHash("sha256").update(String(jdk.major)).update(await readFile(source)).digest("hex").slice(0, 16);
  const classes = join(HOME, `classes-${hash}`);
  if (!existsSync(classes)) {
    // Compiled in a scratch dir and renamed into place: a concurrent run never sees half the classes.
    const scratch = join(HOME, `build-${randomUUID()}`);
    try {
      await mkdir(scratch, { recursive: true });
      await promisify(execFile)(join(jdk.home, "bin", "javac"), ["-nowarn", "-encoding", "UTF-8", "-cp", join(libs, "*"), "-d", scratch, source]);
      await rename(scratch, classes);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
  return [join(libs, "*"), classes].join(":");
}

export interface KroxyliciousOptions {
  jdk: Jdk;
  mode: KroxyliciousMode;
  /** The real cluster's bootstrap servers, "host:port,...". */
  kafkaBootstrap: string;
  /** Node ids of the real brokers: one proxy port per id in their range. */
  nodeIds: number[];
  /** Its bootstrap port; the broker ports follow it, one per node id from the lowest. */
  firstPort: number;
  /** Run it on these CPUs only (taskset -c), e.g. "0". */
  cpus?: string;
}

export interface KroxyliciousProcess {
  mode: KroxyliciousMode;
  bootstrap: string;
  pid: number;
  /** CPU time (user + system, all threads) the JVM has used since it started, from /proc/<pid>/stat. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** The proxy's config in the 0.12 format: one virtual cluster, port per broker on 127.0.0.1. */
function kroxyliciousConfig(o: KroxyliciousOptions): string {
  const multitenant = o.mode === "multitenant";
  return stringify({
    // The multi-tenant filter prefixes topics, groups and transactional ids with "<virtual cluster name>-".
    ...(multitenant && { filterDefinitions: [{ name: "multi-tenant", type: "MultiTenant", config: { prefixResourceNameSeparator: "-" } }] }),
    virtualClusters: [
      {
        name: "bench",
        targetCluster: { bootstrapServers: o.kafkaBootstrap },
        ...(multitenant && { filters: ["multi-tenant"] }),
        gateways: [
          {
            name: "plain",
            portIdentifiesNode: {
              bootstrapAddress: `127.0.0.1:${o.firstPort}`,
              advertisedBrokerAddressPattern: "127.0.0.1",
              nodeIdRanges: [{ name: "brokers", start: Math.min(...o.nodeIds), end: Math.max(...o.nodeIds) }],
            },
          },
        ],
      },
    ],
  });
}

const CLOCK_TICKS_PER_SEC = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** utime + stime of a process, in ms. */
function processCpuMs(pid: number): number {
  // "pid (comm) state ppid ...": comm may contain spaces, so split after ')'; utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SEC;
}

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.end(() => resolve(true)));
    socket.once("error", () => resolve(false));
  });

export async function startKroxylicious(o: KroxyliciousOptions): Promise<KroxyliciousProcess> {
  const classpath = await kroxyliciousClasspath(o.jdk);
  const dir = await mkdtemp(join(tmpdir(), "bulkhead-kroxylicious-"));
  const configFile = join(dir, `${o.mode}.yaml`);
  await writeFile(configFile, kroxyliciousConfig(o));

  const java = [
    join(o.jdk.home, "bin", "java"), "-Xmx1g", "-XX:+ExitOnOutOfMemoryError",
    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath, MAIN_CLASS, configFile,
  ];
  // Under taskset the JVM sizes its thread pools for the CPUs it is given, as a proxy on a core of its own would.
  const [command, ...args] = o.cpus === undefined ? java : ["taskset", "-c", o.cpus, ...java];
  // stdin is its lifeline: it stops when the pipe closes, and only we hold the write end.
  const child: ChildProcess = spawn(command!, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-8_000)));
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", (err) => {
      stderr += `${err.message}\n`; // e.g. no taskset: then there is no exit event
      resolve(null);
    });
  });
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const stop = async () => {
    if (exitCode === undefined) {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const ready = await waitUntil(async () => (exitCode !== undefined ? { exited: exitCode } : stdout.includes("ready\n") && (await canConnect(o.firstPort))), {
      what: () => `Kroxylicious (${o.mode}) to listen on 127.0.0.1:${o.firstPort}; stderr:\n${stderr}`,
      timeoutMs: 90_000,
    });
    if (ready !== true) throw new Error(`Kroxylicious (${o.mode}) exited with code ${ready.exited} before it was ready; stderr:\n${stderr}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    mode: o.mode,
    bootstrap: `127.0.0.1:${o.firstPort}`,
    pid: child.pid!,
    cpuMs: () => {
      if (exitCode !== undefined) throw new Error(`Kroxylicious (${o.mode}) exited with code ${exitCode}; stderr:\n${stderr}`);
      return processCpuMs(child.pid!);
    },
    stop,
  };
}

// npm run kroxylicious:fetch (CI runs it before the tests, as it fetches Kafka): the jars, and the main compiled
// when a Java 21+ JDK is there.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const found = findJdk21();
  if ("missing" in found) console.log(`Kroxylicious ${KROXYLICIOUS_VERSION} jars in ${await fetchKroxylicious()}; not compiled: ${found.missing}`);
  else console.log(`Kroxylicious ${KROXYLICIOUS_VERSION} ready for Java ${found.jdk.major}: ${await kroxyliciousClasspath(found.jdk)}`);
}
