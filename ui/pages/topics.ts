// Topics: the list (search, sort by any column, create), and one topic (add partitions, its configs with their
// defaults, edit a config, delete the topic).
import { call, enc, get } from "../api.js";
import type { TopicConfig, TopicSummary } from "../api-types.js";
import { action, confirmed, type PageContext } from "../context.js";
import { bytes, field, h, rate, table } from "../dom.js";

type Column = readonly [label: string, key: keyof TopicSummary];
const COLUMNS: readonly Column[] = [
  ["Name", "name"],
  ["Partitions", "partitions"],
  ["Replicas", "replicationFactor"],
  ["Size", "sizeBytes"],
  ["Produce", "produceBytesPerSecond"],
  ["Fetch", "fetchBytesPerSecond"],
];

export async function topicsPage(ctx: PageContext): Promise<Node> {
  const topic = ctx.rest[0];
  return topic === undefined ? topicList(ctx) : topicDetail(ctx, topic);
}

async function topicList(ctx: PageContext): Promise<Node> {
  const base = `/virtual-clusters/${enc(ctx.vc)}/topics`;
  const { topics } = await get<{ topics: TopicSummary[] }>(base, ctx.signal);
  let sortBy: keyof TopicSummary = "name";
  let descending = false;
  const search = h("input", { type: "search", placeholder: "search topics", "aria-label": "search topics", oninput: () => draw() });
  const holder = h("div");

  function draw(): void {
    const needle = search.value.trim().toLowerCase();
    const shown = topics
      .filter((t) => t.name.toLowerCase().includes(needle))
      .sort((a, b) => {
        const [x, y] = [a[sortBy] ?? -1, b[sortBy] ?? -1];
        const order = typeof x === "string" ? x.localeCompare(String(y)) : Number(x) - Number(y);
        return descending ? -order : order;
      });
    const headers = COLUMNS.map(([label, key]) =>
      h("button", { type: "button", class: "sort", onclick: () => ((descending = sortBy === key ? !descending : key !== "name"), (sortBy = key), draw()) }, label, sortBy === key ? (descending ? " ▼" : " ▲") : ""),
    );
    const rows = shown.map((t) => [h("a", { href: `#/vc/${enc(ctx.vc)}/topics/${enc(t.name)}` }, t.name), t.partitions, t.replicationFactor, bytes(t.sizeBytes), rate(t.produceBytesPerSecond), rate(t.fetchBytesPerSecond)]);
    holder.replaceChildren(table(headers, rows, needle === "" ? "no topics yet" : "no topic matches"));
  }
  draw();

  return h("section", null, h("h2", null, `Topics (${topics.length})`, " ", h("button", { type: "button", onclick: ctx.refresh }, "Refresh")), search, holder, ctx.canEdit ? createForm(ctx, base) : null);
}

function createForm(ctx: PageContext, base: string): HTMLElement {
  const name = h("input", { name: "name", required: true });
  const partitions = h("input", { name: "partitions", type: "number", min: 1, value: "1" });
  const retention = h("input", { name: "retention.ms", placeholder: "broker default" });
  return h(
    "fieldset",
    null,
    h("legend", null, "Create a topic"),
    h("div", { class: "row" }, field("Name", name), field("Partitions", partitions), field("retention.ms", retention)),
    action("Create topic", async () => {
      const configs = retention.value.trim() === "" ? undefined : { "retention.ms": retention.value.trim() };
      await call("POST", base, { name: name.value.trim(), partitions: Number(partitions.value), configs });
      location.hash = `#/vc/${enc(ctx.vc)}/topics/${enc(name.value.trim())}`;
    }),
  );
}

async function topicDetail(ctx: PageContext, topic: string): Promise<Node> {
  const base = `/virtual-clusters/${enc(ctx.vc)}/topics/${enc(topic)}`;
  const [{ topics }, { configs }] = await Promise.all([get<{ topics: TopicSummary[] }>(`/virtual-clusters/${enc(ctx.vc)}/topics`, ctx.signal), get<{ configs: TopicConfig[] }>(`${base}/configs`, ctx.signal)]);
  const summary = topics.find((t) => t.name === topic);
  const partitions = summary?.partitions ?? 0;

  const grow = h("input", { name: "count", type: "number", min: partitions + 1, value: String(partitions + 1) });
  const edit = ctx.canEdit
    ? h(
        "div",
        { class: "row" },
        h(
          "fieldset",
          null,
          h("legend", null, "Add partitions"),
          field("New total", grow),
          action("Add partitions", async () => {
            const count = Number(grow.value);
            if (!confirmed(`Grow ${topic} from ${partitions} to ${count} partitions? Partitions can't be removed again, and keyed messages may map to other partitions.`)) return "not changed";
            await call("POST", `${base}/partitions`, { count });
            ctx.refresh();
          }),
        ),
        h(
          "fieldset",
          null,
          h("legend", null, "Delete"),
          action("Delete topic", async () => {
            if (!confirmed(`Delete topic ${topic} and every message in it? This can't be undone.`)) return "not deleted";
            await call("DELETE", base);
            location.hash = `#/vc/${enc(ctx.vc)}/topics`;
          }, { class: "danger" }),
        ),
      )
    : null;

  const rows = configs.map((c) => [h("code", null, c.name), configValue(ctx, base, c), c.source, c.default === null ? "–" : `${c.default.value ?? "–"} (${c.default.name})`]);
  return h(
    "section",
    null,
    h("p", null, h("a", { href: `#/vc/${enc(ctx.vc)}/topics` }, "← topics")),
    h("h2", null, `Topic ${topic}`),
    h("p", { "data-testid": "topic-summary" }, `${partitions} partitions · ${summary?.replicationFactor ?? "?"} replicas · ${bytes(summary?.sizeBytes ?? null)} · `, h("a", { href: `#/vc/${enc(ctx.vc)}/messages/${enc(topic)}` }, "browse messages")),
    edit,
    h("h3", null, "Configs"),
    table(["Config", "Value", "Source", "Default"], rows),
  );
}

/** A config's value; for an operator, editable in place unless Kafka says it is read-only. */
function configValue(ctx: PageContext, base: string, config: TopicConfig): Node {
  const shown = config.sensitive ? "[sensitive]" : (config.value ?? "–");
  if (!ctx.canEdit || config.readOnly) return document.createTextNode(shown);
  const cell = h("span", { class: "config" }, shown, " ");
  const editButton = h("button", {
    type: "button",
    class: "small",
    "aria-label": `edit ${config.name}`,
    onclick: () => {
      const input = h("input", { name: config.name, value: config.value ?? "", "aria-label": `new ${config.name}` });
      cell.replaceChildren(
        input,
        action("Save", async () => {
          await call("PATCH", `${base}/configs`, { set: { [config.name]: input.value } });
          ctx.refresh();
        }),
        ...(config.source === "DYNAMIC_TOPIC_CONFIG"
          ? [
              action("Reset to default", async () => {
                await call("PATCH", `${base}/configs`, { delete: [config.name] });
                ctx.refresh();
              }),
            ]
          : []),
      );
      input.focus();
    },
  }, "Edit");
  cell.append(editButton);
  return cell;
}
