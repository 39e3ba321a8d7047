import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { createdAt, id } from "../../../db/columns.js";

/**
 * What Convene's OpenID provider keeps (oidc-provider's adapter): sessions, grants, authorization codes,
 * refresh tokens and interactions, each a JSON payload under its model name. The account and grant are
 * columns too, so that everything a person holds can be found and ended at once.
 */
export const sandboxOidcModels = pgTable(
  "sandbox_oidc_models",
  {
    model: text("model").notNull(),
    id: text("id").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    accountId: text("account_id"),
    grantId: text("grant_id"),
    uid: text("uid"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.model, t.id] }),
    index("sandbox_oidc_models_grant_idx").on(t.grantId).where(sql`${t.grantId} is not null`),
    index("sandbox_oidc_models_account_idx").on(t.accountId).where(sql`${t.accountId} is not null`),
    index("sandbox_oidc_models_uid_idx").on(t.uid).where(sql`${t.uid} is not null`),
    index("sandbox_oidc_models_expires_idx").on(t.expiresAt),
  ],
);

/**
 * A sandbox user as last pushed to the product's SCIM endpoint: the product's id for them, what it
 * acknowledged, and the failing push's retries (the backoff) and error, which staff see.
 */
export const sandboxProductAccounts = pgTable("sandbox_product_accounts", {
  userId: uuid("user_id").primaryKey(),
  /** The product's SCIM id for this person; null until it created them. */
  scimId: text("scim_id"),
  /** The SCIM resource the product last acknowledged; null once it removed them. */
  pushed: jsonb("pushed").$type<Record<string, unknown>>(),
  pushedAt: timestamp("pushed_at", { withTimezone: true }),
  attempts: integer("attempts").notNull().default(0),
  nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
  lastError: text("last_error"),
  failingSince: timestamp("failing_since", { withTimezone: true }),
});

/** A signed call Convene owes the product (a change of flags), sent with retries and backoff. */
export const sandboxProductCalls = pgTable(
  "sandbox_product_calls",
  {
    id: id(),
    kind: text("kind").$type<"flags">().notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: text("status").$type<"pending" | "succeeded" | "failed">().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    index("sandbox_product_calls_due_idx").on(t.status, t.nextAttemptAt),
    index("sandbox_product_calls_created_idx").on(t.createdAt),
  ],
);
