import { sql } from "drizzle-orm";
import { type AnyPgColumn, index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tsvector, updatedAt } from "../../db/columns.js";
import type { IdeaModule, IdeaStatus } from "./contracts/ideas.js";

/**
 * Ideas from members. Links to other modules (a sandbox flag by its key, a feedback round, a release,
 * tickets) are plain values checked through those modules' indexes, never foreign keys into their tables.
 */
export const ideas = pgTable(
  "ideas",
  {
    id: id(),
    title: text("title").notNull(),
    /** Markdown. */
    problem: text("problem").notNull(),
    module: text("module").$type<IdeaModule>().notNull(),
    status: text("status").$type<IdeaStatus>().notNull().default("under_review"),
    declineReason: text("decline_reason"),
    flagKey: text("flag_key"),
    feedbackRoundId: uuid("feedback_round_id"),
    releaseId: uuid("release_id"),
    /** Set on a duplicate: the idea its votes and tickets moved to. */
    mergedIntoId: uuid("merged_into_id").references((): AnyPgColumn => ideas.id),
    authorId: uuid("author_id").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    statusChangedAt: timestamp("status_changed_at", { withTimezone: true }).notNull().defaultNow(),
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('english', coalesce(title, '') || ' ' || coalesce(problem, ''))`,
    ),
  },
  (t) => [
    index("ideas_status_idx").on(t.status, t.createdAt),
    index("ideas_merged_into_idx").on(t.mergedIntoId),
    index("ideas_search_idx").using("gin", t.search),
    index("ideas_created_idx").on(t.createdAt),
  ],
);

/** One vote per person and idea; the organisation is the voter's when they voted, for the per-organisation counts. */
export const ideaVotes = pgTable(
  "idea_votes",
  {
    ideaId: uuid("idea_id")
      .notNull()
      .references(() => ideas.id),
    userId: uuid("user_id").notNull(),
    organisationId: uuid("organisation_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.ideaId, t.userId] }), index("idea_votes_user_idx").on(t.userId)],
);

export const ideaComments = pgTable(
  "idea_comments",
  {
    id: id(),
    ideaId: uuid("idea_id")
      .notNull()
      .references(() => ideas.id),
    authorId: uuid("author_id").notNull(),
    body: text("body").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("idea_comments_idea_idx").on(t.ideaId, t.createdAt)],
);

/** Service-desk tickets that ask for an idea: evidence, and people to tell when it moves. */
export const ideaTickets = pgTable(
  "idea_tickets",
  {
    ideaId: uuid("idea_id")
      .notNull()
      .references(() => ideas.id),
    ticketId: uuid("ticket_id").notNull(),
    linkedBy: uuid("linked_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.ideaId, t.ticketId] }), index("idea_tickets_ticket_idx").on(t.ticketId)],
);

/**
 * Chat messages that ask for an idea, linked by whoever read them. The message stays chat's: the idea
 * page reads it through chat's own rule for each reader, so a private conversation never leaks.
 */
export const ideaMessages = pgTable(
  "idea_messages",
  {
    ideaId: uuid("idea_id")
      .notNull()
      .references(() => ideas.id),
    messageId: uuid("message_id").notNull(),
    linkedBy: uuid("linked_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.ideaId, t.messageId] }),
    index("idea_messages_message_idx").on(t.messageId),
  ],
);
