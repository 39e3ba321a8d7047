/**
 * The one search syntax of the community, read the same way by the server (which turns it into a
 * PostgreSQL text query and filters) and by the web (which shows the filters a person typed):
 *
 *   deploy "dose escalation" -draft in:#general from:ned@northwind.example type:ticket after:2026-11-01
 *
 * Words match as prefixes (`dep` finds "deploy"), a quoted phrase matches its words in order, a word
 * after `-` must not occur, and the filters narrow where (`in:` a channel, group, project or study),
 * who (`from:` an address or a name), what (`type:`) and when (`before:` and `after:` a day, the day
 * itself excluded, as in Slack).
 */

/** Every kind of thing the one search finds. */
export const searchKinds = [
  "message",
  "ticket",
  "post",
  "comment",
  "document",
  "file",
  "topic",
  "group_message",
  "release",
  "article",
  "study",
  "volunteer",
  "person",
  "channel",
  "group",
  "project",
  "idea",
] as const;
export type SearchKind = (typeof searchKinds)[number];

/** How a kind is headed in the results, plural. */
export const searchKindLabels: Record<SearchKind, string> = {
  message: "Messages",
  ticket: "Tickets",
  post: "Project posts",
  comment: "Comments",
  document: "Documents",
  file: "Files",
  topic: "Group topics",
  group_message: "Group messages",
  release: "Releases",
  article: "Help articles",
  study: "Studies",
  volunteer: "Volunteers",
  person: "People",
  channel: "Channels",
  group: "Groups",
  project: "Projects",
  idea: "Ideas",
};

/** What a person may type after `type:`, singular or plural, for each kind. */
const kindAliases: Record<string, SearchKind[]> = {
  message: ["message"],
  chat: ["message"],
  ticket: ["ticket"],
  post: ["post"],
  comment: ["comment"],
  document: ["document"],
  doc: ["document"],
  file: ["file"],
  topic: ["topic"],
  group_message: ["group_message"],
  release: ["release"],
  article: ["article"],
  help: ["article"],
  study: ["study"],
  studies: ["study"],
  volunteer: ["volunteer"],
  person: ["person"],
  people: ["person"],
  channel: ["channel"],
  group: ["group"],
  project: ["project"],
  idea: ["idea"],
  ideas: ["idea"],
};

export type ParsedSearch = {
  /** Words matched as prefixes, lower case, letters and digits only. */
  words: string[];
  /** Each quoted phrase as its words, in order. */
  phrases: string[][];
  /** Words that must not occur. */
  excluded: string[];
  /** `in:` without its `#` or `@`, lower case. */
  in?: string;
  /** `from:` without its `@`, lower case: an address or part of a name. */
  from?: string;
  /** `type:` as kinds; empty means every kind. */
  types: SearchKind[];
  /** `before:` and `after:` as days, `YYYY-MM-DD`. */
  before?: string;
  after?: string;
};

/** A mistake in the query, said so that the person can correct it. */
export type SearchProblem = { message: string };

const FILTER = /^(in|from|type|before|after):(.*)$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The letters-and-digits words of a text, lower case: what the text index stores. */
export function searchWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}

function isDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Reads a query; every problem is reported at once, and a query with problems must not run. */
export function parseSearch(q: string): { query: ParsedSearch; problems: SearchProblem[] } {
  const query: ParsedSearch = { words: [], phrases: [], excluded: [], types: [] };
  const problems: SearchProblem[] = [];
  // Quoted phrases first, so a filter-looking word inside quotes is just a word.
  const rest = q.replace(/"([^"]*)"?/g, (_, phrase: string) => {
    const words = searchWords(phrase);
    if (words.length > 1) query.phrases.push(words);
    else query.words.push(...words);
    return " ";
  });
  for (const token of rest.split(/\s+/).filter(Boolean)) {
    const filter = FILTER.exec(token);
    if (filter) {
      const name = (filter[1] ?? "").toLowerCase();
      const value = (filter[2] ?? "").trim();
      if (!value) {
        problems.push({ message: `${name}: needs a value, like ${exampleOf(name)}.` });
        continue;
      }
      if (name === "in") query.in = value.replace(/^[#@]/, "").toLowerCase();
      else if (name === "from") query.from = value.replace(/^@/, "").toLowerCase();
      else if (name === "type") {
        for (const alias of value.toLowerCase().split(",")) {
          const kinds = kindAliases[alias] ?? kindAliases[alias.replace(/s$/, "")];
          if (kinds) query.types.push(...kinds.filter((kind) => !query.types.includes(kind)));
          else
            problems.push({ message: `type:${alias} is not a kind; use one of ${searchKinds.join(", ")}.` });
        }
      } else if (isDay(value)) {
        if (name === "before") query.before = value;
        else query.after = value;
      } else problems.push({ message: `${name}: needs a day like 2026-11-01.` });
      continue;
    }
    if (token.startsWith("-") && token.length > 1) {
      query.excluded.push(...searchWords(token.slice(1)));
      continue;
    }
    query.words.push(...searchWords(token));
  }
  if (query.after && query.before && query.after >= query.before)
    problems.push({ message: "after: must be an earlier day than before:." });
  return { query, problems };
}

function exampleOf(filter: string): string {
  if (filter === "in") return "in:#general";
  if (filter === "from") return "from:ned@northwind.example";
  if (filter === "type") return "type:ticket";
  return `${filter}:2026-11-01`;
}

/** Whether the query asks for anything: words or a phrase, or a filter that narrows by itself. */
export function isEmptySearch(query: ParsedSearch): boolean {
  return (
    query.words.length === 0 &&
    query.phrases.length === 0 &&
    !query.in &&
    !query.from &&
    !query.before &&
    !query.after
  );
}

/** Whether a kind is asked for by the query's `type:` (every kind when none is given). */
export function wantsKind(query: ParsedSearch, kind: SearchKind): boolean {
  return query.types.length === 0 || query.types.includes(kind);
}
