/**
 * Helpers shared by the real-client integration tests (test/integration/clients-*.test.ts):
 * unique resource names per run, waiting for a condition instead of sleeping, running a
 * command-line client as a child process, a gateway with a kafkajs client in front of it, and the
 * addresses a gateway may (and may not) tell a client about.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Kafka, logLevel, type Admin, type Consumer } from "kafkajs";
import type { GatewayConfig } from "../../src/config/index.js";
import { startTestGateway, type TestGateway, type UpstreamCluster } from "./gateway.js";
import { waitUntil } from "./wait.js";

/** A topic/group/transactional id that no earlier run (nor a parallel test) has used: `prefix-<time>-<random>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to the process's standard input, which is then closed. */
  input?: string | Buffer;
  /** The process is killed after this long and the result says so (signal SIGKILL). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command to completion and collects its output; never rejects on a non-zero exit (tests assert on it). */
export function runProcess(command: string, args: readonly string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
    // A process that exits without reading its input must not fail the run with EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

/** Throws with the command's output when it did not exit 0, so a failing tool explains itself in the test report. */
export function assertSucceeded<R extends { code: number | null; signal?: string | null; stdout: string; stderr: string }>(
  what: string,
  result: R,
): R {
  if (result.code !== 0) {
    throw new Error(
      `${what} exited with ${result.code ?? result.signal ?? "a signal"}\n--- stdout ---\n${result.stdout.slice(-4000)}\n--- stderr ---\n${result.stderr.slice(-4000)}`,
    );
  }
  return result;
}

/**
 * A kafkajs client for `bootstrap` ("host:port,host:port") with test-friendly timeouts. Silent, since
 * failures surface as thrown errors anyway; BULKHEAD_TEST_KAFKAJS_LOG=1 shows its retried errors too.
 */
export function kafkajsClient(bootstrap: string, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: bootstrap.split(","),
    logLevel: process.env.BULKHEAD_TEST_KAFKAJS_LOG ? logLevel.INFO : logLevel.NOTHING,
    connectionTimeout: 10_000,
    requestTimeout: 60_000,
    retry: { retries: 8, initialRetryTime: 300 },
  });
}

/** Every "host:port" the gateway's listeners may tell a client about: bootstrap ports and per-broker ports. */
export function gatewayAddresses(config: GatewayConfig): Set<string> {
  const addresses = new Set<string>();
  for (const listener of config.virtualClusters.flatMap((vc) => vc.listeners)) {
    addresses.add(`${listener.sni?.bootstrapHost ?? listener.advertisedHost}:${listener.bootstrapPort}`);
    for (let port = listener.brokerPorts?.first ?? 0; port <= (listener.brokerPorts?.last ?? -1); port++) {
      addresses.add(`${listener.advertisedHost}:${port}`);
    }
  }
  return addresses;
}

/** Upstream "host:port"s that appear anywhere in `text` (a tool's output); there should be none. */
export function upstreamAddressesIn(text: string, upstream: readonly { host: string; port: number }[]): string[] {
  const mentioned = new Set(text.match(/[\w.-]+:\d+/g));
  return upstream.map((b) => `${b.host}:${b.port}`).filter((address) => mentioned.has(address));
}

/**
 * Subscribes `consumer` to `topic` from the beginning, retrying while the broker asked does not know the
 * topic yet: after CreateTopics, brokers learn of a new topic one by one (UNKNOWN_TOPIC_OR_PARTITION meanwhile).
 */
export async function subscribeWhenKnown(consumer: Consumer, topic: string): Promise<void> {
  await waitUntil(
    async () => {
      await consumer.subscribe({ topic, fromBeginning: true });
      return true;
    },
    { what: `a subscription to ${topic}`, timeoutMs: 30_000, intervalMs: 500 },
  );
}

interface Disconnectable {
  disconnect(): Promise<void>;
}

/** A test gateway in front of `upstream`, a kafkajs client (and connected admin) that reaches it, and cleanup. */
export interface GatewaySession {
  gateway: TestGateway;
  client: Kafka;
  admin: Admin;
  /** Registers a producer/consumer to be disconnected by `close()`; returns it. */
  track<T extends Disconnectable>(connection: T): T;
  /** Disconnects everything tracked (each on its own: one failure must not leave others connected), then the gateway. */
  close(): Promise<void>;
}

export async function openGatewaySession(upstream: UpstreamCluster, clientId: string): Promise<GatewaySession> {
  const gateway = await startTestGateway(upstream);
  const tracked: Disconnectable[] = [];
  const close = async () => {
    await Promise.allSettled(tracked.reverse().map((c) => c.disconnect()));
    await gateway.close();
  };
  try {
    const client = kafkajsClient(gateway.bootstrap, uniqueName(clientId));
    const admin = client.admin();
    tracked.push(admin);
    await admin.connect();
    return {
      gateway,
      client,
      admin,
      track(connection) {
        tracked.push(connection);
        return connection;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Every kafkajs error type ("TOPIC_AUTHORIZATION_FAILED"...) in an error and in what it wraps. */
export function kafkajsErrorTypes(error: unknown): string[] {
  if (typeof error !== "object" || error === null) return [];
  const e = error as { type?: unknown; cause?: unknown; errors?: unknown; originalError?: unknown };
  const own = typeof e.type === "string" ? [e.type] : [];
  return [...own, ...[e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])].flatMap(kafkajsErrorTypes)];
}
