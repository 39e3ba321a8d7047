import { asc, eq } from "drizzle-orm";
import { definePersonalDataArea } from "../../platform/personal-data/registry.js";
import { isForMembers } from "./policy.js";
import { knowledgeArticles, knowledgeArticleVersions, knowledgeDeflections } from "./schema.js";

/**
 * What the knowledge base knows of a person: the suggested articles they opened and those that
 * answered their question, and (for the product team) the versions they saved. The rows name the
 * person by id and hold counts and times only, so erasure has nothing to rewrite: the id now leads to
 * the pseudonym, and the articles' numbers stay whole.
 */
definePersonalDataArea({
  name: "help-articles",
  async collect(ctx, { id: userId }) {
    const suggestions = await ctx.db
      .select({
        title: knowledgeArticles.title,
        status: knowledgeArticles.status,
        audience: knowledgeArticles.audience,
        openedFromSuggestions: knowledgeDeflections.suggestionViews,
        answeredAt: knowledgeDeflections.answeredAt,
      })
      .from(knowledgeDeflections)
      .innerJoin(knowledgeArticles, eq(knowledgeArticles.id, knowledgeDeflections.articleId))
      .where(eq(knowledgeDeflections.userId, userId))
      .orderBy(asc(knowledgeArticles.title));
    const saved = await ctx.db
      .select({
        title: knowledgeArticleVersions.title,
        version: knowledgeArticleVersions.number,
        savedAt: knowledgeArticleVersions.savedAt,
      })
      .from(knowledgeArticleVersions)
      .where(eq(knowledgeArticleVersions.savedBy, userId))
      .orderBy(asc(knowledgeArticleVersions.savedAt));
    return {
      // An article since withdrawn from members is not named: its title may now be the team's alone.
      suggestedArticles: suggestions.map(({ title, status, audience, ...row }) => ({
        title: isForMembers({ status, audience }) ? title : "(an article no longer published)",
        ...row,
      })),
      versionsSaved: saved,
    };
  },
  async erase() {
    // Ids, counts and times only: nothing here holds the name or address erasure replaces.
  },
});
