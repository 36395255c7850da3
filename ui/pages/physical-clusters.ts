// For an admin token: the physical Kafka clusters as configured (credentials redacted), with the virtual clusters
// each one carries.
import { enc, get } from "../api.js";
import type { PhysicalCluster, VirtualCluster } from "../api-types.js";
import type { PlatformContext } from "../context.js";
import { h, table } from "../dom.js";

export async function physicalClustersPage(ctx: PlatformContext): Promise<Node> {
  const [{ clusters }, { virtualClusters }] = await Promise.all([
    get<{ clusters: PhysicalCluster[] }>("/physical-clusters", ctx.signal),
    get<{ virtualClusters: VirtualCluster[] }>("/virtual-clusters", ctx.signal),
  ]);
  const rows = clusters.map((c) => {
    const tenants = virtualClusters.filter((vc) => vc.cluster === c.name);
    return [
      h("strong", null, c.name),
      (Array.isArray(c.bootstrap) ? c.bootstrap : c.bootstrap.split(",")).join(", "),
      c.tls === undefined ? "plaintext" : "TLS",
      c.sasl?.mechanism ?? "none",
      tenants.length === 0 ? h("span", { class: "null" }, "none") : h("span", null, tenants.flatMap((vc, i) => [i === 0 ? "" : ", ", h("a", { href: `#/vc/${enc(vc.name)}/topics` }, vc.name)])),
      h("details", null, h("summary", null, "as configured"), h("pre", null, JSON.stringify(c, null, 2))),
    ];
  });
  return h(
    "section",
    null,
    h("h2", null, `Physical clusters (${clusters.length})`),
    table(["Name", "Bootstrap", "Transport", "Gateway's SASL login", "Virtual clusters", ""], rows, "no physical clusters"),
  );
}
