import { eq } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, invalid, withFieldPrefix } from "../../platform/errors.js";
import { queueMail } from "../../platform/mail/service.js";
import {
  createOrganisation,
  emailBelongsTo,
  getOrganisation,
  issueInvitation,
  listOrganisations,
} from "../accounts/index.js";
import type { ApprovalInput } from "./contracts/access-requests.js";
import type { Ticket } from "./contracts/tickets.js";
import { accessDeclinedMail, accessRequestReceivedMail } from "./mail.js";
import { notifyAccessRequest } from "./notifications.js";
import { type AccessRequestDetails, ticketComments, tickets } from "./schema.js";
import { announceTicketChange, changeTicketStatus, getTicket, loadVisibleTicket } from "./tickets.js";

type AccessRequestForm = { name: string; email: string; organisation: string; role: string; reason: string };

/** The public Request access form becomes an access-request ticket in the staff queue. */
export async function submitAccessRequest(ctx: Ctx, form: AccessRequestForm): Promise<number> {
  const domain = form.email.slice(form.email.lastIndexOf("@") + 1);
  const knownOrganisation = (await listOrganisations(ctx.db)).find((o) => o.domains.includes(domain));
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(tickets)
      .values({
        type: "access_request",
        subject: `Access request: ${form.name} (${form.organisation})`,
        description: [
          `**Name:** ${form.name}`,
          `**E-mail:** ${form.email}`,
          `**Organisation:** ${form.organisation}`,
          `**Role:** ${form.role}`,
          "",
          form.reason,
        ].join("\n"),
        requesterName: form.name,
        requesterEmail: form.email,
        organisationId: knownOrganisation?.id ?? null,
        accessRequest: { ...form },
      })
      .returning({ id: tickets.id, number: tickets.number });
    if (!row) throw new Error("ticket row was not written");
    await queueMail(
      tx,
      accessRequestReceivedMail({ to: form.email, name: form.name, ticketNumber: row.number }),
    );
    await recordAudit(tx, {
      action: "access.requested",
      targetType: "ticket",
      targetId: row.id,
      actorEmail: form.email,
      details: { number: row.number, organisation: form.organisation },
    });
    await notifyAccessRequest(tx, { ticketId: row.id, ...form });
    await announceTicketChange(tx, row.id);
    return row.number;
  });
}

async function loadUndecidedRequest(ctx: ActorCtx, id: string) {
  const ticket = await loadVisibleTicket(ctx, id, true);
  if (ticket.type !== "access_request" || !ticket.accessRequest) {
    throw new AppError("conflict", "This ticket is not an access request.");
  }
  if (ticket.accessRequest.decision) {
    throw new AppError("conflict", `This request was already ${ticket.accessRequest.decision}.`);
  }
  return { ticket, request: ticket.accessRequest };
}

async function recordDecision(
  ctx: ActorCtx,
  input: { ticketId: string; details: AccessRequestDetails; note: string },
): Promise<void> {
  await ctx.db.update(tickets).set({ accessRequest: input.details }).where(eq(tickets.id, input.ticketId));
  await ctx.db.insert(ticketComments).values({
    ticketId: input.ticketId,
    authorId: ctx.actor.id,
    authorName: ctx.actor.name,
    body: input.note,
    internal: true,
  });
}

async function chosenOrganisation(ctx: ActorCtx, choice: ApprovalInput) {
  if (choice.newOrganisation) {
    return createOrganisation(ctx, choice.newOrganisation).catch((error: unknown) => {
      throw withFieldPrefix(error, "newOrganisation");
    });
  }
  if (!choice.organisationId) throw invalid({ organisationId: "Choose an organisation." });
  return getOrganisation(ctx.db, choice.organisationId);
}

/**
 * Approves a request into an existing or a new organisation whose domains must cover the
 * requester's address, and e-mails them a single-use invitation.
 */
export async function approveAccessRequest(
  ctx: ActorCtx,
  id: string,
  choice: ApprovalInput,
): Promise<Ticket> {
  await inTransaction(ctx, async (tx) => {
    const { ticket, request } = await loadUndecidedRequest(tx, id);
    const organisation = await chosenOrganisation(tx, choice);
    if (!(await emailBelongsTo(tx.db, request.email, organisation.id))) {
      const field = choice.newOrganisation ? "newOrganisation.domains" : "organisationId";
      throw invalid({
        [field]: `${request.email} is not at one of ${organisation.name}'s domains (${organisation.domains.join(", ") || "none"}).`,
      });
    }
    const invitation = await issueInvitation(tx, {
      email: request.email,
      organisationId: organisation.id,
      accessRequestTicketId: id,
    });
    await tx.db.update(tickets).set({ organisationId: organisation.id }).where(eq(tickets.id, id));
    await recordDecision(tx, {
      ticketId: id,
      details: {
        ...request,
        decision: "approved",
        organisationId: organisation.id,
        invitationId: invitation.id,
      },
      note: `Approved into **${organisation.name}**; an invitation was e-mailed to ${request.email}.`,
    });
    await recordAudit(tx, {
      action: "access.approved",
      targetType: "ticket",
      targetId: id,
      details: { number: ticket.number, email: request.email, organisation: organisation.name },
    });
    await changeTicketStatus(tx, ticket, "resolved", { notify: false });
    await announceTicketChange(tx, id);
  });
  return getTicket(ctx, id);
}

export async function declineAccessRequest(ctx: ActorCtx, id: string, reason: string): Promise<Ticket> {
  await inTransaction(ctx, async (tx) => {
    const { ticket, request } = await loadUndecidedRequest(tx, id);
    await recordDecision(tx, {
      ticketId: id,
      details: { ...request, decision: "declined", declineReason: reason },
      note: `Declined. Reason sent to ${request.email}: ${reason}`,
    });
    await queueMail(
      tx,
      accessDeclinedMail({ to: request.email, name: request.name, ticketNumber: ticket.number, reason }),
    );
    await recordAudit(tx, {
      action: "access.declined",
      targetType: "ticket",
      targetId: id,
      details: { number: ticket.number, email: request.email, reason },
    });
    await changeTicketStatus(tx, ticket, "closed", { notify: false });
    await announceTicketChange(tx, id);
  });
  return getTicket(ctx, id);
}
