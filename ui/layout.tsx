// The two shapes every page is made of: a table of rows, and a labelled field of a form.
import type { ComponentChildren } from "preact";

interface TableProps {
  readonly headers: readonly ComponentChildren[];
  /** Rows of cells. */
  readonly rows: readonly (readonly ComponentChildren[])[];
  /** Each row's identity, where a row holds state (an open editor, a button's status) that must stay with it. */
  readonly keys?: readonly string[];
  readonly empty?: string;
}

export function Table({ headers, rows, keys, empty = "none" }: TableProps) {
  if (rows.length === 0) return <p class="empty">{empty}</p>;
  return (
    <table>
      <thead>
        <tr>
          {headers.map((header, i) => (
            <th key={i}>{header}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={keys?.[i] ?? i}>
            {row.map((cell, j) => (
              <td key={j}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

/** An input's, select's or textarea's input handler that hands the new value to `set`. */
export const onValue =
  (set: (value: string) => void) =>
  (event: Event): void =>
    set((event.currentTarget as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value);
