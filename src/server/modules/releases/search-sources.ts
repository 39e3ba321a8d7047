import { and, desc, sql } from "drizzle-orm";
import { outer } from "../../db/correlated.js";
import { defineSearchKind } from "../../platform/search/engine.js";
import { fromHeadline, highlightName } from "../../platform/search/text-query.js";
import { visibleReleases } from "./policy.js";
import { releaseFeatures, releases } from "./schema.js";

/** What a release's page shows under its title: its notes and features. */
const releaseBody = sql<string>`${releases.notes} || coalesce((
  select string_agg(' ' || f.title || ' ' || f.description, '' order by f.position)
  from ${releaseFeatures} f where f.release_id = ${outer(releases.id)}), '')`;
/**
 * The title and body as one text index. There are a few releases a year, so it is computed on the
 * fly rather than kept in a generated column.
 */
const releaseVector = sql`to_tsvector('english', ${releases.title} || ' ' || ${releaseBody})`;

/** The release day as a moment, for `before:` and `after:`, which count days in UTC. */
const releaseDay = sql`(${releases.releaseDate}::timestamp at time zone 'UTC')`;

/**
 * Releases by their text: published ones for everyone, drafts for the product team as well (the rule
 * of the release pages, policy.ts `canSeeRelease`). A release has no author or place a reader sees,
 * so a query narrowed by `from:` or `in:` finds none.
 */
defineSearchKind("release", async (ctx, { text, limit }) => {
  const { parsed } = text;
  if (parsed.in || parsed.from) return [];
  const rank = text.rank(releaseVector);
  const rows = await ctx.db
    .select({
      id: releases.id,
      version: releases.version,
      title: releases.title,
      status: releases.status,
      releaseDate: releases.releaseDate,
      rank,
      headline: text.headline(releaseBody),
    })
    .from(releases)
    .where(and(visibleReleases(ctx.actor), text.matches(releaseVector), text.inDays(releaseDay)))
    .orderBy(...(text.hasText ? [desc(rank)] : []), desc(releases.releaseDate))
    .limit(limit);
  return rows.map((row) => ({
    kind: "release" as const,
    id: row.id,
    title: highlightName(`Convene ${row.version}: ${row.title}`, parsed),
    snippet: fromHeadline(row.headline),
    context: row.status === "draft" ? "Draft" : null,
    path: `/releases/${encodeURIComponent(row.version)}`,
    at: `${row.releaseDate}T00:00:00.000Z`,
    rank: Number(row.rank),
  }));
});
