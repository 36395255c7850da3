// The process's file descriptor limit (RLIMIT_NOFILE, soft), which bounds how many connections it can hold: Node has
// no getrlimit, so it is read from /proc on Linux. Undefined elsewhere, or when the limit is "unlimited".
import { readFileSync } from "node:fs";

export function openFileLimit(limitsFile = "/proc/self/limits"): number | undefined {
  let text: string;
  try {
    text = readFileSync(limitsFile, "utf8");
  } catch {
    return undefined;
  }
  // "Max open files            20000                20000                files"
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  const limit = Number(soft);
  return Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
}
