import { type AnyColumn, gte, inArray, lt, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Highlighted } from "../../../shared/contracts/search.js";
import type { ParsedSearch } from "../../../shared/search-query.js";

/**
 * How one parsed query (src/shared/search-query.ts) becomes PostgreSQL: a text query over a module's
 * generated tsvector column (every module's text index uses the 'english' configuration), its rank
 * and highlighted snippet, a name match for things found by name, and the day filters. Every module's
 * search goes through these, so the syntax and its meaning are one.
 */

/**
 * How many matches a text kind ranks at most: the newest ones. Ranking reads each matching row's
 * vector, so ranking every match costs as many rows as match: "dosing" is in 400,000 of a million
 * chat messages, and ranking them all took 1.4 s (`npm run bench:search`). A kind finds its newest
 * matches first in the order of an index (a sequence, a number, or the primary key: ids are UUIDv7,
 * which begin with the moment they were made), which PostgreSQL walks from the newest end and stops
 * early for a broad word, or takes the few rows of a rare one from the text index; then it ranks
 * those only. A query with fewer matches ranks them all. The fewer, the less a word of middling
 * frequency costs, which neither way finds cheaply (walking back reads RANKED_MATCHES / its share of
 * the rows, the text index every match): 200 are plenty to pick the best five from.
 */
export const RANKED_MATCHES = 200;

/**
 * The rows a text kind ranks: with words, those whose id is among `newestMatching`, the kind's ids
 * under all its conditions (read rules, filters, the match), newest first by an index, cut at
 * RANKED_MATCHES; without words, nothing is ranked and `matching` (those conditions) is the filter.
 * The candidates carry every condition: the match repeated beside them would have the planner match
 * it over the whole table again.
 */
export function rankable(
  text: { hasText: boolean },
  id: AnyColumn,
  newestMatching: SQLWrapper,
  matching: SQL | undefined,
): SQL | undefined {
  return text.hasText ? inArray(id, newestMatching) : matching;
}

/** Marks ts_headline puts around a match; control characters, which stored text never holds. */
const START = "\u0002";
const STOP = "\u0003";
/** Texts up to this long are a snippet whole; longer ones are cut to the parts around their matches. */
const WHOLE_TEXT = 200;

/** The tsquery text of the words and phrases, or null when the query has none (filters only). */
export function tsqueryText(query: ParsedSearch): string | null {
  const parts = [
    ...query.words.map((word) => `${word}:*`),
    ...query.phrases.map((phrase) => `(${phrase.join(" <-> ")})`),
  ];
  if (parts.length === 0) return null;
  // Words are letters and digits only (searchWords), so nothing in them is tsquery syntax.
  return [...parts, ...query.excluded.map((word) => `!${word}`)].join(" & ");
}

/** A compiled query: the conditions and expressions a module's search puts into its SQL. */
export type TextQuery = {
  parsed: ParsedSearch;
  /** Whether the query has words or phrases to match (it may carry filters only). */
  hasText: boolean;
  /** The rows whose text index matches: the words, the phrases, none of the excluded words. */
  matches: (vector: SQL | AnyColumn) => SQL;
  /** Relevance in [0, 1): more and closer matches rank higher. 0 without words. */
  rank: (vector: SQL | AnyColumn) => SQL<number>;
  /** The part of a text around its best match, the matches marked (turn into `Highlighted`). */
  headline: (text: SQL | AnyColumn) => SQL<string>;
  /** A name containing every word (a word or phrase anywhere in it), none of the excluded ones. */
  nameMatches: (...names: (SQL | AnyColumn)[]) => SQL;
  /** Relevance of a name: the whole name, its start, a word's start, anywhere. */
  nameRank: (name: SQL | AnyColumn) => SQL<number>;
  /** The `after:` and `before:` days on a timestamp column. */
  inDays: (at: AnyColumn | SQL) => SQL | undefined;
};

/** The text for LIKE and ILIKE, its wildcard characters matched literally. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `%text%` for ILIKE: the text anywhere. */
export const containing = (text: string) => `%${literal(text)}%`;

/** `text%` for ILIKE: the text at the start. */
export const startingWith = (text: string) => `${literal(text)}%`;

