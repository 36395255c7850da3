// The admin worker thread's entry (started by admin-thread.ts): it runs the tenant operations (operations.ts) with its
// own tenant clients (admin-tenants.ts), so their requests, encoding and decoding never hold up the data plane's event
// loop. workerData is the config in force at start (and the upstream connect timeout); each apply sends the next.
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { GatewayConfig } from "../config/types.js";
import { AdminError } from "./admin-error.js";
import { AdminTenants, type MainThread } from "./admin-tenants.js";
import { runOperation } from "./operations.js";
import { sendableError, withBuffers, type FromWorker, type ToWorker } from "./worker-protocol.js";

/** The worker's nice value: when both want a CPU, the data plane's thread gets it first. */
const ADMIN_THREAD_NICE = 10;

const port = parentPort!;
const post = (message: FromWorker) => port.postMessage(message);

/** Questions to the main thread waiting for their answer, by id. */
const asked = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
let lastQuestion = 0;
const main: MainThread = {
  ask: (question) =>
    new Promise((resolve, reject) => {
      const id = ++lastQuestion;
      asked.set(id, { resolve: resolve as (value: unknown) => void, reject });
      post({ kind: "ask", id, question });
    }),
  report: (event) => post({ kind: "event", event }),
};

lowerThreadPriority();
const { config, connectTimeoutMs } = workerData as { config: GatewayConfig; connectTimeoutMs?: number };
const tenants = new AdminTenants(main, connectTimeoutMs);
tenants.apply(config);
/** Operations running, by id, to abort one whose caller went away. */
const running = new Map<number, AbortController>();

port.on("message", (message: ToWorker) => {
  switch (message.kind) {
    case "config":
      tenants.apply(message.config);
      return;
    case "run":
      void run(message);
      return;
    case "cancel":
      running.get(message.id)?.abort();
      return;
    case "answer": {
      const waiting = asked.get(message.id);
      asked.delete(message.id);
      if (message.error !== undefined) waiting?.reject(new Error(message.error));
      else waiting?.resolve(message.value);
    }
  }
});

async function run({ id, virtualCluster, principal, operation, args }: Extract<ToWorker, { kind: "run" }>): Promise<void> {
  const lease = tenants.lease(virtualCluster, principal);
  if (lease === undefined) {
    post({ kind: "failed", id, error: sendableError(new AdminError("ERR_ADMIN_UNREACHABLE", `the virtual cluster ${virtualCluster} is not in the config`)) });
    return;
  }
  const abort = new AbortController();
  running.set(id, abort);
  try {
    post({ kind: "done", id, value: await runOperation(operation, lease.client, withBuffers(args), abort.signal) });
  } catch (err) {
    post({ kind: "failed", id, error: sendableError(err) });
  } finally {
    running.delete(id);
    lease.release();
  }
}

/**
 * Linux gives each thread a nice value of its own (setpriority on its thread id, read from /proc/thread-self): the
 * admin work yields the CPU to the data plane's event loop instead of competing with it as an equal. Elsewhere, or
 * if refused, the worker keeps the process's priority.
 */
function lowerThreadPriority(): void {
  try {
    setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), ADMIN_THREAD_NICE);
  } catch {
    // not Linux: the worker runs at the process's priority
  }
}
