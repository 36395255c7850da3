// Consumer groups: the list, and one group (state, members, lag per partition with the total; reset its offsets with
// a preview, the API's dry run, before applying, which the API allows only while the group has no members).
import { call, enc, get } from "../api.js";
import type { GroupDescription, GroupSummary, OffsetTarget, ResetResult } from "../api-types.js";
import { action, confirmed, type PageContext } from "../context.js";
import { field, h, table } from "../dom.js";

export async function groupsPage(ctx: PageContext): Promise<Node> {
  const group = ctx.rest[0];
  return group === undefined ? groupList(ctx) : groupDetail(ctx, group);
}

async function groupList(ctx: PageContext): Promise<Node> {
  const { groups } = await get<{ groups: GroupSummary[] }>(`/virtual-clusters/${enc(ctx.vc)}/groups`, ctx.signal);
  const rows = groups.sort((a, b) => a.groupId.localeCompare(b.groupId)).map((g) => [h("a", { href: `#/vc/${enc(ctx.vc)}/groups/${enc(g.groupId)}` }, g.groupId), g.state, g.protocolType]);
  return h("section", null, h("h2", null, `Consumer groups (${groups.length})`, " ", h("button", { type: "button", onclick: ctx.refresh }, "Refresh")), table(["Group", "State", "Protocol type"], rows, "no consumer groups"));
}

async function groupDetail(ctx: PageContext, groupId: string): Promise<Node> {
  const base = `/virtual-clusters/${enc(ctx.vc)}/groups/${enc(groupId)}`;
  const group = await get<GroupDescription>(base, ctx.signal);
  const members = group.members.map((m) => [m.clientId, m.host, m.memberId, m.assignment.map((a) => `${a.topic} [${a.partitions.join(", ")}]`).join("; ")]);
  const lag = group.partitions.map((p) => [p.topic, p.partition, p.committedOffset ?? "–", p.endOffset ?? "–", p.lag ?? "–"]);
  return h(
    "section",
    null,
    h("p", null, h("a", { href: `#/vc/${enc(ctx.vc)}/groups` }, "← consumer groups")),
    h("h2", null, `Group ${groupId}`, " ", h("button", { type: "button", onclick: ctx.refresh }, "Refresh")),
    h("p", null, "State ", h("strong", { "data-testid": "group-state" }, group.state), ` · ${group.members.length} members · total lag `, h("strong", { "data-testid": "total-lag" }, String(group.totalLag))),
    h("h3", null, "Members"),
    table(["Client id", "Host", "Member id", "Assignment"], members, "no members"),
    h("h3", null, "Lag"),
    table(["Topic", "Partition", "Committed", "End", "Lag"], lag, "no committed offsets"),
    ctx.canEdit ? resetForm(ctx, base, group) : null,
  );
}

function resetForm(ctx: PageContext, base: string, group: GroupDescription): HTMLElement {
  const kind = h("select", { name: "reset-to" }, ["earliest", "latest", "timestamp", "offset"].map((k) => h("option", { value: k }, k)));
  const offset = h("input", { name: "reset-offset", type: "number", min: 0, value: "0" });
  const at = h("input", { name: "reset-time", type: "datetime-local" });
  const preview = h("div", { "data-testid": "reset-preview" });
  const target = (): OffsetTarget => {
    if (kind.value === "timestamp") return { kind: "timestamp", timestamp: new Date(at.value).getTime() };
    if (kind.value === "offset") return { kind: "offset", offset: Number(offset.value) };
    return { kind: kind.value as "earliest" | "latest" };
  };
  const reset = (dryRun: boolean) => call<ResetResult>("POST", `${base}/offsets/reset`, { to: target(), dryRun });
  const empty = group.state === "Empty" || group.members.length === 0;
  let previewed: ResetResult | undefined;

  const apply = action("Apply reset", async () => {
    if (previewed === undefined) return "preview first";
    const changes = previewed.offsets.length;
    if (!confirmed(`Commit new offsets for ${changes} partitions of group ${group.groupId} (to ${kind.value})? Its consumers will start from there.`)) return "not applied";
    await reset(false);
    ctx.refresh();
  });
  apply.hidden = true;
  return h(
    "fieldset",
    null,
    h("legend", null, "Reset offsets"),
    empty ? null : h("p", { class: "hint" }, `Only a group without members can be reset: stop its consumers first (state now ${group.state}).`),
    h("div", { class: "row" }, field("To", kind), field("Offset", offset), field("Time", at)),
    action("Preview", async () => {
      previewed = await reset(true);
      const rows = previewed.offsets.map((o) => [o.topic, o.partition, o.previousOffset ?? "–", o.newOffset]);
      preview.replaceChildren(table(["Topic", "Partition", "Now", "New"], rows, "no partitions to reset"));
      apply.hidden = false;
    }, { disabled: !empty }),
    preview,
    apply,
  );
}
