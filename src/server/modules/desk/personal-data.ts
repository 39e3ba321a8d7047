import { asc, eq, or, sql } from "drizzle-orm";
import { definePersonalDataArea } from "../../platform/personal-data/registry.js";
import { ticketComments, tickets } from "./schema.js";

const REMOVED = "(Removed at the author's request.)";

/**
 * The tickets the person asked for and the comments they wrote. Tickets copy the requester's name and
 * address and comments their author's name (a ticket keeps who asked even if the account goes), so
 * erasure rewrites those copies, the access-request form included; with content removed, the
 * descriptions and comments they wrote say so, while the subjects stay as the desk's record.
 */
definePersonalDataArea({
  name: "tickets",
  async collect(ctx, { id: userId }) {
    const requested = await ctx.db
      .select({
        number: tickets.number,
        type: tickets.type,
        subject: tickets.subject,
        description: tickets.description,
        status: tickets.status,
        createdAt: tickets.createdAt,
        updatedAt: tickets.updatedAt,
      })
      .from(tickets)
      .where(eq(tickets.requesterId, userId))
      .orderBy(asc(tickets.number));
    const comments = await ctx.db
      .select({
        ticket: tickets.number,
        body: ticketComments.body,
        internal: ticketComments.internal,
        createdAt: ticketComments.createdAt,
      })
      .from(ticketComments)
      .innerJoin(tickets, eq(tickets.id, ticketComments.ticketId))
      .where(eq(ticketComments.authorId, userId))
      .orderBy(asc(ticketComments.createdAt));
    return { tickets: requested, comments };
  },
  async erase(ctx, { userId, pseudonym, pseudonymEmail, formerEmail, removeContent }) {
    const theirs = or(eq(tickets.requesterId, userId), eq(tickets.requesterEmail, formerEmail));
    await ctx.db
      .update(tickets)
      .set({
        requesterName: pseudonym,
        requesterEmail: pseudonymEmail,
        accessRequest: sql`case when ${tickets.accessRequest} is null then null else ${tickets.accessRequest} || ${JSON.stringify({ name: pseudonym, email: pseudonymEmail })}::jsonb end`,
        ...(removeContent ? { description: REMOVED } : {}),
      })
      .where(theirs);
    await ctx.db
      .update(ticketComments)
      .set(removeContent ? { authorName: pseudonym, body: REMOVED } : { authorName: pseudonym })
      .where(eq(ticketComments.authorId, userId));
  },
});
