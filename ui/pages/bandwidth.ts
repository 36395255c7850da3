// Live bandwidth per topic against its byte-rate limit, with the throttle time the limits gave: polled every two
// seconds while the page is open, the last two minutes charted. Only the gateway sees this: it holds the buckets.
import { enc, get } from "../api.js";
import type { Bandwidth, Directions } from "../api-types.js";
import { lineChart, seriesColor } from "../chart.js";
import type { PageContext } from "../context.js";
import { field, h, rate, table } from "../dom.js";

const POLL_MS = 2000;
const SAMPLES = 60;

export async function bandwidthPage(ctx: PageContext): Promise<Node> {
  const url = `/virtual-clusters/${enc(ctx.vc)}/bandwidth`;
  const direction = h("select", { name: "direction", onchange: () => draw() }, h("option", { value: "produce" }, "produce"), h("option", { value: "fetch" }, "fetch"));
  const chart = h("div", { class: "chart-box" });
  const rows = h("div");
  const history = new Map<string, { produce: number[]; fetch: number[] }>();
  let latest: Bandwidth | undefined;
  let previous: Bandwidth | undefined;

  /** Throttle milliseconds per second since the previous sample. */
  const throttle = (now: Directions, before: Directions | undefined, d: "produce" | "fetch", seconds: number) => (before === undefined || seconds <= 0 ? 0 : ((now[d] - before[d]) * 1000) / seconds);

  function draw(): void {
    if (latest === undefined) return;
    const d = direction.value as "produce" | "fetch";
    const seconds = previous === undefined ? 0 : (Date.parse(latest.at) - Date.parse(previous.at)) / 1000;
    const topics = [...latest.topics].sort((a, b) => a.topic.localeCompare(b.topic));
    chart.replaceChildren(lineChart(topics.map((t) => ({ name: t.topic, points: history.get(t.topic)?.[d] ?? [], limit: t.limit[d] })), SAMPLES));
    const body = topics.map((t, i) => {
      const before = previous?.topics.find((p) => p.topic === t.topic)?.throttleSecondsTotal;
      const limit = t.limit[d];
      return [
        h("span", { class: "swatch", style: `background:${seriesColor(i)}` }),
        t.topic,
        rate(t.bytesPerSecond[d]),
        rate(limit),
        limit === null ? "–" : `${Math.round((100 * t.bytesPerSecond[d]) / limit)}%`,
        `${throttle(t.throttleSecondsTotal, before, d, seconds).toFixed(0)} ms/s`,
      ];
    });
    const tenantThrottle = throttle(latest.tenant.throttleSecondsTotal, previous?.tenant.throttleSecondsTotal, d, seconds);
    rows.replaceChildren(
      table(["", "Topic", "Now", "Limit", "Of limit", "Throttle"], body, "no traffic through the gateway yet"),
      h("p", { class: "hint" }, `Tenant-wide ${d} limit: ${rate(latest.tenant.limit[d])}; throttle time given by every limit: ${tenantThrottle.toFixed(0)} ms/s. Dashed lines are limits.`),
    );
  }

  async function sample(): Promise<void> {
    const next = await get<Bandwidth>(url, ctx.signal);
    for (const t of next.topics) {
      const points = history.get(t.topic) ?? { produce: [], fetch: [] };
      points.produce = [...points.produce, t.bytesPerSecond.produce].slice(-SAMPLES);
      points.fetch = [...points.fetch, t.bytesPerSecond.fetch].slice(-SAMPLES);
      history.set(t.topic, points);
    }
    previous = latest;
    latest = next;
    draw();
  }

  await sample();
  const timer = setInterval(() => sample().catch(() => undefined), POLL_MS);
  ctx.signal.addEventListener("abort", () => clearInterval(timer));
  return h("section", null, h("h2", null, "Live bandwidth"), h("div", { class: "row" }, field("Direction", direction)), chart, rows);
}
