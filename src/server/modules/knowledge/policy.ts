import { and, eq, type SQL } from "drizzle-orm";
import type { Actor } from "../../platform/context.js";
import type { ArticleAudience, ArticleStatus } from "./contracts/articles.js";
import { knowledgeArticles } from "./schema.js";

type ArticleAccess = { status: ArticleStatus; audience: ArticleAudience };

/** Whether an article reaches every signed-in member: published and written for them. */
export const isForMembers = (article: ArticleAccess) =>
  article.status === "published" && article.audience === "members";

/**
 * Members read the published articles written for them; the product team reads everything, drafts
 * and staff-only articles included. Everyone else never learns the rest exist.
 */
export function canReadArticle(actor: Actor, article: ArticleAccess): boolean {
  return actor.isStaff || isForMembers(article);
}

/** The SQL form of `canReadArticle`, for lists, counts, suggestions and the one search. */
export const readableArticles = (actor: Actor): SQL | undefined =>
  actor.isStaff
    ? undefined
    : and(eq(knowledgeArticles.status, "published"), eq(knowledgeArticles.audience, "members"));
