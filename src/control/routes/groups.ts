// A tenant's consumer groups (src/admin/groups.ts): list and describe with lag (viewer); reset offsets, only while
// the group is empty, with a dry run, and delete (operator).
import { z } from "zod";
import type { RouteGroup } from "../control-api.js";
import { groupDescription, groupList, groupParams, resetRequest, resetResult } from "../schemas/groups.js";
import { virtualClusterParams } from "../schemas/shared.js";
import { asTenant } from "./tenant-operation.js";

export const groupRoutes: RouteGroup = (app, api) => {
  const url = "/api/v1/virtual-clusters/:name/groups";

  app.get(url, {
    config: { role: "viewer" },
    schema: { summary: "A tenant's consumer groups", params: virtualClusterParams, response: { 200: groupList } },
  }, async (request) => ({ groups: await asTenant(api, request.caller, request.params.name, "listGroups", undefined) }));

  app.get(`${url}/:group`, {
    config: { role: "viewer" },
    schema: { summary: "A group's state, members and lag per partition", params: groupParams, response: { 200: groupDescription } },
  }, async (request) => asTenant(api, request.caller, request.params.name, "describeGroup", { groupId: request.params.group }));

  app.post(`${url}/:group/offsets/reset`, {
    config: { role: "operator" },
    schema: {
      summary: "Reset a group's offsets (409 non_empty_group unless it has no members); dryRun shows them first",
      params: groupParams,
      body: resetRequest,
      response: { 200: resetResult },
    },
  }, async (request) => {
    // Bodies reach handlers as sent (validation.ts): parsed again here for the defaults.
    const { to, topics, dryRun } = resetRequest.parse(request.body);
    const offsets = await asTenant(api, request.caller, request.params.name, "resetOffsets", { groupId: request.params.group, to, dryRun, ...(topics !== undefined && { topics }) });
    return { dryRun, offsets };
  });

  app.delete(`${url}/:group`, {
    config: { role: "operator" },
    schema: { summary: "Delete a group (it must have no members)", params: groupParams, response: { 204: z.null().describe("deleted") } },
  }, async (request, reply) => {
    await asTenant(api, request.caller, request.params.name, "deleteGroup", { groupId: request.params.group });
    return reply.code(204).send(null);
  });
};
