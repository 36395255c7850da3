// The console: sign in with a token, then one virtual cluster's pages. A platform token (unscoped) first sees the
// platform pages (virtual clusters, config history, audit log, every event, physical clusters) and picks a virtual
// cluster; a tenant token goes straight to its own. Routes live in the URL's hash: #/vc/<name>/<page>/... and
// #/platform/<page>/...; each route renders its page afresh.
import { useQuery } from "@tanstack/preact-query";
import type { ComponentChildren, ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, get, token } from "./api.js";
import type { WhoAmI } from "./api-types.js";
import type { PageContext, PlatformContext } from "./context.js";
import { AccessPage } from "./pages/access.js";
import { AuditPage } from "./pages/audit.js";
import { BandwidthPage } from "./pages/bandwidth.js";
import { ClustersPage } from "./pages/clusters.js";
import { ConfigHistoryPage } from "./pages/config-history.js";
import { ConnectionsPage } from "./pages/connections.js";
import { AllEventsPage, EventsPage } from "./pages/events.js";
import { GroupsPage } from "./pages/groups.js";
import { MessagesPage } from "./pages/messages.js";
import { PhysicalClustersPage } from "./pages/physical-clusters.js";
import { TopicsPage } from "./pages/topics.js";
import { queryClient } from "./queries.js";
import { go, routeParts, useHash } from "./route.js";
import { SignIn } from "./sign-in.js";

const PAGES: readonly (readonly [string, string, ComponentType<{ ctx: PageContext }>])[] = [
  ["topics", "Topics", TopicsPage],
  ["messages", "Messages", MessagesPage],
  ["groups", "Consumer groups", GroupsPage],
  ["bandwidth", "Bandwidth", BandwidthPage],
  ["access", "ACLs, users, limits", AccessPage],
  ["events", "Events", EventsPage],
  ["connections", "Connections", ConnectionsPage],
];

/** Gateway-wide pages, for an unscoped token only (the API refuses a scoped one); physical clusters for an admin. */
const PLATFORM_PAGES: readonly (readonly [string, string, ComponentType<{ ctx: PlatformContext }>])[] = [
  ["clusters", "Virtual clusters", ClustersPage],
  ["history", "Config history", ConfigHistoryPage],
  ["audit", "Audit log", AuditPage],
  ["events", "Event log", AllEventsPage],
  ["physical-clusters", "Physical clusters", PhysicalClustersPage],
];
const platformPages = (role: WhoAmI["role"]) => PLATFORM_PAGES.filter(([id]) => id !== "physical-clusters" || role === "admin");

/** Who the token is; a token the API doesn't know is dropped, so the user is asked for another. */
async function whoAmI(signal: AbortSignal): Promise<WhoAmI> {
  try {
    return await get<WhoAmI>("/whoami", signal);
  } catch (err) {
    token.clear();
    throw err instanceof ApiError && err.status === 401 ? new ApiError(401, "unauthenticated", "unknown token") : err;
  }
}

export function App() {
  // A new session (sign in, sign out) starts from an empty cache: nothing one token fetched is shown to another.
  const [session, setSession] = useState(0);
  const me = useQuery({ queryKey: ["/whoami", session], queryFn: ({ signal }) => whoAmI(signal), enabled: token.get() !== null, staleTime: Infinity });
  const start = (value: string | null) => {
    queryClient.clear();
    if (value === null) token.clear();
    else token.set(value);
    setSession((n) => n + 1);
  };
  if (me.data !== undefined) return <Console me={me.data} signOut={() => start(null)} />;
  if (token.get() !== null) return <div class="loading">Loading…</div>;
  return <SignIn problem={me.error} onSignIn={start} />;
}

function Console({ me, signOut }: { me: WhoAmI; signOut: () => void }) {
  const hash = useHash();
  const parts = routeParts(hash);
  const canEdit = me.role !== "viewer";
  const shell = { me, signOut };
  if (parts[0] === "vc") {
    const [, vc = "", pageId = "topics", ...rest] = parts;
    const Page = PAGES.find(([id]) => id === pageId)?.[2] ?? TopicsPage;
    const links = PAGES.map(([id, label]) => [id, label, `#/vc/${encodeURIComponent(vc)}/${id}`] as const);
    return (
      <Shell {...shell} vc={vc} current={pageId} links={links}>
        <Page key={hash} ctx={{ vc, me, canEdit, rest }} />
      </Shell>
    );
  }
  if (me.virtualCluster !== null) return <Redirect to={`#/vc/${encodeURIComponent(me.virtualCluster)}/topics`} />;
  const [, pageId = "clusters", ...rest] = parts[0] === "platform" ? parts : [];
  const pages = platformPages(me.role);
  const [current, , Page] = pages.find(([id]) => id === pageId) ?? PLATFORM_PAGES[0]!;
  return (
    <Shell {...shell} current={current} links={pages.map(([id, label]) => [id, label, `#/platform/${id}`] as const)}>
      <Page key={hash} ctx={{ me, canEdit, rest }} />
    </Shell>
  );
}

/** A route this token has no business on leads to its own pages. */
function Redirect({ to }: { to: string }) {
  useEffect(() => go(to), [to]);
  return <div class="loading">Loading…</div>;
}

interface ShellProps {
  readonly me: WhoAmI;
  readonly signOut: () => void;
  /** The virtual cluster whose pages these are, if any. */
  readonly vc?: string;
  readonly current: string;
  readonly links: readonly (readonly [id: string, label: string, href: string])[];
  readonly children: ComponentChildren;
}

function Shell({ me, signOut, vc, current, links, children }: ShellProps) {
  const platform = me.virtualCluster === null;
  return (
    <div class="shell">
      <header>
        <a href="#/" class="brand">
          Bulkhead
        </a>
        {vc !== undefined && (
          <span class="vc">
            virtual cluster <strong data-testid="current-vc">{vc}</strong>
          </span>
        )}
        {platform && vc !== undefined && <a href="#/">all virtual clusters</a>}
        <span class="spacer" />
        <span class="who">{`${me.name} · ${me.role}${platform ? " · platform" : ""}`}</span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav>
        {links.map(([id, label, href]) => (
          <a key={id} href={href} class={id === current ? "current" : ""}>
            {label}
          </a>
        ))}
      </nav>
      <main>{children}</main>
    </div>
  );
}
