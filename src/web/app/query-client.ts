import { type DehydratedState, hydrate, type Query, QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiError, isApiError } from "./api.js";
import { meQueryKey } from "./session.js";

const isClientError = (error: unknown) => isApiError(error) && error.status >= 400 && error.status < 500;

// The queries the server's first screen was rendered from, until the page has been taken over
// (`firstScreenTakenOver`), and at most for a moment after it arrived.
const firstScreenQueries = new Set<string>();
const firstScreenFreshForMs = 30_000;
let firstScreenFreshUntil = 0;

/**
 * Whether a query mounting now is fetched again: not while the browser takes over the page the server
 * rendered from it a moment ago, unless something made it stale since; as any other query afterwards.
 * Asked both as a component renders and as it mounts, which a time-sliced takeover does in different
 * tasks: hence a flag for the whole takeover rather than one per query.
 */
function refetchesOnMount(query: Query): boolean {
  return (
    !firstScreenQueries.has(query.queryHash) ||
    query.state.isInvalidated ||
    Date.now() > firstScreenFreshUntil
  );
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

/**
 * The page has been taken over: every component of it has mounted on the first screen's answers
 * (PageTakenOver.tsx). A query mounting from now on is fetched as usual.
 */
export function firstScreenTakenOver(): void {
  firstScreenQueries.clear();
}
