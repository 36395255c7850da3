// The broker that coordinates a consumer group (FindCoordinator through the chain: the group id is namespaced and
// checked like a tenant client's). A coordinator that is still loading, or a cluster whose offsets topic is still
// being created, is asked again a few times before the operation gives up. The answer is kept for a second on the
// (pooled) client; an operation its coordinator refuses with NOT_COORDINATOR asks afresh and runs once more.
import { ErrorCode } from "../protocol/error-codes.js";
import { AdminError } from "./admin-error.js";
import type { TenantClient } from "./tenant-client.js";

/** v4: batched keys (KIP-699); Kafka 3.0 to 4.x serve it. */
const FIND_COORDINATOR_VERSION = 4;
const GROUP_KEY_TYPE = 0;
const ATTEMPTS = 5;
const BACKOFF_MS = 200;
const RETRIABLE: ReadonlySet<number> = new Set([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);

/** Runs `operation` with the node id of the group's coordinator. */
export async function withCoordinator<T>(client: TenantClient, groupId: string, operation: (coordinator: number) => Promise<T>): Promise<T> {
  const key = `coordinator\n${groupId}`;
  try {
    return await operation(await client.recently(key, () => findCoordinator(client, groupId)));
  } catch (err) {
    if (!(err instanceof AdminError) || err.kafkaError?.code !== ErrorCode.NOT_COORDINATOR) throw err;
    client.forget(key);
    return operation(await client.recently(key, () => findCoordinator(client, groupId)));
  }
}

/** The node id of the group's coordinator, asked now. */
async function findCoordinator(client: TenantClient, groupId: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const response = await client.send("FindCoordinator", FIND_COORDINATOR_VERSION, { keyType: GROUP_KEY_TYPE, coordinatorKeys: [groupId] });
    const coordinator = response.coordinators?.[0];
    // A response without the entry carries its error at the top (e.g. the gateway refused the whole request).
    const errorCode = coordinator?.errorCode ?? (response.errorCode || ErrorCode.UNKNOWN_SERVER_ERROR);
    if (errorCode === 0) return coordinator!.nodeId;
    if (!RETRIABLE.has(errorCode) || attempt === ATTEMPTS) throw AdminError.kafka(errorCode, `find the coordinator of group ${groupId}`, coordinator?.errorMessage ?? response.errorMessage);
    await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS * attempt));
  }
}
