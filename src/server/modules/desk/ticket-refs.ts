import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import type { Actor } from "../../platform/context.js";
import { tickets } from "./schema.js";
import { visibleTo } from "./tickets.js";

/** A ticket as another module names it: enough to link to it and to tell its requester. */
export type TicketRef = {
  id: string;
  number: number;
  subject: string;
  requesterId: string | null;
  url: string;
};

const refColumns = {
  id: tickets.id,
  number: tickets.number,
  subject: tickets.subject,
  requesterId: tickets.requesterId,
};
const withUrl = (row: Omit<TicketRef, "url">): TicketRef => ({ ...row, url: `/desk/tickets/${row.id}` });

/** The ticket with this number, whoever may see it (for staff linking it elsewhere), or null. */
export async function ticketRefByNumber(db: Db, number: number): Promise<TicketRef | null> {
  const [row] = await db.select(refColumns).from(tickets).where(eq(tickets.number, number));
  return row ? withUrl(row) : null;
}

/**
 * Of these tickets, those the person may open, by the desk's own rule (staff: all; a member: their own
 * and those shared with their organisation), in number order.
 */
export async function ticketRefsVisibleTo(db: Db, actor: Actor, ids: string[]): Promise<TicketRef[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select(refColumns)
    .from(tickets)
    .where(and(inArray(tickets.id, ids), visibleTo(actor)))
    .orderBy(tickets.number);
  return rows.map(withUrl);
}

/** The requesters of these tickets who have an account (an access requester may not). */
export async function ticketRequesterIds(db: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ requesterId: tickets.requesterId })
    .from(tickets)
    .where(inArray(tickets.id, ids));
  return rows.flatMap((row) => (row.requesterId ? [row.requesterId] : []));
}
