// The console: sign in with a token, then one virtual cluster's pages. A platform token (unscoped) first sees the
// platform pages (virtual clusters, config history, audit log, every event, physical clusters) and picks a virtual
// cluster; a tenant token goes straight to its own. Routes live in the URL's hash: #/vc/<name>/<page>/... and
// #/platform/<page>/...
import { ApiError, get, token } from "./api.js";
import type { WhoAmI } from "./api-types.js";
import { errorView, type Page, type PlatformPage } from "./context.js";
import { h } from "./dom.js";
import { accessPage } from "./pages/access.js";
import { auditPage } from "./pages/audit.js";
import { bandwidthPage } from "./pages/bandwidth.js";
import { clustersPage } from "./pages/clusters.js";
import { configHistoryPage } from "./pages/config-history.js";
import { connectionsPage } from "./pages/connections.js";
import { allEventsPage, eventsPage } from "./pages/events.js";
import { groupsPage } from "./pages/groups.js";
import { messagesPage } from "./pages/messages.js";
import { physicalClustersPage } from "./pages/physical-clusters.js";
import { topicsPage } from "./pages/topics.js";

const PAGES: readonly (readonly [string, string, Page])[] = [
  ["topics", "Topics", topicsPage],
  ["messages", "Messages", messagesPage],
  ["groups", "Consumer groups", groupsPage],
  ["bandwidth", "Bandwidth", bandwidthPage],
  ["access", "ACLs, users, limits", accessPage],
  ["events", "Events", eventsPage],
  ["connections", "Connections", connectionsPage],
];

/** Gateway-wide pages, for an unscoped token only (the API refuses a scoped one); physical clusters for an admin. */
const PLATFORM_PAGES: readonly (readonly [string, string, PlatformPage])[] = [
  ["clusters", "Virtual clusters", clustersPage],
  ["history", "Config history", configHistoryPage],
  ["audit", "Audit log", auditPage],
  ["events", "Event log", allEventsPage],
  ["physical-clusters", "Physical clusters", physicalClustersPage],
];
const platformPages = (role: WhoAmI["role"] | undefined) => PLATFORM_PAGES.filter(([id]) => id !== "physical-clusters" || role === "admin");

const root = document.getElementById("app")!;
let me: WhoAmI | undefined;
let leave = new AbortController();

function signIn(problem?: unknown): void {
  me = undefined;
  const input = h("input", { type: "password", name: "token", autocomplete: "off", placeholder: "paste an admin API token", required: true, size: 50 });
  const form = h(
    "form",
    {
      class: "signin",
      onsubmit: (event: Event) => {
        event.preventDefault();
        token.set(input.value.trim());
        void render();
      },
    },
    h("h1", null, "Bulkhead console"),
    h("p", null, "Paste a token from ", h("code", null, "bulkhead token create"), ". It is kept in this tab only (sessionStorage)."),
    input,
    h("button", { type: "submit" }, "Sign in"),
    problem === undefined ? null : errorView(problem),
  );
  root.replaceChildren(form);
  input.focus();
}

function shell(vc: string | undefined, current: string, content: Node): HTMLElement {
  const links: readonly (readonly [string, string, string])[] =
    vc !== undefined ? PAGES.map(([id, label]) => [id, label, `#/vc/${encodeURIComponent(vc)}/${id}`]) : me?.virtualCluster === null ? platformPages(me.role).map(([id, label]) => [id, label, `#/platform/${id}`]) : [];
  const nav = links.length === 0 ? null : h("nav", null, links.map(([id, label, href]) => h("a", { href, class: id === current ? "current" : "" }, label)));
  return h(
    "div",
    { class: "shell" },
    h(
      "header",
      null,
      h("a", { href: "#/", class: "brand" }, "Bulkhead"),
      vc === undefined ? null : h("span", { class: "vc" }, "virtual cluster ", h("strong", { "data-testid": "current-vc" }, vc)),
      me?.virtualCluster === null && vc !== undefined ? h("a", { href: "#/" }, "all virtual clusters") : null,
      h("span", { class: "spacer" }),
      h("span", { class: "who" }, `${me?.name} · ${me?.role}${me?.virtualCluster === null ? " · platform" : ""}`),
      h("button", { type: "button", onclick: () => (token.clear(), signIn()) }, "Sign out"),
    ),
    nav,
    h("main", null, content),
  );
}

async function render(): Promise<void> {
  leave.abort();
  leave = new AbortController();
  const signal = leave.signal;
  if (token.get() === null) return signIn();
  try {
    me ??= await get<WhoAmI>("/whoami");
  } catch (err) {
    token.clear();
    return signIn(err instanceof ApiError && err.status === 401 ? new ApiError(401, "unauthenticated", "unknown token") : err);
  }
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter((p) => p !== "").map(decodeURIComponent);
  if (parts[0] !== "vc") {
    if (me.virtualCluster !== null) return void (location.hash = `#/vc/${encodeURIComponent(me.virtualCluster)}/topics`);
    const [, pageId = "clusters", ...rest] = parts[0] === "platform" ? parts : [];
    const [id, , page] = platformPages(me.role).find(([known]) => known === pageId) ?? PLATFORM_PAGES[0]!;
    const ctx = { me, canEdit: me.role !== "viewer", rest, signal, refresh: () => void render() };
    return show(undefined, id, () => page(ctx));
  }
  const [, vc = "", pageId = "topics", ...rest] = parts;
  const page = PAGES.find(([id]) => id === pageId)?.[2] ?? topicsPage;
  const ctx = { vc, me, canEdit: me.role !== "viewer", rest, signal, refresh: () => void render() };
  return show(vc, pageId, () => page(ctx));

  async function show(vcName: string | undefined, current: string, build: () => Promise<Node>): Promise<void> {
    const main = h("div", { class: "loading" }, "Loading…");
    root.replaceChildren(shell(vcName, current, main));
    try {
      const content = await build();
      if (!signal.aborted) main.replaceWith(content);
    } catch (err) {
      if (!signal.aborted) main.replaceWith(errorView(err));
    }
  }
}

window.addEventListener("hashchange", () => void render());
void render();
