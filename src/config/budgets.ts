// The gateway's budgets (top-level `budgets`): what one process holds for all its clients, so that no client can
// take the gateway down and no tenant can lock another out. Bytes of requests still being received (Kafka's
// queued.max.request.bytes, KIP-72), open connections (Kafka's max.connections, counted against the process's file
// descriptors), and the deadlines that reap connections (Kafka's connections.max.idle.ms, plus two Kafka lacks).
// Every key is optional: absent, a default derived from the rest of the config (and the descriptor limit) applies.
// See config/README.md#budgets.
import { z } from "zod";
import { byteSize } from "./cap-limits.js";
import type { SemanticIssue } from "./semantic.js";
import type { GatewayConfig } from "./types.js";

const MiB = 1024 * 1024;
/** Bytes of unfinished requests the whole gateway may hold, at least (never below two of the largest frames). */
export const DEFAULT_REQUEST_BYTES = 512 * MiB;
/** Kafka's connections.max.idle.ms default. */
export const DEFAULT_IDLE_TIMEOUT_MS = 600_000;
/** Any Kafka client sends its first request (ApiVersions) as soon as it is connected. */
export const DEFAULT_FIRST_REQUEST_TIMEOUT_MS = 10_000;
/** Kafka clients' request.timeout.ms default: a request not even received by then has been given up by its client. */
export const DEFAULT_UNFINISHED_REQUEST_TIMEOUT_MS = 30_000;
/** Descriptors kept for everything but client connections: listening ports, the gateway's own upstream round trips, logs. */
export const RESERVED_FILE_DESCRIPTORS = 256;
/** Without a known descriptor limit (not Linux), this many connections. */
export const FALLBACK_MAX_CONNECTIONS = 10_000;

const timeoutMs = z.int().min(100, "must be at least 100 ms").max(2 ** 31 - 1);

export const budgetsSchema = z
  .strictObject({
    /** Open client connections, all virtual clusters together; each also holds an upstream connection. */
    maxConnections: z.int().min(1).optional(),
    /** Bytes held for requests still being received, all connections together. */
    requestBytes: byteSize.optional(),
    /** The same, per virtual cluster. */
    requestBytesPerVirtualCluster: byteSize.optional(),
    /** A request whose first byte came longer ago than this and whose last hasn't: its connection is closed. */
    unfinishedRequestTimeoutMs: timeoutMs.optional(),
    /** A connection that hasn't sent a whole request this long after it was accepted is closed. */
    firstRequestTimeoutMs: timeoutMs.optional(),
    /** A connection with nothing in flight and nothing read for this long is closed (connections.max.idle.ms). */
    idleTimeoutMs: timeoutMs.optional(),
    /** Open connections from one client address (Kafka's max.connections.per.ip); default: no cap. */
    maxConnectionsPerAddress: z.int().min(1).optional(),
    /** New connections per second from one client address (KIP-612's per-IP rate); default: no cap. */
    connectionsPerSecondPerAddress: z.number().positive().optional(),
  })
  .prefault({});

export type BudgetsConfig = z.output<typeof budgetsSchema>;

/** The budgets in force: every default filled in. */
export interface Budgets {
  readonly maxConnections: number;
  readonly requestBytes: number;
  readonly requestBytesPerVirtualCluster: number;
  readonly unfinishedRequestTimeoutMs: number;
  readonly firstRequestTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Absent: no cap per client address (Kafka's defaults). */
  readonly maxConnectionsPerAddress?: number | undefined;
  readonly connectionsPerSecondPerAddress?: number | undefined;
}

/**
 * Fills in the defaults. `openFiles` is the process's descriptor limit (undefined: unknown); each client connection
 * costs two descriptors, its own and its upstream connection's.
 */
export function resolveBudgets(config: Pick<GatewayConfig, "budgets" | "limits">, openFiles: number | undefined): Budgets {
  const set = config.budgets ?? {};
  const maxFrame = config.limits.maxFrameBytes;
  const requestBytes = set.requestBytes ?? Math.max(DEFAULT_REQUEST_BYTES, 2 * maxFrame);
  const derivedConnections = openFiles === undefined ? FALLBACK_MAX_CONNECTIONS : Math.floor((openFiles - RESERVED_FILE_DESCRIPTORS) / 2);
  return {
    maxConnections: set.maxConnections ?? Math.max(1, derivedConnections),
    requestBytes,
    requestBytesPerVirtualCluster: set.requestBytesPerVirtualCluster ?? Math.min(requestBytes, Math.max(maxFrame, Math.floor(requestBytes / 2))),
    unfinishedRequestTimeoutMs: set.unfinishedRequestTimeoutMs ?? DEFAULT_UNFINISHED_REQUEST_TIMEOUT_MS,
    firstRequestTimeoutMs: set.firstRequestTimeoutMs ?? DEFAULT_FIRST_REQUEST_TIMEOUT_MS,
    idleTimeoutMs: set.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxConnectionsPerAddress: set.maxConnectionsPerAddress,
    connectionsPerSecondPerAddress: set.connectionsPerSecondPerAddress,
  };
}

/**
 * A budget must hold the largest frame a client may send (as Kafka requires queued.max.request.bytes to be at least
 * socket.request.max.bytes): a frame is received only once all its bytes are reserved, so a smaller budget would
 * stall such a frame for ever.
 */
export function checkBudgets(config: GatewayConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  const { requestBytes, requestBytesPerVirtualCluster } = config.budgets ?? {};
  const maxFrame = config.limits.maxFrameBytes;
  const tooSmall = (bytes: number) => `${bytes} bytes is below limits.maxFrameBytes (${maxFrame}): a frame of the largest allowed size could never be received`;
  if (requestBytes !== undefined && requestBytes < maxFrame) issues.push({ path: ["budgets", "requestBytes"], message: tooSmall(requestBytes) });
  if (requestBytesPerVirtualCluster !== undefined) {
    if (requestBytesPerVirtualCluster < maxFrame) issues.push({ path: ["budgets", "requestBytesPerVirtualCluster"], message: tooSmall(requestBytesPerVirtualCluster) });
    else if (requestBytes !== undefined && requestBytesPerVirtualCluster > requestBytes) {
      issues.push({ path: ["budgets", "requestBytesPerVirtualCluster"], message: `${requestBytesPerVirtualCluster} bytes is above budgets.requestBytes (${requestBytes})` });
    }
  }
  return issues;
}
