// The tenant operations the admin worker runs (admin-worker.ts), by name: the control plane's routes name one and
// give its arguments as one structured-clonable object, never a closure, so that the operation runs on the worker's
// thread with the worker's tenant client. `signal` aborts an operation whose caller went away (only a search uses it).
import { deleteGroup, describeGroup, listGroups, resetOffsets, type OffsetResetRequest } from "./groups.js";
import { searchMessages, type SearchRequest } from "./message-search.js";
import { readMessages, sendMessage, type ReadRequest, type TestMessage } from "./messages.js";
import type { TenantClient } from "./tenant-client.js";
import { addPartitions, alterTopicConfigs, createTopic, deleteTopic, describeTopicConfigs, listTopics, type ConfigChanges, type TopicSpec } from "./topics.js";

export const ADMIN_OPERATIONS = {
  listTopics: (client: TenantClient) => listTopics(client),
  createTopic: (client: TenantClient, spec: TopicSpec) => createTopic(client, spec),
  addPartitions: (client: TenantClient, a: { topic: string; count: number }) => addPartitions(client, a.topic, a.count),
  describeTopicConfigs: (client: TenantClient, a: { topic: string }) => describeTopicConfigs(client, a.topic),
  alterTopicConfigs: (client: TenantClient, a: { topic: string; changes: ConfigChanges }) => alterTopicConfigs(client, a.topic, a.changes),
  deleteTopic: (client: TenantClient, a: { topic: string }) => deleteTopic(client, a.topic),
  listGroups: (client: TenantClient) => listGroups(client),
  describeGroup: (client: TenantClient, a: { groupId: string }) => describeGroup(client, a.groupId),
  resetOffsets: (client: TenantClient, request: OffsetResetRequest) => resetOffsets(client, request),
  deleteGroup: (client: TenantClient, a: { groupId: string }) => deleteGroup(client, a.groupId),
  sendMessage: (client: TenantClient, message: TestMessage) => sendMessage(client, message),
  readMessages: (client: TenantClient, request: ReadRequest) => readMessages(client, request),
  searchMessages: (client: TenantClient, request: Omit<SearchRequest, "signal">, signal?: AbortSignal) => searchMessages(client, { ...request, ...(signal !== undefined && { signal }) }),
} as const;

export type AdminOperation = keyof typeof ADMIN_OPERATIONS;
/** The operation's arguments: none, or one object. */
export type AdminArgs<N extends AdminOperation> = Parameters<(typeof ADMIN_OPERATIONS)[N]> extends [TenantClient, infer A, ...unknown[]] ? A : undefined;
export type AdminResult<N extends AdminOperation> = Awaited<ReturnType<(typeof ADMIN_OPERATIONS)[N]>>;

/** Runs operation `name` with `args` (as the route gave them) on `client`. */
export function runOperation(name: AdminOperation, client: TenantClient, args: unknown, signal: AbortSignal): Promise<unknown> {
  const operation = ADMIN_OPERATIONS[name] as (client: TenantClient, args: unknown, signal: AbortSignal) => Promise<unknown>;
  return operation(client, args, signal);
}
