// A tiny element builder: h("a", { href, onclick }, children). Text is always set as text, never parsed as HTML.
type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, ...children: (Child | Child[])[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value as EventListener);
    else if (name === "class") el.className = String(value);
    else if (name === "value" || name === "checked" || name === "disabled") Reflect.set(el, name, value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) el.append(typeof child === "number" ? String(child) : child);
  return el;
}

/** A table with a header row; rows are arrays of cells. */
export function table(headers: readonly (string | Node)[], rows: readonly (readonly Child[])[], empty = "none"): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, empty);
  return h("table", null, h("thead", null, h("tr", null, headers.map((x) => h("th", null, x)))), h("tbody", null, rows.map((row) => h("tr", null, row.map((cell) => h("td", null, cell))))));
}

export function field(label: string, input: HTMLElement): HTMLElement {
  return h("label", { class: "field" }, h("span", null, label), input);
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function bytes(n: number | null): string {
  if (n === null) return "–";
  let i = 0;
  for (; Math.abs(n) >= 1024 && i < UNITS.length - 1; i++) n /= 1024;
  return `${i === 0 ? n.toFixed(0) : n.toFixed(1)} ${UNITS[i]}`;
}

/** "1 message", "2 messages". */
export const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

export const rate = (n: number | null): string => (n === null ? "unlimited" : `${bytes(n)}/s`);

export function time(ms: number | string): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
}
