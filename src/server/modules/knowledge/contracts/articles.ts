import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { idParam, requiredText, someChange, uuidField } from "../../../../shared/fields.js";

export const articleStatuses = ["draft", "published"] as const;
export type ArticleStatus = (typeof articleStatuses)[number];
/** Who reads a published article: every signed-in member, or the product team alone. */
export const articleAudiences = ["members", "staff"] as const;
export type ArticleAudience = (typeof articleAudiences)[number];
/** The answers an article can be drafted from, one click away in the desk, chat and groups. */
export const articleSourceKinds = ["ticket_comment", "chat_message", "group_message"] as const;
export type ArticleSourceKind = (typeof articleSourceKinds)[number];

const tag = "knowledge";
/** The most of a ticket being written that suggestions read; the web cuts what it sends to this. */
export const SUGGESTION_TEXT_MAX = 2000;

// --- input ---

const articleFields = {
  title: requiredText("Give the article a title.", 200),
  body: requiredText("Write the article.", 50_000),
  categoryId: uuidField,
  status: z.enum(articleStatuses, { error: "Choose draft or published." }).default("draft"),
  audience: z.enum(articleAudiences, { error: "Choose members or staff." }).default("members"),
};
export const articleInput = z.object(articleFields);
export type ArticleInput = z.output<typeof articleInput>;
export const articleChanges = someChange({
  title: articleFields.title.optional(),
  body: articleFields.body.optional(),
  categoryId: uuidField.optional(),
  status: z.enum(articleStatuses, { error: "Choose draft or published." }).optional(),
  audience: z.enum(articleAudiences, { error: "Choose members or staff." }).optional(),
});
export type ArticleChanges = z.output<typeof articleChanges>;
export const articleSource = z.object({
  kind: z.enum(articleSourceKinds, { error: "Choose a ticket comment, a chat message or a group message." }),
  id: uuidField,
});
export type ArticleSource = z.output<typeof articleSource>;

// --- output ---

const categoryRef = z.object({ id: z.string(), name: z.string() });
export const articleSummary = z.object({
  id: z.string(),
  title: z.string(),
  category: categoryRef,
  status: z.enum(articleStatuses),
  audience: z.enum(articleAudiences),
  /** The first words of the body as plain text. */
  excerpt: z.string(),
  updatedAt: z.string(),
});
export type ArticleSummary = z.infer<typeof articleSummary>;

/** How the suggestions it was opened from did: for the product team only. */
const articleOutcomes = z.object({ suggestionViews: z.number(), answered: z.number() });
/** Where a drafted article came from, for the product team to follow back. */
const sourceLink = z.object({ kind: z.enum(articleSourceKinds), label: z.string(), path: z.string() });

export const article = articleSummary.extend({
  body: z.string(),
  /** The body rendered by the one Markdown renderer and sanitizer. */
  html: z.string(),
  version: z.number(),
  publishedAt: z.string().nullable(),
  /** Staff only: null for everyone else. */
  outcomes: articleOutcomes.nullable(),
  source: sourceLink.nullable(),
  /** Whether the caller said this article answered their question. */
  answeredByMe: z.boolean(),
});
export type Article = z.infer<typeof article>;

export const articleVersionSummary = z.object({
  number: z.number(),
  title: z.string(),
  status: z.enum(articleStatuses),
  audience: z.enum(articleAudiences),
  savedBy: z.string(),
  savedAt: z.string(),
});
export type ArticleVersionSummary = z.infer<typeof articleVersionSummary>;
export const articleVersion = articleVersionSummary.extend({ body: z.string(), html: z.string() });
export type ArticleVersion = z.infer<typeof articleVersion>;

export const suggestion = z.object({
  id: z.string(),
  title: z.string(),
  category: z.string(),
  /** The start of the body as plain text. */
  snippet: z.string(),
});
export type Suggestion = z.infer<typeof suggestion>;

// --- operations ---

