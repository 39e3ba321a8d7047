import type { Route } from "../../../platform/routes.js";
import {
  createArticle,
  getArticle,
  getVersion,
  listArticles,
  listVersions,
  recordAnswered,
  recordSuggestionView,
  updateArticle,
} from "../articles.js";
import * as contract from "../contracts/articles.js";
import { draftArticleFromSource } from "../sources.js";
import { suggestArticles } from "../suggestions.js";

export function articleRoutes(route: Route): void {
  route(contract.listArticles, async ({ ctx, query }) => ({ articles: await listArticles(ctx, query) }));
  route(contract.getArticle, ({ ctx, params }) => getArticle(ctx, params.id));
  route(contract.suggestArticles, async ({ ctx, query }) => ({
    articles: await suggestArticles(ctx, query.text),
  }));
  route(contract.recordSuggestionView, ({ ctx, params }) => recordSuggestionView(ctx, params.id));
  route(contract.recordAnswered, ({ ctx, params }) => recordAnswered(ctx, params.id));

  route(contract.createArticle, ({ ctx, body }) => createArticle(ctx, body));
  route(contract.draftArticleFromSource, ({ ctx, body }) => draftArticleFromSource(ctx, body));
  route(contract.updateArticle, ({ ctx, params, body }) => updateArticle(ctx, params.id, body));
  route(contract.listArticleVersions, async ({ ctx, params }) => ({
    versions: await listVersions(ctx, params.id),
  }));
  route(contract.getArticleVersion, ({ ctx, params }) => getVersion(ctx, params.id, params.number));
}
