// What every page gets: the virtual cluster, the caller, the route's parts, and a signal aborted when the user leaves
// the page (live pages stop polling on it). Plus the one way pages show an API error and run a button's action.
import { ApiError } from "./api.js";
import type { WhoAmI } from "./api-types.js";
import { h } from "./dom.js";

/** What a platform page (gateway-wide, for an unscoped token) gets. */
export interface PlatformContext {
  readonly me: WhoAmI;
  /** Operator or admin: edit controls are shown (the API still decides). */
  readonly canEdit: boolean;
  /** The route after #/vc/<name>/<page>/ (or #/platform/<page>/), decoded. */
  readonly rest: readonly string[];
  readonly signal: AbortSignal;
  /** Renders the current route again (after a change). */
  readonly refresh: () => void;
}

/** What a virtual cluster's page gets: the same, for one virtual cluster. */
export interface PageContext extends PlatformContext {
  readonly vc: string;
}

export type Page = (ctx: PageContext) => Promise<Node>;
export type PlatformPage = (ctx: PlatformContext) => Promise<Node>;

export function errorView(err: unknown): HTMLElement {
  if (err instanceof ApiError) {
    const hint = err.status === 403 ? " (this token's role or ACL rules don't allow it)" : "";
    return h("div", { class: "error", role: "alert" }, h("strong", null, `${err.status === 0 ? "" : `${err.status} `}${err.code}`), `: ${err.message}${hint}`);
  }
  return h("div", { class: "error", role: "alert" }, String(err instanceof Error ? err.message : err));
}

/**
 * Runs a button's action: the button is disabled and says what is going on while it runs; a failure is shown in
 * `status` (next to the button), a success too when `done` says something.
 */
export function action(label: string, run: () => Promise<string | void>, props: Record<string, unknown> = {}): HTMLElement {
  const status = h("span", { class: "status", "aria-live": "polite" });
  const button = h("button", {
    ...props,
    type: "button",
    onclick: async () => {
      button.disabled = true;
      status.replaceChildren("working…");
      try {
        const done = await run();
        status.replaceChildren(done ?? "");
      } catch (err) {
        status.replaceChildren(errorView(err));
      } finally {
        button.disabled = false;
      }
    },
  }, label);
  return h("span", { class: "action" }, button, status);
}

/** A destructive action asks first, saying exactly what it will do. */
export function confirmed(what: string): boolean {
  return window.confirm(what);
}
