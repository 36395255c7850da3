// A message as the console shows it: key, value and header values as text, pretty-printed JSON or hex. The API is asked
// for base64 so binary data arrives intact; data is shown as text only when it is valid UTF-8, else always as hex.
import type { Message } from "./api-types.js";
import { h, table, time } from "./dom.js";

export type View = "text" | "json" | "hex";
const utf8 = new TextDecoder("utf-8", { fatal: true });

function decode(base64: string | null): Uint8Array | null {
  return base64 === null ? null : Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

const hex = (data: Uint8Array) => Array.from(data, (b) => b.toString(16).padStart(2, "0")).join(" ");

/** `data` in the chosen view; binary data falls back to hex, text that isn't JSON to text. */
function show(base64: string | null, view: View): Node {
  const data = decode(base64);
  if (data === null) return h("span", { class: "null" }, "null");
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return h("code", { class: "hex" }, hex(data));
  }
  if (view === "hex") return h("code", { class: "hex" }, hex(data));
  if (view === "json") {
    try {
      return h("pre", null, JSON.stringify(JSON.parse(text), null, 2));
    } catch {
      // not JSON: shown as text
    }
  }
  return h("span", { class: "text" }, text);
}

export function messageTable(messages: readonly Message[], view: View, empty: string): HTMLElement {
  const rows = messages.map((m) => [
    m.offset,
    time(m.timestamp),
    show(m.key, view),
    show(m.value, view),
    m.headers.length === 0 ? "–" : h("ul", { class: "headers" }, m.headers.map((x) => h("li", null, h("code", null, x.key), ": ", show(x.value, view)))),
  ]);
  return table(["Offset", "Timestamp", "Key", "Value", "Headers"], rows, empty);
}
