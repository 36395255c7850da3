// Search a partition for a text: a scan in bounded steps (the API's search route), each resuming where the previous
// one stopped, with its progress shown and a Cancel that aborts the step under way and starts no other. The gateway
// holds every step to the tenant's fetch quota, so a search never reads faster than the tenant's own clients may.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { get } from "../api.js";
import type { Message } from "../api-types.js";
import { ErrorView } from "../error-view.js";
import { count } from "../format.js";
import { Field, onValue } from "../layout.js";
import { MessageTable, type View } from "../message-view.js";

interface SearchStep { matches: Message[]; scanned: number; nextOffset: number; endOffset: number }

/** Messages read per step: one request each, so a Cancel takes effect within one step. */
const STEP = 1000;
const MAX_FOUND = 500;

export function SearchForm({ topicBase, partition, view }: { topicBase: string; partition: string; view: View }) {
  const [text, setText] = useState("");
  const [budget, setBudget] = useState("100000");
  const [progress, setProgress] = useState<ComponentChildren>(null);
  const [found, setFound] = useState<readonly Message[]>();
  const [running, setRunning] = useState<AbortController>();
  // Leaving the page stops a scan under way.
  const current = useRef<AbortController>();
  useEffect(() => () => current.current?.abort(), []);

  async function run(): Promise<void> {
    if (text === "") return setProgress("type a text to search for");
    const controller = new AbortController();
    current.current = controller;
    setRunning(controller);
    const matches: Message[] = [];
    const most = Number(budget);
    let next = 0;
    let scanned = 0;
    let end: number;
    let said = "";
    try {
      for (;;) {
        const query = new URLSearchParams({ contains: text, fromOffset: String(next), maxScanned: String(Math.min(STEP, most - scanned)), maxMatches: String(MAX_FOUND - matches.length), encoding: "base64" });
        const step = await get<SearchStep>(`${topicBase}/partitions/${partition}/messages/search?${query}`, controller.signal);
        const moved = step.nextOffset > next;
        matches.push(...step.matches);
        scanned += step.scanned;
        next = step.nextOffset;
        end = step.endOffset;
        said = `scanned ${count(scanned, "message")} of partition ${partition}, to offset ${next} of ${end}; ${matches.length} found`;
        setProgress(said);
        setFound([...matches]);
        if (next >= end || scanned >= most || matches.length >= MAX_FOUND || !moved) break;
      }
      setProgress(`${said}${next >= end ? " · done" : " · stopped at the limit"}`);
    } catch (err) {
      setProgress(controller.signal.aborted ? `${said} · cancelled` : <ErrorView error={err} />);
    } finally {
      setRunning(undefined);
    }
  }

  return (
    <fieldset>
      <legend>Search the partition</legend>
      <div class="row">
        <Field label="Text">
          <input name="search" type="search" placeholder="text in a key, value or header" aria-label="text to search for" value={text} onInput={onValue(setText)} />
        </Field>
        <Field label="Read at most (messages)">
          <input name="search-limit" type="number" min={1} value={budget} onInput={onValue(setBudget)} />
        </Field>
        <button type="button" disabled={running !== undefined} onClick={() => void run()}>
          Search
        </button>
        <button type="button" hidden={running === undefined} onClick={() => running?.abort()}>
          Cancel
        </button>
        <span class="status" aria-live="polite" data-testid="search-progress">
          {progress}
        </span>
      </div>
      <div data-testid="search-results">{found !== undefined && <MessageTable messages={found} view={view} empty="nothing found" />}</div>
    </fieldset>
  );
}
