import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, tsvector, updatedAt } from "../../db/columns.js";
import type { FormFieldKind, TicketFieldValue } from "./contracts/field-values.js";
import type { SlaClockName, SlaTargets, TicketImpact, TicketPriority, WeekHours } from "./contracts/sla.js";
import type { AccessRequest, EnvironmentContext, TicketStatus, TicketType } from "./contracts/tickets.js";

export type { TicketStatus, TicketType };

/** What a visitor wrote on the Request access form, what staff decided, and what an approval made. */
export type AccessRequestDetails = AccessRequest & { organisationId?: string; invitationId?: string };

export const tickets = pgTable(
  "tickets",
  {
    id: id(),
    number: integer("number").generatedAlwaysAsIdentity().notNull().unique(),
    type: text("type").$type<TicketType>().notNull(),
    subject: text("subject").notNull(),
    description: text("description").notNull(),
    status: text("status").$type<TicketStatus>().notNull().default("new"),
    requesterId: uuid("requester_id"),
    requesterName: text("requester_name").notNull(),
    requesterEmail: text("requester_email").notNull(),
    organisationId: uuid("organisation_id"),
    assigneeId: uuid("assignee_id"),
    sharedWithOrganisation: boolean("shared_with_organisation").notNull().default(false),
    accessRequest: jsonb("access_request").$type<AccessRequestDetails>(),
    /** What the customer said the problem does to their work; staff set the priority from it. */
    impact: text("impact").$type<TicketImpact>(),
    priority: text("priority").$type<TicketPriority>().notNull().default("normal"),
    /** The first public staff reply: where the first-response clock stops. */
    firstRespondedAt: timestamp("first_responded_at", { withTimezone: true }),
    fields: jsonb("fields").$type<TicketFieldValue[]>().notNull().default([]),
    /** A development-environment ticket's environment when opened; other types keep none. */
    environment: jsonb("environment").$type<EnvironmentContext>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('english', coalesce(subject, '') || ' ' || coalesce(description, ''))`,
    ),
  },
  (t) => [
    index("tickets_status_idx").on(t.status, t.updatedAt),
    index("tickets_requester_idx").on(t.requesterId),
    index("tickets_org_idx").on(t.organisationId),
    index("tickets_search_idx").using("gin", t.search),
    // Search's `after:`/`before:` as a range.
    index("tickets_created_idx").on(t.createdAt),
  ],
);

export const ticketComments = pgTable(
  "ticket_comments",
  {
    id: id(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id),
    authorId: uuid("author_id"),
    authorName: text("author_name").notNull(),
    body: text("body").notNull(),
    internal: boolean("internal").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index("ticket_comments_ticket_idx").on(t.ticketId, t.createdAt)],
);

export const ticketWatchers = pgTable(
  "ticket_watchers",
  {
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id),
    userId: uuid("user_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.userId] })],
);

export const ticketAttachments = pgTable(
  "ticket_attachments",
  {
    id: id(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id),
    commentId: uuid("comment_id").references(() => ticketComments.id),
    fileId: uuid("file_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("ticket_attachments_ticket_idx").on(t.ticketId)],
);

/** Every status a ticket passed through, with when: the SLA clocks pause while it waits on the customer. */
export const ticketStatusChanges = pgTable(
  "ticket_status_changes",
  {
    id: id(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id),
    from: text("from").$type<TicketStatus>().notNull(),
    to: text("to").$type<TicketStatus>().notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ticket_status_changes_ticket_idx").on(t.ticketId, t.at)],
);

/** An organisation's service levels; organisations without a row get the desk's default policy. */
export const slaPolicies = pgTable("sla_policies", {
  organisationId: uuid("organisation_id").primaryKey(),
  timeZone: text("time_zone").notNull(),
  week: jsonb("week").$type<WeekHours>().notNull(),
  holidays: jsonb("holidays").$type<string[]>().notNull(),
  targets: jsonb("targets").$type<SlaTargets>().notNull(),
  updatedAt: updatedAt(),
});

/** The breach warnings already sent, so the periodic check tells people once per clock and level. */
export const slaWarnings = pgTable(
  "sla_warnings",
  {
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id),
    clock: text("clock").$type<SlaClockName>().notNull(),
    level: text("level").$type<"approaching" | "breached">().notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.clock, t.level] })],
);

/**
 * A canned reply the product team shares: its Markdown body (with placeholders filled per ticket) and
 * what sending it also changes. `assignee` is "me" (whoever sends it), "none" or a staff member's id.
 */
export const deskMacros = pgTable("desk_macros", {
  id: id(),
  name: text("name").notNull().unique(),
  body: text("body").notNull(),
  status: text("status").$type<TicketStatus>(),
  assignee: text("assignee"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** The requester's rating of a resolved ticket: one per ticket, which they may change. */
export const ticketRatings = pgTable("ticket_ratings", {
  ticketId: uuid("ticket_id")
    .primaryKey()
    .references(() => tickets.id),
  rating: text("rating").$type<"good" | "bad">().notNull(),
  comment: text("comment").notNull().default(""),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A custom field of a ticket type's form, which staff define; a new ticket of the type fills it in. */
export const ticketFormFields = pgTable(
  "ticket_form_fields",
  {
    id: id(),
    ticketType: text("ticket_type").$type<TicketType>().notNull(),
    key: text("key").notNull(),
    label: text("label").notNull(),
    help: text("help").notNull().default(""),
    kind: text("kind").$type<FormFieldKind>().notNull(),
    options: jsonb("options").$type<string[]>().notNull().default([]),
    required: boolean("required").notNull().default(false),
    position: integer("position").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("ticket_form_fields_key_idx").on(t.ticketType, t.key)],
);
