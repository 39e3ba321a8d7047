import { and, desc, eq } from "drizzle-orm";
import { defineSearchKind } from "../../platform/search/engine.js";
import { fromHeadline, highlightName, RANKED_MATCHES, rankable } from "../../platform/search/text-query.js";
import { readableArticles } from "./policy.js";
import { articlePath } from "./present.js";
import { knowledgeArticles, knowledgeCategories } from "./schema.js";

/**
 * Knowledge base articles by their title and body, the ones the person may read (published articles
 * for members; drafts and staff-only articles for the product team as well: policy.ts). An article
 * has no author or place a reader sees, so a query narrowed by `from:` or `in:` finds none.
 */
defineSearchKind("article", async (ctx, { text, limit }) => {
  const { parsed } = text;
  if (parsed.in || parsed.from) return [];
  const matching = and(
    readableArticles(ctx.actor),
    text.matches(knowledgeArticles.search),
    text.inDays(knowledgeArticles.updatedAt),
  );
  // Ids are UUIDv7, so the primary key reads the newest matches first (RANKED_MATCHES).
  const newestMatching = ctx.db
    .select({ id: knowledgeArticles.id })
    .from(knowledgeArticles)
    .where(matching)
    .orderBy(desc(knowledgeArticles.id))
    .limit(RANKED_MATCHES);
  const rank = text.rank(knowledgeArticles.search);
  const rows = await ctx.db
    .select({
      id: knowledgeArticles.id,
      title: knowledgeArticles.title,
      status: knowledgeArticles.status,
      audience: knowledgeArticles.audience,
      category: knowledgeCategories.name,
      updatedAt: knowledgeArticles.updatedAt,
      rank,
      headline: text.headline(knowledgeArticles.body),
    })
    .from(knowledgeArticles)
    .innerJoin(knowledgeCategories, eq(knowledgeCategories.id, knowledgeArticles.categoryId))
    .where(rankable(text, knowledgeArticles.id, newestMatching, matching))
    .orderBy(...(text.hasText ? [desc(rank)] : []), desc(knowledgeArticles.updatedAt))
    .limit(limit);
  return rows.map((row) => ({
    kind: "article" as const,
    id: row.id,
    title: highlightName(row.title, parsed),
    snippet: fromHeadline(row.headline),
    context: [
      row.category,
      row.status === "draft" ? "Draft" : null,
      row.audience === "staff" ? "Staff only" : null,
    ]
      .filter(Boolean)
      .join(" · "),
    path: articlePath(row.id),
    at: row.updatedAt.toISOString(),
    rank: Number(row.rank),
  }));
});
