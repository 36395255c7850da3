// A tenant's open client connections, as only the gateway sees them: fetched again every few seconds while shown.
import { enc } from "../api.js";
import type { Connection } from "../api-types.js";
import type { PageContext } from "../context.js";
import { bytes, time } from "../format.js";
import { Table } from "../layout.js";
import { settled, useApi } from "../queries.js";

const POLL_MS = 5000;

export function ConnectionsPage({ ctx }: { ctx: PageContext }) {
  const query = useApi<{ connections: Connection[] }>(`/virtual-clusters/${enc(ctx.vc)}/connections`, POLL_MS);
  const ready = settled(query);
  if (!ready.ok) return ready.view;
  const [{ connections }] = ready.data;
  const rows = connections.map((c) => [c.clientId ?? "–", c.principal ?? "–", c.address, c.listener, c.target, time(c.openedAt), c.requests, bytes(c.bytesFromClient), bytes(c.bytesToClient)]);
  return (
    <section>
      <h2>
        Connections ({connections.length}){" "}
        <button type="button" onClick={() => void query.refetch()}>
          Refresh
        </button>
      </h2>
      <Table headers={["Client id", "Principal", "Address", "Listener", "Port", "Since", "Requests", "Bytes in", "Bytes out"]} rows={rows} keys={connections.map((c) => String(c.id))} empty="no open connections" />
    </section>
  );
}
