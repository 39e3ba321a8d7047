import { and, desc, inArray } from "drizzle-orm";
import { defineSearchKind } from "../../platform/search/engine.js";
import { fromHeadline, highlightName, RANKED_MATCHES, rankable } from "../../platform/search/text-query.js";
import { ideaModuleLabels, ideaStatusLabels } from "./contracts/ideas.js";
import { ideaUrl } from "./notifications.js";
import { ideas } from "./schema.js";

/**
 * Ideas by their title and problem: every signed-in person reads every idea (policy.ts), merged
 * duplicates included (their page says where they went). `from:` is the author; an idea lives in no
 * channel, group, project or study, so a query narrowed by `in:` finds none.
 */
defineSearchKind("idea", async (ctx, { text, authorIds, limit }) => {
  const { parsed } = text;
  if (parsed.in) return [];
  const matching = and(
    text.matches(ideas.search),
    authorIds ? inArray(ideas.authorId, authorIds) : undefined,
    text.inDays(ideas.createdAt),
  );
  // The best of the newest matches only (RANKED_MATCHES), read newest first by the created index.
  const newestMatching = ctx.db
    .select({ id: ideas.id })
    .from(ideas)
    .where(matching)
    .orderBy(desc(ideas.createdAt))
    .limit(RANKED_MATCHES);
  const rank = text.rank(ideas.search);
  const rows = await ctx.db
    .select({
      id: ideas.id,
      title: ideas.title,
      module: ideas.module,
      status: ideas.status,
      createdAt: ideas.createdAt,
      rank,
      headline: text.headline(ideas.problem),
    })
    .from(ideas)
    .where(rankable(text, ideas.id, newestMatching, matching))
    .orderBy(...(text.hasText ? [desc(rank)] : []), desc(ideas.createdAt))
    .limit(limit);
  return rows.map((row) => ({
    kind: "idea" as const,
    id: row.id,
    title: highlightName(row.title, parsed),
    snippet: fromHeadline(row.headline),
    context: `${ideaModuleLabels[row.module]} · ${ideaStatusLabels[row.status]}`,
    path: ideaUrl(row.id),
    at: row.createdAt.toISOString(),
    rank: Number(row.rank),
  }));
});
