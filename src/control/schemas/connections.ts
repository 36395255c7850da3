// A tenant's open client connections, as the gateway's session table knows them.
import { z } from "zod";

export const connection = z.object({
  id: z.int(),
  openedAt: z.string(),
  clientId: z.string().nullable(),
  principal: z.string().nullable().describe("\"User:alice\"; null before authentication"),
  address: z.string().describe("the client's host:port"),
  listener: z.string(),
  target: z.string().describe("\"bootstrap\" or \"broker <node id>\""),
  requests: z.int(),
  bytesFromClient: z.number(),
  bytesToClient: z.number(),
});
export const connectionList = z.object({ connections: z.array(connection) });
