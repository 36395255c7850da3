// The audit log: every control-plane change, who made it, when, what, and its before and after (secrets redacted),
// filtered by who, what, virtual cluster and time.
import { get } from "../api.js";
import type { AuditEntry } from "../api-types.js";
import type { PlatformContext } from "../context.js";
import { h, table, time } from "../dom.js";
import { chosenFilter, filterForm, filterQuery, timeInputs } from "../filter.js";

export async function auditPage(ctx: PlatformContext): Promise<Node> {
  const chosen = chosenFilter(ctx.rest);
  const { entries } = await get<{ entries: AuditEntry[] }>(`/audit?${filterQuery(chosen, 500)}`, ctx.signal);
  const text = (name: string, placeholder: string) => h("input", { name, placeholder, value: chosen.get(name) ?? "" });
  const { since, until } = timeInputs(chosen);
  const filter = filterForm("#/platform/audit", [
    ["Who", "who", text("who", "a token name")],
    ["What", "action", text("action", "e.g. limits, rollback")],
    ["Virtual cluster", "virtualCluster", text("virtualCluster", "any")],
    ["Since", "since", since],
    ["Until", "until", until],
  ]);
  const rows = [...entries].reverse().map((e) => [
    time(e.at),
    e.who,
    e.action,
    e.virtualCluster ?? h("span", { class: "null" }, "gateway"),
    e.version === undefined ? "" : h("a", { href: `#/platform/history/${e.version}` }, `#${e.version}`),
    change(e),
  ]);
  return h("section", null, h("h2", null, "Audit log"), filter, table(["At", "Who", "What", "Virtual cluster", "Version", "Before → after"], rows, "no changes match"));
}

/** Before and after, folded: a section can be long. */
function change(entry: AuditEntry): Node | null {
  if (entry.before === undefined && entry.after === undefined) return null;
  const json = (value: unknown) => (value === undefined ? "(none)" : JSON.stringify(value, null, 2));
  return h("details", null, h("summary", null, "before → after"), h("div", { class: "change" }, h("pre", null, json(entry.before)), h("pre", null, json(entry.after))));
}
