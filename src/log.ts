// Structured JSON logging (pino). One root logger; components take a child with their own bindings.
import pino, { type DestinationStream, type Logger } from "pino";
import { LOG_LEVELS, type LogLevel } from "./config/types.js";

const SECRET_KEYS = ["password", "secret", "token"];

/** Secrets are censored wherever they appear up to three levels deep (pino paths have no `**`). */
export const REDACT_PATHS: readonly string[] = ["", "*.", "*.*."].flatMap((prefix) => [
  ...SECRET_KEYS.map((key) => prefix + key),
  `${prefix}sasl.*`,
]);

function isLogLevel(value: string | undefined): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value ?? "");
}

/** The operator's environment wins over the config file, so debugging needs no config edit. */
function envLevel(): LogLevel | undefined {
  const value = process.env.BULKHEAD_LOG_LEVEL;
  return isLogLevel(value) ? value : undefined;
}

export function createLogger(destination?: DestinationStream, level: LogLevel = envLevel() ?? "info"): Logger {
  const options = {
    name: "bulkhead",
    level,
    redact: { paths: [...REDACT_PATHS], censor: "[REDACTED]" },
  };
  // Synchronous stdout, like console.log on a pipe: lines stay in order and none is lost when the process
  // exits right after logging (shutdown, fatal errors). The data plane logs per connection, not per request.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}

export const logger: Logger = createLogger();

if (process.env.BULKHEAD_LOG_LEVEL !== undefined && envLevel() === undefined) {
  logger.warn({ allowed: LOG_LEVELS }, "ignoring invalid BULKHEAD_LOG_LEVEL");
}

export function childLogger(bindings: Record<string, unknown>): Logger {
  return logger.child(bindings);
}

/** Applies `log.level` from the config, unless BULKHEAD_LOG_LEVEL overrides it. */
export function applyLogLevel(configLevel: LogLevel, target: Logger = logger): void {
  target.level = envLevel() ?? configLevel;
}
