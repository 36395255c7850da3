#!/usr/bin/env node
// The `bulkhead` command: run the gateway, or validate a config file.
// Exit codes: 0 ok, 1 failure at run time, 2 invalid config, 64 bad usage.
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, type GatewayConfig } from "./config/index.js";
import { CONTROL_ROLES } from "./config/control.js";
import type { ConfigSnapshot } from "./config/store.js";
import { YamlFileStore } from "./config/yaml-file-store.js";
import { applyLogLevel, logger } from "./log.js";

const EXIT_FAILURE = 1;
const EXIT_INVALID_CONFIG = 2;
const EXIT_USAGE = 64;

const USAGE = `Usage: bulkhead <command> [options]

Commands:
  start <config.yaml>          run the gateway until SIGTERM/SIGINT
  check-config <config.yaml>   validate a config file and print a one-line summary
  credentials hash --user NAME [--iterations N]
                               read a password on stdin, print the user's config entry
                               (SCRAM-SHA-256 and SCRAM-SHA-512 salted hashes; never the password)
  token create --name NAME --role viewer|operator|admin [--virtual-cluster VC]
                               make an admin API token: prints the token once, and its
                               control.tokens entry (only the token's SHA-256 is stored)

Options:
  -h, --help      show this help
  -v, --version   print the version

Signals (start):
  SIGHUP               read the config file again (a bad file is refused; the old config stays)

Environment:
  BULKHEAD_LOG_LEVEL   overrides log.level from the config file
`;

function version(): string {
  // Both src/cli.ts and the built dist/cli.js sit one level below package.json.
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

function summary(config: GatewayConfig): string {
  const listeners = config.virtualClusters.flatMap((vc) => vc.listeners);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const { host, port } = config.control.listen;
  return [
    plural(config.clusters.length, "cluster"),
    plural(config.virtualClusters.length, "virtual cluster"),
    plural(listeners.length, "listener"),
    ...(config.sharedListeners?.length ? [plural(config.sharedListeners.length, "shared listener")] : []),
    `control ${host.includes(":") ? `[${host}]` : host}:${port}`,
  ].join(", ");
}

/** Loads the config, or prints every problem and returns undefined. */
async function loadOrReport(file: string): Promise<GatewayConfig | undefined> {
  return readOrReport(() => loadConfig(file));
}

async function readOrReport<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return undefined;
  }
}

async function checkConfig(file: string): Promise<number> {
  const config = await loadOrReport(file);
  if (!config) return EXIT_INVALID_CONFIG;
  process.stdout.write(`OK ${file}: ${summary(config)}\n`);
  return 0;
}

/** Never a silent crash: whatever escapes is logged before the process exits. */
function exitOnUncaught(): void {
  process.on("uncaughtException", (error) => {
    logger.fatal({ err: error }, "uncaught exception, exiting");
    process.exit(EXIT_FAILURE);
  });
  process.on("unhandledRejection", (reason) => {
    logger.fatal({ err: reason }, "unhandled promise rejection, exiting");
    process.exit(EXIT_FAILURE);
  });
}

async function start(file: string): Promise<number | undefined> {
  const store = new YamlFileStore(file);
  const snapshot: ConfigSnapshot | undefined = await readOrReport(() => store.read());
  if (!snapshot) return EXIT_INVALID_CONFIG;
  const { config, text } = snapshot;
  applyLogLevel(config.log.level);
  exitOnUncaught();

  // Loaded here, not at the top, so check-config/--help/--version never load the data plane.
  const { tuneHeapGrowth } = await import("./runtime/heap-tuning.js");
  tuneHeapGrowth();
  const { startGateway } = await import("./gateway.js");
  // Also starts the control server on control.listen, with the admin API and reloads when the file changes.
  const gateway = await startGateway(config, { store: { store, text } });
  const { reloadOnSighup } = await import("./control/reload-triggers.js");
  reloadOnSighup((trigger) => gateway.reload(trigger));
  logger.info({ version: version(), config: file, summary: summary(config) }, "bulkhead started");

  const { drainTimeoutMs } = config.shutdown;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal, exiting without draining");
      process.exit(128 + (constants.signals[signal] ?? 0));
    }
    stopping = true;
    logger.info({ signal, drainTimeoutMs }, "stopping: no new connections, draining in-flight requests");
    // Backstop in case closing itself hangs; the gateway already bounds the drain by drainTimeoutMs.
    setTimeout(() => {
      logger.error("shutdown overran the drain timeout, exiting");
      process.exit(EXIT_FAILURE);
    }, drainTimeoutMs + 5_000).unref();
    await gateway.close(drainTimeoutMs);
    logger.info("bulkhead stopped");
    process.exit(0);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, (s) => void stop(s));
  return undefined; // keep running
}

