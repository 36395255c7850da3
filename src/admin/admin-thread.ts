// The admin worker seen from the gateway's main thread: the control plane's tenant operations (operations.ts) run on
// a worker thread (admin-worker.ts), so their Kafka requests, encoding and decoding don't compete with the data plane
// for its event loop. run() posts an operation by name with its arguments and resolves with its answer; an AdminError
// comes back as one. The worker gets the config at start and after every apply, and asks this thread for what the
// data plane shares (answer: byte-rate charges, log-dir sizes, topic throughput); what its chains report goes to
// `report`. An operation without an answer in `timeoutMs` fails with a 504; a worker that has said nothing for that
// long while busy is taken for stuck and ended; a worker that ends fails what it had in flight with a 503, and the
// next operation starts a new one. Once serveControl() has put the control server on the worker, a worker that ends
// is started again at once, and its control server binds the same port (the data plane's thread never notices).
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { ConfigSnapshot } from "../config/store.js";
import type { GatewayConfig, HostPort } from "../config/types.js";
import type { ControlHost } from "../control/control-host.js";
import { receivedFailure, sendableFailure } from "../control/failure-transfer.js";
import type { ControlServing } from "./admin-worker.js";
import type { Principal } from "../session/session.js";
import { AdminError } from "./admin-error.js";
import type { AdminArgs, AdminOperation, AdminResult } from "./operations.js";
import { receivedError, withBuffers, type FromWorker, type Question, type ToWorker, type WorkerEvent } from "./worker-protocol.js";

export const DEFAULT_OPERATION_TIMEOUT_MS = 60_000;
/** A worker serving the control port that ended is started again after this (not in a tight loop if it keeps failing). */
const RESTART_DELAY_MS = 100;
/** How often a worker serving the control port is asked whether it is alive (stuck: silent for timeoutMs). */
const PING_INTERVAL_MS = 5_000;

export interface AdminThreadOptions {
  /** Answers a question of the worker from the main thread's state. */
  readonly answer: (question: Question) => unknown;
  readonly report: (event: WorkerEvent) => void;
  readonly log: Logger;
  readonly timeoutMs?: number;
  readonly connectTimeoutMs?: number | undefined;
  /** The worker's module (tests); default admin-worker.ts beside this file (.js once compiled). */
  readonly workerUrl?: URL;
}

interface Running {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class AdminThread {
  private worker: Worker | undefined;
  private readonly running = new Map<number, Running>();
  private lastId = 0;
  /** When the worker last posted anything: a busy worker silent for timeoutMs is stuck. */
  private lastHeardMs = 0;
  /** Messages the worker has posted: an operation's timer asks whether any came since the operation was sent. */
  private heard = 0;
  private closed = false;
  /** The config in force; none before the runtime's first apply. */
  private config: GatewayConfig | undefined;
  /** Set by serveControl: the control server the worker runs, and the main thread's side of it. */
  private control: { serving: ControlServing; host: ControlHost } | undefined;
  /** Waiting for the worker's control server to listen (serveControl), or to stop (stopServing). */
  private onListening: ((address: HostPort | Error) => void) | undefined;
  private onStopped: (() => void) | undefined;
  private pinger: NodeJS.Timeout | undefined;

  constructor(private readonly options: AdminThreadOptions) {}

  /** The worker's thread id (for tests and logs); undefined while none runs. */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** The worker's event loop utilization since it started (how busy the admin work keeps it). */
  eventLoopUtilization(): { idle: number; active: number; utilization: number } | undefined {
    return this.worker?.performance.eventLoopUtilization();
  }

  /** A new config is in force: the worker drops the clients of virtual clusters whose config changed. */
  apply(config: GatewayConfig): void {
    this.config = config;
    this.post({ kind: "config", config });
  }

  /** Starts the worker now rather than on the first operation (a gateway with the admin API on: no cold first request). */
  start(): void {
    if (!this.closed && this.config !== undefined) this.started(this.config);
  }

