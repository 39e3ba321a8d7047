import { and, desc, eq } from "drizzle-orm";
import { defineSearchKind } from "../../platform/search/engine.js";
import { highlightName } from "../../platform/search/text-query.js";
import { organisations, users } from "./schema.js";

/**
 * People by name or address: anyone signed in may find any active member, as the direct-message and
 * mention pickers let them. A hit shows the name and organisation, never the address, and opens a
 * direct message.
 */
defineSearchKind("person", async (ctx, { text, limit }) => {
  const { parsed } = text;
  // People have no place, author or day: a query narrowed by those is not about them.
  if (!text.hasText || parsed.in || parsed.from || parsed.before || parsed.after) return [];
  const rank = text.nameRank(users.name);
  const rows = await ctx.db
    .select({
      id: users.id,
      name: users.name,
      isStaff: users.isStaff,
      organisation: organisations.name,
      rank,
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(and(eq(users.status, "active"), text.nameMatches(users.name, users.email)))
    .orderBy(desc(rank), users.name)
    .limit(limit);
  return rows.map((row) => ({
    kind: "person" as const,
    id: row.id,
    title: highlightName(row.name, parsed),
    snippet: null,
    context: row.isStaff ? `${row.organisation} · product team` : row.organisation,
    path: `/chat?with=${row.id}`,
    at: null,
    rank: Number(row.rank),
  }));
});
