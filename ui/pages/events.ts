// The event log, filtered by type and time: one virtual cluster's for its page, and every virtual cluster's,
// gateway-wide events included, for a platform token.
import { enc, get } from "../api.js";
import { EVENT_TYPES, type GatewayEvent, type VirtualCluster } from "../api-types.js";
import type { PageContext, PlatformContext } from "../context.js";
import { h, table, time } from "../dom.js";
import { chosenFilter, filterForm, filterQuery, timeInputs, type FilterInput } from "../filter.js";

export const eventsPage = (ctx: PageContext): Promise<Node> => eventLog(ctx, `#/vc/${enc(ctx.vc)}/events`, { only: ctx.vc });

export async function allEventsPage(ctx: PlatformContext): Promise<Node> {
  const { virtualClusters } = await get<{ virtualClusters: VirtualCluster[] }>("/virtual-clusters", ctx.signal);
  return eventLog(ctx, "#/platform/events", { choices: virtualClusters.map((vc) => vc.name) });
}

/** `only`: one virtual cluster's log; `choices`: all of them, with a filter to pick one. */
type Scope = { readonly only: string } | { readonly choices: readonly string[] };

async function eventLog(ctx: PlatformContext, route: string, scope: Scope): Promise<Node> {
  const chosen = chosenFilter(ctx.rest);
  if ("only" in scope) chosen.set("virtualCluster", scope.only);
  const { events } = await get<{ events: GatewayEvent[] }>(`/events?${filterQuery(chosen, 500)}`, ctx.signal);

  const picked = chosen.get("virtualCluster") ?? "";
  const type = chosen.get("type") ?? "";
  const typeInput = h("select", { name: "type" }, h("option", { value: "" }, "any type"), EVENT_TYPES.map((t) => h("option", { value: t, selected: t === type }, t)));
  const { since, until } = timeInputs(chosen);
  const fields: (readonly [string, string, FilterInput])[] = [["Type", "type", typeInput], ["Since", "since", since], ["Until", "until", until]];
  const perCluster = "choices" in scope;
  if (perCluster) {
    const vcInput = h("select", { name: "virtual-cluster" }, h("option", { value: "" }, "all, and gateway-wide"), scope.choices.map((name) => h("option", { value: name, selected: name === picked }, name)));
    fields.unshift(["Virtual cluster", "virtualCluster", vcInput]);
  }
  const rows = events.map((e) => [
    time(e.at),
    e.count > 1 ? `${time(e.lastAt)} (×${e.count})` : "",
    ...(perCluster ? [e.virtualCluster ?? h("span", { class: "null" }, "gateway")] : []),
    h("span", { class: `tag ${e.type}` }, e.type),
    e.message,
  ]);
  const headers = ["At", "Last", ...(perCluster ? ["Virtual cluster"] : []), "Type", "Message"];
  return h("section", null, h("h2", null, perCluster ? "Event log, all virtual clusters" : "Event log"), filterForm(route, fields), table(headers, rows, "no events match"));
}
