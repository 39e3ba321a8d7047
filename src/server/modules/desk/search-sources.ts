import { and, desc, inArray } from "drizzle-orm";
import { defineSearchKind } from "../../platform/search/engine.js";
import { fromHeadline, highlightName, RANKED_MATCHES, rankable } from "../../platform/search/text-query.js";
import { listOrganisations } from "../accounts/index.js";
import { ticketStatusLabels } from "./present.js";
import { tickets } from "./schema.js";
import { visibleTo } from "./tickets.js";

/**
 * Tickets by their subject and description, the ones the person may open (their own, those a
 * colleague shared with their organisation, every ticket for staff: the desk list's rule). Comments
 * are not searched, so an internal note can never surface to a customer. `from:` is the requester;
 * a ticket lives in no channel, group, project or study, so a query narrowed by `in:` finds none.
 */
defineSearchKind("ticket", async (ctx, { text, authorIds, limit }) => {
  const { parsed } = text;
  if (parsed.in) return [];
  const matching = and(
    visibleTo(ctx.actor),
    text.matches(tickets.search),
    authorIds ? inArray(tickets.requesterId, authorIds) : undefined,
    text.inDays(tickets.createdAt),
  );
  // The best of the newest matches only (RANKED_MATCHES); the number counts up as tickets are opened,
  // and its unique index reads them newest first.
  const newestMatching = ctx.db
    .select({ id: tickets.id })
    .from(tickets)
    .where(matching)
    .orderBy(desc(tickets.number))
    .limit(RANKED_MATCHES);
  const rank = text.rank(tickets.search);
  const rows = await ctx.db
    .select({
      id: tickets.id,
      number: tickets.number,
      subject: tickets.subject,
      status: tickets.status,
      organisationId: tickets.organisationId,
      createdAt: tickets.createdAt,
      rank,
      headline: text.headline(tickets.description),
    })
    .from(tickets)
    .where(rankable(text, tickets.id, newestMatching, matching))
    .orderBy(...(text.hasText ? [desc(rank)] : []), desc(tickets.createdAt))
    .limit(limit);
  const organisationIds = [
    ...new Set(rows.flatMap((row) => (row.organisationId ? [row.organisationId] : []))),
  ];
  const organisations = new Map(
    (organisationIds.length > 0 ? await listOrganisations(ctx.db, organisationIds) : []).map((o) => [
      o.id,
      o.name,
    ]),
  );
  return rows.map((row) => {
    const organisation = row.organisationId ? organisations.get(row.organisationId) : undefined;
    return {
      kind: "ticket" as const,
      id: row.id,
      title: highlightName(row.subject, parsed),
      snippet: fromHeadline(row.headline),
      context: [`#${row.number}`, organisation, ticketStatusLabels[row.status]].filter(Boolean).join(" · "),
      path: `/desk/tickets/${row.id}`,
      at: row.createdAt.toISOString(),
      rank: Number(row.rank),
    };
  });
});
