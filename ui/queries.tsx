// The admin API through TanStack Query: every GET is a query keyed by its path, so pages asking for the same path share
// one request and its cache, and a change refreshes what it touched by invalidating a path prefix.
import { QueryClient, queryOptions, skipToken, useQuery, type UseQueryResult } from "@tanstack/preact-query";
import type { JSX } from "preact";
import { get } from "./api.js";
import { ErrorView } from "./error-view.js";

export const queryClient = new QueryClient({
  // An API error is an answer (403, 404, a bad filter), not a hiccup worth retrying: it is shown at once (a 429 is
  // sent again in api.ts, after its Retry-After).
  defaultOptions: { queries: { retry: false } },
});

/** A GET of `path` (under /api/v1) as a query. */
export const apiQuery = <T,>(path: string) => queryOptions({ queryKey: [path], queryFn: ({ signal }) => get<T>(path, signal) });

/** A GET of `path`, none while it is null; refetched every `pollMs` while shown, if given. */
export function useApi<T>(path: string | null, pollMs?: number): UseQueryResult<T> {
  return useQuery({ queryKey: [path], queryFn: path === null ? skipToken : ({ signal }) => get<T>(path, signal), refetchInterval: pollMs });
}

/** Marks every query whose path starts with `prefix` stale; those shown fetch again (awaited). */
export const invalidate = (prefix: string): Promise<void> => queryClient.invalidateQueries({ predicate: (query) => String(query.queryKey[0]).startsWith(prefix) });

type DataOf<Q> = { -readonly [K in keyof Q]: Q[K] extends UseQueryResult<infer T> ? T : never };

/**
 * The data of every query once each has some (a later failed refetch keeps the last), or what to show until then:
 * the first error, or Loading….
 */
export function settled<const Q extends readonly UseQueryResult<unknown>[]>(...queries: Q): { ok: true; data: DataOf<Q> } | { ok: false; view: JSX.Element } {
  if (queries.every((q) => q.data !== undefined)) return { ok: true, data: queries.map((q) => q.data) as DataOf<Q> };
  const failed = queries.find((q) => q.isError);
  return { ok: false, view: failed === undefined ? <div class="loading">Loading…</div> : <ErrorView error={failed.error} /> };
}
