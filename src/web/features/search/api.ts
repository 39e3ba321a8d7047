import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { search } from "../../../shared/contracts/search.js";
import type { SearchKind } from "../../../shared/search-query.js";
import { callApi } from "../../app/api.js";

export type { Highlighted, SearchGroup, SearchHit } from "../../../shared/contracts/search.js";

export const searchKeys = {
  all: ["search"] as const,
  results: (q: string, kind: SearchKind | undefined) => ["search", q, kind ?? "every kind"] as const,
};

/**
 * What the one search finds for `q`, grouped by kind (a few of each), or up to 50 of one `kind`.
 * While a new query is on its way the previous answer stays, so the list does not blink as one types.
 */
export const useSearch = (q: string, kind: SearchKind | undefined, enabled = true) =>
  useQuery({
    queryKey: searchKeys.results(q, kind),
    queryFn: () => callApi(search, { query: { q, kind } }),
    enabled: enabled && q.trim() !== "",
    placeholderData: keepPreviousData,
    // Typing back to an earlier query shows its answer at once; a minute old is fresh enough.
    staleTime: 60_000,
    select: (data) => data.groups,
  });
