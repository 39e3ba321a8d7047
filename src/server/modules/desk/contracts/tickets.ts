import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { idParam, requiredText, someChange } from "../../../../shared/fields.js";
import { MAX_CONTEXT_PAGE_LENGTH } from "../../../../shared/sandbox-page.js";
import { attachment } from "./attachments.js";
import { comment } from "./comments.js";
import { ticketFieldValue } from "./field-values.js";
import { ratings, satisfaction } from "./rating.js";
import { impactField, priorityField, slaClock, ticketImpacts, ticketPriorities } from "./sla.js";

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
  priority: priorityField.optional(),
  /** Most recently updated first, or the SLA target falling due soonest first. */
  sort: z.enum(["updated", "due"], { error: "Sort by updated or due." }).optional(),
  q: z.string().trim().max(200).optional(),
});
export type TicketFilter = z.output<typeof ticketFilter>;

/**
 * What the person sends of where they were; the build, version and flag states the server records
 * itself, and the contract refuses them from the client.
 */
const ticketContextInput = z.strictObject(
  {
    page: z
      .string()
      .trim()
      .max(MAX_CONTEXT_PAGE_LENGTH, `Use at most ${MAX_CONTEXT_PAGE_LENGTH} characters.`),
  },
  { error: "Send only the page; the build, version and flags are recorded by the server." },
);

export const ticketInput = z.object({
  type: typeField,
  subject: z.string().trim().min(3, "Write a subject of at least 3 characters.").max(200),
  description: requiredText("Describe what you need.", 50_000),
  sharedWithOrganisation: z.boolean().optional(),
  impact: impactField.optional(),
  /** The type's custom fields (GET /api/desk/forms/:type), by key: text, a date as YYYY-MM-DD, a study's id. */
  fields: z.record(z.string().max(40), z.string().trim().max(20_000)).optional(),
  /** Where a development-environment question was asked from; other types keep none. */
  context: ticketContextInput.optional(),
});
export type TicketInput = z.output<typeof ticketInput>;

export const ticketChanges = someChange({
  status: statusField.optional(),
  assigneeId: z.uuid("Choose a member of the product team.").nullable().optional(),
  sharedWithOrganisation: z.boolean().optional(),
  priority: priorityField.optional(),
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
  impact: z.enum(ticketImpacts).nullable(),
  priority: z.enum(ticketPriorities),
  /** When the next SLA target falls due (or fell due): null once both are met or while paused in time. */
  dueAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The requester's rating once resolved, for the queue. */
  rating: z.enum(ratings).nullable(),
});
export type TicketSummary = z.infer<typeof ticketSummary>;

/**
 * The development environment as it was when a development-environment ticket was opened, recorded
 * by the server: its build and version (null before the first deployment), every feature flag's
 * state, the page the person was on and the record it names, if they could open it.
 */
export const environmentContext = z.object({
  buildId: z.string().nullable(),
  version: z.string().nullable(),
  flags: z.array(z.object({ key: z.string(), name: z.string(), state: z.enum(["off", "preview", "on"]) })),
  page: z.string().nullable(),
  record: z.object({ type: z.enum(["study", "volunteer"]), id: z.string(), label: z.string() }).nullable(),
  recordedAt: z.string(),
});
export type EnvironmentContext = z.infer<typeof environmentContext>;

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
  sla: slaClock,
  satisfaction: satisfaction.nullable(),
  fields: z.array(ticketFieldValue),
  environment: environmentContext.nullable(),
  /** The ticket is resolved or closed: its requester may rate it, or change their rating. */
  canRate: z.boolean(),
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
