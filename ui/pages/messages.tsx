// Messages: browse a partition (the latest N, from an offset, or from a time) with key, value as text, pretty JSON or
// hex, headers and timestamp; search a partition for a text; and, for an operator, send a message with key, value and
// headers.
import { useState } from "preact/hooks";
import { call, enc, get } from "../api.js";
import type { ReadResult, TopicSummary } from "../api-types.js";
import { Action } from "../action.js";
import type { PageContext } from "../context.js";
import { count } from "../format.js";
import { Field, onValue } from "../layout.js";
import { MessageTable, type View } from "../message-view.js";
import { settled, useApi } from "../queries.js";
import { go } from "../route.js";
import { SearchForm } from "./message-search.js";

type From = "latest" | "offset" | "timestamp";

export function MessagesPage({ ctx }: { ctx: PageContext }) {
  const vcBase = `/virtual-clusters/${enc(ctx.vc)}`;
  const ready = settled(useApi<{ topics: TopicSummary[] }>(`${vcBase}/topics`));
  if (!ready.ok) return ready.view;
  const [{ topics }] = ready.data;
  const [topic = topics[0]?.name ?? ""] = ctx.rest;
  if (topic === "") {
    return (
      <section>
        <h2>Messages</h2>
        <p class="empty">no topics yet</p>
      </section>
    );
  }
  const partitions = topics.find((t) => t.name === topic)?.partitions ?? 1;
  return <TopicMessages ctx={ctx} topics={topics} topic={topic} partitions={partitions} />;
}

const partitionOptions = (partitions: number) =>
  Array.from({ length: partitions }, (_, p) => (
    <option key={p} value={String(p)}>
      {p}
    </option>
  ));

function TopicMessages({ ctx, topics, topic, partitions }: { ctx: PageContext; topics: readonly TopicSummary[]; topic: string; partitions: number }) {
  const topicsPath = `/virtual-clusters/${enc(ctx.vc)}/topics`;
  const topicBase = `${topicsPath}/${enc(topic)}`;
  const [partition, setPartition] = useState("0");
  const [from, setFrom] = useState<From>("latest");
  const [offset, setOffset] = useState("0");
  const [at, setAt] = useState("");
  const [limit, setLimit] = useState("20");
  const [view, setView] = useState<View>("text");
  const [read, setRead] = useState<ReadResult>();

  const browse = async () => {
    const query = new URLSearchParams({ limit, encoding: "base64" });
    if (from === "offset") query.set("fromOffset", offset);
    if (from === "timestamp") query.set("fromTimestamp", String(new Date(at).getTime()));
    const answer = await get<ReadResult>(`${topicBase}/partitions/${partition}/messages?${query}`);
    setRead(answer);
    return `${count(answer.messages.length, "message")} from partition ${partition}`;
  };

  return (
    <section>
      <h2>Messages</h2>
      <div class="row">
        <Field label="Topic">
          <select name="topic" value={topic} onInput={onValue((name) => go(`#/vc/${enc(ctx.vc)}/messages/${enc(name)}`))}>
            {topics.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Partition">
          <select name="partition" value={partition} onInput={onValue(setPartition)}>
            {partitionOptions(partitions)}
          </select>
        </Field>
        <Field label="Read">
          <select name="from" value={from} onInput={onValue((v) => setFrom(v as From))}>
            <option value="latest">the latest</option>
            <option value="offset">from offset</option>
            <option value="timestamp">from time</option>
          </select>
        </Field>
        <Field label="Offset">
          <input name="offset" type="number" min={0} value={offset} onInput={onValue(setOffset)} />
        </Field>
        <Field label="Time">
          <input name="timestamp" type="datetime-local" value={at} onInput={onValue(setAt)} />
        </Field>
        <Field label="At most">
          <input name="limit" type="number" min={1} max={1000} value={limit} onInput={onValue(setLimit)} />
        </Field>
        <Field label="Show as">
          <select name="view" value={view} onInput={onValue((v) => setView(v as View))}>
            <option value="text">text</option>
            <option value="json">pretty JSON</option>
            <option value="hex">hex</option>
          </select>
        </Field>
        <Action label="Read" run={browse} />
      </div>
      <div data-testid="messages">
        {read !== undefined && <MessageTable messages={read.messages} view={view} empty="no messages in this range" />}
        {read?.notShown.map((n) => (
          <p key={n.fromOffset} class="hint">{`offsets ${n.fromOffset}–${n.toOffset}: ${n.compression}-compressed, not shown`}</p>
        ))}
      </div>
      <SearchForm topicBase={topicBase} partition={partition} view={view} />
      {ctx.canEdit && <ProduceForm topicsPath={topicsPath} topic={topic} partitions={partitions} />}
    </section>
  );
}

/** "name: value" lines as record headers; a line without a colon is a header with a null value. */
function parseHeaders(text: string): { key: string; value: string | null }[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const colon = line.indexOf(":");
      return colon < 0 ? { key: line.trim(), value: null } : { key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    });
}

/** Sends to `topic`; the topic list (sizes) is fetched again after. */
function ProduceForm({ topicsPath, topic, partitions }: { topicsPath: string; topic: string; partitions: number }) {
  const [partition, setPartition] = useState("0");
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [headers, setHeaders] = useState("");
  const send = async () => {
    const sent = await call<{ partition: number; offset: number }>("POST", `${topicsPath}/${enc(topic)}/messages`, { partition: Number(partition), key: key === "" ? null : key, value, headers: parseHeaders(headers) });
    return `sent: partition ${sent.partition}, offset ${sent.offset}`;
  };
  return (
    <fieldset>
      <legend>Send a message to {topic}</legend>
      <div class="row">
        <Field label="Partition">
          <select name="produce-partition" value={partition} onInput={onValue(setPartition)}>
            {partitionOptions(partitions)}
          </select>
        </Field>
        <Field label="Key">
          <input name="key" placeholder="none" value={key} onInput={onValue(setKey)} />
        </Field>
        <Field label="Value">
          <textarea name="value" rows={3} cols={50} value={value} onInput={onValue(setValue)} />
        </Field>
        <Field label="Headers">
          <textarea name="headers" rows={3} cols={30} placeholder="one per line: name: value" value={headers} onInput={onValue(setHeaders)} />
        </Field>
      </div>
      <Action label="Send" run={send} invalidates={topicsPath} />
    </fieldset>
  );
}
