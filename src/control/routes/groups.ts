// A tenant's consumer groups (src/admin/groups.ts): list and describe with lag (viewer); reset offsets, only while
// the group is empty, with a dry run, and delete (operator).
import { z } from "zod";
import { deleteGroup, describeGroup, listGroups, resetOffsets } from "../../admin/groups.js";
import type { RouteGroup } from "../control-api.js";
import { virtualClusterParams } from "./schemas.js";
import { asTenant } from "./tenant-operation.js";

const groupParams = virtualClusterParams.extend({ group: z.string().min(1).describe("the group id, as the tenant's clients know it") });
const topicPartitions = z.object({ topic: z.string(), partitions: z.array(z.int()) });
const groupDescription = z.object({
  groupId: z.string(),
  state: z.string(),
  protocolType: z.string(),
  protocol: z.string(),
  members: z.array(z.object({ memberId: z.string(), groupInstanceId: z.string().nullable(), clientId: z.string(), host: z.string(), assignment: z.array(topicPartitions) })),
  partitions: z.array(z.object({ topic: z.string(), partition: z.int(), committedOffset: z.number().nullable(), endOffset: z.number().nullable(), lag: z.number().nullable() })),
  totalLag: z.number(),
});
const offsetTarget = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("earliest") }),
  z.strictObject({ kind: z.literal("latest") }),
  z.strictObject({ kind: z.literal("timestamp"), timestamp: z.int().min(0).describe("ms since the epoch") }),
  z.strictObject({ kind: z.literal("offset"), offset: z.int().min(0).describe("kept within each partition's log") }),
]);
const resetRequest = z.strictObject({
  to: offsetTarget,
  topics: z.array(z.strictObject({ topic: z.string().min(1), partitions: z.array(z.int().min(0)).optional() })).optional().describe("default: every partition the group has an offset for"),
  dryRun: z.boolean().default(false).describe("show the new offsets without committing them"),
});

export const groupRoutes: RouteGroup = (app, api) => {
  const url = "/api/v1/virtual-clusters/:name/groups";

  app.get(url, {
    config: { role: "viewer" },
    schema: { summary: "A tenant's consumer groups", params: virtualClusterParams, response: { 200: z.object({ groups: z.array(z.object({ groupId: z.string(), protocolType: z.string(), state: z.string() })) }) } },
  }, async (request) => ({ groups: await asTenant(api, request.caller, request.params.name, listGroups) }));

  app.get(`${url}/:group`, {
    config: { role: "viewer" },
    schema: { summary: "A group's state, members and lag per partition", params: groupParams, response: { 200: groupDescription } },
  }, async (request) => asTenant(api, request.caller, request.params.name, (client) => describeGroup(client, request.params.group)));

  app.post(`${url}/:group/offsets/reset`, {
    config: { role: "operator" },
    schema: {
      summary: "Reset a group's offsets (409 non_empty_group unless it has no members); dryRun shows them first",
      params: groupParams,
      body: resetRequest,
      response: { 200: z.object({ dryRun: z.boolean(), offsets: z.array(z.object({ topic: z.string(), partition: z.int(), previousOffset: z.number().nullable(), newOffset: z.number() })) }) },
    },
  }, async (request) => {
    // Bodies reach handlers as sent (validation.ts): parsed again here for the defaults.
    const { to, topics, dryRun } = resetRequest.parse(request.body);
    const offsets = await asTenant(api, request.caller, request.params.name, (client) => resetOffsets(client, { groupId: request.params.group, to, dryRun, ...(topics !== undefined && { topics }) }));
    return { dryRun, offsets };
  });

  app.delete(`${url}/:group`, {
    config: { role: "operator" },
    schema: { summary: "Delete a group (it must have no members)", params: groupParams, response: { 204: z.null().describe("deleted") } },
  }, async (request, reply) => {
    await asTenant(api, request.caller, request.params.name, (client) => deleteGroup(client, request.params.group));
    return reply.code(204).send(null);
  });
};
