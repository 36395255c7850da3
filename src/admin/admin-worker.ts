// The admin worker thread's entry (started by admin-thread.ts): it runs the control plane's HTTP server (Fastify:
// health, metrics and the admin API) and the tenant operations (operations.ts) with its own tenant clients
// (admin-tenants.ts), so HTTP parsing, token checks, validation, serialization and the operations' Kafka requests never
// hold up the data plane's event loop. workerData is the config in force at start (and the upstream connect timeout)
// and what the control server binds and serves; each apply sends the next config.
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import type { Registry } from "prom-client";
import type { ConfigSnapshot } from "../config/store.js";
import type { GatewayConfig, HostPort } from "../config/types.js";
import type { TenantOperations } from "../control/control-api.js";
import { receivedFailure, sendableFailure } from "../control/failure-transfer.js";
import { RemoteConfigs, remoteControlApi, type AskMain } from "../control/remote-control-api.js";
import { startControlServer, type ControlServer } from "../control/server.js";
import { AdminError } from "./admin-error.js";
import { DEFAULT_OPERATION_TIMEOUT_MS } from "./admin-thread.js";
import { AdminTenants, type MainThread } from "./admin-tenants.js";
import { runOperation, type AdminOperation } from "./operations.js";
import type { Principal } from "../session/session.js";
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

/** What the control server binds and serves; `snapshot` (the config document in force) only with the admin API. */
export interface ControlServing {
  readonly listen: HostPort;
  readonly metricsContentType: Registry["contentType"];
  readonly snapshot?: ConfigSnapshot | undefined;
}

lowerThreadPriority();
const { config, connectTimeoutMs, control } = workerData as { config: GatewayConfig; connectTimeoutMs?: number; control?: ControlServing };
let configNow = config;
const tenants = new AdminTenants(main, connectTimeoutMs);
tenants.apply(config);
/** Operations running, by id, to abort one whose caller went away. */
const running = new Map<number, AbortController>();
const askMain: AskMain = (method, ...args) => main.ask({ kind: "control", method, args }) as never;
const remoteConfigs = control?.snapshot && new RemoteConfigs(control.snapshot, askMain);

port.on("message", (message: ToWorker) => {
  switch (message.kind) {
    case "config":
      configNow = message.config;
      tenants.apply(message.config);
      return;
    case "controlSnapshot":
      remoteConfigs?.installed(message.snapshot);
      return;
    case "ping":
      post({ kind: "pong" });
      return;
    case "stopServing":
      void server?.then((s) => s?.close()).finally(() => post({ kind: "stopped" }));
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
      if (message.error !== undefined) waiting?.reject(receivedFailure(message.error));
      else waiting?.resolve(message.value);
    }
  }
});

async function run({ id, virtualCluster, principal, operation, args }: Extract<ToWorker, { kind: "run" }>): Promise<void> {
  const abort = new AbortController();
  running.set(id, abort);
  try {
    post({ kind: "done", id, value: await runHere(virtualCluster, principal, operation, withBuffers(args), abort.signal) });
  } catch (err) {
    post({ kind: "failed", id, error: sendableError(err) });
  } finally {
    running.delete(id);
  }
}

/** Runs a tenant operation on this thread: the main thread's run messages, and the control server's routes. */
async function runHere(virtualCluster: string, principal: Principal | undefined, operation: AdminOperation, args: unknown, signal?: AbortSignal): Promise<unknown> {
  const lease = tenants.lease(virtualCluster, principal);
  if (lease === undefined) throw new AdminError("ERR_ADMIN_UNREACHABLE", `the virtual cluster ${virtualCluster} is not in the config`);
  try {
    return await runOperation(operation, lease.client, args, signal ?? new AbortController().signal);
  } finally {
    lease.release();
  }
}

/** The routes' operations: like the main thread's run, one without an answer in time fails with a 504 (and is aborted). */
const localOperations: TenantOperations = {
  has: (virtualCluster) => configNow.virtualClusters.some((vc) => vc.name === virtualCluster),
  run: async (virtualCluster, principal, operation, args, signal) => {
    const abort = new AbortController();
    signal?.addEventListener("abort", () => abort.abort(), { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new AdminError("ERR_ADMIN_TIMEOUT", `${operation} got no answer within ${DEFAULT_OPERATION_TIMEOUT_MS} ms`));
      }, DEFAULT_OPERATION_TIMEOUT_MS);
    });
    try {
      return (await Promise.race([runHere(virtualCluster, principal, operation, args, abort.signal), timeout])) as never;
    } finally {
      clearTimeout(timer);
    }
  },
};

/** Binds the control server and tells the main thread where it listens (or why it could not). */
async function serve({ listen, metricsContentType }: ControlServing): Promise<ControlServer | undefined> {
  try {
    const server = await startControlServer({
      listen,
      isReady: () => askMain("isReady"),
      registry: { contentType: metricsContentType, metrics: () => askMain("metrics") },
      api: remoteConfigs && remoteControlApi(remoteConfigs, askMain, localOperations),
    });
    post({ kind: "listening", address: server.address });
    return server;
  } catch (err) {
    post({ kind: "serveFailed", error: sendableFailure(err) });
    return undefined;
  }
}

// Last: the routes' tenant operations (localOperations) exist by now.
const server = control && serve(control);

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
