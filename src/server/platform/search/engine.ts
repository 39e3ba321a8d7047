import {
  SEARCH_HITS_MAX,
  SEARCH_HITS_PER_KIND,
  type SearchGroup,
  type SearchHit,
} from "../../../shared/contracts/search.js";
import {
  isEmptySearch,
  type ParsedSearch,
  parseSearch,
  type SearchKind,
  searchKinds,
  wantsKind,
} from "../../../shared/search-query.js";
import type { Db } from "../../db/client.js";
import type { ActorCtx } from "../context.js";
import { invalid } from "../errors.js";
import { compileTextQuery, type TextQuery } from "./text-query.js";

/**
 * The one search. Each module declares the kinds it owns (`defineSearchKind`, in its
 * `search-sources.ts`) with a function that finds them by the module's own visibility rules, the same
 * ones its lists use; the engine reads the query once, asks every kind the query wants, and answers
 * grouped by kind, the groups with the best hits first. A module's own search box asks the same
 * functions for its kinds only, so one syntax and one implementation serve both.
 */

/** What a kind's search is given. */
export type KindSearch = {
  text: TextQuery;
  /** `from:` as the ids of the people it names (none found: an empty list), null without `from:`. */
  authorIds: string[] | null;
  /** At most this many hits, the best first (the engine asks for one more to know of "more"). */
  limit: number;
};

export type FindKind = (ctx: ActorCtx, search: KindSearch) => Promise<SearchHit[]>;

const readsOfSearch = new WeakMap<KindSearch, Map<symbol, Promise<unknown>>>();

/**
 * What a module reads once for a whole search, whichever of its kinds asks first: the places a person
 * reaches, the place `in:` names. Every kind of one search is handed the same KindSearch, so the
 * answer is kept by it (under the module's own key) and forgotten with it.
 */
export function oncePerSearch<T>(search: KindSearch, key: symbol, read: () => Promise<T>): Promise<T> {
  let reads = readsOfSearch.get(search);
  if (!reads) {
    reads = new Map();
    readsOfSearch.set(search, reads);
  }
  let answer = reads.get(key) as Promise<T> | undefined;
  if (!answer) {
    answer = read();
    reads.set(key, answer);
  }
  return answer;
}

const kinds = new Map<SearchKind, FindKind>();

/** Declares how one kind is found; each kind once, by the module that owns it. */
export function defineSearchKind(kind: SearchKind, find: FindKind): void {
  if (kinds.has(kind)) throw new Error(`Search kind ${kind} is declared twice.`);
  kinds.set(kind, find);
}

/** The people `from:` names: found by the accounts module, which app.ts hands the search. */
export type AuthorsMatching = (db: Db, from: string) => Promise<string[]>;

/** Reads a query or refuses it with what to correct, on the `q` field. */
export function readQuery(q: string): ParsedSearch {
  const { query, problems } = parseSearch(q);
  if (problems.length > 0) throw invalid({ q: problems.map((problem) => problem.message).join(" ") });
  if (isEmptySearch(query)) throw invalid({ q: "Type words to look for, or a filter such as in:#general." });
  return query;
}

/** Prepares a kind's search from a query: compiled once, `from:` resolved once. */
export async function prepareSearch(
  ctx: ActorCtx,
  query: ParsedSearch,
  limit: number,
  authorsMatching: AuthorsMatching,
): Promise<KindSearch> {
  return {
    text: compileTextQuery(query),
    authorIds: query.from ? await authorsMatching(ctx.db, query.from) : null,
    limit,
  };
}

/** Finds one kind as its module declared it; what a module's own search box calls. */
export function findKind(kind: SearchKind, ctx: ActorCtx, search: KindSearch): Promise<SearchHit[]> {
  const find = kinds.get(kind);
  if (!find) throw new Error(`No module declares search kind ${kind}.`);
  if (search.authorIds?.length === 0) return Promise.resolve([]);
  return find(ctx, search);
}

const byRankThenNewest = (a: SearchHit, b: SearchHit) =>
  b.rank - a.rank || (b.at ?? "").localeCompare(a.at ?? "");

/** Everything the person may see that the query finds, grouped by kind, best group first. */
export async function searchEverything(
  ctx: ActorCtx,
  request: { q: string; kind?: SearchKind; limit?: number },
  authorsMatching: AuthorsMatching,
): Promise<SearchGroup[]> {
  const query = readQuery(request.q);
  const limit = request.limit ?? (request.kind ? SEARCH_HITS_MAX : SEARCH_HITS_PER_KIND);
  const asked = searchKinds.filter(
    (kind) => (request.kind ? kind === request.kind : wantsKind(query, kind)) && kinds.has(kind),
  );
  const search = await prepareSearch(ctx, query, limit + 1, authorsMatching);
  const found = await eachAtMost(KINDS_AT_ONCE, asked, (kind) => findKind(kind, ctx, search));
  const groups: SearchGroup[] = [];
  asked.forEach((kind, index) => {
    const hits = (found[index] ?? []).sort(byRankThenNewest);
    if (hits.length > 0) groups.push({ kind, hits: hits.slice(0, limit), more: hits.length > limit });
  });
  return groups.sort((a, b) => byRankThenNewest(a.hits[0] as SearchHit, b.hits[0] as SearchHit));
}

/**
 * Kinds asked at once. Every kind is a few statements of a few milliseconds, and one after another
 * they added up to most of a search's time (`npm run bench:search`); on PostgreSQL each of these takes
 * a connection of the pool (10), so a search leaves the others room. PGlite answers one statement at a
 * time whatever is asked.
 */
export const KINDS_AT_ONCE = 4;

/** `work` for every item, at most `width` at a time; the answers in the items' order. */
export async function eachAtMost<T, R>(
  width: number,
  items: T[],
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const answers: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      answers[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return answers;
}
