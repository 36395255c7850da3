// A tenant's open client connections, as only the gateway sees them.
import { enc, get } from "../api.js";
import type { Connection } from "../api-types.js";
import type { PageContext } from "../context.js";
import { bytes, h, table, time } from "../dom.js";

export async function connectionsPage(ctx: PageContext): Promise<Node> {
  const { connections } = await get<{ connections: Connection[] }>(`/virtual-clusters/${enc(ctx.vc)}/connections`, ctx.signal);
  const rows = connections.map((c) => [c.clientId ?? "–", c.principal ?? "–", c.address, c.listener, c.target, time(c.openedAt), c.requests, bytes(c.bytesFromClient), bytes(c.bytesToClient)]);
  return h(
    "section",
    null,
    h("h2", null, `Connections (${connections.length})`, " ", h("button", { type: "button", onclick: ctx.refresh }, "Refresh")),
    table(["Client id", "Principal", "Address", "Listener", "Port", "Since", "Requests", "Bytes in", "Bytes out"], rows, "no open connections"),
  );
}
