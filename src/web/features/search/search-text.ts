import type { Highlighted } from "../../../shared/contracts/search.js";
import { type ParsedSearch, parseSearch, searchWords } from "../../../shared/search-query.js";
import type { JumpPage } from "../../app/navigation.js";

export type TextPart = { text: string; marked: boolean };

/**
 * A highlighted text as runs of plain and matched text, in order. Marks are offsets the server
 * computed; any out of range, empty or overlapping an earlier one is ignored rather than trusted.
 */
export function highlightParts({ text, marks }: Highlighted): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const { start, end } of [...marks].sort((a, b) => a.start - b.start)) {
    const from = Math.max(start, at);
    const to = Math.min(end, text.length);
    if (to <= from) continue;
    if (from > at) parts.push({ text: text.slice(at, from), marked: false });
    parts.push({ text: text.slice(from, to), marked: true });
    at = to;
  }
  if (at < text.length || parts.length === 0) parts.push({ text: text.slice(at), marked: false });
  return parts;
}

/** Whether a query narrows by something beyond its words: a place, a person, a day. */
const hasFilter = (query: ParsedSearch) => Boolean(query.in || query.from || query.before || query.after);

export type Readiness =
  | { ready: true }
  | { ready: false; reason: "too short" }
  | { ready: false; reason: "problems"; message: string };

/**
 * Whether a query is worth sending as the person types: two letters at least, or a filter, and no
 * mistake the server would refuse (those are said at once, in the server's own words).
 */
export function readiness(q: string): Readiness {
  const { query, problems } = parseSearch(q);
  const typed = [...query.words, ...query.phrases.flat()].join("");
  if (typed.length < 2 && !hasFilter(query)) return { ready: false, reason: "too short" };
  if (problems.length > 0)
    return {
      ready: false,
      reason: "problems",
      message: problems.map((problem) => problem.message).join(" "),
    };
  return { ready: true };
}

/**
 * The pages whose name fits what was typed: each word starts a word of the page's name ("notif sett"
 * finds Notification settings), those whose name starts with it first. A query with filters is a
 * search, not a page's name.
 */
export function matchingPages(pages: JumpPage[], q: string): JumpPage[] {
  const { query } = parseSearch(q);
  if (hasFilter(query) || query.types.length > 0 || query.excluded.length > 0) return [];
  const words = searchWords(q);
  if (words.length === 0) return pages;
  const fits = pages.filter((page) => {
    const nameWords = searchWords(page.label);
    return words.every((word) => nameWords.some((nameWord) => nameWord.startsWith(word)));
  });
  const first = words[0] ?? "";
  const startsWithFirst = (page: JumpPage) => page.label.toLowerCase().startsWith(first);
  return [...fits.filter(startsWithFirst), ...fits.filter((page) => !startsWithFirst(page))];
}
