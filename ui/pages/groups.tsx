// Consumer groups: the list, and one group (state, members, lag per partition with the total; reset its offsets with
// a preview, the API's dry run, before applying, which the API allows only while the group has no members).
import { useState } from "preact/hooks";
import { call, enc } from "../api.js";
import type { GroupDescription, GroupSummary, OffsetTarget, ResetResult } from "../api-types.js";
import { Action, confirmed } from "../action.js";
import type { PageContext } from "../context.js";
import { Field, onValue, Table } from "../layout.js";
import { settled, useApi } from "../queries.js";

export function GroupsPage({ ctx }: { ctx: PageContext }) {
  const group = ctx.rest[0];
  return group === undefined ? <GroupList ctx={ctx} /> : <GroupDetail ctx={ctx} groupId={group} />;
}

function GroupList({ ctx }: { ctx: PageContext }) {
  const query = useApi<{ groups: GroupSummary[] }>(`/virtual-clusters/${enc(ctx.vc)}/groups`);
  const ready = settled(query);
  if (!ready.ok) return ready.view;
  const [{ groups }] = ready.data;
  const rows = [...groups].sort((a, b) => a.groupId.localeCompare(b.groupId)).map((g) => [<a href={`#/vc/${enc(ctx.vc)}/groups/${enc(g.groupId)}`}>{g.groupId}</a>, g.state, g.protocolType]);
  return (
    <section>
      <h2>
        Consumer groups ({groups.length}){" "}
        <button type="button" onClick={() => void query.refetch()}>
          Refresh
        </button>
      </h2>
      <Table headers={["Group", "State", "Protocol type"]} rows={rows} empty="no consumer groups" />
    </section>
  );
}

function GroupDetail({ ctx, groupId }: { ctx: PageContext; groupId: string }) {
  const base = `/virtual-clusters/${enc(ctx.vc)}/groups/${enc(groupId)}`;
  const query = useApi<GroupDescription>(base);
  const ready = settled(query);
  if (!ready.ok) return ready.view;
  const [group] = ready.data;
  const members = group.members.map((m) => [m.clientId, m.host, m.memberId, m.assignment.map((a) => `${a.topic} [${a.partitions.join(", ")}]`).join("; ")]);
  const lag = group.partitions.map((p) => [p.topic, p.partition, p.committedOffset ?? "–", p.endOffset ?? "–", p.lag ?? "–"]);
  return (
    <section>
      <p>
        <a href={`#/vc/${enc(ctx.vc)}/groups`}>← consumer groups</a>
      </p>
      <h2>
        Group {groupId}{" "}
        <button type="button" onClick={() => void query.refetch()}>
          Refresh
        </button>
      </h2>
      <p>
        State <strong data-testid="group-state">{group.state}</strong>
        {` · ${group.members.length} members · total lag `}
        <strong data-testid="total-lag">{String(group.totalLag)}</strong>
      </p>
      <h3>Members</h3>
      <Table headers={["Client id", "Host", "Member id", "Assignment"]} rows={members} empty="no members" />
      <h3>Lag</h3>
      <Table headers={["Topic", "Partition", "Committed", "End", "Lag"]} rows={lag} empty="no committed offsets" />
      {/* Keyed by the offsets: once they change (the reset applied), a preview of the old ones is gone. */}
      {ctx.canEdit && <ResetForm key={JSON.stringify(group.partitions)} base={base} group={group} />}
    </section>
  );
}

type Kind = OffsetTarget["kind"];
const KINDS: readonly Kind[] = ["earliest", "latest", "timestamp", "offset"];

function ResetForm({ base, group }: { base: string; group: GroupDescription }) {
  const [kind, setKind] = useState<Kind>("earliest");
  const [offset, setOffset] = useState("0");
  const [at, setAt] = useState("");
  const [previewed, setPreviewed] = useState<ResetResult>();
  const target = (): OffsetTarget => {
    if (kind === "timestamp") return { kind, timestamp: new Date(at).getTime() };
    if (kind === "offset") return { kind, offset: Number(offset) };
    return { kind };
  };
  const reset = (dryRun: boolean) => call<ResetResult>("POST", `${base}/offsets/reset`, { to: target(), dryRun });
  const empty = group.state === "Empty" || group.members.length === 0;

  const apply = async () => {
    if (previewed === undefined) return "preview first";
    if (!confirmed(`Commit new offsets for ${previewed.offsets.length} partitions of group ${group.groupId} (to ${kind})? Its consumers will start from there.`)) return "not applied";
    await reset(false);
  };
  const rows = previewed?.offsets.map((o) => [o.topic, o.partition, o.previousOffset ?? "–", o.newOffset]);
  return (
    <fieldset>
      <legend>Reset offsets</legend>
      {!empty && <p class="hint">{`Only a group without members can be reset: stop its consumers first (state now ${group.state}).`}</p>}
      <div class="row">
        <Field label="To">
          <select name="reset-to" value={kind} onInput={onValue((v) => setKind(v as Kind))}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Offset">
          <input name="reset-offset" type="number" min={0} value={offset} onInput={onValue(setOffset)} />
        </Field>
        <Field label="Time">
          <input name="reset-time" type="datetime-local" value={at} onInput={onValue(setAt)} />
        </Field>
      </div>
      <Action label="Preview" run={async () => setPreviewed(await reset(true))} disabled={!empty} />
      <div data-testid="reset-preview">{rows !== undefined && <Table headers={["Topic", "Partition", "Now", "New"]} rows={rows} empty="no partitions to reset" />}</div>
      {previewed !== undefined && <Action label="Apply reset" run={apply} invalidates={base} />}
    </fieldset>
  );
}
