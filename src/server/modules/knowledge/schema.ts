import { sql } from "drizzle-orm";
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tsvector, updatedAt } from "../../db/columns.js";
import type { ArticleAudience, ArticleSourceKind, ArticleStatus } from "./contracts/articles.js";

/** The shelves of the knowledge base, in the order staff put them. */
export const knowledgeCategories = pgTable("knowledge_categories", {
  id: id(),
  name: text("name").notNull().unique(),
  position: integer("position").notNull(),
  createdAt: createdAt(),
});

/**
 * An article as it reads now; every save also writes a row of `knowledge_article_versions`, whose
 * newest number is `version`. `source_*` remember the answer it was drafted from (a ticket comment, a
 * chat message, a group message), as the label and path staff follow back to it.
 */
export const knowledgeArticles = pgTable(
  "knowledge_articles",
  {
    id: id(),
    categoryId: uuid("category_id")
      .notNull()
      .references(() => knowledgeCategories.id),
    title: text("title").notNull(),
    body: text("body").notNull(),
    status: text("status").$type<ArticleStatus>().notNull().default("draft"),
    audience: text("audience").$type<ArticleAudience>().notNull().default("members"),
    version: integer("version").notNull().default(1),
    sourceKind: text("source_kind").$type<ArticleSourceKind>(),
    sourceId: uuid("source_id"),
    sourceLabel: text("source_label"),
    sourcePath: text("source_path"),
    createdBy: uuid("created_by").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    search: tsvector("search").generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(body, '')), 'B')`,
    ),
  },
  (t) => [
    index("knowledge_articles_category_idx").on(t.categoryId, t.title),
    index("knowledge_articles_search_idx").using("gin", t.search),
  ],
);

/** Every save of an article, as it was saved: the history staff read back. */
export const knowledgeArticleVersions = pgTable(
  "knowledge_article_versions",
  {
    id: id(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => knowledgeArticles.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    status: text("status").$type<ArticleStatus>().notNull(),
    audience: text("audience").$type<ArticleAudience>().notNull(),
    savedBy: uuid("saved_by").notNull(),
    savedAt: timestamp("saved_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("knowledge_article_versions_number_idx").on(t.articleId, t.number)],
);

/**
 * What an article suggested while a ticket was written did for one person: how often they opened it
 * from a suggestion, and whether it answered their question (a deflected ticket, counted once).
 */
export const knowledgeDeflections = pgTable(
  "knowledge_deflections",
  {
    articleId: uuid("article_id")
      .notNull()
      .references(() => knowledgeArticles.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull(),
    suggestionViews: integer("suggestion_views").notNull().default(0),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.userId] })],
);
