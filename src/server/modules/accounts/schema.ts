import {
  boolean,
  index,
  inet,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "../../db/columns.js";
import type { ApiTokenAccess, ApiTokenArea } from "./contracts/api-tokens.js";
import { type OrganisationKind, organisationKinds } from "./contracts/organisations.js";
import type { UserStatus } from "./contracts/users.js";

export { type OrganisationKind, organisationKinds, type UserStatus };

export const organisations = pgTable("organisations", {
  id: id(),
  name: text("name").notNull().unique(),
  kind: text("kind").$type<OrganisationKind>().notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A domain belongs to one organisation only, so an e-mail address maps to at most one. */
export const organisationDomains = pgTable("organisation_domains", {
  domain: text("domain").primaryKey(),
  organisationId: uuid("organisation_id")
    .notNull()
    .references(() => organisations.id, { onDelete: "cascade" }),
});

export const users = pgTable(
  "users",
  {
    id: id(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    organisationId: uuid("organisation_id")
      .notNull()
      .references(() => organisations.id),
    isStaff: boolean("is_staff").notNull().default(false),
    isOrgAdmin: boolean("is_org_admin").notNull().default(false),
    status: text("status").$type<UserStatus>().notNull().default("active"),
    totpSecret: text("totp_secret"),
    totpEnabled: boolean("totp_enabled").notNull().default(false),
    /** Release announcements by e-mail: on unless the person turns them off. */
    releaseEmails: boolean("release_emails").notNull().default(true),
    /** The identity provider's own id of the person, when provisioned by SCIM (kept and echoed back). */
    scimExternalId: text("scim_external_id"),
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("users_email_idx").on(t.email), index("users_org_idx").on(t.organisationId)],
);

/** Server-side sessions; the cookie holds a random token and only its sha256 is stored. */
export const sessions = pgTable(
  "sessions",
  {
    id: id(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    ip: inet("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email").notNull(),
    organisationId: uuid("organisation_id")
      .notNull()
      .references(() => organisations.id),
    invitedBy: uuid("invited_by").references(() => users.id),
    accessRequestTicketId: uuid("access_request_ticket_id"),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedUserId: uuid("accepted_user_id").references(() => users.id),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id),
  },
  (t) => [
    index("invitations_org_idx").on(t.organisationId),
    index("invitations_inviter_idx").on(t.invitedBy),
  ],
);

export const passwordResets = pgTable("password_resets", {
  id: id(),
  tokenHash: text("token_hash").notNull().unique(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id),
  createdAt: createdAt(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
  requestIp: inet("request_ip"),
});

/**
 * Single-use recovery codes for two-factor sign-in, ten per person, replaced as a set. Only the
 * sha256 of each code is stored (see recovery-codes.ts for why not argon2); `position` is the code's
 * number in the list the person saved, so the settings can say which one was used.
 */
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    position: integer("position").notNull(),
    codeHash: text("code_hash").notNull(),
    createdAt: createdAt(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [uniqueIndex("recovery_codes_user_code_idx").on(t.userId, t.codeHash)],
);

/**
 * Personal API tokens: a person's named credential for scripts, acting as them within a scope
 * (read only or not; the development environment only or everything). Only the sha256 of the secret
 * is kept, and its first characters to recognise it by; `lastUsedAt` is written at most once a minute.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: id(),
    tokenHash: text("token_hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    access: text("access").$type<ApiTokenAccess>().notNull(),
    area: text("area").$type<ApiTokenArea>().notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

/**
 * An organisation's SCIM provisioning credential, held by its identity provider (Okta, Entra ID): it
 * creates, changes and deactivates that organisation's people only. It belongs to no person, so it is
 * kept apart from personal API tokens; only the sha256 of the secret is stored, with its first
 * characters to recognise it by, and last use is written at most once a minute.
 */
export const scimTokens = pgTable(
  "scim_tokens",
  {
    id: id(),
    tokenHash: text("token_hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    organisationId: uuid("organisation_id")
      .notNull()
      .references(() => organisations.id),
    name: text("name").notNull(),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: uuid("revoked_by").references(() => users.id),
  },
  (t) => [index("scim_tokens_org_idx").on(t.organisationId)],
);
