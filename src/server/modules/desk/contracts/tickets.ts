import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { idParam, requiredText, someChange } from "../../../../shared/fields.js";
import { attachment } from "./attachments.js";
import { comment } from "./comments.js";

export const ticketTypes = [
  "access_request",
  "support_question",
  "dev_environment_question",
  "product_feedback",
] as const;
export type TicketType = (typeof ticketTypes)[number];
export const ticketStatuses = ["new", "open", "waiting_on_customer", "resolved", "closed"] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

const tag = "desk";

/**
 * A ticket changed (opened, replied to, its status, assignee, sharing, watchers or files): it carries
 * the ticket's id only, and goes to those who may see the change (an internal note to staff alone),
 * whose pages then ask for the ticket again, so a staff reply appears without a reload.
 */
export const ticketChanged = defineEvent<{ ticketId: string }>("desk.ticket");

// --- input ---

const typeField = z.enum(ticketTypes, { error: `Choose one of: ${ticketTypes.join(", ")}.` });
const statusField = z.enum(ticketStatuses, { error: `Choose one of: ${ticketStatuses.join(", ")}.` });

export const ticketFilter = z.object({
  type: typeField.optional(),
  status: statusField.optional(),
  assigneeId: z
    .union([z.literal("me"), z.literal("none"), z.uuid()], { error: "Use me, none or a person's id." })
    .optional(),
  organisationId: z.uuid().optional(),
  q: z.string().trim().max(200).optional(),
});
export type TicketFilter = z.output<typeof ticketFilter>;

export const ticketInput = z.object({
  type: typeField,
  subject: z.string().trim().min(3, "Write a subject of at least 3 characters.").max(200),
  description: requiredText("Describe what you need.", 50_000),
  sharedWithOrganisation: z.boolean().optional(),
});
export type TicketInput = z.output<typeof ticketInput>;

export const ticketChanges = someChange({
  status: statusField.optional(),
  assigneeId: z.uuid("Choose a member of the product team.").nullable().optional(),
  sharedWithOrganisation: z.boolean().optional(),
});
export type TicketChanges = z.output<typeof ticketChanges>;

// --- output ---

const person = z.object({ id: z.string(), name: z.string() });
export type Person = z.infer<typeof person>;

export const ticketSummary = z.object({
  id: z.string(),
  number: z.number(),
  type: z.enum(ticketTypes),
  subject: z.string(),
  status: z.enum(ticketStatuses),
  requester: z.object({ id: z.string().nullable(), name: z.string(), email: z.string() }),
  organisation: person.nullable(),
  assignee: person.nullable(),
  sharedWithOrganisation: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TicketSummary = z.infer<typeof ticketSummary>;

/** What a visitor wrote on the Request access form, and what staff decided. */
export const accessRequest = z.object({
  name: z.string(),
  email: z.string(),
  organisation: z.string(),
  role: z.string(),
  reason: z.string(),
  decision: z.enum(["approved", "declined"]).optional(),
  declineReason: z.string().optional(),
});
export type AccessRequest = z.infer<typeof accessRequest>;

export const ticket = ticketSummary.extend({
  description: z.string(),
  descriptionHtml: z.string(),
  attachments: z.array(attachment),
  comments: z.array(comment),
  watchers: z.array(person),
  watching: z.boolean(),
  canManage: z.boolean(),
  accessRequest: accessRequest.nullable(),
});
export type Ticket = z.infer<typeof ticket>;

// --- operations ---

export const listTickets = operation({
  operationId: "listTickets",
  summary: "Tickets the caller may see, most recently updated first",
  description: "Staff see every ticket; a member sees their own and those shared with their organisation.",
  method: "GET",
  path: "/api/desk/tickets",
  access: "member",
  tag,
  query: ticketFilter,
  response: z.object({ tickets: z.array(ticketSummary) }),
});

export const openTicket = operation({
  operationId: "openTicket",
  summary: "Open a ticket",
  method: "POST",
  path: "/api/desk/tickets",
  access: "member",
  tag,
  body: ticketInput,
  response: ticket,
  status: 201,
});

export const getTicket = operation({
  operationId: "getTicket",
  summary: "One ticket with its comments, attachments and watchers",
  method: "GET",
  path: "/api/desk/tickets/:id",
  access: "member",
  tag,
  params: idParam,
  response: ticket,
});

export const updateTicket = operation({
  operationId: "updateTicket",
  summary: "Change a ticket's status, assignee (staff) or sharing (the requester)",
  method: "PATCH",
  path: "/api/desk/tickets/:id",
  access: "member",
  tag,
  params: idParam,
  body: ticketChanges,
  response: ticket,
});

export const listDeskStaff = operation({
  operationId: "listDeskStaff",
  summary: "The product team, for the assignee picker",
  method: "GET",
  path: "/api/desk/staff",
  access: "staff",
  tag,
  response: z.object({ users: z.array(person) }),
});
