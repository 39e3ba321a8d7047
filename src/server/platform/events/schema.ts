import { sql } from "drizzle-orm";
import { bigserial, boolean, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt } from "../../db/columns.js";

/**
 * Every change someone else must see, written in the same transaction as the change. The id is the
 * one order all nodes and clients agree on; a reconnecting client asks for everything after its last.
 * Audience: everyone, the members of one channel, or named people.
 */
export const events = pgTable(
  "events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    topic: text("topic").notNull(),
    channelId: uuid("channel_id"),
    userIds: uuid("user_ids").array(),
    everyone: boolean("everyone").notNull().default(false),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("events_channel_idx").on(t.channelId, t.id),
    index("events_users_idx").using("gin", t.userIds),
    index("events_created_idx").on(t.createdAt),
    index("events_everyone_idx").on(t.id).where(sql`${t.everyone}`),
  ],
);