/** Reads a password (the first line of stdin) and prints a `users[]` entry with its salted SCRAM hashes. */
async function hashCredentials(user: string | undefined, iterationsText: string | undefined): Promise<number> {
  const { MAX_ITERATIONS, MIN_ITERATIONS, scramCredential } = await import("./security/scram.js");
  const { formatScramCredential } = await import("./security/credential-format.js");
  if (user === undefined || !/^[\x21-\x2b\x2d-\x7e]+$/.test(user)) return usageError("credentials hash needs --user NAME (printable ASCII, no spaces or ',')");
  const iterations = iterationsText === undefined ? MIN_ITERATIONS : Number(iterationsText);
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    return usageError(`--iterations must be an integer ${MIN_ITERATIONS}-${MAX_ITERATIONS}`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
  if (password === "") {
    process.stderr.write("bulkhead: no password on stdin\n");
    return EXIT_USAGE;
  }
  const entry = (mechanism: "SCRAM-SHA-256" | "SCRAM-SHA-512") => formatScramCredential(scramCredential(mechanism, password, iterations));
  process.stdout.write(
    `# under virtualClusters[].users (the hashes may also go in an environment variable: { env: NAME })\n` +
      `- name: ${JSON.stringify(user)}\n  scramSha256: "${entry("SCRAM-SHA-256")}"\n  scramSha512: "${entry("SCRAM-SHA-512")}"\n`,
  );
  return 0;
}

/** Prints a new admin API token once, and the control.tokens entry that stores only its digest. */
async function createToken(name: string | undefined, role: string | undefined, virtualCluster: string | undefined): Promise<number> {
  if (name === undefined || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return usageError("token create needs --name NAME (letters, digits, '.', '_', '-')");
  if (role === undefined || !(CONTROL_ROLES as readonly string[]).includes(role)) return usageError(`token create needs --role ${CONTROL_ROLES.join("|")}`);
  const { createToken: newToken } = await import("./control/auth.js");
  const { token, sha256 } = newToken();
  const scope = virtualCluster === undefined ? "" : `\n  virtualCluster: ${JSON.stringify(virtualCluster)}`;
  process.stdout.write(
    `# the token (shown once; give it to its user): ${token}\n` +
      `# under control.tokens:\n- name: ${JSON.stringify(name)}\n  sha256: "${sha256}"\n  role: ${role}${scope}\n`,
  );
  return 0;
}

function usageError(reason: string): number {
  process.stderr.write(`bulkhead: ${reason}\n\n${USAGE}`);
  return EXIT_USAGE;
}

async function main(args: string[]): Promise<number | undefined> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
        user: { type: "string" },
        iterations: { type: "string" },
        name: { type: "string" },
        role: { type: "string" },
        "virtual-cluster": { type: "string" },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.values.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const [command, file, ...extra] = parsed.positionals;
  if (command === "credentials") {
    if (file !== "hash" || extra.length > 0) return usageError('credentials takes one subcommand: "hash"');
    return hashCredentials(parsed.values.user, parsed.values.iterations);
  }
  if (command === "token") {
    if (file !== "create" || extra.length > 0) return usageError('token takes one subcommand: "create"');
    return createToken(parsed.values.name, parsed.values.role, parsed.values["virtual-cluster"]);
  }
  if (command !== "start" && command !== "check-config") {
    return usageError(command === undefined ? "missing command" : `unknown command "${command}"`);
  }
  if (file === undefined || extra.length > 0) return usageError(`${command} takes exactly one config file`);
  return command === "start" ? start(file) : checkConfig(file);
}

try {
  const code = await main(process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
} catch (error) {
  logger.fatal({ err: error }, "bulkhead failed");
  process.exit(EXIT_FAILURE); // half-started listeners or sockets must not keep the process alive
}
