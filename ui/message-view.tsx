// A message as the console shows it: key, value and header values as text, pretty-printed JSON or hex. The API is asked
// for base64 so binary data arrives intact; data is shown as text only when it is valid UTF-8, else always as hex.
import type { Message } from "./api-types.js";
import { time } from "./format.js";
import { Table } from "./layout.js";

export type View = "text" | "json" | "hex";
const utf8 = new TextDecoder("utf-8", { fatal: true });

const hex = (data: Uint8Array) => Array.from(data, (b) => b.toString(16).padStart(2, "0")).join(" ");

/** `base64`'s data in the chosen view; binary data falls back to hex, text that isn't JSON to text. */
function Data({ base64, view }: { base64: string | null; view: View }) {
  if (base64 === null) return <span class="null">null</span>;
  const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return <code class="hex">{hex(data)}</code>;
  }
  if (view === "hex") return <code class="hex">{hex(data)}</code>;
  if (view === "json") {
    try {
      return <pre>{JSON.stringify(JSON.parse(text), null, 2)}</pre>;
    } catch {
      // not JSON: shown as text
    }
  }
  return <span class="text">{text}</span>;
}

export function MessageTable({ messages, view, empty }: { messages: readonly Message[]; view: View; empty: string }) {
  const rows = messages.map((m) => [
    m.offset,
    time(m.timestamp),
    <Data base64={m.key} view={view} />,
    <Data base64={m.value} view={view} />,
    m.headers.length === 0 ? (
      "–"
    ) : (
      <ul class="headers">
        {m.headers.map((header, i) => (
          <li key={i}>
            <code>{header.key}</code>: <Data base64={header.value} view={view} />
          </li>
        ))}
      </ul>
    ),
  ]);
  return <Table headers={["Offset", "Timestamp", "Key", "Value", "Headers"]} rows={rows} empty={empty} />;
}