  /**
   * Starts the worker with the control server on it, answering its routes' questions with `host`; resolves with the
   * bound address. From then on, a worker that ends is started again with the server on the same port.
   */
  serveControl(serving: ControlServing, host: ControlHost): Promise<HostPort> {
    if (this.closed || this.config === undefined) return Promise.reject(new Error("the gateway is not running"));
    if (this.control !== undefined) return Promise.reject(new Error("the control server is already served"));
    this.control = { serving, host };
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate(); // started without the server: the next one has it
    return new Promise<HostPort>((resolve, reject) => {
      this.onListening = (address) => {
        if (address instanceof Error) {
          this.control = undefined;
          reject(address);
          return;
        }
        // A restarted worker binds the port this one got (listen.port 0 picks one only once), with the newest snapshot.
        this.control = { serving: { ...(this.control?.serving ?? serving), listen: address }, host };
        this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS).unref();
        resolve(address);
      };
      this.started(this.config!);
    });
  }

  /** The config document in force changed: the control server's copy follows. */
  controlInstalled(snapshot: ConfigSnapshot): void {
    if (this.control === undefined) return;
    this.control = { ...this.control, serving: { ...this.control.serving, snapshot } };
    this.post({ kind: "controlSnapshot", snapshot });
  }

  /** Stops the control server (its open connections closed); the worker keeps running the tenant operations. */
  async stopServing(): Promise<void> {
    const worker = this.worker;
    this.control = undefined;
    clearInterval(this.pinger);
    if (worker === undefined) return;
    await new Promise<void>((resolve) => {
      this.onStopped = resolve;
      worker.once("exit", () => resolve());
      worker.postMessage({ kind: "stopServing" } satisfies ToWorker);
    });
    this.onStopped = undefined;
  }

  has(virtualCluster: string): boolean {
    return this.config?.virtualClusters.some((vc) => vc.name === virtualCluster) === true;
  }

