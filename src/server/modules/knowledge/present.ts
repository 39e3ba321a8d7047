import { markdownExcerpt, renderMarkdown } from "../../platform/markdown.js";
import type { Article, ArticleSummary, ArticleVersion, ArticleVersionSummary } from "./contracts/articles.js";
import type { Category } from "./contracts/categories.js";
import type { knowledgeArticles, knowledgeArticleVersions, knowledgeCategories } from "./schema.js";

export type CategoryRow = typeof knowledgeCategories.$inferSelect;
export type ArticleRow = typeof knowledgeArticles.$inferSelect;
export type VersionRow = typeof knowledgeArticleVersions.$inferSelect;

export const articlePath = (id: string) => `/help/articles/${id}`;

export const presentCategory = (row: CategoryRow, articleCount: number): Category => ({
  id: row.id,
  name: row.name,
  position: row.position,
  articleCount,
});

export function presentArticleSummary(row: ArticleRow, category: CategoryRow): ArticleSummary {
  return {
    id: row.id,
    title: row.title,
    category: { id: category.id, name: category.name },
    status: row.status,
    audience: row.audience,
    excerpt: markdownExcerpt(row.body),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function presentArticle(
  row: ArticleRow,
  category: CategoryRow,
  extra: { staffView: boolean; outcomes: Article["outcomes"]; answeredByMe: boolean },
): Article {
  return {
    ...presentArticleSummary(row, category),
    body: row.body,
    html: renderMarkdown(row.body),
    version: row.version,
    publishedAt: row.publishedAt?.toISOString() ?? null,
    outcomes: extra.staffView ? extra.outcomes : null,
    source:
      extra.staffView && row.sourceKind && row.sourceLabel && row.sourcePath
        ? { kind: row.sourceKind, label: row.sourceLabel, path: row.sourcePath }
        : null,
    answeredByMe: extra.answeredByMe,
  };
}

export function presentVersionSummary(row: VersionRow, savedBy: string): ArticleVersionSummary {
  return {
    number: row.number,
    title: row.title,
    status: row.status,
    audience: row.audience,
    savedBy,
    savedAt: row.savedAt.toISOString(),
  };
}

export const presentVersion = (row: VersionRow, savedBy: string): ArticleVersion => ({
  ...presentVersionSummary(row, savedBy),
  body: row.body,
  html: renderMarkdown(row.body),
});
