// BULKHEAD_BENCH_PIN=1: the proxies under test on one core, the brokers and the clients on the other, so that a
// proxy never waits for a CPU the load generators hold (and the reverse); taskset from util-linux.
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";

/** The core of the proxies (the gateway, Kroxylicious). */
export const PROXY_CPU = "0";
/** The core of the brokers and the Java clients: everything this process starts inherits it. */
export const LOAD_CPU = "1";

export function pinningFromEnv(): boolean {
  if (process.env.BULKHEAD_BENCH_PIN !== "1") return false;
  if (cpus().length < 2) throw new Error(`BULKHEAD_BENCH_PIN=1 needs 2 cpus, this machine has ${cpus().length}`);
  return true;
}

/** Moves one thread (a process's main thread: its id is the process id) to `cpu`, leaving its other threads where they are. */
export function pinThread(tid: number, cpu: string): void {
  execFileSync("taskset", ["--cpu-list", "--pid", cpu, String(tid)], { stdio: "ignore" });
}

/** Moves every thread of a running process to `cpu`; threads it starts later inherit it. */
export function pinProcess(pid: number, cpu: string): void {
  execFileSync("taskset", ["--all-tasks", "--cpu-list", "--pid", cpu, String(pid)], { stdio: "ignore" });
}
