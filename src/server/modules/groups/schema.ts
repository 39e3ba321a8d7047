import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, removedAt, tsvector, updatedAtSetByService } from "../../db/columns.js";
import type {
  DeliveryMode,
  GroupRole,
  GroupVisibility,
  JoinPolicy,
  MembershipStatus,
  PostingPolicy,
  ReplyTo,
} from "./contracts/groups.js";
import type { MessageSource, MessageStatus } from "./contracts/messages.js";

/** A member-run group; its address is `handle@MAIL_DOMAIN`. */
export const groups = pgTable("groups", {
  id: id(),
  handle: text("handle").notNull().unique(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  guidelines: text("guidelines").notNull().default(""),
  visibility: text("visibility").$type<GroupVisibility>().notNull().default("listed"),
  joinPolicy: text("join_policy").$type<JoinPolicy>().notNull().default("open"),
  postingPolicy: text("posting_policy").$type<PostingPolicy>().notNull().default("all"),
  replyTo: text("reply_to").$type<ReplyTo>().notNull().default("group"),
  createdBy: uuid("created_by").notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAtSetByService(),
});

/** One person's place in a group: role, status, delivery choice. The row stays when they leave. */
export const groupMembers = pgTable(
  "group_members",
  {
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id),
    userId: uuid("user_id").notNull(),
    role: text("role").$type<GroupRole>().notNull().default("member"),
    status: text("status").$type<MembershipStatus>().notNull(),
    delivery: text("delivery").$type<DeliveryMode>().notNull().default("all"),
    /** Under the new-members-moderated policy: their posts wait until a moderator approves one. */
    moderated: boolean("moderated").notNull().default(false),
    statusReason: text("status_reason"),
    invitedBy: uuid("invited_by"),
    joinedAt: timestamp("joined_at", { withTimezone: true }),
    updatedAt: updatedAtSetByService(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.userId] }),
    index("group_members_user_idx").on(t.userId, t.status),
  ],
);

/** A thread of messages with one subject. */
export const groupTopics = pgTable(
  "group_topics",
  {
    id: id(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id),
    subject: text("subject").notNull(),
    authorId: uuid("author_id").notNull(),
    pinned: boolean("pinned").notNull().default(false),
    locked: boolean("locked").notNull().default(false),
    createdAt: createdAt(),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }).notNull().defaultNow(),
    removedAt: removedAt(),
    removedBy: uuid("removed_by"),
    search: tsvector("search").generatedAlwaysAs(sql`to_tsvector('english', coalesce(subject, ''))`),
  },
  (t) => [
    index("group_topics_group_idx").on(t.groupId, t.pinned, t.lastMessageAt),
    index("group_topics_search_idx").using("gin", t.search),
  ],
);

/**
 * A message in a topic. Pending messages wait in the moderation queue; rejected ones keep their
 * reason. `emailMessageId` is the Message-ID of the mail that brought it in, so a resent mail is not
 * stored twice; outgoing mail uses a Message-ID derived from `id`, which replies reference.
 */
export const groupMessages = pgTable(
  "group_messages",
  {
    id: id(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id),
    topicId: uuid("topic_id")
      .notNull()
      .references(() => groupTopics.id),
    authorId: uuid("author_id").notNull(),
    body: text("body").notNull(),
    status: text("status").$type<MessageStatus>().notNull().default("published"),
    source: text("source").$type<MessageSource>().notNull().default("web"),
    emailMessageId: text("email_message_id"),
    rejectionReason: text("rejection_reason"),
    moderatedBy: uuid("moderated_by"),
    moderatedAt: timestamp("moderated_at", { withTimezone: true }),
    createdAt: createdAt(),
    removedAt: removedAt(),
    search: tsvector("search").generatedAlwaysAs(sql`to_tsvector('english', coalesce(body, ''))`),
  },
  (t) => [
    index("group_messages_topic_idx").on(t.topicId, t.createdAt),
    index("group_messages_queue_idx").on(t.groupId, t.status),
    uniqueIndex("group_messages_email_idx").on(t.groupId, t.emailMessageId),
    index("group_messages_search_idx").using("gin", t.search),
    // Search's `from:`, and `after:`/`before:` as a range.
    index("group_messages_author_idx").on(t.authorId),
    index("group_messages_created_idx").on(t.createdAt),
  ],
);

export const groupMessageAttachments = pgTable(
  "group_message_attachments",
  {
    messageId: uuid("message_id")
      .notNull()
      .references(() => groupMessages.id),
    fileId: uuid("file_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.fileId] })],
);

/** #hashtags of published messages, for browsing a group by tag. */
export const groupHashtags = pgTable(
  "group_hashtags",
  {
    messageId: uuid("message_id")
      .notNull()
      .references(() => groupMessages.id),
    groupId: uuid("group_id").notNull(),
    tag: text("tag").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.tag] }),
    index("group_hashtags_tag_idx").on(t.groupId, t.tag),
  ],
);

/** What owners and moderators did: approvals, rejections, pins, locks, removals, bans, role changes. */
export const groupModerationLog = pgTable(
  "group_moderation_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id),
    actorId: uuid("actor_id").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: uuid("target_id").notNull(),
    reason: text("reason"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("group_moderation_log_group_idx").on(t.groupId, t.id)],
);

/** One daily digest per person and day, so a rerun of the job never sends it twice. */
export const groupDigests = pgTable(
  "group_digests",
  {
    day: date("day", { mode: "string" }).notNull(),
    userId: uuid("user_id").notNull(),
    messageCount: integer("message_count").notNull(),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId] })],
);
