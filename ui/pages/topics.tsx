// Topics: the list (search, sort by any column, create), and one topic (add partitions, its configs with their
// defaults, edit a config, delete the topic).
import { useState } from "preact/hooks";
import { call, enc } from "../api.js";
import type { TopicConfig, TopicSummary } from "../api-types.js";
import { Action, confirmed } from "../action.js";
import type { PageContext } from "../context.js";
import { bytes, perSecond, rate } from "../format.js";
import { Field, onValue, Table } from "../layout.js";
import { settled, useApi } from "../queries.js";
import { go } from "../route.js";

type Column = readonly [label: string, key: keyof TopicSummary];
const COLUMNS: readonly Column[] = [
  ["Name", "name"],
  ["Partitions", "partitions"],
  ["Replicas", "replicationFactor"],
  ["Size", "sizeBytes"],
  ["Produce", "produceBytesPerSecond"],
  ["Fetch", "fetchBytesPerSecond"],
  ["Messages in/s", "produceMessagesPerSecond"],
  ["Messages out/s", "fetchMessagesPerSecond"],
];

export function TopicsPage({ ctx }: { ctx: PageContext }) {
  const topic = ctx.rest[0];
  return topic === undefined ? <TopicList ctx={ctx} /> : <TopicDetail ctx={ctx} topic={topic} />;
}

function TopicList({ ctx }: { ctx: PageContext }) {
  const base = `/virtual-clusters/${enc(ctx.vc)}/topics`;
  const query = useApi<{ topics: TopicSummary[] }>(base);
  const [needle, setNeedle] = useState("");
  const [order, setOrder] = useState<{ by: keyof TopicSummary; descending: boolean }>({ by: "name", descending: false });
  const ready = settled(query);
  if (!ready.ok) return ready.view;
  const [{ topics }] = ready.data;

  const wanted = needle.trim().toLowerCase();
  const shown = topics
    .filter((t) => t.name.toLowerCase().includes(wanted))
    .sort((a, b) => {
      const [x, y] = [a[order.by] ?? -1, b[order.by] ?? -1];
      const sorted = typeof x === "string" ? x.localeCompare(String(y)) : Number(x) - Number(y);
      return order.descending ? -sorted : sorted;
    });
  // A first click sorts names A to Z and numbers largest first; another click reverses.
  const headers = COLUMNS.map(([label, key]) => (
    <button type="button" class="sort" onClick={() => setOrder({ by: key, descending: order.by === key ? !order.descending : key !== "name" })}>
      {label}
      {order.by === key ? (order.descending ? " ▼" : " ▲") : ""}
    </button>
  ));
  const rows = shown.map((t) => [<a href={`#/vc/${enc(ctx.vc)}/topics/${enc(t.name)}`}>{t.name}</a>, t.partitions, t.replicationFactor, bytes(t.sizeBytes), rate(t.produceBytesPerSecond), rate(t.fetchBytesPerSecond), perSecond(t.produceMessagesPerSecond), perSecond(t.fetchMessagesPerSecond)]);
  return (
    <section>
      <h2>
        Topics ({topics.length}){" "}
        <button type="button" onClick={() => void query.refetch()}>
          Refresh
        </button>
      </h2>
      <input type="search" placeholder="search topics" aria-label="search topics" value={needle} onInput={onValue(setNeedle)} />
      <Table headers={headers} rows={rows} empty={wanted === "" ? "no topics yet" : "no topic matches"} />
      {ctx.canEdit && <CreateTopic ctx={ctx} base={base} />}
    </section>
  );
}

function CreateTopic({ ctx, base }: { ctx: PageContext; base: string }) {
  const [name, setName] = useState("");
  const [partitions, setPartitions] = useState("1");
  const [retention, setRetention] = useState("");
  const create = async () => {
    const configs = retention.trim() === "" ? undefined : { "retention.ms": retention.trim() };
    await call("POST", base, { name: name.trim(), partitions: Number(partitions), configs });
    go(`#/vc/${enc(ctx.vc)}/topics/${enc(name.trim())}`);
  };
  return (
    <fieldset>
      <legend>Create a topic</legend>
      <div class="row">
        <Field label="Name">
          <input name="name" required value={name} onInput={onValue(setName)} />
        </Field>
        <Field label="Partitions">
          <input name="partitions" type="number" min={1} value={partitions} onInput={onValue(setPartitions)} />
        </Field>
        <Field label="retention.ms">
          <input name="retention.ms" placeholder="broker default" value={retention} onInput={onValue(setRetention)} />
        </Field>
      </div>
      <Action label="Create topic" run={create} invalidates={base} />
    </fieldset>
  );
}

