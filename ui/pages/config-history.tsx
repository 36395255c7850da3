// Config history: every applied config as a numbered version (who, when, why), one version's document, a diff between
// two (the API's unified diff), and, for an admin, a rollback to one, which the API keeps as a new version.
import { useState } from "preact/hooks";
import { call, enc, get } from "../api.js";
import type { VersionInfo } from "../api-types.js";
import { Action, confirmed } from "../action.js";
import type { PlatformContext } from "../context.js";
import { time } from "../format.js";
import { Field, onValue, Table } from "../layout.js";
import { settled, useApi } from "../queries.js";

export function ConfigHistoryPage({ ctx }: { ctx: PlatformContext }) {
  const [version] = ctx.rest;
  return version === undefined ? <VersionList ctx={ctx} /> : <VersionDocument version={Number(version)} />;
}

function VersionList({ ctx }: { ctx: PlatformContext }) {
  const ready = settled(useApi<{ versions: VersionInfo[] }>("/config/versions"));
  if (!ready.ok) return ready.view;
  const newestFirst = [...ready.data[0].versions].reverse();
  const current = newestFirst[0]?.version;
  const canRollBack = ctx.me.role === "admin";
  const rows = newestFirst.map((v) => [
    <a href={`#/platform/history/${v.version}`}>#{v.version}</a>,
    time(v.at),
    v.by,
    v.reason,
    v.version === current ? <span class="tag">in force</span> : canRollBack ? <Rollback target={v} current={current} /> : null,
  ]);
  return (
    <section>
      <h2>Config history</h2>
      <p class="hint">Every config the gateway applied, newest first: from the file, the admin API or a rollback. Secrets are redacted.</p>
      <Table headers={["Version", "At", "By", "What", ""]} rows={rows} keys={newestFirst.map((v) => String(v.version))} empty="no versions kept" />
      {/* Keyed by the newest version, so the choices start from the two newest again after a change. */}
      <Compare key={current} newestFirst={newestFirst} />
    </section>
  );
}

function Rollback({ target, current }: { target: VersionInfo; current: number | undefined }) {
  const rollback = async () => {
    const what = `Roll back to version ${target.version} (${target.reason}, by ${target.by} at ${time(target.at)})? Its config replaces version ${current} everywhere at once, as a new version: connections of a virtual cluster it removes or moves are drained.`;
    if (!confirmed(what)) return "not rolled back";
    await call("POST", "/config/rollback", { version: target.version });
  };
  // A rollback can change anything the console shows.
  return <Action label={`Roll back to #${target.version}`} class="danger small" run={rollback} invalidates="/" />;
}

function Compare({ newestFirst }: { newestFirst: readonly VersionInfo[] }) {
  const [from, setFrom] = useState(String(newestFirst[1]?.version ?? ""));
  const [to, setTo] = useState(String(newestFirst[0]?.version ?? ""));
  const [diff, setDiff] = useState<string>();
  const options = newestFirst.map((v) => (
    <option key={v.version} value={String(v.version)}>
      #{v.version} · {v.reason}
    </option>
  ));
  const compare = async () => setDiff((await get<{ diff: string }>(`/config/diff?${new URLSearchParams({ from, to })}`)).diff);
  return (
    <fieldset>
      <legend>Compare two versions</legend>
      <div class="row">
        <Field label="From">
          <select name="diff-from" value={from} onInput={onValue(setFrom)}>
            {options}
          </select>
        </Field>
        <Field label="To">
          <select name="diff-to" value={to} onInput={onValue(setTo)}>
            {options}
          </select>
        </Field>
        <Action label="Show diff" run={compare} />
      </div>
      <div data-testid="diff">{diff !== undefined && <DiffView diff={diff} />}</div>
    </fieldset>
  );
}

function VersionDocument({ version }: { version: number }) {
  const ready = settled(useApi<{ version: VersionInfo; document: string }>(`/config/versions/${enc(String(version))}`));
  if (!ready.ok) return ready.view;
  const [kept] = ready.data;
  return (
    <section>
      <p>
        <a href="#/platform/history">← config history</a>
      </p>
      <h2>Config version #{kept.version.version}</h2>
      <p data-testid="version-info">{`${kept.version.reason} · by ${kept.version.by} · ${time(kept.version.at)}`}</p>
      <pre data-testid="version-document">{kept.document}</pre>
    </section>
  );
}

/** A unified diff, each line coloured by what it does. */
function DiffView({ diff }: { diff: string }) {
  const lines = diff.split("\n").filter((line) => !line.startsWith("====="));
  const kind = (line: string) => (line.startsWith("+++") || line.startsWith("---") ? "file" : line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "added" : line.startsWith("-") ? "removed" : "");
  return (
    <pre class="diff">
      {lines.map((line, i) => (
        <span key={i} class={kind(line)}>{`${line}\n`}</span>
      ))}
    </pre>
  );
}
