// A list's filter, kept in the URL's hash as one query string (#/…/<page>/who=ops&since=…), so it survives a reload and
// an empty field leaves no gap in the route. Times are typed as local datetime-local values and sent as ISO 8601.
import { useState } from "preact/hooks";
import { enc } from "./api.js";
import { Field, onValue } from "./layout.js";
import { go } from "./route.js";

/** The filter in the route (its first part after the page). */
export const chosenFilter = (rest: readonly string[]): URLSearchParams => new URLSearchParams(rest[0] ?? "");

/** The API's query for the chosen filter: every non-empty value, `since` and `until` as ISO times. */
export function filterQuery(chosen: URLSearchParams, limit: number): URLSearchParams {
  const query = new URLSearchParams({ limit: String(limit) });
  for (const [name, value] of chosen) if (value !== "") query.set(name, name === "since" || name === "until" ? new Date(value).toISOString() : value);
  return query;
}

export interface FilterField {
  readonly label: string;
  /** The API's query name, and the key in the route. */
  readonly param: string;
  /** The input's name, where it isn't `param`. */
  readonly name?: string;
  readonly placeholder?: string;
  /** A select's choices as [value, label]; without them, a text input. */
  readonly options?: readonly (readonly [value: string, label: string])[];
  readonly type?: "datetime-local";
}

/** A since / until pair of inputs. */
export const timeFields: readonly FilterField[] = [
  { label: "Since", param: "since", type: "datetime-local" },
  { label: "Until", param: "until", type: "datetime-local" },
];

/** A form of labelled inputs, filled from the chosen filter, that puts its values into the route on Filter. */
export function FilterForm({ route, chosen, fields }: { route: string; chosen: URLSearchParams; fields: readonly FilterField[] }) {
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.param, chosen.get(f.param) ?? ""])));
  const set = (param: string) => onValue((value) => setValues((now) => ({ ...now, [param]: value })));
  const submit = (event: Event) => {
    event.preventDefault();
    const picked = new URLSearchParams(Object.entries(values).map(([param, value]) => [param, value.trim()]).filter(([, value]) => value !== ""));
    go(`${route}/${enc(picked.toString())}`);
  };
  return (
    <form class="row" onSubmit={submit}>
      {fields.map((f) => (
        <Field key={f.param} label={f.label}>
          {f.options === undefined ? (
            <input name={f.name ?? f.param} type={f.type ?? "text"} placeholder={f.placeholder} value={values[f.param]} onInput={set(f.param)} />
          ) : (
            <select name={f.name ?? f.param} value={values[f.param]} onInput={set(f.param)}>
              {f.options.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
      ))}
      <button type="submit">Filter</button>
    </form>
  );
}
