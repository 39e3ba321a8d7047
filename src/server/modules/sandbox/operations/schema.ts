import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, updatedAtSetByService } from "../../../db/columns.js";
import type { FlagChange, FlagState } from "./contracts/flags.js";
import type { WipeStatus } from "./contracts/wipes.js";

/**
 * A feature flag of the sandbox build. `preview` shows the feature with a "preview — not validated"
 * marker; `off` hides it and its routes answer 404 feature_disabled, keeping its data.
 */
export const sandboxFlags = pgTable("sandbox_flags", {
  key: text("key").primaryKey(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  state: text("state").$type<FlagState>().notNull().default("off"),
  /** The release that makes the feature generally available (releases module), when known. */
  releaseId: uuid("release_id"),
  createdBy: uuid("created_by").notNull(),
  createdAt: createdAt(),
  updatedBy: uuid("updated_by").notNull(),
  updatedAt: updatedAtSetByService(),
});

/** A build deployed to the sandbox, with the flags it switched; the newest one is what runs. */
export const sandboxDeployments = pgTable(
  "sandbox_deployments",
  {
    id: id(),
    buildId: text("build_id").notNull(),
    version: text("version").notNull(),
    deployedAt: timestamp("deployed_at", { withTimezone: true }).notNull(),
    notes: text("notes").notNull().default(""),
    flagChanges: jsonb("flag_changes").$type<FlagChange[]>().notNull(),
    /** Whether the build holds features not yet in a published release (the page's badge). */
    unreleased: boolean("unreleased").notNull(),
    recordedBy: uuid("recorded_by").notNull(),
    recordedAt: createdAt(),
  },
  (t) => [index("sandbox_deployments_deployed_idx").on(t.deployedAt)],
);

/** The sandbox's settings: one row, created on first change. */
export const sandboxSettings = pgTable("sandbox_settings", {
  id: integer("id").primaryKey().default(1),
  /** Where deployment and wipe notices go; null means #announcements. */
  noticeChannelId: uuid("notice_channel_id"),
  /** How far ahead a wipe must be scheduled. */
  wipeNoticeHours: integer("wipe_notice_hours").notNull().default(24),
  /** The generated baseline a wipe restores: the last `convene sandbox seed` (or the demo's) options. */
  baselineVolunteers: integer("baseline_volunteers").notNull().default(200),
  baselineStudies: integer("baseline_studies").notNull().default(0),
  baselineSeed: integer("baseline_seed").notNull().default(20260101),
  updatedBy: uuid("updated_by"),
  updatedAt: updatedAtSetByService(),
});

/** A reset of the sandbox's clinical data to the generated baseline, announced ahead. */
export const sandboxWipes = pgTable(
  "sandbox_wipes",
  {
    id: id(),
    scheduledFor: timestamp("scheduled_for", { withTimezone: true }).notNull(),
    message: text("message").notNull(),
    status: text("status").$type<WipeStatus>().notNull().default("scheduled"),
    /** Wiped now by hand rather than at an announced time. */
    immediate: boolean("immediate").notNull().default(false),
    scheduledBy: uuid("scheduled_by").notNull(),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    cancelledBy: uuid("cancelled_by"),
    error: text("error"),
    /** The product's reset endpoint was called (an external environment), not the built-in stand-in reset. */
    resetsProduct: boolean("resets_product").notNull().default(false),
    /** Calls made to the product's reset endpoint, retries included. */
    resetAttempts: integer("reset_attempts").notNull().default(0),
  },
  (t) => [
    // At most one wipe is pending (scheduled or running) at any time.
    uniqueIndex("sandbox_wipes_one_pending_idx")
      .on(sql`(true)`)
      .where(sql`${t.status} in ('scheduled', 'running')`),
    index("sandbox_wipes_created_idx").on(t.createdAt),
  ],
);
