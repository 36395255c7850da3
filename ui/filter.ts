// A list's filter, kept in the URL's hash as one query string (#/…/<page>/who=ops&since=…), so it survives a reload and
// an empty field leaves no gap in the route. Times are typed as local datetime-local values and sent as ISO 8601.
import { enc } from "./api.js";
import { field, h } from "./dom.js";

export type FilterInput = HTMLInputElement | HTMLSelectElement;

/** The filter in the route (its first part after the page). */
export const chosenFilter = (rest: readonly string[]): URLSearchParams => new URLSearchParams(rest[0] ?? "");

/** The API's query for the chosen filter: every non-empty value, `since` and `until` as ISO times. */
export function filterQuery(chosen: URLSearchParams, limit: number): URLSearchParams {
  const query = new URLSearchParams({ limit: String(limit) });
  for (const [name, value] of chosen) if (value !== "") query.set(name, name === "since" || name === "until" ? new Date(value).toISOString() : value);
  return query;
}

/** A since / until pair of inputs, filled from the chosen filter. */
export const timeInputs = (chosen: URLSearchParams): Record<"since" | "until", HTMLInputElement> => ({
  since: h("input", { type: "datetime-local", name: "since", value: chosen.get("since") ?? "" }),
  until: h("input", { type: "datetime-local", name: "until", value: chosen.get("until") ?? "" }),
});

/** A form of labelled inputs (keyed by the API's query names) that puts its values into the route on Filter. */
export function filterForm(route: string, fields: readonly (readonly [label: string, name: string, input: FilterInput])[]): HTMLFormElement {
  return h(
    "form",
    {
      class: "row",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const chosen = new URLSearchParams(fields.map(([, name, input]) => [name, input.value.trim()] as [string, string]).filter(([, value]) => value !== ""));
        location.hash = `${route}/${enc(chosen.toString())}`;
      },
    },
    fields.map(([label, , input]) => field(label, input)),
    h("button", { type: "submit" }, "Filter"),
  );
}
