import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tsvector, updatedAt } from "../../db/columns.js";
import type { AccessRequest, TicketStatus, TicketType } from "./contracts/tickets.js";

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
