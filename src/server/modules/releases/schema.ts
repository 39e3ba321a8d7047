import {
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "../../db/columns.js";

import type { FeatureAvailability, ReleaseStatus } from "./contracts/releases.js";
import type { WebhookDeliveryStatus } from "./contracts/webhooks.js";

export const releases = pgTable("releases", {
  id: id(),
  /** `26.3` or a hotfix `26.3.1`. */
  version: text("version").notNull().unique(),
  title: text("title").notNull(),
  releaseDate: date("release_date", { mode: "string" }).notNull(),
  notes: text("notes").notNull(),
  status: text("status").$type<ReleaseStatus>().notNull().default("draft"),
  publishedAt: timestamp("published_at", { withTimezone: true }),
  publishedBy: uuid("published_by"),
  announcementMessageId: uuid("announcement_message_id"),
  createdBy: uuid("created_by").notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const releaseFeatures = pgTable(
  "release_features",
  {
    id: id(),
    releaseId: uuid("release_id")
      .notNull()
      .references(() => releases.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    title: text("title").notNull(),
    /** The product module it belongs to: Pharmacy, Scheduling, Volunteers... */
    module: text("module").notNull(),
    availability: text("availability").$type<FeatureAvailability>().notNull(),
    description: text("description").notNull().default(""),
  },
  (t) => [index("release_features_release_idx").on(t.releaseId, t.position)],
);

/** Outgoing Slack-compatible webhooks that hear about published releases. */
export const webhooks = pgTable("webhooks", {
  id: id(),
  name: text("name").notNull(),
  url: text("url").notNull(),
  /** Key for the HMAC-SHA256 signature header; shown once when created. */
  secret: text("secret").notNull(),
  active: boolean("active").notNull().default(true),
  createdBy: uuid("created_by").notNull(),
  createdAt: createdAt(),
});

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: id(),
    webhookId: uuid("webhook_id")
      .notNull()
      .references(() => webhooks.id),
    releaseId: uuid("release_id").references(() => releases.id),
    event: text("event").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<WebhookDeliveryStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_webhook_idx").on(t.webhookId, t.createdAt),
  ],
);

/**
 * What a release closes: ideas it ships and tickets it fixes, chosen by the product team on the draft.
 * Ideas and tickets belong to their own modules, so these are plain ids checked through their indexes.
 */
export const releaseClosures = pgTable(
  "release_closures",
  {
    releaseId: uuid("release_id")
      .notNull()
      .references(() => releases.id, { onDelete: "cascade" }),
    kind: text("kind").$type<"idea" | "ticket">().notNull(),
    targetId: uuid("target_id").notNull(),
    linkedBy: uuid("linked_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.releaseId, t.kind, t.targetId] }),
    index("release_closures_target_idx").on(t.kind, t.targetId),
  ],
);