export function compileTextQuery(parsed: ParsedSearch): TextQuery {
  const text = tsqueryText(parsed);
  const tsquery = text ? sql`to_tsquery('english', ${text})` : null;
  const excludedQuery =
    parsed.excluded.length > 0 ? sql`to_tsquery('english', ${parsed.excluded.join(" | ")})` : null;
  const nameTerms = [...parsed.words, ...parsed.phrases.map((phrase) => phrase.join(" "))];
  const wholeName = nameTerms.join(" ");
  return {
    parsed,
    hasText: tsquery !== null,
    matches: (vector) => {
      if (tsquery) return sql`${vector} @@ ${tsquery}`;
      return excludedQuery ? sql`not (${vector} @@ ${excludedQuery})` : sql`true`;
    },
    rank: (vector) =>
      // Normalisation 32 maps the rank into [0, 1), comparable across kinds.
      tsquery ? sql<number>`ts_rank_cd(${vector}, ${tsquery}, 32)` : sql<number>`0`,
    headline: (body) =>
      tsquery
        ? // Fragments cut even a short text down to the words around its match ("Yes, quokka labels
          // fit." shows as "quokka labels"), so a text that fits a snippet is shown whole.
          sql<string>`case when length(${body}) <= ${WHOLE_TEXT} then ts_headline('english', ${body}, ${tsquery}, ${`StartSel=${START}, StopSel=${STOP}, HighlightAll=true`})
            else ts_headline('english', ${body}, ${tsquery}, ${`StartSel=${START}, StopSel=${STOP}, MaxWords=28, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`}) end`
        : sql<string>`left(${body}, ${WHOLE_TEXT})`,
    nameMatches: (...names) => {
      const conditions = [
        ...nameTerms.map(
          (term) =>
            sql`(${sql.join(
              names.map((name) => sql`${name} ilike ${containing(term)}`),
              sql` or `,
            )})`,
        ),
        ...parsed.excluded.map(
          (word) =>
            sql`not (${sql.join(
              names.map((name) => sql`coalesce(${name}, '') ilike ${containing(word)}`),
              sql` or `,
            )})`,
        ),
      ];
      return conditions.length > 0 ? sql.join(conditions, sql` and `) : sql`true`;
    },
    nameRank: (name) =>
      wholeName
        ? sql<number>`case
            when lower(${name}) = ${wholeName} then 0.9
            when lower(${name}) like ${`${wholeName.replace(/[\\%_]/g, "\\$&")}%`} then 0.7
            when lower(${name}) ~ ${`\\m${escapeRegex(wholeName)}`} then 0.5
            else 0.3 end`
        : sql<number>`0.1`,
    inDays: (at) => {
      const conditions = [
        // As in Slack: after a day is from the next day on, before a day ends the day before it.
        parsed.after
          ? gte(at as AnyColumn, new Date(Date.parse(`${parsed.after}T00:00:00Z`) + DAY_MS))
          : undefined,
        parsed.before ? lt(at as AnyColumn, new Date(`${parsed.before}T00:00:00Z`)) : undefined,
      ].filter((condition): condition is SQL => condition !== undefined);
      return conditions.length > 0 ? sql.join(conditions, sql` and `) : undefined;
    },
  };
}

const DAY_MS = 24 * 3600_000;

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Markdown's inline markers (bold, strike-through, code), which a snippet cut from a Markdown text
 * would otherwise show as they were typed. Single `*` and `_` stay: they are as often plain text
 * (`snake_case`, a footnote star) as emphasis.
 */
const INLINE_MARKDOWN = /\*\*|__|~~|`/g;

/** A ts_headline answer as plain text and the offsets of its marked matches. */
export function fromHeadline(marked: string): Highlighted {
  const marks: Highlighted["marks"] = [];
  let text = "";
  let start = -1;
  for (const char of marked.replace(INLINE_MARKDOWN, "").replace(/\s+/g, " ").trim()) {
    if (char === START) start = text.length;
    else if (char === STOP) {
      if (start >= 0 && text.length > start) marks.push({ start, end: text.length });
      start = -1;
    } else text += char;
  }
  return { text, marks };
}

/** A name with the query's words marked where a word of the name starts with them. */
export function highlightName(name: string, parsed: ParsedSearch): Highlighted {
  const marks: [number, number][] = [];
  const lower = name.toLowerCase();
  const terms = [...parsed.words, ...parsed.phrases.map((phrase) => phrase.join(" "))].filter(Boolean);
  for (const term of terms) {
    let from = 0;
    for (;;) {
      const at = lower.indexOf(term, from);
      if (at < 0) break;
      marks.push([at, at + term.length]);
      from = at + term.length;
    }
  }
  marks.sort((a, b) => a[0] - b[0]);
  const merged: Highlighted["marks"] = [];
  for (const [start, end] of marks) {
    const last = merged[merged.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else merged.push({ start, end });
  }
  return { text: name, marks: merged };
}
