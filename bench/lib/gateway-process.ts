// Parent side of the gateway child process: start it, sample its CPU and byte counters, stop it.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { compileChildScript } from "./compiled-child.js";
import type { ChildMessage, GatewayChildOptions, GatewaySample, ParentMessage } from "./gateway-ipc.js";

const CHILD = fileURLToPath(new URL("../gateway-child.ts", import.meta.url));

export interface GatewayProcess {
  /** The sasl_tls listener's bootstrap, when options.secure asked for one. */
  secureBootstrap?: string | undefined;
  bootstrap: string;
  pid: number;
  sample(): Promise<GatewaySample>;
  stop(): Promise<void>;
}

export interface GatewayProcessOptions extends GatewayChildOptions {
  /** Another process under test speaking the same IPC protocol (e.g. bench/pipe-child.ts). */
  childScript?: string;
  /** Extra node flags, e.g. ["--cpu-prof", "--cpu-prof-dir=bench/profiles"]. */
  nodeFlags?: string[];
  startTimeoutMs?: number;
}

export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const { nodeFlags = [], startTimeoutMs = 30_000, childScript = CHILD, ...childOptions } = options;
  // BULKHEAD_BENCH_CHILD=tsx: the child's TypeScript through tsx, as before; by default tsc's output, as shipped.
  const viaTsx = process.env.BULKHEAD_BENCH_CHILD === "tsx";
  const child: ChildProcess = fork(viaTsx ? childScript : compileChildScript(childScript), [JSON.stringify(childOptions)], {
    execArgv: [...(viaTsx ? ["--import", "tsx"] : []), ...nodeFlags],
    env: { ...process.env, BULKHEAD_LOG_LEVEL: process.env.BULKHEAD_LOG_LEVEL ?? "warn" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const next = <T extends ChildMessage["type"]>(type: T, timeoutMs: number) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`gateway child sent no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (m: ChildMessage) => {
        if (m.type === type) done(undefined, m as Extract<ChildMessage, { type: T }>);
        else if (m.type === "error") done(new Error(`gateway child failed:\n${m.message}`));
      };
      const onExit = (code: number | null) => done(new Error(`gateway child exited (code ${code}) before "${type}"`));
      const done = (err?: Error, value?: Extract<ChildMessage, { type: T }>) => {
        clearTimeout(timer);
        child.off("message", onMessage);
        child.off("exit", onExit);
        if (err) reject(err);
        else resolve(value!);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const post = (m: ParentMessage) => child.send(m);

  let ready;
  try {
    ready = await next("ready", startTimeoutMs);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  return {
    bootstrap: ready.bootstrap,
    secureBootstrap: ready.secureBootstrap,
    pid: child.pid!,
    sample: async () => {
      const reply = next("sample", 5_000);
      post({ type: "sample" });
      const { type: _type, ...sample } = await reply;
      return sample;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      post({ type: "stop" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
