// The audit log: every control-plane change, who made it, when, what, and its before and after (secrets redacted),
// filtered by who, what, virtual cluster and time.
import type { AuditEntry } from "../api-types.js";
import type { PlatformContext } from "../context.js";
import { chosenFilter, FilterForm, filterQuery, timeFields, type FilterField } from "../filter.js";
import { time } from "../format.js";
import { Table } from "../layout.js";
import { settled, useApi } from "../queries.js";

const FIELDS: readonly FilterField[] = [
  { label: "Who", param: "who", placeholder: "a token name" },
  { label: "What", param: "action", placeholder: "e.g. limits, rollback" },
  { label: "Virtual cluster", param: "virtualCluster", placeholder: "any" },
  ...timeFields,
];

export function AuditPage({ ctx }: { ctx: PlatformContext }) {
  const chosen = chosenFilter(ctx.rest);
  const ready = settled(useApi<{ entries: AuditEntry[] }>(`/audit?${filterQuery(chosen, 500)}`));
  const rows = ready.ok
    ? [...ready.data[0].entries].reverse().map((e) => [
        time(e.at),
        e.who,
        e.action,
        e.virtualCluster ?? <span class="null">gateway</span>,
        e.version === undefined ? "" : <a href={`#/platform/history/${e.version}`}>#{e.version}</a>,
        <Change entry={e} />,
      ])
    : [];
  return (
    <section>
      <h2>Audit log</h2>
      <FilterForm route="#/platform/audit" chosen={chosen} fields={FIELDS} />
      {ready.ok ? <Table headers={["At", "Who", "What", "Virtual cluster", "Version", "Before → after"]} rows={rows} empty="no changes match" /> : ready.view}
    </section>
  );
}

/** Before and after, folded: a section can be long. */
function Change({ entry }: { entry: AuditEntry }) {
  if (entry.before === undefined && entry.after === undefined) return null;
  const json = (value: unknown) => (value === undefined ? "(none)" : JSON.stringify(value, null, 2));
  return (
    <details>
      <summary>before → after</summary>
      <div class="change">
        <pre>{json(entry.before)}</pre>
        <pre>{json(entry.after)}</pre>
      </div>
    </details>
  );
}
