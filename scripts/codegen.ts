/**
 * Generates src/protocol/messages/ from Kafka's own message definitions (common/message/*.json in
 * the pinned kafka-clients jar): one module per API plus index.ts.
 *
 *   npm run codegen          regenerate in place
 *   npm run codegen:check    regenerate into a temp dir and fail if the committed files differ (CI)
 *
 * The jar is .cache/kafka/$BULKHEAD_KAFKA_VERSION/libs/kafka-clients-$V.jar (default 4.4.0).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { emitIndex } from "./codegen/emit-index.js";
import { emitApiModule, type ApiModule } from "./codegen/emit-message.js";
import { clientsJar, kafkaVersion, loadSpecs, type MessageSpec } from "./codegen/spec.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "src/protocol/messages");

/** Generated files by name (deterministic: same jar, same bytes). */
export function generate(jar: string, version: string): Map<string, string> {
  const source = basename(jar);
  const byKey = new Map<number, { request?: MessageSpec; response?: MessageSpec }>();
  // Only request/response files are APIs; headers and data/metadata records are not.
  for (const { spec } of loadSpecs(jar)) {
    if (spec.type !== "request" && spec.type !== "response") continue;
    if (spec.apiKey === undefined) throw new Error(`${spec.name}: ${spec.type} without apiKey`);
    const pair = byKey.get(spec.apiKey) ?? {};
    pair[spec.type] = spec;
    byKey.set(spec.apiKey, pair);
  }
  const modules: ApiModule[] = [];
  for (const [key, { request, response }] of [...byKey].sort((a, b) => a[0] - b[0])) {
    if (!request || !response) throw new Error(`API key ${key} lacks a request or a response definition`);
    // Kafka keeps removed APIs (LeaderAndIsr, StopReplica...) as stubs with validVersions "none".
    if (request.validVersions === "none") continue;
    if (request.validVersions !== response.validVersions) {
      throw new Error(`API key ${key}: request and response validVersions differ`);
    }
    modules.push(emitApiModule(request, response, source));
  }
  const files = new Map<string, string>();
  for (const m of modules) files.set(`${m.fileBase}.ts`, m.code);
  files.set("index.ts", emitIndex(modules, source, version));
  return files;
}

function writeAll(dir: string, files: Map<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, code] of files) writeFileSync(join(dir, name), code);
}

function main(): void {
  const check = process.argv.includes("--check");
  const version = kafkaVersion();
  const jar = clientsJar(root, version);
  if (!existsSync(jar)) {
    console.error(`codegen: ${relative(root, jar)} is missing; fetch the Kafka jars first (scripts/kafka/pom.xml).`);
    process.exit(2);
  }
  const files = generate(jar, version);
  if (!check) {
    for (const old of existsSync(target) ? readdirSync(target) : []) {
      if (old.endsWith(".ts") && !files.has(old)) rmSync(join(target, old));
    }
    writeAll(target, files);
    console.log(`codegen: wrote ${files.size} files to ${relative(root, target)} from kafka-clients ${version}`);
    return;
  }
  // Check mode: regenerate into a temp dir, then compare file by file with the committed output.
  const tmp = mkdtempSync(join(tmpdir(), "bulkhead-codegen-"));
  try {
    writeAll(tmp, files);
    const committed = existsSync(target) ? readdirSync(target).filter((f) => f.endsWith(".ts")) : [];
    const problems: string[] = [];
    for (const name of [...files.keys()].sort()) {
      const path = join(target, name);
      if (!existsSync(path)) problems.push(`missing: ${relative(root, path)}`);
      else if (readFileSync(path, "utf8") !== readFileSync(join(tmp, name), "utf8")) problems.push(`differs: ${relative(root, path)}`);
    }
    for (const name of committed.sort()) {
      if (!files.has(name)) problems.push(`not generated (stale): ${relative(root, join(target, name))}`);
    }
    if (problems.length > 0) {
      console.error(`codegen:check failed: the committed codec differs from kafka-clients ${version}'s definitions:`);
      for (const p of problems) console.error(`  ${p}`);
      console.error("Run `npm run codegen` and commit the result (never edit generated files by hand).");
      process.exit(1);
    }
    console.log(`codegen:check ok: ${files.size} files match kafka-clients ${version}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
