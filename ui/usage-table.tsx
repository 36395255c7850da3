// A virtual cluster's use of each configured limit, refreshed while shown: the limit, what is used, the limit itself,
// and a bar (full at the limit; a byte rate's bar is its bucket, over 100 % while clients are throttled).
import { enc } from "./api.js";
import type { LimitUsage, UsageAnswer } from "./api-types.js";
import { Table } from "./layout.js";
import { limitMax, limitName, limitUsed, percent } from "./limit-usage.js";
import { settled, useApi } from "./queries.js";

const POLL_MS = 5000;

export function UsageTable({ vc }: { vc: string }) {
  const ready = settled(useApi<UsageAnswer>(`/virtual-clusters/${enc(vc)}/usage`, POLL_MS));
  if (!ready.ok) return ready.view;
  const [{ limits }] = ready.data;
  const rows = limits.map((limit) => [limitName(limit), limitUsed(limit), limitMax(limit), <UsageBar limit={limit} />]);
  return (
    <div class="usage">
      <Table headers={["Limit", "Used", "Max", "Use"]} rows={rows} keys={limits.map(limitName)} empty="No limits: nothing to measure." />
    </div>
  );
}

function UsageBar({ limit }: { limit: LimitUsage }) {
  if (limit.ratio === null) return <span class="null">–</span>;
  const over = limit.ratio >= 0.9;
  return (
    <span class="usage-bar">
      <span class="bar" role="meter" aria-label={limitName(limit)} aria-valuenow={Math.round(limit.ratio * 100)} aria-valuemin={0} aria-valuemax={100}>
        <span class={over ? "fill over" : "fill"} style={{ width: `${Math.min(100, limit.ratio * 100)}%` }} />
      </span>
      {percent(limit.ratio)}
    </span>
  );
}
