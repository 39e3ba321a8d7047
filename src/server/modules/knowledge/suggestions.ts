import { and, desc, eq, sql } from "drizzle-orm";
import { searchWords } from "../../../shared/search-query.js";
import type { ActorCtx } from "../../platform/context.js";
import { markdownExcerpt } from "../../platform/markdown.js";
import type { Suggestion } from "./contracts/articles.js";
import { knowledgeArticles, knowledgeCategories } from "./schema.js";

/** How many articles a ticket being written is offered at most. */
export const SUGGESTIONS = 5;
/** Words shorter than this, as prefixes, match nearly everything ("a", "my"), so they are left out. */
const SHORTEST_WORD = 3;

/**
 * The tsquery of a free text: any of its words, each as a prefix. The words are the text index's own
 * (searchWords: letters and digits only), so nothing a person types is read as tsquery syntax; the
 * english configuration drops the stop words among them. Null when no word is left.
 */
export function anyWordQuery(text: string): string | null {
  const words = [...new Set(searchWords(text).filter((word) => word.length >= SHORTEST_WORD))];
  return words.length > 0 ? words.map((word) => `${word}:*`).join(" | ") : null;
}

/**
 * The published articles for signed-in members that best match what someone is writing as a ticket:
 * members' articles only, even for staff, since the suggestions stand in for what the customer reads.
 * Ranked as the one search ranks (ts_rank_cd, normalised), the title weighing more than the body.
 */
export async function suggestArticles(ctx: ActorCtx, text: string): Promise<Suggestion[]> {
  const query = anyWordQuery(text);
  if (!query) return [];
  const tsquery = sql`to_tsquery('english', ${query})`;
  const rank = sql<number>`ts_rank_cd(${knowledgeArticles.search}, ${tsquery}, 32)`;
  const rows = await ctx.db
    .select({
      id: knowledgeArticles.id,
      title: knowledgeArticles.title,
      category: knowledgeCategories.name,
      body: knowledgeArticles.body,
    })
    .from(knowledgeArticles)
    .innerJoin(knowledgeCategories, eq(knowledgeCategories.id, knowledgeArticles.categoryId))
    .where(
      and(
        eq(knowledgeArticles.status, "published"),
        eq(knowledgeArticles.audience, "members"),
        sql`${knowledgeArticles.search} @@ ${tsquery}`,
      ),
    )
    .orderBy(desc(rank), desc(knowledgeArticles.updatedAt))
    .limit(SUGGESTIONS);
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    category: row.category,
    snippet: markdownExcerpt(row.body, 160),
  }));
}
