// The messages between the gateway's main thread (admin-thread.ts) and the admin worker (admin-worker.ts). All are
// structured-clonable: the config as data, an operation by name with its arguments, errors as their fields. A Buffer
// crosses as a plain Uint8Array, so each side turns those back into Buffers (withBuffers) before use.
import type { GatewayConfig, HostPort } from "../config/types.js";
import type { ControlMethod, ControlSnapshot } from "../control/control-host.js";
import type { SentFailure } from "../control/failure-transfer.js";
import type { ByteDirection } from "../observe/observer.js";
import type { Principal } from "../session/session.js";
import { AdminError, type AdminErrorCode, type KafkaError } from "./admin-error.js";
import type { AdminOperation } from "./operations.js";
import type { TopicThroughput } from "./tenant-client.js";

export type ToWorker =
  /** The config in force (at start and after every apply): virtual clusters whose config changed lose their clients. */
  | { readonly kind: "config"; readonly config: GatewayConfig }
  | { readonly kind: "run"; readonly id: number; readonly virtualCluster: string; readonly principal: Principal | undefined; readonly operation: AdminOperation; readonly args: unknown }
  /** The caller went away: abort run `id`. */
  | { readonly kind: "cancel"; readonly id: number }
  /** The answer to the worker's question `id`; `error` as sendableFailure (control/failure-transfer.ts) made it. */
  | { readonly kind: "answer"; readonly id: number; readonly value?: unknown; readonly error?: SentFailure }
  /** The config document in force changed (the control server's token checks and reads use it). */
  | { readonly kind: "controlSnapshot"; readonly snapshot: ControlSnapshot }
  /** Are you alive? (a worker serving the control port that says nothing is taken for stuck, and replaced) */
  | { readonly kind: "ping" }
  /** The gateway is closing: stop the control server and say "stopped". */
  | { readonly kind: "stopServing" };

export type FromWorker =
  | { readonly kind: "done"; readonly id: number; readonly value: unknown }
  | { readonly kind: "failed"; readonly id: number; readonly error: SentError }
  | { readonly kind: "ask"; readonly id: number; readonly question: Question }
  | { readonly kind: "event"; readonly event: WorkerEvent }
  /** The control server is up (at start and after every restart of the worker), or could not bind. */
  | { readonly kind: "listening"; readonly address: HostPort }
  | { readonly kind: "serveFailed"; readonly error: SentFailure }
  | { readonly kind: "stopped" }
  | { readonly kind: "pong" };

/** What the worker asks of the main thread, which holds the state the data plane shares. */
export type Question =
  /** Bytes per topic (physical names) on the cluster's disks, at most `maxAgeMs` old (the runtime's LogDirSizes). */
  | { readonly kind: "topicSizes"; readonly cluster: string; readonly maxAgeMs: number }
  /** Produced and fetched bytes and messages per second per topic of the virtual cluster (the TopicThroughputMeter). */
  | { readonly kind: "throughput"; readonly virtualCluster: string }
  /**
   * Record bytes an admin Produce sent or an admin Fetch brought: taken from the virtual cluster's byte-rate buckets
   * (topic, principal, tenant) like a client's; the answer is the throttle in ms (0: none). `records` are counted too.
   */
  | { readonly kind: "charge"; readonly virtualCluster: string; readonly principal: string | undefined; readonly topic: string; readonly direction: ByteDirection; readonly bytes: number; readonly records: number }
  /** A control server route reads or changes main-thread state (control/control-host.ts answers). */
  | { readonly kind: "control"; readonly method: ControlMethod; readonly args: readonly unknown[] };

export type Answer<Q extends Question> = Q extends { kind: "topicSizes" }
  ? ReadonlyMap<string, number>
  : Q extends { kind: "throughput" }
    ? ReadonlyMap<string, TopicThroughput>
    : Q extends { kind: "charge" }
      ? number
      : unknown;

/** What the admin chain reports that the main thread's metrics and event log count. */
export type WorkerEvent =
  | { readonly kind: "authorizationDenied"; readonly virtualCluster: string; readonly principal: string | undefined; readonly api: string; readonly resourceType: string }
  | { readonly kind: "capRefused"; readonly virtualCluster: string; readonly cap: string };

export interface SentError {
  readonly admin: boolean;
  readonly code?: AdminErrorCode;
  readonly message: string;
  readonly kafkaError?: KafkaError;
}

export function sendableError(err: unknown): SentError {
  if (err instanceof AdminError) return { admin: true, code: err.code, message: err.message, ...(err.kafkaError !== undefined && { kafkaError: err.kafkaError }) };
  return { admin: false, message: err instanceof Error ? err.message : String(err) };
}

export function receivedError(sent: SentError): Error {
  return sent.admin ? new AdminError(sent.code!, sent.message, sent.kafkaError) : new Error(`the admin worker failed: ${sent.message}`);
}

/** `value` with every Uint8Array that crossed the thread boundary a Buffer again (a view, nothing copied). */
export function withBuffers<T>(value: T): T {
  if (value instanceof Uint8Array) return (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)) as T;
  if (Array.isArray(value)) return value.map(withBuffers) as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, withBuffers(v)])) as T;
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBuffers(v)])) as T;
  return value;
}
