// Messages: browse a partition (the latest N, from an offset, or from a time) with key, value as text, pretty JSON or
// hex, headers and timestamp; search a partition for a text; and, for an operator, send a message with key, value and
// headers.
import { call, enc, get } from "../api.js";
import type { ReadResult, TopicSummary } from "../api-types.js";
import { action, type PageContext } from "../context.js";
import { count, field, h } from "../dom.js";
import { messageTable, type View } from "../message-view.js";
import { searchForm } from "./message-search.js";

export async function messagesPage(ctx: PageContext): Promise<Node> {
  const vcBase = `/virtual-clusters/${enc(ctx.vc)}`;
  const { topics } = await get<{ topics: TopicSummary[] }>(`${vcBase}/topics`, ctx.signal);
  const [topic = topics[0]?.name ?? ""] = ctx.rest;
  if (topic === "") return h("section", null, h("h2", null, "Messages"), h("p", { class: "empty" }, "no topics yet"));
  const partitions = topics.find((t) => t.name === topic)?.partitions ?? 1;

  const topicInput = h("select", { name: "topic", onchange: () => (location.hash = `#/vc/${enc(ctx.vc)}/messages/${enc(topicInput.value)}`) }, topics.map((t) => h("option", { value: t.name, selected: t.name === topic }, t.name)));
  const partitionInput = h("select", { name: "partition" }, Array.from({ length: partitions }, (_, p) => h("option", { value: String(p) }, String(p))));
  const fromInput = h("select", { name: "from" }, h("option", { value: "latest" }, "the latest"), h("option", { value: "offset" }, "from offset"), h("option", { value: "timestamp" }, "from time"));
  const offsetInput = h("input", { name: "offset", type: "number", min: 0, value: "0" });
  const timeInput = h("input", { name: "timestamp", type: "datetime-local" });
  const limitInput = h("input", { name: "limit", type: "number", min: 1, max: 1000, value: "20" });
  const viewInput = h("select", { name: "view", onchange: () => draw() }, h("option", { value: "text" }, "text"), h("option", { value: "json" }, "pretty JSON"), h("option", { value: "hex" }, "hex"));
  const results = h("div", { "data-testid": "messages" });
  let read: ReadResult | undefined;

  function draw(): void {
    if (read === undefined) return;
    const notShown = read.notShown.map((n) => h("p", { class: "hint" }, `offsets ${n.fromOffset}–${n.toOffset}: ${n.compression}-compressed, not shown`));
    results.replaceChildren(messageTable(read.messages, viewInput.value as View, "no messages in this range"), ...notShown);
  }

  const browse = action("Read", async () => {
    const query = new URLSearchParams({ limit: limitInput.value, encoding: "base64" });
    if (fromInput.value === "offset") query.set("fromOffset", offsetInput.value);
    if (fromInput.value === "timestamp") query.set("fromTimestamp", String(new Date(timeInput.value).getTime()));
    read = await get<ReadResult>(`${vcBase}/topics/${enc(topic)}/partitions/${partitionInput.value}/messages?${query}`, ctx.signal);
    draw();
    return `${count(read.messages.length, "message")} from partition ${partitionInput.value}`;
  });

  return h(
    "section",
    null,
    h("h2", null, "Messages"),
    h("div", { class: "row" }, field("Topic", topicInput), field("Partition", partitionInput), field("Read", fromInput), field("Offset", offsetInput), field("Time", timeInput), field("At most", limitInput), field("Show as", viewInput), browse),
    results,
    searchForm(ctx, `${vcBase}/topics/${enc(topic)}`, partitionInput, () => viewInput.value as View),
    ctx.canEdit ? produceForm(vcBase, topic, partitions) : null,
  );
}

function produceForm(vcBase: string, topic: string, partitions: number): HTMLElement {
  const partition = h("select", { name: "produce-partition" }, Array.from({ length: partitions }, (_, p) => h("option", { value: String(p) }, String(p))));
  const key = h("input", { name: "key", placeholder: "none" });
  const value = h("textarea", { name: "value", rows: 3, cols: 50 });
  const headers = h("textarea", { name: "headers", rows: 3, cols: 30, placeholder: "one per line: name: value" });
  return h(
    "fieldset",
    null,
    h("legend", null, `Send a message to ${topic}`),
    h("div", { class: "row" }, field("Partition", partition), field("Key", key), field("Value", value), field("Headers", headers)),
    action("Send", async () => {
      const parsed = headers.value
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => {
          const colon = line.indexOf(":");
          return colon < 0 ? { key: line.trim(), value: null } : { key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
        });
      const sent = await call<{ partition: number; offset: number }>("POST", `${vcBase}/topics/${enc(topic)}/messages`, {
        partition: Number(partition.value),
        key: key.value === "" ? null : key.value,
        value: value.value,
        headers: parsed,
      });
      return `sent: partition ${sent.partition}, offset ${sent.offset}`;
    }),
  );
}
