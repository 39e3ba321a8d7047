import type { Actor } from "../../platform/context.js";
import type { tickets } from "./schema.js";

type TicketAccess = Pick<
  typeof tickets.$inferSelect,
  "requesterId" | "organisationId" | "sharedWithOrganisation"
>;

/** Staff see every ticket; a member sees their own and those a colleague shared with the organisation. */
export function canSeeTicket(actor: Actor, ticket: TicketAccess): boolean {
  if (actor.isStaff) return true;
  if (ticket.requesterId === actor.id) return true;
  return ticket.sharedWithOrganisation && ticket.organisationId === actor.organisationId;
}

export const canWorkTicket = (actor: Actor) => actor.isStaff;

export const canChangeSharing = (actor: Actor, ticket: TicketAccess) =>
  actor.isStaff || ticket.requesterId === actor.id;
