import { sql } from "drizzle-orm";
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, removedAt } from "../../../db/columns.js";
import type { AgreementStatus } from "./contracts/agreement.js";
import type { SandboxRole } from "./contracts/users.js";

/**
 * The Access and Use Agreement of the community development environment, in versions. The newest
 * published version is the one in force; publishing a new one asks everyone to accept again.
 */
export const sandboxAgreements = pgTable(
  "sandbox_agreements",
  {
    id: id(),
    version: integer("version").notNull().unique(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    status: text("status").$type<AgreementStatus>().notNull().default("draft"),
    createdBy: uuid("created_by").notNull(),
    createdAt: createdAt(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    publishedBy: uuid("published_by"),
  },
  (t) => [index("sandbox_agreements_published_idx").on(t.publishedAt).where(sql`${t.status} = 'published'`)],
);

/** Who accepted which version, when and from where: the record staff show an auditor. */
export const sandboxAgreementAcceptances = pgTable(
  "sandbox_agreement_acceptances",
  {
    id: id(),
    agreementId: uuid("agreement_id")
      .notNull()
      .references(() => sandboxAgreements.id),
    userId: uuid("user_id").notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }).notNull().defaultNow(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [uniqueIndex("sandbox_acceptances_once_idx").on(t.agreementId, t.userId)],
);

/** People given access to the sandbox, with their product role; removal keeps the row. */
export const sandboxUsers = pgTable(
  "sandbox_users",
  {
    userId: uuid("user_id").notNull(),
    role: text("role").$type<SandboxRole>().notNull(),
    addedBy: uuid("added_by").notNull(),
    addedAt: timestamp("added_at", { withTimezone: true }).notNull().defaultNow(),
    removedAt: removedAt(),
    removedBy: uuid("removed_by"),
  },
  (t) => [primaryKey({ columns: [t.userId] })],
);
