// ConfigError carries every problem found in one config file, each with file, YAML path, position and reason.
import { BulkheadError } from "../errors.js";

export type ConfigPath = readonly (string | number)[];

export interface ConfigIssue {
  readonly file: string;
  /** Dotted path as written in the file, e.g. `virtualClusters[0].listeners[1].brokerPorts`; "" for the root. */
  readonly path: string;
  readonly line?: number;
  readonly col?: number;
  readonly message: string;
}

/** `["a", 0, "b"]` → `a[0].b` */
export function formatPath(path: ConfigPath): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.col}`;
  return `${where} ${issue.path || "(root)"}: ${issue.message}`;
}

export class ConfigError extends BulkheadError {
  override name = "ConfigError";

  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super("ERR_BULKHEAD_CONFIG", `Invalid config ${file} (${count}):\n${issues.map((issue) => `  ${formatIssue(issue)}`).join("\n")}`);
  }
}
