import { eq, inArray } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import { notify } from "../../platform/notifications/service.js";
import { ticketItem } from "./notifications.js";
import { ticketComments, tickets, ticketWatchers } from "./schema.js";
import { announceTicketChange } from "./tickets.js";

/**
 * A published release fixes these tickets: each gets a public comment saying so, and its requester and
 * watchers a notification, in the publisher's transaction. The ticket's status is left alone on
 * purpose: whether the fix answers the customer is for them and the desk to say, so staff close it.
 */
export async function noteTicketsFixedInRelease(
  ctx: ActorCtx,
  input: { ticketIds: string[]; release: { headline: string; url: string } },
): Promise<void> {
  if (input.ticketIds.length === 0) return;
  const rows = await ctx.db.select().from(tickets).where(inArray(tickets.id, input.ticketIds));
  const body = `Fixed in [${input.release.headline}](${input.release.url}). Tell us whether it works for you; we close the ticket once it does.`;
  for (const ticket of rows) {
    const [comment] = await ctx.db
      .insert(ticketComments)
      .values({ ticketId: ticket.id, authorId: ctx.actor.id, authorName: ctx.actor.name, body })
      .returning({ id: ticketComments.id });
    if (!comment) throw new Error("comment row was not written");
    await ctx.db.update(tickets).set({ updatedAt: new Date() }).where(eq(tickets.id, ticket.id));
    const watchers = await ctx.db
      .select({ userId: ticketWatchers.userId })
      .from(ticketWatchers)
      .where(eq(ticketWatchers.ticketId, ticket.id));
    await notify(ctx, {
      kind: "desk.ticket_released",
      recipients: [...(ticket.requesterId ? [ticket.requesterId] : []), ...watchers.map((w) => w.userId)],
      item: {
        type: ticketItem.type,
        id: ticket.id,
        title: `#${ticket.number} ${ticket.subject}`,
        url: `/desk/tickets/${ticket.id}#comment-${comment.id}`,
      },
      excerpt: `Fixed in ${input.release.headline}.`,
      actor: { id: ctx.actor.id, name: ctx.actor.name },
    });
    await announceTicketChange(ctx, ticket.id);
  }
}
