// For a platform token: every virtual cluster with its connections, throughput and limits; pick one to open it.
import { enc, get } from "../api.js";
import type { Bandwidth, Connection, VirtualCluster } from "../api-types.js";
import type { PlatformContext } from "../context.js";
import { h, rate, table } from "../dom.js";

export async function clustersPage({ signal }: PlatformContext): Promise<Node> {
  const { virtualClusters } = await get<{ virtualClusters: VirtualCluster[] }>("/virtual-clusters", signal);
  const rows = await Promise.all(
    virtualClusters.map(async (vc) => {
      const base = `/virtual-clusters/${enc(vc.name)}`;
      const [{ connections }, bandwidth] = await Promise.all([get<{ connections: Connection[] }>(`${base}/connections`, signal), get<Bandwidth>(`${base}/bandwidth`, signal)]);
      const sum = (d: "produce" | "fetch") => bandwidth.topics.reduce((n, t) => n + t.bytesPerSecond[d], 0);
      const usage = (d: "produce" | "fetch") => {
        const limit = bandwidth.tenant.limit[d];
        return limit === null ? rate(sum(d)) : `${rate(sum(d))} of ${rate(limit)} (${Math.round((100 * sum(d)) / limit)}%)`;
      };
      const bootstrap = vc.listeners.map((l) => `${l.advertisedHost ?? "?"}:${l.bootstrapPort ?? "?"}`).join(", ");
      return [h("a", { href: `#/vc/${enc(vc.name)}/topics` }, vc.name), vc.cluster, bootstrap, connections.length, usage("produce"), usage("fetch")];
    }),
  );
  return h(
    "section",
    null,
    h("h2", null, "Virtual clusters"),
    h("p", { class: "hint" }, "Throughput is record bytes per second through this gateway since the previous look (refresh to update); usage is against the tenant-wide byte rate."),
    table(["Name", "Physical cluster", "Bootstrap", "Connections", "Produce", "Fetch"], rows, "no virtual clusters"),
  );
}
