// For a platform token: every virtual cluster with its connections, throughput and limits; pick one to open it.
import { enc } from "../api.js";
import type { Bandwidth, Connection, Listener, UsageAnswer, VirtualCluster, VirtualClusterList } from "../api-types.js";
import { rate } from "../format.js";
import { highest, limitName, percent } from "../limit-usage.js";
import { settled, useApi } from "../queries.js";

const HEADERS = ["Name", "Physical cluster", "Bootstrap", "Connections", "Produce", "Fetch", "Highest usage"];

export function ClustersPage() {
  const ready = settled(useApi<VirtualClusterList>("/virtual-clusters"));
  if (!ready.ok) return ready.view;
  const [{ virtualClusters }] = ready.data;
  return (
    <section>
      <h2>Virtual clusters</h2>
      <p class="hint">
        Throughput is record bytes per second through this gateway since the previous look (refresh to update), against the tenant-wide byte rate. Highest usage is the limit
        (byte rate or cap) closest to being reached; the tenant's ACLs, users, limits page lists them all.
      </p>
      {virtualClusters.length === 0 ? (
        <p class="empty">no virtual clusters</p>
      ) : (
        <table>
          <thead>
            <tr>
              {HEADERS.map((header) => (
                <th key={header}>{header}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {virtualClusters.map((vc) => (
              <ClusterRow key={vc.name} vc={vc} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Where a listener's clients bootstrap: its advertised host, or its SNI bootstrap name, on its bootstrap port. */
const bootstrapOf = (l: Listener) => `${l.sni?.bootstrapHost ?? l.advertisedHost ?? "?"}:${l.bootstrapPort}`;

/** One virtual cluster's row: its own three requests, so a slow or failing one holds up no other row. */
function ClusterRow({ vc }: { vc: VirtualCluster }) {
  const base = `/virtual-clusters/${enc(vc.name)}`;
  const usage = settled(useApi<{ connections: Connection[] }>(`${base}/connections`), useApi<Bandwidth>(`${base}/bandwidth`), useApi<UsageAnswer>(`${base}/usage`));
  const bootstrap = vc.listeners.map(bootstrapOf).join(", ");
  const cells = [<a href={`#/vc/${enc(vc.name)}/topics`}>{vc.name}</a>, vc.cluster, bootstrap];
  if (!usage.ok) {
    return (
      <tr>
        {cells.map((cell, i) => (
          <td key={i}>{cell}</td>
        ))}
        <td colSpan={4}>{usage.view}</td>
      </tr>
    );
  }
  const [{ connections }, bandwidth, { limits }] = usage.data;
  const used = (d: "produce" | "fetch") => {
    const sum = bandwidth.topics.reduce((n, t) => n + t.bytesPerSecond[d], 0);
    const limit = bandwidth.tenant.limit[d];
    return limit === null ? rate(sum) : `${rate(sum)} of ${rate(limit)} (${Math.round((100 * sum) / limit)}%)`;
  };
  const top = highest(limits);
  const highestUsage = top === undefined ? <span class="empty">{limits.length === 0 ? "no limits" : "–"}</span> : `${percent(top.ratio!)} ${limitName(top)}`;
  return (
    <tr>
      {[...cells, connections.length, used("produce"), used("fetch"), highestUsage].map((cell, i) => (
        <td key={i}>{cell}</td>
      ))}
    </tr>
  );
}
