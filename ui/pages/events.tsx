// The event log, filtered by type and time and fetched again every few seconds while shown: one virtual cluster's for
// its page, and every virtual cluster's, gateway-wide events included, for a platform token.
import { enc } from "../api.js";
import { EVENT_TYPES, type GatewayEvent, type VirtualClusterList } from "../api-types.js";
import type { PageContext, PlatformContext } from "../context.js";
import { chosenFilter, FilterForm, filterQuery, timeFields, type FilterField } from "../filter.js";
import { time } from "../format.js";
import { Table } from "../layout.js";
import { settled, useApi } from "../queries.js";

const POLL_MS = 5000;

export function EventsPage({ ctx }: { ctx: PageContext }) {
  return <EventLog ctx={ctx} route={`#/vc/${enc(ctx.vc)}/events`} only={ctx.vc} />;
}

export function AllEventsPage({ ctx }: { ctx: PlatformContext }) {
  const ready = settled(useApi<VirtualClusterList>("/virtual-clusters"));
  if (!ready.ok) return ready.view;
  const [{ virtualClusters }] = ready.data;
  return <EventLog ctx={ctx} route="#/platform/events" choices={virtualClusters.map((vc) => vc.name)} />;
}

/** `only`: one virtual cluster's log; else all of them, with `choices` to pick one. */
function EventLog({ ctx, route, only, choices = [] }: { ctx: PlatformContext; route: string; only?: string; choices?: readonly string[] }) {
  const chosen = chosenFilter(ctx.rest);
  if (only !== undefined) chosen.set("virtualCluster", only);
  const query = useApi<{ events: GatewayEvent[] }>(`/events?${filterQuery(chosen, 500)}`, POLL_MS);
  const perCluster = only === undefined;
  const fields: FilterField[] = [{ label: "Type", param: "type", options: [["", "any type"], ...EVENT_TYPES.map((t) => [t, t] as const)] }, ...timeFields];
  if (perCluster) fields.unshift({ label: "Virtual cluster", param: "virtualCluster", name: "virtual-cluster", options: [["", "all, and gateway-wide"], ...choices.map((name) => [name, name] as const)] });
  const ready = settled(query);
  const rows = ready.ok
    ? ready.data[0].events.map((e) => [
        time(e.at),
        e.count > 1 ? `${time(e.lastAt)} (×${e.count})` : "",
        ...(perCluster ? [e.virtualCluster ?? <span class="null">gateway</span>] : []),
        <span class={`tag ${e.type}`}>{e.type}</span>,
        e.message,
      ])
    : [];
  const headers = ["At", "Last", ...(perCluster ? ["Virtual cluster"] : []), "Type", "Message"];
  return (
    <section>
      <h2>{perCluster ? "Event log, all virtual clusters" : "Event log"}</h2>
      <FilterForm route={route} chosen={chosen} fields={fields} />
      {ready.ok ? <Table headers={headers} rows={rows} empty="no events match" /> : ready.view}
    </section>
  );
}
