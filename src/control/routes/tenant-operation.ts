// Runs one topic, group or message operation (src/admin/operations.ts) for an admin API caller, on the admin worker
// thread (src/admin/admin-thread.ts), as a client of the virtual cluster whose requests go through the same filters
// as the tenant's own clients. A token scoped to the virtual cluster acts as principal User:<token name>, so the
// virtual cluster's ACL rules decide what it may do, exactly as for a client; an unscoped token acts as a super-user
// of the virtual cluster. An AdminError becomes the API's error body, with the Kafka error (if any) as details.
import { AdminError } from "../../admin/admin-error.js";
import type { AdminArgs, AdminOperation, AdminResult } from "../../admin/operations.js";
import { ApiError, notFound } from "../api-error.js";
import { requireInScope, type Caller } from "../auth.js";
import type { ControlApi } from "../control-api.js";

const CODES: Readonly<Record<Exclude<AdminError["code"], "ERR_ADMIN_KAFKA">, string>> = {
  ERR_ADMIN_INVALID: "invalid_request",
  ERR_ADMIN_TIMEOUT: "upstream_timeout",
  ERR_ADMIN_UNREACHABLE: "upstream_unreachable",
  ERR_ADMIN_REFUSED: "refused",
  ERR_ADMIN_WORKER: "admin_worker_failed",
};

export async function asTenant<N extends AdminOperation>(
  api: ControlApi,
  caller: Caller,
  virtualCluster: string,
  operation: N,
  args: AdminArgs<N>,
  signal?: AbortSignal,
): Promise<AdminResult<N>> {
  requireInScope(caller, virtualCluster);
  const principal = caller.virtualCluster === undefined ? undefined : { type: "User", name: caller.name };
  const operations = api.tenantOperations;
  if (operations === undefined || !operations.has(virtualCluster)) throw notFound(`virtual cluster "${virtualCluster}"`);
  try {
    return await operations.run(virtualCluster, principal, operation, args, signal);
  } catch (err) {
    if (!(err instanceof AdminError)) throw err;
    // Kafka's own name for the error, lower-cased ("topic_authorization_failed"): stable, and what clients know.
    const code = err.code === "ERR_ADMIN_KAFKA" ? err.kafkaError!.name.toLowerCase() : CODES[err.code];
    throw new ApiError(err.status, code, err.message, err.kafkaError);
  }
}