export const listArticles = operation({
  operationId: "listKnowledgeArticles",
  summary: "The articles the caller may read (drafts and staff-only ones for the product team), by category",
  method: "GET",
  path: "/api/knowledge/articles",
  access: "member",
  tag,
  query: z.object({ categoryId: uuidField.optional() }),
  response: z.object({ articles: z.array(articleSummary) }),
});

export const getArticle = operation({
  operationId: "getKnowledgeArticle",
  summary: "One article; a draft or a staff-only article is missing to everyone outside the product team",
  method: "GET",
  path: "/api/knowledge/articles/:id",
  access: "member",
  tag,
  params: idParam,
  response: article,
});

export const suggestArticles = operation({
  operationId: "suggestKnowledgeArticles",
  summary: "The few published articles the caller may read that best match a ticket being written",
  description:
    "Any of the text's words may match (each as a prefix), ranked by the one search's text rank; the text is free, so nothing in it is read as search syntax.",
  method: "GET",
  path: "/api/knowledge/suggestions",
  access: "member",
  tag,
  query: z.object({
    text: z.string().max(SUGGESTION_TEXT_MAX, "Use at most 2,000 characters.").default(""),
  }),
  response: z.object({ articles: z.array(suggestion) }),
});

export const recordSuggestionView = operation({
  operationId: "recordKnowledgeSuggestionView",
  summary: "Count that the caller opened an article from a suggestion",
  method: "POST",
  path: "/api/knowledge/articles/:id/suggestion-views",
  access: "member",
  tag,
  params: idParam,
});

export const recordAnswered = operation({
  operationId: "recordKnowledgeAnswered",
  summary: "Record that an article answered the caller's question, so no ticket was needed (once per person)",
  method: "POST",
  path: "/api/knowledge/articles/:id/answered",
  access: "member",
  tag,
  params: idParam,
});

export const createArticle = operation({
  operationId: "createKnowledgeArticle",
  summary: "Write an article (version 1)",
  method: "POST",
  path: "/api/admin/knowledge/articles",
  access: "staff",
  tag,
  body: articleInput,
  response: article,
  status: 201,
});

export const draftArticleFromSource = operation({
  operationId: "draftKnowledgeArticleFromSource",
  summary: "Draft an article from a ticket comment, a chat message or a group message, linked back to it",
  method: "POST",
  path: "/api/admin/knowledge/articles/from-source",
  access: "staff",
  tag,
  body: articleSource,
  response: article,
  status: 201,
  errors: ["not_found"],
});

export const updateArticle = operation({
  operationId: "updateKnowledgeArticle",
  summary: "Save changes to an article as its next version (publish, unpublish and audience included)",
  method: "PATCH",
  path: "/api/admin/knowledge/articles/:id",
  access: "staff",
  tag,
  params: idParam,
  body: articleChanges,
  response: article,
});

export const listArticleVersions = operation({
  operationId: "listKnowledgeArticleVersions",
  summary: "An article's saved versions, newest first",
  method: "GET",
  path: "/api/admin/knowledge/articles/:id/versions",
  access: "staff",
  tag,
  params: idParam,
  response: z.object({ versions: z.array(articleVersionSummary) }),
});

export const getArticleVersion = operation({
  operationId: "getKnowledgeArticleVersion",
  summary: "One earlier version of an article as it was saved",
  method: "GET",
  path: "/api/admin/knowledge/articles/:id/versions/:number",
  access: "staff",
  tag,
  params: z.object({
    id: uuidField,
    number: z.coerce
      .number({ error: "Give the version as a number." })
      .int("Give the version as a whole number.")
      .min(1, "Versions start at 1.")
      .max(2_000_000_000, "No article has that many versions."),
  }),
  response: articleVersion,
});

/**
 * An article changed. Sent to every signed-in member when it was or is readable by members (so an
 * open page of an article that was withdrawn learns it is gone), else to the product team alone; it
 * carries the id only, so nothing of a draft or a staff-only article reaches anyone else.
 */
export const articleChanged = defineEvent<{ articleId: string }>("knowledge.article");
