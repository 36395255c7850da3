// Live bandwidth per topic against its byte-rate limit, with the throttle time the limits gave: polled every two
// seconds while the page is open, the last two minutes charted. Only the gateway sees this: it holds the buckets.
import { useEffect, useState } from "preact/hooks";
import { enc } from "../api.js";
import type { Bandwidth, Directions } from "../api-types.js";
import { LiveChart, seriesColor } from "../chart.js";
import type { PageContext } from "../context.js";
import { rate } from "../format.js";
import { Field, onValue, Table } from "../layout.js";
import { settled, useApi } from "../queries.js";

const POLL_MS = 2000;
const SAMPLES = 60;
type Direction = keyof Directions;

/** Throttle milliseconds per second between two samples. */
const throttle = (now: Directions, before: Directions | undefined, d: Direction, seconds: number) => (before === undefined || seconds <= 0 ? 0 : ((now[d] - before[d]) * 1000) / seconds);

export function BandwidthPage({ ctx }: { ctx: PageContext }) {
  const query = useApi<Bandwidth>(`/virtual-clusters/${enc(ctx.vc)}/bandwidth`, POLL_MS);
  const [samples, setSamples] = useState<readonly Bandwidth[]>([]);
  const [d, setDirection] = useState<Direction>("produce");
  useEffect(() => {
    const sample = query.data;
    if (sample !== undefined) setSamples((kept) => [...kept, sample].slice(-SAMPLES));
  }, [query.data]);
  const ready = settled(query);
  if (!ready.ok) return ready.view;

  const latest = samples.at(-1) ?? ready.data[0];
  const previous = samples.at(-2);
  const seconds = previous === undefined ? 0 : (Date.parse(latest.at) - Date.parse(previous.at)) / 1000;
  const topics = [...latest.topics].sort((a, b) => a.topic.localeCompare(b.topic));
  const series = topics.map((t) => ({ name: t.topic, points: samples.map((s) => s.topics.find((x) => x.topic === t.topic)?.bytesPerSecond[d] ?? null), limit: t.limit[d] }));
  const rows = topics.map((t, i) => {
    const before = previous?.topics.find((p) => p.topic === t.topic)?.throttleSecondsTotal;
    const limit = t.limit[d];
    return [
      <span class="swatch" style={{ background: seriesColor(i) }} />,
      t.topic,
      rate(t.bytesPerSecond[d]),
      rate(limit),
      limit === null ? "–" : `${Math.round((100 * t.bytesPerSecond[d]) / limit)}%`,
      `${throttle(t.throttleSecondsTotal, before, d, seconds).toFixed(0)} ms/s`,
    ];
  });
  const tenantThrottle = throttle(latest.tenant.throttleSecondsTotal, previous?.tenant.throttleSecondsTotal, d, seconds);
  return (
    <section>
      <h2>Live bandwidth</h2>
      <div class="row">
        <Field label="Direction">
          <select name="direction" value={d} onInput={onValue((v) => setDirection(v as Direction))}>
            <option value="produce">produce</option>
            <option value="fetch">fetch</option>
          </select>
        </Field>
      </div>
      <LiveChart label="bytes per second per topic" times={samples.map((s) => Date.parse(s.at) / 1000)} series={series} span={(SAMPLES * POLL_MS) / 1000} />
      <Table headers={["", "Topic", "Now", "Limit", "Of limit", "Throttle"]} rows={rows} keys={topics.map((t) => t.topic)} empty="no traffic through the gateway yet" />
      <p class="hint">{`Tenant-wide ${d} limit: ${rate(latest.tenant.limit[d])}; throttle time given by every limit: ${tenantThrottle.toFixed(0)} ms/s. Dashed lines are limits.`}</p>
    </section>
  );
}
