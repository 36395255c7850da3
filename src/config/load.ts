// YAML text → validated, deep-frozen GatewayConfig. Collects every problem (YAML syntax, then schema, then
// cross-field rules) and throws them together as one ConfigError with line:col taken from the YAML nodes.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { ConfigError, formatPath, type ConfigIssue, type ConfigPath } from "./errors.js";
import { configSchema } from "./schema.js";
import { checkSemantics } from "./semantic.js";
import type { GatewayConfig } from "./types.js";

export async function loadConfig(file: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "read failed";
    throw new ConfigError(file, [{ file, path: "", message: `cannot read the file (${reason})` }]);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, fileName: string): GatewayConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const fail = (problems: readonly { path: ConfigPath; message: string }[]): never => {
    const issues = problems.map(({ path, message }) => ({
      file: fileName,
      path: formatPath(path),
      ...positionOf(doc, lineCounter, path),
      message,
    }));
    throw new ConfigError(fileName, sortByPosition(issues));
  };

  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => ({
      file: fileName,
      path: "",
      ...lineCounter.linePos(error.pos[0]),
      message: error.message,
    }));
    throw new ConfigError(fileName, issues);
  }
  let data: unknown;
  try {
    data = doc.toJS(); // throws on alias bombs ("Excessive alias count")
  } catch (error) {
    return fail([{ path: [], message: (error as Error).message }]);
  }
  if (data === null || data === undefined) return fail([{ path: [], message: "the file is empty" }]);

  const result = configSchema(dirname(resolve(fileName))).safeParse(data, { error: requiredFieldMessage });
  if (!result.success) return fail(result.error.issues.flatMap(toConfigPaths));

  // Assigning to GatewayConfig is the compile-time check that schema.ts and types.ts agree.
  const config: GatewayConfig = result.data;
  const semanticIssues = checkSemantics(config);
  if (semanticIssues.length > 0) return fail(semanticIssues);
  return deepFreeze(config);
}

/** zod says "expected string, received undefined"; "required" is what a config author needs to read. */
function requiredFieldMessage(issue: z.core.$ZodRawIssue): string | undefined {
  return issue.code === "invalid_type" && issue.input === undefined ? `required (${issue.expected})` : undefined;
}

/** One issue per unknown key, pointing at the key itself rather than at the object holding it. */
function toConfigPaths(issue: z.core.$ZodIssue): { path: ConfigPath; message: string }[] {
  const path = issue.path.map((part) => (typeof part === "symbol" ? String(part) : part));
  if (issue.code === "unrecognized_keys") return issue.keys.map((key) => ({ path: [...path, key], message: "unknown key" }));
  return [{ path, message: issue.message }];
}

/** Where `path` is in the file: the key when the path ends in a map key, else the node; else its nearest ancestor. */
function positionOf(doc: Document, lineCounter: LineCounter, path: ConfigPath): { line: number; col: number } | object {
  for (let depth = path.length; depth >= 0; depth--) {
    const parent = depth === 0 ? undefined : depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
    const last = path[depth - 1];
    const pair = isMap(parent) ? parent.items.find((item) => isScalar(item.key) && item.key.value === last) : undefined;
    const node = isNode(pair?.key) ? pair.key : depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]);
  }
  return {};
}

function sortByPosition(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

function deepFreeze<T>(value: T): T {
  // Buffers (credential keys) can't be frozen; nothing hands them out for writing.
  if (typeof value === "object" && value !== null && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