function TopicDetail({ ctx, topic }: { ctx: PageContext; topic: string }) {
  const topicsPath = `/virtual-clusters/${enc(ctx.vc)}/topics`;
  const base = `${topicsPath}/${enc(topic)}`;
  const ready = settled(useApi<{ topics: TopicSummary[] }>(topicsPath), useApi<{ configs: TopicConfig[] }>(`${base}/configs`));
  if (!ready.ok) return ready.view;
  const [{ topics }, { configs }] = ready.data;
  const summary = topics.find((t) => t.name === topic);
  const partitions = summary?.partitions ?? 0;

  const remove = async () => {
    if (!confirmed(`Delete topic ${topic} and every message in it? This can't be undone.`)) return "not deleted";
    await call("DELETE", base);
    go(`#/vc/${enc(ctx.vc)}/topics`);
  };
  const rows = configs.map((c) => [<code>{c.name}</code>, <ConfigValue ctx={ctx} base={base} topicsPath={topicsPath} config={c} />, c.source, c.default === null ? "–" : `${c.default.value ?? "–"} (${c.default.name})`]);
  return (
    <section>
      <p>
        <a href={`#/vc/${enc(ctx.vc)}/topics`}>← topics</a>
      </p>
      <h2>Topic {topic}</h2>
      <p data-testid="topic-summary">
        {`${partitions} partitions · ${summary?.replicationFactor ?? "?"} replicas · ${bytes(summary?.sizeBytes ?? null)} · `}
        <a href={`#/vc/${enc(ctx.vc)}/messages/${enc(topic)}`}>browse messages</a>
      </p>
      {ctx.canEdit && (
        <div class="row">
          {/* Keyed by the count, so the new total starts one above it again after a change. */}
          <AddPartitions key={partitions} topic={topic} partitions={partitions} base={base} topicsPath={topicsPath} />
          <fieldset>
            <legend>Delete</legend>
            <Action label="Delete topic" class="danger" run={remove} invalidates={topicsPath} />
          </fieldset>
        </div>
      )}
      <h3>Configs</h3>
      <Table headers={["Config", "Value", "Source", "Default"]} rows={rows} keys={configs.map((c) => c.name)} />
    </section>
  );
}

function AddPartitions({ topic, partitions, base, topicsPath }: { topic: string; partitions: number; base: string; topicsPath: string }) {
  const [total, setTotal] = useState(String(partitions + 1));
  const grow = async () => {
    const count = Number(total);
    if (!confirmed(`Grow ${topic} from ${partitions} to ${count} partitions? Partitions can't be removed again, and keyed messages may map to other partitions.`)) return "not changed";
    await call("POST", `${base}/partitions`, { count });
  };
  return (
    <fieldset>
      <legend>Add partitions</legend>
      <Field label="New total">
        <input name="count" type="number" min={partitions + 1} value={total} onInput={onValue(setTotal)} />
      </Field>
      <Action label="Add partitions" run={grow} invalidates={topicsPath} />
    </fieldset>
  );
}

/** A config's value; for an operator, editable in place unless Kafka says it is read-only. */
function ConfigValue({ ctx, base, topicsPath, config }: { ctx: PageContext; base: string; topicsPath: string; config: TopicConfig }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(config.value ?? "");
  const shown = config.sensitive ? "[sensitive]" : (config.value ?? "–");
  if (!ctx.canEdit || config.readOnly) return <>{shown}</>;
  if (!editing) {
    return (
      <span class="config">
        {shown}{" "}
        <button type="button" class="small" aria-label={`edit ${config.name}`} onClick={() => (setValue(config.value ?? ""), setEditing(true))}>
          Edit
        </button>
      </span>
    );
  }
  const close = () => setEditing(false);
  return (
    <span class="config">
      <input name={config.name} value={value} aria-label={`new ${config.name}`} autoFocus onInput={onValue(setValue)} />
      <Action label="Save" run={() => call("PATCH", `${base}/configs`, { set: { [config.name]: value } })} invalidates={topicsPath} done={close} />
      {config.source === "DYNAMIC_TOPIC_CONFIG" && <Action label="Reset to default" run={() => call("PATCH", `${base}/configs`, { delete: [config.name] })} invalidates={topicsPath} done={close} />}
    </span>
  );
}
