// The event log of one virtual cluster, filtered by type and time (the filter lives in the URL, so it survives a reload).
import { enc, get } from "../api.js";
import { EVENT_TYPES, type GatewayEvent } from "../api-types.js";
import type { PageContext } from "../context.js";
import { field, h, table, time } from "../dom.js";

export async function eventsPage(ctx: PageContext): Promise<Node> {
  const [type = "", since = "", until = ""] = ctx.rest;
  const query = new URLSearchParams({ virtualCluster: ctx.vc, limit: "500" });
  if (type !== "") query.set("type", type);
  if (since !== "") query.set("since", new Date(since).toISOString());
  if (until !== "") query.set("until", new Date(until).toISOString());
  const { events } = await get<{ events: GatewayEvent[] }>(`/events?${query}`, ctx.signal);

  const typeInput = h("select", { name: "type" }, h("option", { value: "" }, "any type"), EVENT_TYPES.map((t) => h("option", { value: t, selected: t === type }, t)));
  const sinceInput = h("input", { type: "datetime-local", name: "since", value: since });
  const untilInput = h("input", { type: "datetime-local", name: "until", value: until });
  const filter = h(
    "form",
    {
      class: "row",
      onsubmit: (event: Event) => {
        event.preventDefault();
        location.hash = `#/vc/${enc(ctx.vc)}/events/${[typeInput.value, sinceInput.value, untilInput.value].map(enc).join("/")}`;
      },
    },
    field("Type", typeInput),
    field("Since", sinceInput),
    field("Until", untilInput),
    h("button", { type: "submit" }, "Filter"),
  );
  const rows = events.map((e) => [time(e.at), e.count > 1 ? `${time(e.lastAt)} (×${e.count})` : "", h("span", { class: `tag ${e.type}` }, e.type), e.message]);
  return h("section", null, h("h2", null, "Event log"), filter, table(["At", "Last", "Type", "Message"], rows, "no events match"));
}
