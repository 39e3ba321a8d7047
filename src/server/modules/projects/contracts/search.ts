import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { uuidField } from "../../../../shared/fields.js";
import { itemVisibilities, tag } from "./common.js";

export const searchQuery = z.object({
  q: z
    .string({ error: "Enter what to search for." })
    .trim()
    .min(2, "Enter at least 2 characters.")
    .max(200, "Use at most 200 characters."),
  projectId: uuidField.optional(),
});
export type SearchQuery = z.output<typeof searchQuery>;

export const searchHitKinds = ["post", "comment", "document", "file"] as const;
export type SearchHitKind = (typeof searchHitKinds)[number];
/** One search result; `itemId` is the item to open (for a comment, its post). */
export const searchHit = z.object({
  kind: z.enum(searchHitKinds),
  projectId: z.string(),
  projectName: z.string(),
  itemId: z.string(),
  title: z.string(),
  /**
   * The text around its best matches, one line (a short text whole; its start when only the title
   * matched); empty for a file, found by its name.
   */
  snippet: z.string(),
  visibility: z.enum(itemVisibilities),
  at: z.string(),
});
export type SearchHit = z.infer<typeof searchHit>;

export const searchProjects = operation({
  operationId: "searchProjects",
  summary: "Search posts, comments, documents and files of one's projects",
  description:
    'The one search\'s syntax (GET /api/search): words as prefixes, "phrases", -word, in: a project, from:, before:, after:.',
  method: "GET",
  path: "/api/projects/search",
  access: "member",
  tag,
  query: searchQuery,
  response: z.object({ hits: z.array(searchHit) }),
});
