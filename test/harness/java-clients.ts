// The Java test clients (test/java/*.java): Kafka's own client library in programs of our own (a share consumer, a
// Streams app), compiled with the JDK's javac against the fetched jars and run like Kafka's tools (java-tools.ts).
// They always use the newest Kafka's client jars, whatever the brokers under test run: on an older broker the client
// must get the same answer through the gateway as direct.
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { DEFAULT_KAFKA_VERSION, ensureKafka, kafkaClasspath, REPO_ROOT } from "../../scripts/kafka/fetch.js";
import { spawnJvm, type Jvm } from "../../scripts/kafka/jvm.js";
import { waitUntil } from "./wait.js";

const SOURCES = join(REPO_ROOT, "test", "java");
const CACHE = join(REPO_ROOT, ".cache", "java-clients");
const run = promisify(execFile);

export type JavaClient = "ShareConsumerClient" | "WordCountApp";

/** The clients' jar, built once per source text and client version (cached under .cache/java-clients/). */
export async function javaClientsJar(version = DEFAULT_KAFKA_VERSION): Promise<string> {
  await ensureKafka(version);
  const files = (await readdir(SOURCES)).filter((f) => f.endsWith(".java")).sort();
  const hash = createHash("sha256").update(version);
  for (const f of files) hash.update(f).update(await readFile(join(SOURCES, f)));
  const jar = join(CACHE, `${version}-${hash.digest("hex").slice(0, 16)}.jar`);
  if (existsSync(jar)) return jar;
  // Built in a scratch dir and renamed into place: concurrent test files never see half a jar.
  const scratch = join(CACHE, `build-${randomUUID()}`);
  try {
    await mkdir(join(scratch, "classes"), { recursive: true });
    await run("javac", ["-nowarn", "-encoding", "UTF-8", "-cp", kafkaClasspath(version), "-d", join(scratch, "classes"), ...files.map((f) => join(SOURCES, f))]);
    await run("jar", ["cf", join(scratch, "clients.jar"), "-C", join(scratch, "classes"), "."]);
    await rename(join(scratch, "clients.jar"), jar);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return jar;
}

/** A running Java test client: its stdout lines so far, its stderr, and a way to stop it. */
export interface RunningJavaClient {
  readonly jvm: Jvm;
  readonly lines: string[];
  stderr(): string;
  /** Waits until a line matches, or the client exits (then rejects, with its output). */
  waitForLine(match: RegExp, timeoutMs: number): Promise<string>;
  /** Waits for it to exit by itself (e.g. giving up on an error); stops it and rejects after timeoutMs. */
  exited(timeoutMs: number): Promise<number | null>;
  /** Closes its stdin (the clients' signal to finish) and waits for its exit code. */
  finish(timeoutMs: number): Promise<number | null>;
}

export async function spawnJavaClient(client: JavaClient, args: readonly string[]): Promise<RunningJavaClient> {
  const jar = await javaClientsJar();
  const jvm = spawnJvm({
    version: DEFAULT_KAFKA_VERSION, mainClass: client, args, log: { kind: "tools" }, classpath: [jar],
    cds: "use", stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let partial = "";
  let stderr = "";
  let exitCode: number | null | undefined;
  void jvm.exited.then((code) => (exitCode = code), () => (exitCode = null));
  jvm.child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    const parts = (partial + d).split("\n");
    partial = parts.pop()!;
    lines.push(...parts);
  });
  jvm.child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const output = () => `stdout (last lines):\n${lines.slice(-20).join("\n")}\nstderr:\n${stderr.slice(-4000)}`;
  const exited = async (timeoutMs: number): Promise<number | null> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((r) => (timer = setTimeout(r, timeoutMs, "timeout")));
    const outcome = await Promise.race([jvm.exited, timedOut]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      await jvm.stop(1_000);
      throw new Error(`${client} did not exit within ${timeoutMs} ms\n${output()}`);
    }
    return outcome;
  };
  return {
    jvm,
    lines,
    stderr: () => stderr,
    async waitForLine(match, timeoutMs) {
      const found = await waitUntil(() => {
        const line = lines.find((l) => match.test(l));
        if (line !== undefined) return { line };
        return exitCode !== undefined && { exited: exitCode };
      }, { what: () => `${client} to print ${match}\n${output()}`, timeoutMs });
      if ("exited" in found) throw new Error(`${client} exited (${found.exited}) before printing ${match}\n${output()}`);
      return found.line;
    },
    finish(timeoutMs) {
      jvm.child.stdin!.end();
      return exited(timeoutMs);
    },
    exited,
  };
}
