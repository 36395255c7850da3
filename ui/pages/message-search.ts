// Search a partition for a text: a scan in bounded steps (the API's search route), each resuming where the previous
// one stopped, with its progress shown and a Cancel that aborts the step under way and starts no other. The gateway
// holds every step to the tenant's fetch quota, so a search never reads faster than the tenant's own clients may.
import { get } from "../api.js";
import type { Message } from "../api-types.js";
import { errorView, type PageContext } from "../context.js";
import { count, field, h } from "../dom.js";
import { messageTable, type View } from "../message-view.js";

interface SearchStep { matches: Message[]; scanned: number; nextOffset: number; endOffset: number }

/** Messages read per step: one request each, so a Cancel takes effect within one step. */
const STEP = 1000;
const MAX_FOUND = 500;

export function searchForm(ctx: PageContext, topicBase: string, partition: HTMLSelectElement, view: () => View): HTMLElement {
  const text = h("input", { name: "search", type: "search", placeholder: "text in a key, value or header", "aria-label": "text to search for" });
  const budget = h("input", { name: "search-limit", type: "number", min: 1, value: "100000" });
  const progress = h("span", { class: "status", "aria-live": "polite", "data-testid": "search-progress" });
  const results = h("div", { "data-testid": "search-results" });
  let running: AbortController | undefined;
  const cancel = h("button", { type: "button", hidden: true, onclick: () => running?.abort() }, "Cancel");
  const start = h("button", { type: "button", onclick: () => void run() }, "Search");

  async function run(): Promise<void> {
    if (text.value === "") return void progress.replaceChildren("type a text to search for");
    const controller = new AbortController();
    running = controller;
    ctx.signal.addEventListener("abort", () => controller.abort());
    start.disabled = true;
    cancel.hidden = false;
    const found: Message[] = [];
    const most = Number(budget.value);
    const chosen = partition.value;
    let next = 0;
    let scanned = 0;
    let end: number;
    try {
      for (;;) {
        const query = new URLSearchParams({ contains: text.value, fromOffset: String(next), maxScanned: String(Math.min(STEP, most - scanned)), maxMatches: String(MAX_FOUND - found.length), encoding: "base64" });
        const step = await get<SearchStep>(`${topicBase}/partitions/${chosen}/messages/search?${query}`, controller.signal);
        const moved = step.nextOffset > next;
        found.push(...step.matches);
        scanned += step.scanned;
        next = step.nextOffset;
        end = step.endOffset;
        progress.replaceChildren(`scanned ${count(scanned, "message")} of partition ${chosen}, to offset ${next} of ${end}; ${found.length} found`);
        results.replaceChildren(messageTable(found, view(), "nothing found"));
        if (next >= end || scanned >= most || found.length >= MAX_FOUND || !moved) break;
      }
      progress.append(next >= end ? " · done" : " · stopped at the limit");
    } catch (err) {
      if (controller.signal.aborted) progress.append(" · cancelled");
      else progress.replaceChildren(errorView(err));
    } finally {
      start.disabled = false;
      cancel.hidden = true;
    }
  }

  return h(
    "fieldset",
    null,
    h("legend", null, "Search the partition"),
    h("div", { class: "row" }, field("Text", text), field("Read at most (messages)", budget), start, cancel, progress),
    results,
  );
}
