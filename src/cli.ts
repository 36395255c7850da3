#!/usr/bin/env node
// The `bulkhead` command: run the gateway, or validate a config file.
// Exit codes: 0 ok, 1 failure at run time, 2 invalid config, 64 bad usage.
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, type GatewayConfig } from "./config/index.js";
import { applyLogLevel, logger } from "./log.js";

const EXIT_FAILURE = 1;
const EXIT_INVALID_CONFIG = 2;
const EXIT_USAGE = 64;

const USAGE = `Usage: bulkhead <command> [options]

Commands:
  start <config.yaml>          run the gateway until SIGTERM/SIGINT
  check-config <config.yaml>   validate a config file and print a one-line summary

Options:
  -h, --help      show this help
  -v, --version   print the version

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
    `control ${host.includes(":") ? `[${host}]` : host}:${port}`,
  ].join(", ");
}

/** Loads the config, or prints every problem and returns undefined. */
async function loadOrReport(file: string): Promise<GatewayConfig | undefined> {
  try {
    return await loadConfig(file);
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
  const config = await loadOrReport(file);
  if (!config) return EXIT_INVALID_CONFIG;
  applyLogLevel(config.log.level);
  exitOnUncaught();

  // Loaded here, not at the top, so check-config/--help/--version never load the data plane.
  const { startGateway } = await import("./gateway.js");
  const gateway = await startGateway(config); // also starts the control server on control.listen
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
      options: { help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
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
