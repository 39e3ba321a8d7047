import { sql } from "drizzle-orm";
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { Delivery, FollowLevel, NotificationKind } from "../../../shared/contracts/notifications.js";
import { createdAt, id } from "../../db/columns.js";

/**
 * One row per person and thing that happened for them. The item (type, id) is what the inbox groups by
 * and a click opens; title, excerpt and url are written with it so the inbox reads one table, while
 * whether the person may still see the item is asked of its module again on every read and send.
 * People are named by id without a foreign key: the platform knows no module's tables.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    userId: uuid("user_id").notNull(),
    kind: text("kind").$type<NotificationKind>().notNull(),
    itemType: text("item_type").notNull(),
    itemId: text("item_id").notNull(),
    itemTitle: text("item_title").notNull(),
    url: text("url").notNull(),
    excerpt: text("excerpt").notNull().default(""),
    actorId: uuid("actor_id"),
    actorName: text("actor_name"),
    createdAt: createdAt(),
    readAt: timestamp("read_at", { withTimezone: true }),
    /** When an unread notification is e-mailed (null: never); cleared once sent or read. */
    emailDueAt: timestamp("email_due_at", { withTimezone: true }),
    emailedAt: timestamp("emailed_at", { withTimezone: true }),
    /**
     * When an unread notification is pushed to the person's browsers (null: never, or done). Set in the
     * change's transaction, so only what commits is pushed; the push sender leases it while sending.
     */
    pushDueAt: timestamp("push_due_at", { withTimezone: true }),
    pushAttempts: integer("push_attempts").notNull().default(0),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.createdAt),
    index("notifications_unread_idx").on(t.userId).where(sql`${t.readAt} is null`),
    index("notifications_item_idx").on(t.userId, t.itemType, t.itemId),
    index("notifications_email_due_idx").on(t.emailDueAt).where(sql`${t.emailDueAt} is not null`),
    index("notifications_push_due_idx").on(t.pushDueAt).where(sql`${t.pushDueAt} is not null`),
  ],
);

/** A person's choice for one kind; a kind without a row takes its default from the contract. */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    userId: uuid("user_id").notNull(),
    kind: text("kind").$type<NotificationKind>().notNull(),
    delivery: text("delivery").$type<Delivery>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/** A person's time zone, quiet hours (minutes after midnight there) and e-mail delay. */
export const notificationSettings = pgTable("notification_settings", {
  userId: uuid("user_id").primaryKey(),
  // Null until the person chooses one: the page then suggests the browser's zone, quiet hours count in UTC.
  timeZone: text("time_zone"),
  quietFrom: integer("quiet_from"),
  quietTo: integer("quiet_to"),
  emailDelayMinutes: integer("email_delay_minutes").notNull().default(10),
});

/** Follow, mentions-only or mute, per person and item (a channel, a thread, a post, a topic, a ticket). */
export const notificationFollows = pgTable(
  "notification_follows",
  {
    userId: uuid("user_id").notNull(),
    itemType: text("item_type").notNull(),
    itemId: text("item_id").notNull(),
    level: text("level").$type<FollowLevel>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.itemType, t.itemId] }),
    index("notification_follows_item_idx").on(t.itemType, t.itemId),
  ],
);

/**
 * A browser that asked to be pushed the person's "at once" notifications: the push service's endpoint
 * and the keys its messages are encrypted with. The push service answering 404 or 410 removes it.
 */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    id: id(),
    userId: uuid("user_id").notNull(),
    // The session the browser subscribed in: when it ends, by signing out here or anywhere else, the
    // browser stops getting the person's pushes. Null when a personal API token subscribed.
    sessionId: uuid("session_id"),
    endpoint: text("endpoint").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: createdAt(),
    lastSuccessAt: timestamp("last_success_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("push_subscriptions_endpoint_idx").on(t.endpoint),
    index("push_subscriptions_user_idx").on(t.userId),
    index("push_subscriptions_session_idx").on(t.sessionId),
  ],
);