  run<N extends AdminOperation>(virtualCluster: string, principal: Principal | undefined, operation: N, args: AdminArgs<N>, signal?: AbortSignal): Promise<AdminResult<N>> {
    if (this.closed || this.config === undefined) return Promise.reject(new AdminError("ERR_ADMIN_WORKER", "the gateway is not running"));
    const worker = this.started(this.config);
    const id = ++this.lastId;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    if (this.running.size === 0) this.lastHeardMs = performance.now();
    const heardBefore = this.heard;
    return new Promise<AdminResult<N>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id)?.reject(new AdminError("ERR_ADMIN_TIMEOUT", `${operation} got no answer from the admin worker within ${timeoutMs} ms`));
        this.post({ kind: "cancel", id });
        // Counted, not timed: the timer runs on the event loop's clock, in whole milliseconds, and performance.now()
        // has fractions, so "silent for timeoutMs" measured with the latter can come out just under it.
        if (this.heard === heardBefore) this.restart(worker, `said nothing for ${timeoutMs} ms while running operations`);
      }, timeoutMs);
      this.running.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      signal?.addEventListener("abort", () => this.post({ kind: "cancel", id }), { once: true });
      try {
        worker.postMessage({ kind: "run", id, virtualCluster, principal, operation, args } satisfies ToWorker);
      } catch (err) {
        this.settle(id); // arguments that can't cross to the worker (a DataCloneError): nothing was sent
        reject(err as Error);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pinger);
    const worker = this.worker;
    this.worker = undefined;
    this.failAll("the gateway is shutting down");
    await worker?.terminate();
  }

  private started(config: GatewayConfig): Worker {
    if (this.worker !== undefined) return this.worker;
    const url = this.options.workerUrl ?? new URL(`./admin-worker.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url);
    const workerData = { config, connectTimeoutMs: this.options.connectTimeoutMs, control: this.control?.serving };
    const worker = new Worker(url.pathname.endsWith(".ts") ? throughTsx(url) : url, { workerData });
    worker.unref(); // the gateway's sockets keep the process alive, not the worker
    this.lastHeardMs = performance.now();
    worker.on("message", (message: FromWorker) => this.onMessage(worker, message));
    worker.on("error", (err) => this.options.log.error({ err }, "the admin worker failed"));
    worker.on("exit", (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.failAll(`the admin worker stopped (exit code ${code}); try again`);
      if (this.closed) return;
      this.options.log.error({ code }, `the admin worker stopped: ${this.control ? "starting a new one with the control server" : "the next tenant operation starts a new one"}`);
      this.restartServing();
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(worker: Worker, message: FromWorker): void {
    this.lastHeardMs = performance.now();
    this.heard++;
    switch (message.kind) {
      case "done":
        this.settle(message.id)?.resolve(withBuffers(message.value));
        return;
      case "failed":
        this.settle(message.id)?.reject(receivedError(message.error));
        return;
      case "event":
        this.options.report(message.event);
        return;
      case "listening":
        this.options.log.info({ ...message.address }, "control plane listening (admin worker)");
        this.onListening?.(message.address);
        this.onListening = undefined;
        return;
      case "serveFailed":
        this.onListening?.(receivedFailure(message.error));
        if (this.onListening === undefined) this.options.log.error({ reason: message.error }, "the admin worker's control server could not listen");
        this.onListening = undefined;
        return;
      case "stopped":
        this.onStopped?.();
        return;
      case "ask": {
        const { id } = message;
        const reply = (answer: ToWorker) => {
          if (this.worker === worker) worker.postMessage(answer);
        };
        const { question } = message;
        Promise.resolve()
          .then(() => (question.kind === "control" ? this.controlHost().answer(question.method, question.args) : this.options.answer(question)))
          .then(
            (value) => reply({ kind: "answer", id, value }),
            (err: unknown) => reply({ kind: "answer", id, error: sendableFailure(err) }),
          );
      }
    }
  }

  /** Takes operation `id` out of the running ones (undefined if it already ended). */
  private settle(id: number): Running | undefined {
    const running = this.running.get(id);
    if (running === undefined) return undefined;
    this.running.delete(id);
    clearTimeout(running.timer);
    return running;
  }

  /** The control port must not stay dead behind a stuck worker: one silent for timeoutMs is replaced. */
  private ping(): void {
    const worker = this.worker;
    if (worker === undefined) return;
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    if (performance.now() - this.lastHeardMs >= timeoutMs) this.restart(worker, `did not answer a ping for ${timeoutMs} ms`);
    else this.post({ kind: "ping" });
  }

  private controlHost(): ControlHost {
    if (this.control === undefined) throw new Error("the control server is not served");
    return this.control.host;
  }

  private restart(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.options.log.error(`the admin worker ${why}: ending it; ${this.control ? "starting a new one" : "the next tenant operation starts a new one"}`);
    this.worker = undefined;
    this.failAll(`the admin worker ${why}`);
    // Once it has ended: until then it may still hold the control port the next one binds.
    void worker.terminate().finally(() => this.restartServing());
  }

  /** With the control server on the worker, a new worker brings the control port back. */
  private restartServing(): void {
    if (this.control === undefined) return;
    setTimeout(() => {
      if (!this.closed && this.control !== undefined && this.worker === undefined && this.config !== undefined) this.started(this.config);
    }, RESTART_DELAY_MS);
  }

  private failAll(why: string): void {
    for (const id of [...this.running.keys()]) this.settle(id)!.reject(new AdminError("ERR_ADMIN_WORKER", why));
  }

  private post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }
}

/**
 * Run from source (tsx: npm start, the tests), the worker's TypeScript loads through tsx too: a module that registers
 * tsx's loader, then imports the worker. (Node 20 ignores `--import tsx` in a worker's execArgv: nodejs/node#47747.)
 */
function throughTsx(url: URL): URL {
  const code = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register(); await import(${JSON.stringify(url.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
