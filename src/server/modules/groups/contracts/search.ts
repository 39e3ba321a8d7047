import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { tag } from "./groups.js";

// --- input ---

const searchQuery = z.object({
  q: z
    .string({ error: "Enter words to search for." })
    .trim()
    .min(2, "Enter at least 2 characters.")
    .max(200, "Use at most 200 characters."),
  group: z.string().max(40, "Not a valid handle.").optional(),
});

// --- output ---

export const searchHit = z.object({
  group: z.object({ handle: z.string(), name: z.string() }),
  topicId: z.string(),
  subject: z.string(),
  messageId: z.string(),
  snippet: z.string(),
  at: z.string(),
});
export type SearchHit = z.infer<typeof searchHit>;

// --- operations ---

export const searchGroupMessages = operation({
  operationId: "searchGroupMessages",
  summary: "Messages matching the words, in the groups the caller reads (or in one of them)",
  description:
    "The one search's syntax (GET /api/search): words as prefixes, \"phrases\", -word, in: a group's handle, from:, before:, after:. " +
    "A topic found by its subject is answered with its first published message.",
  method: "GET",
  path: "/api/groups/search",
  access: "member",
  tag,
  query: searchQuery,
  response: z.object({ results: z.array(searchHit) }),
  errors: ["not_found"],
});
