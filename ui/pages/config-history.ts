// Config history: every applied config as a numbered version (who, when, why), one version's document, a diff between
// two (the API's unified diff), and, for an admin, a rollback to one, which the API keeps as a new version.
import { call, enc, get } from "../api.js";
import type { VersionInfo } from "../api-types.js";
import { action, confirmed, type PlatformContext } from "../context.js";
import { field, h, table, time } from "../dom.js";

export async function configHistoryPage(ctx: PlatformContext): Promise<Node> {
  const [version] = ctx.rest;
  return version === undefined ? versionList(ctx) : versionDocument(ctx, Number(version));
}

async function versionList(ctx: PlatformContext): Promise<Node> {
  const { versions } = await get<{ versions: VersionInfo[] }>("/config/versions", ctx.signal);
  const newestFirst = [...versions].reverse();
  const current = newestFirst[0]?.version;
  const canRollBack = ctx.me.role === "admin";
  const rows = newestFirst.map((v) => [
    h("a", { href: `#/platform/history/${v.version}` }, `#${v.version}`),
    time(v.at),
    v.by,
    v.reason,
    v.version === current ? h("span", { class: "tag" }, "in force") : canRollBack ? rollback(ctx, v, current) : null,
  ]);

  const options = (selected: number | undefined) => newestFirst.map((v) => h("option", { value: String(v.version), selected: v.version === selected }, `#${v.version} · ${v.reason}`));
  const from = h("select", { name: "diff-from" }, options(newestFirst[1]?.version));
  const to = h("select", { name: "diff-to" }, options(current));
  const diff = h("div", { "data-testid": "diff" });
  const compare = action("Show diff", async () => {
    const answer = await get<{ diff: string }>(`/config/diff?${new URLSearchParams({ from: from.value, to: to.value })}`, ctx.signal);
    diff.replaceChildren(diffView(answer.diff));
  });

  return h(
    "section",
    null,
    h("h2", null, "Config history"),
    h("p", { class: "hint" }, "Every config the gateway applied, newest first: from the file, the admin API or a rollback. Secrets are redacted."),
    table(["Version", "At", "By", "What", ""], rows, "no versions kept"),
    h("fieldset", null, h("legend", null, "Compare two versions"), h("div", { class: "row" }, field("From", from), field("To", to), compare), diff),
  );
}

function rollback(ctx: PlatformContext, target: VersionInfo, current: number | undefined): HTMLElement {
  return action(`Roll back to #${target.version}`, async () => {
    const what = `Roll back to version ${target.version} (${target.reason}, by ${target.by} at ${time(target.at)})? Its config replaces version ${current} everywhere at once, as a new version: connections of a virtual cluster it removes or moves are drained.`;
    if (!confirmed(what)) return "not rolled back";
    await call("POST", "/config/rollback", { version: target.version });
    ctx.refresh();
  }, { class: "danger small" });
}

async function versionDocument(ctx: PlatformContext, version: number): Promise<Node> {
  const kept = await get<{ version: VersionInfo; document: string }>(`/config/versions/${enc(String(version))}`, ctx.signal);
  return h(
    "section",
    null,
    h("p", null, h("a", { href: "#/platform/history" }, "← config history")),
    h("h2", null, `Config version #${kept.version.version}`),
    h("p", { "data-testid": "version-info" }, `${kept.version.reason} · by ${kept.version.by} · ${time(kept.version.at)}`),
    h("pre", { "data-testid": "version-document" }, kept.document),
  );
}

/** A unified diff, each line coloured by what it does. */
function diffView(diff: string): HTMLElement {
  const lines = diff.split("\n").filter((line) => !line.startsWith("====="));
  const kind = (line: string) => (line.startsWith("+++") || line.startsWith("---") ? "file" : line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "added" : line.startsWith("-") ? "removed" : "");
  return h("pre", { class: "diff" }, lines.map((line) => h("span", { class: kind(line) }, `${line}\n`)));
}
