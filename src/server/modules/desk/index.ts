// What other modules may use of the desk: service functions only, never its tables.
import { eq } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import { notFound } from "../../platform/errors.js";
import { ticketComments } from "./schema.js";
import { loadVisibleTicket } from "./tickets.js";

export { submitAccessRequest } from "./access-requests.js";
export { noteTicketsFixedInRelease } from "./release-fixes.js";
export { type TicketRef, ticketRefByNumber, ticketRefsVisibleTo, ticketRequesterIds } from "./ticket-refs.js";
export { openTicket } from "./tickets.js";

/**
 * A comment as the actor may read it (the desk's own rule: the ticket must be theirs to open, an
 * internal note staff's), with its ticket's number and subject: what the knowledge base drafts an
 * article from. Missing for anyone who may not see it.
 */
export async function readTicketComment(
  ctx: ActorCtx,
  commentId: string,
): Promise<{ body: string; ticketId: string; ticketNumber: number; ticketSubject: string }> {
  const [comment] = await ctx.db.select().from(ticketComments).where(eq(ticketComments.id, commentId));
  if (!comment || (comment.internal && !ctx.actor.isStaff)) throw notFound("The comment");
  const ticket = await loadVisibleTicket(ctx, comment.ticketId).catch(() => {
    throw notFound("The comment");
  });
  return {
    body: comment.body,
    ticketId: ticket.id,
    ticketNumber: ticket.number,
    ticketSubject: ticket.subject,
  };
}
