import { type DehydratedState, hydrate, type Query, QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiError, isApiError } from "./api.js";
import { meQueryKey } from "./session.js";

const isClientError = (error: unknown) => isApiError(error) && error.status >= 400 && error.status < 500;

// The queries the server's first screen was rendered from, each until it has first mounted
// (`refetchesOnMount`), and at most for a moment after the page arrived.
const firstScreenQueries = new Set<string>();
const firstScreenFreshForMs = 30_000;
let firstScreenFreshUntil = 0;

/**
 * Whether a query mounting now is fetched again: not the first time a query of the server's first
 * screen mounts (what the page was rendered from a moment ago), unless something made it stale since;
 * from then on, as any other. The components that mount with it in the same commit share its answer.
 */
function refetchesOnMount(query: Query): boolean {
  const { queryHash } = query;
  if (!firstScreenQueries.has(queryHash) || query.state.isInvalidated || Date.now() > firstScreenFreshUntil)
    return true;
  setTimeout(() => firstScreenQueries.delete(queryHash));
  return false;
}

export const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      // A session that ended elsewhere (expired, signed out, deactivated) shows up as a 401 on any
      // page; asking /api/me again lets the sign-in gate take over.
      if (isApiError(error) && error.status === 401 && query.queryKey[0] !== meQueryKey[0]) {
        void queryClient.invalidateQueries({ queryKey: meQueryKey });
      }
    },
  }),
  defaultOptions: {
    queries: {
      retry: (failures, error) => !isClientError(error) && failures < 2,
      refetchOnMount: refetchesOnMount,
    },
  },
});

/** Takes in the answers the server rendered the page from (main.tsx), before the page is rendered. */
export function takeInFirstScreen(queries: DehydratedState): void {
  // A refusal the page was rendered with (no such ticket) arrives as JSON: an ApiError again, as the
  // page's code expects.
  for (const query of queries.queries) {
    if (query.state.status === "error") query.state.error = ApiError.fromJSON(query.state.error);
  }
  hydrate(queryClient, queries);
  for (const query of queries.queries) firstScreenQueries.add(query.queryHash);
  firstScreenFreshUntil = Date.now() + firstScreenFreshForMs;
}
