// The one error the tenant admin operations raise, with a stable code, a message for people, and, when Kafka (a
// broker, or the gateway's own filters) answered with an error, that error's code and name. `status` is the HTTP
// status the control plane answers with: the operations know which failure is the caller's and which is not.
import { BulkheadError } from "../errors.js";
import { errorCodeName } from "../protocol/error-codes.js";

export type AdminErrorCode =
  /** A broker or the virtual cluster's filters answered with a Kafka error (kafkaError says which). */
  | "ERR_ADMIN_KAFKA"
  /** The caller's input is wrong before anything is sent (e.g. an offset reset that names no partition). */
  | "ERR_ADMIN_INVALID"
  /** No answer in time. */
  | "ERR_ADMIN_TIMEOUT"
  /** The physical cluster could not be reached, or closed the connection. */
  | "ERR_ADMIN_UNREACHABLE"
  /** The virtual cluster's filters closed the session instead of answering (e.g. a request they cannot answer). */
  | "ERR_ADMIN_REFUSED"
  /** The admin worker thread (admin-thread.ts) stopped or hung before it answered. */
  | "ERR_ADMIN_WORKER";

export interface KafkaError {
  readonly code: number;
  /** Kafka's name for it, e.g. "TOPIC_AUTHORIZATION_FAILED". */
  readonly name: string;
}

/** Kafka errors that are the caller's doing, by the HTTP status that says so; any other Kafka error is a 502. */
const STATUS_BY_KAFKA_ERROR: ReadonlyMap<string, number> = new Map([
  ...["TOPIC_AUTHORIZATION_FAILED", "GROUP_AUTHORIZATION_FAILED", "CLUSTER_AUTHORIZATION_FAILED", "TRANSACTIONAL_ID_AUTHORIZATION_FAILED"].map((n) => [n, 403] as const),
  ...["UNKNOWN_TOPIC_OR_PARTITION", "UNKNOWN_TOPIC_ID", "GROUP_ID_NOT_FOUND"].map((n) => [n, 404] as const),
  ...["TOPIC_ALREADY_EXISTS", "NON_EMPTY_GROUP", "POLICY_VIOLATION", "REBALANCE_IN_PROGRESS"].map((n) => [n, 409] as const),
  ...["INVALID_TOPIC_EXCEPTION", "INVALID_PARTITIONS", "INVALID_REPLICATION_FACTOR", "INVALID_REPLICA_ASSIGNMENT", "INVALID_CONFIG", "INVALID_REQUEST", "INVALID_GROUP_ID", "INVALID_TIMESTAMP", "OFFSET_OUT_OF_RANGE", "RECORD_LIST_TOO_LARGE", "MESSAGE_TOO_LARGE", "INVALID_RECORD", "UNSUPPORTED_VERSION"].map((n) => [n, 400] as const),
  ["THROTTLING_QUOTA_EXCEEDED", 429],
  ...["REQUEST_TIMED_OUT", "NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE", "COORDINATOR_LOAD_IN_PROGRESS", "LEADER_NOT_AVAILABLE", "NOT_LEADER_OR_FOLLOWER", "NOT_ENOUGH_REPLICAS"].map((n) => [n, 503] as const),
]);

const STATUS_BY_CODE: Readonly<Record<Exclude<AdminErrorCode, "ERR_ADMIN_KAFKA">, number>> = {
  ERR_ADMIN_INVALID: 400,
  ERR_ADMIN_TIMEOUT: 504,
  ERR_ADMIN_UNREACHABLE: 503,
  ERR_ADMIN_REFUSED: 403,
  ERR_ADMIN_WORKER: 503,
};

export class AdminError extends BulkheadError {
  override name = "AdminError";
  declare readonly code: AdminErrorCode;

  constructor(
    code: AdminErrorCode,
    message: string,
    readonly kafkaError?: KafkaError,
  ) {
    super(code, message);
  }

  /** What a Kafka error code in a response means for the operation `what` (e.g. "create topic orders"). */
  static kafka(errorCode: number, what: string, errorMessage?: string | null): AdminError {
    const name = errorCodeName(errorCode);
    const detail = errorMessage !== undefined && errorMessage !== null && errorMessage !== "" ? `: ${errorMessage}` : "";
    return new AdminError("ERR_ADMIN_KAFKA", `${what} failed with ${name}${detail}`, { code: errorCode, name });
  }

  /** The HTTP status that fits the failure. */
  get status(): number {
    if (this.code !== "ERR_ADMIN_KAFKA") return STATUS_BY_CODE[this.code];
    return STATUS_BY_KAFKA_ERROR.get(this.kafkaError!.name) ?? 502;
  }
}

/** Throws an AdminError for a non-zero error code of a response entry. */
export function check(errorCode: number | undefined, what: string, errorMessage?: string | null): void {
  if (errorCode !== undefined && errorCode !== 0) throw AdminError.kafka(errorCode, what, errorMessage);
}
