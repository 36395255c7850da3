// Fetches Apache Kafka (broker + tools jars) from Maven Central into .cache/kafka/<version>/libs.
// Run: npm run kafka:fetch   (version from BULKHEAD_KAFKA_VERSION, default 4.4.0)
import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

export const KAFKA_SCRIPTS_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(KAFKA_SCRIPTS_DIR, "../..");
export const DEFAULT_KAFKA_VERSION = "4.4.0";
const POM = join(KAFKA_SCRIPTS_DIR, "pom.xml");

export function kafkaVersionFromEnv(): string {
  return process.env.BULKHEAD_KAFKA_VERSION?.trim() || DEFAULT_KAFKA_VERSION;
}

/** Major version: 3.x and 4.x differ in logging backend and some tool class names. */
export function kafkaLine(version: string): 3 | 4 {
  const major = Number.parseInt(version, 10);
  if (major === 3 || major === 4) return major;
  throw new Error(`Unsupported Kafka version ${JSON.stringify(version)}: expected 3.x or 4.x`);
}

export function kafkaHome(version: string): string {
  return join(REPO_ROOT, ".cache", "kafka", version);
}

/** Java classpath that loads every jar of the fetched version. */
export function kafkaClasspath(version: string): string {
  return join(kafkaHome(version), "libs", "*");
}

/**
 * Makes sure the jars of `version` are in .cache/kafka/<version>/libs and returns that dir.
 * Idempotent: a marker holding the pom's hash says the copy is complete and current, so a pom
 * change (e.g. a new logging binding) triggers a fresh fetch.
 */
export async function ensureKafka(version: string = kafkaVersionFromEnv()): Promise<string> {
  const line = kafkaLine(version); // fail early on an unsupported version
  const home = kafkaHome(version);
  return fetchMavenDependencies({
    what: `Kafka ${version}`,
    pom: POM,
    home,
    properties: { "kafka.version": version, "kafka.line": String(line) },
    staleWithOldJars: [join(home, "cds")], // class archives of the old jars (cds.ts)
  });
}

export interface MavenFetch {
  /** For the error message, e.g. "Kafka 4.4.0". */
  what: string;
  pom: string;
  /** The jars go to <home>/libs, the marker to <home>/fetched.sha256. */
  home: string;
  /** -Dkey=value for Maven. */
  properties: Record<string, string>;
  /** Paths made from the old jars, removed when the jars are replaced. */
  staleWithOldJars?: string[];
}

/**
 * Copies a pom's dependency closure from Maven Central into <home>/libs and returns that dir; a no-op when the
 * marker holds the pom's hash (the copy is complete and current).
 */
export async function fetchMavenDependencies(fetch: MavenFetch): Promise<string> {
  const libs = join(fetch.home, "libs");
  const marker = join(fetch.home, "fetched.sha256");
  const pomHash = createHash("sha256").update(await readFile(fetch.pom)).digest("hex");
  if (existsSync(marker) && (await readFile(marker, "utf8")).trim() === pomHash) return libs;

  // Copy into a private scratch dir and swap it in, so an interrupted, changed or concurrent fetch never
  // leaves a mixed libs dir.
  const scratch = `${libs}.partial-${randomUUID()}`;
  try {
    await copyDependencies(fetch, scratch);
    await rm(libs, { recursive: true, force: true });
    for (const stale of fetch.staleWithOldJars ?? []) await rm(stale, { recursive: true, force: true });
    await rename(scratch, libs);
  } finally {
    await rm(scratch, { recursive: true, force: true }); // still there only after a failure
  }
  await writeFile(marker, `${pomHash}\n`);
  return libs;
}

async function copyDependencies(fetch: MavenFetch, outputDir: string): Promise<void> {
  try {
    await promisify(execFile)(
      "mvn",
      ["-q", "-B", "-f", fetch.pom, ...Object.entries(fetch.properties).map(([k, v]) => `-D${k}=${v}`),
        "dependency:copy-dependencies", `-DoutputDirectory=${outputDir}`],
      { maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`Fetching ${fetch.what} with Maven failed:\n${e.stdout ?? ""}${e.stderr ?? e.message}`, { cause: err });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const version = kafkaVersionFromEnv();
  const started = Date.now();
  const libs = await ensureKafka(version);
  console.log(`Kafka ${version} ready in ${libs} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
}
