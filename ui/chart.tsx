// A live line chart (uPlot, on a canvas): one line per series over the samples' times, and a dashed line at each series'
// limit. Made anew when the set of lines changes (a new topic, another direction), else handed the new samples.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { columns, type Series } from "./chart-columns.js";
import { rate } from "./format.js";

const COLORS = ["#2f7ed8", "#e4572e", "#29a36a", "#a05ad8", "#d8a02f", "#2fb8c4", "#c42f8a", "#6b7a8f"];
const HEIGHT = 240;
/** Byte-rate axis steps in powers of two (256 KiB/s, 1 MiB/s, ...), so ticks land on what limits are written in. */
const BYTE_STEPS = [1, 1024, 1024 ** 2, 1024 ** 3].flatMap((unit) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((n) => n * unit));

export const seriesColor = (i: number): string => COLORS[i % COLORS.length]!;

interface LiveChartProps {
  readonly label: string;
  /** The samples' times, in seconds since the epoch. */
  readonly times: readonly number[];
  readonly series: readonly Series[];
  /** The seconds shown, up to the latest sample: the chart fills from the right as samples come. */
  readonly span: number;
}

/** The element says how many samples it charts (data-samples). */
export function LiveChart({ label, times, series, span }: LiveChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const lines = JSON.stringify(series.map((s) => [s.name, s.limit === null]));

  useEffect(() => {
    const element = box.current!;
    // A canvas takes no CSS variables: the theme's colours are read once, for light or dark mode.
    const style = getComputedStyle(element);
    const muted = style.getPropertyValue("--muted").trim();
    const line = style.getPropertyValue("--line").trim();
    const axis = { stroke: muted, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } };
    const options: uPlot.Options = {
      width: element.clientWidth,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { range: (_plot, _min, max) => [max - span, max] }, y: { range: (_plot, _min, max) => [0, Math.max(1, max) * 1.1] } },
      axes: [
        { ...axis, space: 80, values: (_plot, splits) => splits.map((seconds) => new Date(seconds * 1000).toLocaleTimeString()) },
        { ...axis, size: 90, incrs: BYTE_STEPS, values: (_plot, splits) => splits.map((v) => rate(v)) },
      ],
      series: [
        {},
        ...series.flatMap((s, i) => [
          { label: s.name, stroke: seriesColor(i), width: 2, points: { show: false } },
          ...(s.limit === null ? [] : [{ label: `${s.name} limit`, stroke: seriesColor(i), width: 1, dash: [6, 4], points: { show: false } }]),
        ]),
      ],
    };
    const made = new uPlot(options, columns(times, series, span), element);
    plot.current = made;
    const resized = new ResizeObserver(() => made.setSize({ width: element.clientWidth, height: HEIGHT }));
    resized.observe(element);
    return () => {
      resized.disconnect();
      made.destroy();
      plot.current = null;
    };
    // Made anew only when the lines change; new samples go through setData below.
  }, [lines, span]);

  useEffect(() => plot.current?.setData(columns(times, series, span)), [times, series, span]);

  return <div ref={box} class="chart" role="img" aria-label={label} data-samples={times.length} />;
}
