// A button that runs a change (a TanStack mutation): disabled and saying "working…" while it runs, then the failure, or
// what `run` answered, next to it. The queries under `invalidates` are fetched again before it counts as done.
import { useMutation } from "@tanstack/preact-query";
import { ErrorView } from "./error-view.js";
import { invalidate } from "./queries.js";

interface ActionProps {
  readonly label: string;
  /** The change; a text it answers is shown next to the button. */
  readonly run: () => Promise<unknown>;
  /** An API path prefix whose queries the change makes stale. */
  readonly invalidates?: string;
  /** After the change and the refetch, e.g. to close an editor. */
  readonly done?: () => void;
  readonly class?: string;
  readonly disabled?: boolean;
}

export function Action({ label, run, invalidates, done, class: className, disabled = false }: ActionProps) {
  const change = useMutation({
    mutationFn: async () => {
      const said = await run();
      if (invalidates !== undefined) await invalidate(invalidates);
      return said;
    },
    onSuccess: done,
  });
  const status = change.isPending ? "working…" : change.isError ? <ErrorView error={change.error} /> : typeof change.data === "string" ? change.data : "";
  return (
    <span class="action">
      <button type="button" class={className} disabled={disabled || change.isPending} onClick={() => change.mutate()}>
        {label}
      </button>
      <span class="status" aria-live="polite">
        {status}
      </span>
    </span>
  );
}

/** A destructive action asks first, saying exactly what it will do. */
export function confirmed(what: string): boolean {
  return window.confirm(what);
}
