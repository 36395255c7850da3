// For an admin token: the physical Kafka clusters as configured (credentials redacted), with the virtual clusters
// each one carries.
import { Fragment } from "preact";
import { enc } from "../api.js";
import type { PhysicalClusterList, VirtualClusterList } from "../api-types.js";
import { Table } from "../layout.js";
import { settled, useApi } from "../queries.js";

export function PhysicalClustersPage() {
  const ready = settled(useApi<PhysicalClusterList>("/physical-clusters"), useApi<VirtualClusterList>("/virtual-clusters"));
  if (!ready.ok) return ready.view;
  const [{ clusters }, { virtualClusters }] = ready.data;
  const rows = clusters.map((c) => {
    const tenants = virtualClusters.filter((vc) => vc.cluster === c.name);
    return [
      <strong>{c.name}</strong>,
      (Array.isArray(c.bootstrap) ? c.bootstrap : c.bootstrap.split(",")).join(", "),
      c.tls === undefined ? "plaintext" : "TLS",
      c.sasl?.mechanism ?? "none",
      tenants.length === 0 ? (
        <span class="null">none</span>
      ) : (
        <span>
          {tenants.map((vc, i) => (
            <Fragment key={vc.name}>
              {i === 0 ? "" : ", "}
              <a href={`#/vc/${enc(vc.name)}/topics`}>{vc.name}</a>
            </Fragment>
          ))}
        </span>
      ),
      <details>
        <summary>as configured</summary>
        <pre>{JSON.stringify(c, null, 2)}</pre>
      </details>,
    ];
  });
  return (
    <section>
      <h2>Physical clusters ({clusters.length})</h2>
      <Table headers={["Name", "Bootstrap", "Transport", "Gateway's SASL login", "Virtual clusters", ""]} rows={rows} keys={clusters.map((c) => c.name)} empty="no physical clusters" />
    </section>
  );
}
