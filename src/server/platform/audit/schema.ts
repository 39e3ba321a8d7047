import { bigserial, boolean, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** Append-only; each row's hash covers its content and the previous row's hash, so edits show. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    actorId: uuid("actor_id"),
    actorEmail: text("actor_email"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    ip: text("ip"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    /**
     * True when `hash` is an HMAC under the installation's audit secret. Rows written before the
     * chain was keyed are plain SHA-256; they may only come first, and the checkpoints cover them.
     */
    keyed: boolean("keyed").notNull().default(false),
  },
  (t) => [index("audit_log_action_idx").on(t.action), index("audit_log_actor_idx").on(t.actorId)],
);
