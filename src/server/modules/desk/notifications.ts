import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type Ctx, inTransaction } from "../../platform/context.js";
import { markdownExcerpt } from "../../platform/markdown.js";
import { defineNotificationItem } from "../../platform/notifications/items.js";
import { markItemSeen, notify } from "../../platform/notifications/service.js";
import { activeMembersOf, listActiveStaff, userSummaries } from "../accounts/index.js";
import type { TicketStatus } from "./contracts/tickets.js";
import { canSeeTicket } from "./policy.js";
import { ticketStatusLabels } from "./present.js";
import { tickets, ticketWatchers } from "./schema.js";

type TicketRow = typeof tickets.$inferSelect;

/** A ticket: seen by whoever may open it (the requester, colleagues it is shared with, staff). */
export const ticketItem = defineNotificationItem({
  type: "desk_ticket",
  audience: async (db, ticketId, userIds) => {
    const [ticket] = await db.select().from(tickets).where(eq(tickets.id, ticketId));
    if (!ticket) return [];
    const people = await userSummaries(db, userIds);
    return userIds.filter((id) => {
      const person = people.get(id);
      return person?.active === true && canSeeTicket({ ...person, isOrgAdmin: false }, ticket);
    });
  },
});

/** An access request (a ticket from the public form): for the product team only. */
export const accessRequestItem = defineNotificationItem({
  type: "desk_access_request",
  audience: async (db, ticketId, userIds) => {
    const [ticket] = await db.select({ type: tickets.type }).from(tickets).where(eq(tickets.id, ticketId));
    if (ticket?.type !== "access_request") return [];
    const people = await userSummaries(db, userIds);
    return userIds.filter((id) => people.get(id)?.active === true && people.get(id)?.isStaff === true);
  },
});

const ticketPage = (ticket: TicketRow, commentId?: string) =>
  `/desk/tickets/${ticket.id}${commentId ? `#comment-${commentId}` : ""}`;

const ticketNotice = (ticket: TicketRow, url = ticketPage(ticket)) => ({
  type: ticketItem.type,
  id: ticket.id,
  title: `#${ticket.number} ${ticket.subject}`,
  url,
});

const actorOf = (ctx: Ctx) => (ctx.actor ? { id: ctx.actor.id, name: ctx.actor.name } : null);

/** Those who follow a ticket from the customer's side and the desk's: requester, watchers, assignee, colleagues it is shared with. */
async function ticketFollowers(db: Db, ticket: TicketRow): Promise<string[]> {
  const watchers = await db
    .select({ userId: ticketWatchers.userId })
    .from(ticketWatchers)
    .where(eq(ticketWatchers.ticketId, ticket.id));
  const colleagues =
    ticket.sharedWithOrganisation && ticket.organisationId
      ? await activeMembersOf(db, [ticket.organisationId])
      : [];
  return [
    ...(ticket.requesterId ? [ticket.requesterId] : []),
    ...(ticket.assigneeId ? [ticket.assigneeId] : []),
    ...watchers.map((watcher) => watcher.userId),
    ...colleagues.map((colleague) => colleague.id),
  ];
}

/**
 * A comment on a ticket: a public reply reaches its followers; an internal note only the staff
 * among them, since nobody outside the product team may read it.
 */
export async function notifyComment(
  ctx: Ctx,
  ticket: TicketRow,
  comment: { id: string; body: string; internal: boolean },
): Promise<void> {
  let recipients = await ticketFollowers(ctx.db, ticket);
  if (comment.internal) {
    const people = await userSummaries(ctx.db, recipients);
    recipients = recipients.filter((id) => people.get(id)?.isStaff === true);
  }
  await notify(ctx, {
    kind: "desk.ticket_reply",
    recipients,
    item: ticketNotice(ticket, ticketPage(ticket, comment.id)),
    excerpt: markdownExcerpt(comment.body),
    actor: actorOf(ctx),
  });
}

export async function notifyStatusChange(ctx: Ctx, ticket: TicketRow, status: TicketStatus): Promise<void> {
  await notify(ctx, {
    kind: "desk.ticket_status",
    recipients: await ticketFollowers(ctx.db, ticket),
    item: ticketNotice(ticket),
    excerpt: `${ticketStatusLabels[ticket.status]} → ${ticketStatusLabels[status]}`,
    actor: actorOf(ctx),
  });
}

/** A new ticket, for the product team. */
export async function notifyNewTicket(ctx: Ctx, ticket: TicketRow): Promise<void> {
  await notify(ctx, {
    kind: "desk.new_ticket",
    recipients: (await listActiveStaff(ctx.db)).map((person) => person.id),
    item: ticketNotice(ticket),
    excerpt: markdownExcerpt(ticket.description),
    actor: actorOf(ctx),
  });
}

/** A new access request from the public form, for the product team. */
export async function notifyAccessRequest(
  ctx: Ctx,
  request: { ticketId: string; name: string; organisation: string; reason: string },
): Promise<void> {
  await notify(ctx, {
    kind: "desk.access_request",
    recipients: (await listActiveStaff(ctx.db)).map((person) => person.id),
    item: {
      type: accessRequestItem.type,
      id: request.ticketId,
      title: `Access request: ${request.name} (${request.organisation})`,
      url: `/desk/tickets/${request.ticketId}`,
    },
    excerpt: request.reason,
  });
}

/** A person opened the ticket: what they were told about it has been seen. */
export async function markTicketSeen(ctx: Ctx, userId: string, ticketId: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    await markItemSeen(tx, userId, { type: ticketItem.type, id: ticketId });
    await markItemSeen(tx, userId, { type: accessRequestItem.type, id: ticketId });
  });
}
