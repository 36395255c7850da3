// A small SVG line chart: one line per series over the last N samples, and dashed lines for limits. Redrawn whole on
// every sample (a few hundred points at most).
import { bytes } from "./dom.js";

export interface Series {
  readonly name: string;
  readonly points: readonly number[];
  readonly limit: number | null;
}

const SVG = "http://www.w3.org/2000/svg";
const COLORS = ["#2f7ed8", "#e4572e", "#29a36a", "#a05ad8", "#d8a02f", "#2fb8c4", "#c42f8a", "#6b7a8f"];
const W = 720;
const H = 240;
const PAD = { left: 70, right: 10, top: 10, bottom: 20 };

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function lineChart(series: readonly Series[], samples: number): SVGSVGElement {
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": "bytes per second per topic" }) as SVGSVGElement;
  const max = Math.max(1, ...series.flatMap((s) => [...s.points, s.limit ?? 0])) * 1.1;
  const x = (i: number) => PAD.left + (i / Math.max(1, samples - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  for (const f of [0, 0.5, 1]) {
    svg.append(el("line", { x1: PAD.left, x2: W - PAD.right, y1: y(max * f), y2: y(max * f), class: "grid" }));
    svg.append(el("text", { x: PAD.left - 6, y: y(max * f) + 4, "text-anchor": "end", class: "axis" }, `${bytes(max * f)}/s`));
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const offset = samples - s.points.length;
    const d = s.points.map((v, j) => `${j === 0 ? "M" : "L"}${x(offset + j).toFixed(1)},${y(v).toFixed(1)}`).join("");
    if (d !== "") svg.append(el("path", { d, fill: "none", stroke: color, "stroke-width": 2 }));
    if (s.limit !== null) svg.append(el("line", { x1: PAD.left, x2: W - PAD.right, y1: y(s.limit), y2: y(s.limit), stroke: color, "stroke-dasharray": "6 4" }));
  });
  return svg;
}

export const seriesColor = (i: number): string => COLORS[i % COLORS.length]!;
