import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type {
  ArticleChanges,
  ArticleInput,
  ArticleSource,
} from "../../../server/modules/knowledge/contracts/articles.js";
import * as articles from "../../../server/modules/knowledge/contracts/articles.js";
import type { CategoryChanges } from "../../../server/modules/knowledge/contracts/categories.js";
import * as categories from "../../../server/modules/knowledge/contracts/categories.js";
import { callApi } from "../../app/api.js";
import { useLiveQueries, whenEvent } from "../../app/live.js";

export type {
  Article,
  ArticleAudience,
  ArticleInput,
  ArticleSourceKind,
  ArticleStatus,
  ArticleSummary,
  ArticleVersionSummary,
  Suggestion,
} from "../../../server/modules/knowledge/contracts/articles.js";
export type { Category } from "../../../server/modules/knowledge/contracts/categories.js";

export const articlePath = (id: string) => `/help/articles/${id}`;
export const editorPath = (id: string) => `/help/articles/${id}/edit`;
/** An article opened from a suggestion on the new-ticket page: it offers "This answered my question". */
export const suggestedArticlePath = (id: string) => `${articlePath(id)}?from=suggestion`;

export const knowledgeKeys = {
  all: ["knowledge"] as const,
  categories: ["knowledge", "categories"] as const,
  articles: ["knowledge", "articles"] as const,
  article: (id: string) => ["knowledge", "article", id] as const,
  versions: (id: string) => ["knowledge", "article", id, "versions"] as const,
  version: (id: string, number: number) => ["knowledge", "article", id, "versions", number] as const,
  suggestions: (text: string) => ["knowledge", "suggestions", text] as const,
};

export const knowledgeApi = {
  createCategory: (name: string) => callApi(categories.createCategory, { body: { name } }),
  updateCategory: (id: string, body: CategoryChanges) =>
    callApi(categories.updateCategory, { params: { id }, body }),
  create: (body: ArticleInput) => callApi(articles.createArticle, { body }),
  update: (id: string, body: ArticleChanges) => callApi(articles.updateArticle, { params: { id }, body }),
  draftFromSource: (body: ArticleSource) => callApi(articles.draftArticleFromSource, { body }),
  recordSuggestionView: (id: string) => callApi(articles.recordSuggestionView, { params: { id } }),
  recordAnswered: (id: string) => callApi(articles.recordAnswered, { params: { id } }),
};

/** Articles and categories follow the server's events while a knowledge page is open. */
const knowledgeLive = [
  whenEvent(articles.articleChanged, ({ articleId }) => [
    knowledgeKeys.articles,
    knowledgeKeys.categories,
    knowledgeKeys.article(articleId),
  ]),
  whenEvent(categories.categoriesChanged, () => [knowledgeKeys.categories, knowledgeKeys.articles]),
];
export const useKnowledgeLive = () => useLiveQueries(knowledgeLive);

export const useCategories = () =>
  useQuery({
    queryKey: knowledgeKeys.categories,
    queryFn: () => callApi(categories.listCategories, {}),
    select: (data) => data.categories,
  });

export const useArticles = () =>
  useQuery({
    queryKey: knowledgeKeys.articles,
    queryFn: () => callApi(articles.listArticles, {}),
    select: (data) => data.articles,
  });

/** An article by id; none asked for without one (the editor of a new article). */
export const useArticle = (id: string | undefined) =>
  useQuery({
    queryKey: knowledgeKeys.article(id ?? ""),
    queryFn: () => callApi(articles.getArticle, { params: { id: id ?? "" } }),
    enabled: id !== undefined,
    retry: false,
  });

export const useArticleVersions = (id: string) =>
  useQuery({
    queryKey: knowledgeKeys.versions(id),
    queryFn: () => callApi(articles.listArticleVersions, { params: { id } }),
    select: (data) => data.versions,
  });

export const useArticleVersion = (id: string, number: number | null) =>
  useQuery({
    queryKey: knowledgeKeys.version(id, number ?? 0),
    queryFn: () => callApi(articles.getArticleVersion, { params: { id, number: number ?? 0 } }),
    enabled: number !== null,
  });

/** The articles suggested for a ticket being written; the last answer stays while the next loads. */
export const useSuggestions = (text: string) =>
  useQuery({
    queryKey: knowledgeKeys.suggestions(text),
    queryFn: () =>
      callApi(articles.suggestArticles, { query: { text: text.slice(0, articles.SUGGESTION_TEXT_MAX) } }),
    select: (data) => data.articles,
    enabled: text.trim().length >= 3,
    placeholderData: keepPreviousData,
  });
