/** The one search across everything a person may see (syntax: src/shared/search-query.ts). */
import { z } from "zod";
import { operation } from "../contract.js";
import { searchKinds } from "../search-query.js";

const tag = "search";

/** Hits per kind in the grouped answer, and at most when one kind is asked for ("more"). */
export const SEARCH_HITS_PER_KIND = 5;
export const SEARCH_HITS_MAX = 50;

/** A text with the parts that matched: `start` to `end` (exclusive) offsets into `text`. */
export const highlighted = z.object({
  text: z.string(),
  marks: z.array(z.object({ start: z.number().int(), end: z.number().int() })),
});
export type Highlighted = z.infer<typeof highlighted>;

export const searchHit = z.object({
  kind: z.enum(searchKinds),
  id: z.string(),
  title: highlighted,
  /** Around the match, for kinds with a body; null for names. */
  snippet: highlighted.nullable(),
  /** Where the hit lives: "#general", a project's or group's name, an organisation. */
  context: z.string().nullable(),
  /** The web page that shows the hit. */
  path: z.string(),
  at: z.string().nullable(),
  rank: z.number(),
});
export type SearchHit = z.infer<typeof searchHit>;

export const searchGroup = z.object({
  kind: z.enum(searchKinds),
  hits: z.array(searchHit),
  /** More hits of this kind exist than were sent. */
  more: z.boolean(),
});
export type SearchGroup = z.infer<typeof searchGroup>;

export const search = operation({
  operationId: "search",
  summary: "Search everything the caller may see",
  description:
    'Words match as prefixes; "a phrase" in order; -word excludes; filters in:, from:, type:, before: and after:. ' +
    "Each kind is searched with its own module's visibility rules; the answer is grouped by kind, the best first.",
  method: "GET",
  path: "/api/search",
  access: "member",
  tag,
  query: z.object({
    q: z.string().trim().min(1, "Type something to look for.").max(500, "Use at most 500 characters."),
    /** One kind only, up to `limit` hits: the "more" of a group. */
    kind: z.enum(searchKinds, { error: `Use one of ${searchKinds.join(", ")}.` }).optional(),
    limit: z.coerce
      .number({ error: "Give a number." })
      .int("Give a whole number.")
      .min(1, "At least 1.")
      .max(SEARCH_HITS_MAX, `At most ${SEARCH_HITS_MAX}.`)
      .optional(),
  }),
  response: z.object({ groups: z.array(searchGroup) }),
});
