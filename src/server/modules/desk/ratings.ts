import { eq } from "drizzle-orm";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, forbidden, notFound } from "../../platform/errors.js";
import type { RatingInput, RatingView } from "./contracts/satisfaction.js";
import type { Ticket } from "./contracts/tickets.js";
import { isRateable, recordRating, satisfactionOf, verifyRatingToken } from "./satisfaction.js";
import { tickets } from "./schema.js";
import { announceTicketChange, getTicket, loadVisibleTicket } from "./tickets.js";

const reopened = () =>
  new AppError("conflict", "The ticket is no longer resolved; reply on it instead of rating it.");

/** The requester rates their resolved ticket on its page; rating again changes the one rating. */
export async function rateTicket(ctx: ActorCtx, id: string, input: RatingInput): Promise<Ticket> {
  await inTransaction(ctx, async (tx) => {
    const ticket = await loadVisibleTicket(tx, id, true);
    if (ticket.requesterId !== ctx.actor.id) throw forbidden("Only the requester rates the ticket.");
    if (!isRateable(ticket)) throw reopened();
    await recordRating(tx, id, input);
    await announceTicketChange(tx, id);
  });
  return getTicket(ctx, id);
}

async function ratedTicket(ctx: Ctx, token: string) {
  const ticketId = await verifyRatingToken(ctx.config, token);
  const [ticket] = await ctx.db.select().from(tickets).where(eq(tickets.id, ticketId));
  if (!ticket) throw notFound("The ticket");
  return ticket;
}

/** What a rating link rates, for its confirmation page: no change. */
export async function describeRatingLink(ctx: Ctx, token: string): Promise<RatingView> {
  const ticket = await ratedTicket(ctx, token);
  return {
    ticket: { number: ticket.number, subject: ticket.subject },
    satisfaction: await satisfactionOf(ctx.db, ticket.id),
  };
}

/** A rating from the resolution e-mail, without a sign-in: the signed token names the one ticket. */
export async function rateByLink(ctx: Ctx, token: string, input: RatingInput): Promise<RatingView> {
  await inTransaction(ctx, async (tx) => {
    const ticket = await ratedTicket(tx, token);
    if (!isRateable(ticket)) throw reopened();
    await recordRating(tx, ticket.id, input);
    await announceTicketChange(tx, ticket.id);
  });
  return describeRatingLink(ctx, token);
}
