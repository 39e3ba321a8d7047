import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  inet,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "../../db/columns.js";
import type { ApiTokenAccess, ApiTokenArea } from "./contracts/api-tokens.js";
import { type OrganisationKind, organisationKinds } from "./contracts/organisations.js";
import type { PasskeyDeviceType, PasskeyTransport, WebAuthnCeremony } from "./contracts/passkeys.js";
import type { ErasureStatus, PersonalDataExportStatus } from "./contracts/personal-data.js";
import type { UserStatus } from "./contracts/users.js";

export { type OrganisationKind, organisationKinds, type UserStatus };

export const organisations = pgTable("organisations", {
  id: id(),
  name: text("name").notNull().unique(),
  kind: text("kind").$type<OrganisationKind>().notNull(),
  /** Off only while the organisation's identity provider is configured and enabled, so nobody is locked out. */
  passwordSignIn: boolean("password_sign_in").notNull().default(true),
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
    /**
     * Made by an import for someone its export names who has no account here: deactivated, with no
     * password, holding their history until an invitation, sign-in or provisioning for the address
     * claims it (createUser turns it into their account, history and all).
     */
    placeholder: boolean("placeholder").notNull().default(false),
    /** Anonymised ("erase me"): the name is a pseudonym, the address unusable, the account closed for good. */
    erasedAt: timestamp("erased_at", { withTimezone: true }),
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
 * A person's passkeys (WebAuthn credentials): a second factor after the password, and a sign-in of
 * their own. `credentialId` and `publicKey` are base64url; `signCount` is the authenticator's counter
 * at its last use, so a clone answering with an older count is refused.
 */
export const passkeys = pgTable(
  "passkeys",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    credentialId: text("credential_id").notNull().unique(),
    publicKey: text("public_key").notNull(),
    signCount: bigint("sign_count", { mode: "number" }).notNull().default(0),
    transports: jsonb("transports").$type<PasskeyTransport[]>().notNull().default([]),
    deviceType: text("device_type").$type<PasskeyDeviceType>().notNull(),
    backedUp: boolean("backed_up").notNull(),
    name: text("name").notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [index("passkeys_user_idx").on(t.userId)],
);

/**
 * WebAuthn challenges handed out and not yet answered, kept here rather than in a cookie so each is
 * spent once (deleted when answered) and dies after a few minutes. Registration and the second factor
 * bind theirs to a person; a passwordless sign-in's belongs to nobody until the passkey says whose.
 * Only the sha256 of the challenge is kept.
 */
export const webauthnChallenges = pgTable(
  "webauthn_challenges",
  {
    id: id(),
    challengeHash: text("challenge_hash").notNull().unique(),
    ceremony: text("ceremony").$type<WebAuthnCeremony>().notNull(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("webauthn_challenges_expiry_idx").on(t.expiresAt)],
);

/**
 * An organisation's own OpenID provider: people at the domains it covers sign in there instead of with
 * a Convene password. The client secret is sealed with AES-GCM under a key kept outside the database
 * (identity-providers.ts), and no API ever answers it.
 */
export const identityProviders = pgTable("identity_providers", {
  id: id(),
  organisationId: uuid("organisation_id")
    .notNull()
    .unique()
    .references(() => organisations.id, { onDelete: "cascade" }),
  issuer: text("issuer").notNull(),
  clientId: text("client_id").notNull(),
  sealedClientSecret: text("sealed_client_secret").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * The organisation's domains whose people sign in through its provider. A domain is the organisation's
 * (organisation_domains) before a provider may cover it, so it still belongs to one organisation only,
 * and stops being covered when the organisation gives it up.
 */
export const identityProviderDomains = pgTable("identity_provider_domains", {
  domain: text("domain")
    .primaryKey()
    .references(() => organisationDomains.domain, { onDelete: "cascade" }),
  identityProviderId: uuid("identity_provider_id")
    .notNull()
    .references(() => identityProviders.id, { onDelete: "cascade" }),
});

/** Who a person is at a provider (`sub`), so a later sign-in finds them even if their address changed there. */
export const identityProviderLinks = pgTable(
  "identity_provider_links",
  {
    id: id(),
    identityProviderId: uuid("identity_provider_id")
      .notNull()
      .references(() => identityProviders.id, { onDelete: "cascade" }),
    subject: text("subject").notNull(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
    lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("identity_provider_links_subject_idx").on(t.identityProviderId, t.subject),
    uniqueIndex("identity_provider_links_user_idx").on(t.identityProviderId, t.userId),
  ],
);

/**
 * "Download my data": one archive per request, built in the background. Only the sha256 of the
 * download link's token is kept; the archive (a stored file) is deleted when the link expires. At most
 * one export is under way per person (the partial unique index), so a second request is a 409.
 */
export const personalDataExports = pgTable(
  "personal_data_exports",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    status: text("status").$type<PersonalDataExportStatus>().notNull().default("queued"),
    /** Progress: the area being written and how many of the steps are done. */
    step: text("step").notNull().default(""),
    done: integer("done").notNull().default(0),
    total: integer("total").notNull().default(0),
    fileId: uuid("file_id"),
    /** Set when the archive is ready and its link mailed. */
    tokenHash: text("token_hash").unique(),
    error: text("error"),
    createdAt: createdAt(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [
    index("personal_data_exports_user_idx").on(t.userId, t.createdAt),
    uniqueIndex("personal_data_exports_one_running_idx")
      .on(t.userId)
      .where(sql`${t.status} in ('queued', 'running')`),
  ],
);

/**
 * A sign-in sent to a provider and not yet back: the state (hashed, as it travels in URLs), the nonce
 * and the PKCE verifier the answer must match, and where to go afterwards. Deleted as it is used, so
 * each state works once; expired rows are swept when new ones are written.
 */
export const organisationSignIns = pgTable(
  "organisation_sign_ins",
  {
    id: id(),
    stateHash: text("state_hash").notNull().unique(),
    identityProviderId: uuid("identity_provider_id")
      .notNull()
      .references(() => identityProviders.id, { onDelete: "cascade" }),
    nonce: text("nonce").notNull(),
    codeVerifier: text("code_verifier").notNull(),
    returnTo: text("return_to").notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("organisation_sign_ins_expiry_idx").on(t.expiresAt)],
);

/**
 * "Erase me": an anonymisation, asked for by the person (carried out after a waiting period unless
 * they cancel it) or by staff (at once). At most one is scheduled per person.
 */
export const accountErasures = pgTable(
  "account_erasures",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    requestedBy: uuid("requested_by").notNull(),
    removeContent: boolean("remove_content").notNull(),
    status: text("status").$type<ErasureStatus>().notNull().default("scheduled"),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("account_erasures_one_scheduled_idx").on(t.userId).where(sql`${t.status} = 'scheduled'`),
    index("account_erasures_due_idx").on(t.status, t.dueAt),
  ],
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
