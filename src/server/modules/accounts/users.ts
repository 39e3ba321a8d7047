import { and, eq, ilike, inArray, or, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import {
  type Delivery,
  type NotificationKind,
  notificationKinds,
} from "../../../shared/contracts/notifications.js";
import { uuidListValue } from "../../db/arrays.js";
import type { Db } from "../../db/client.js";
import { preparedQuery } from "../../db/prepared.js";
import { recordAudit } from "../../platform/audit/service.js";
import { hashPassword, verifyPassword } from "../../platform/auth/passwords.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, invalid, notFound } from "../../platform/errors.js";
import { publishEvent } from "../../platform/events/publish.js";
import { notificationPreferences } from "../../platform/notifications/schema.js";
import { containing } from "../../platform/search/text-query.js";
import { revokeAllApiTokens } from "./api-tokens.js";
import type { Me, PasswordChange, ProfileChanges } from "./contracts/me.js";
import {
  type AdminUser,
  type UserChanges,
  type UserFilter,
  type UserStatus,
  userChanged,
} from "./contracts/users.js";
import { endResetLinks, setPassword } from "./passwords.js";
import { actorOf } from "./present.js";
import { organisations, users } from "./schema.js";
import { endAllSessions } from "./sessions.js";

export { actorOf };

const RELEASE_KIND = "releases.published" satisfies NotificationKind;

/** Tells the product team's open admin pages that a person joined or changed. */
export async function announceUserChange(ctx: Ctx, userId: string): Promise<void> {
  const staff = await listActiveStaff(ctx.db);
  await publishEvent(ctx, userChanged, { userIds: staff.map((person) => person.id) }, { userId });
}

export async function getMe(db: Db, userId: string): Promise<Me> {
  const [row] = await db
    .select({ user: users, organisation: organisations, releaseDelivery })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .leftJoin(notificationPreferences, releasePreferenceOf)
    .where(eq(users.id, userId));
  if (!row) throw notFound("The person");
  return {
    id: row.user.id,
    email: row.user.email,
    name: row.user.name,
    organisation: { id: row.organisation.id, name: row.organisation.name, kind: row.organisation.kind },
    isStaff: row.user.isStaff,
    isOrgAdmin: row.user.isOrgAdmin,
    totpEnabled: row.user.totpEnabled,
    releaseEmails: wantsEmail(row.releaseDelivery),
  };
}

/** The account of an address; an import's placeholder is not one (it is claimed by createUser). */
export async function findUserByEmail(db: Db, email: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.email, email.trim().toLowerCase()), eq(users.placeholder, false)));
  return row ?? null;
}

export async function getUserRow(db: Db, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  if (!row) throw notFound("The person");
  return row;
}

/** The one place accounts are created: invitations, the CLI and the demo seed all come through here. */
export async function createUser(
  ctx: Ctx,
  input: {
    email: string;
    name: string;
    password: string;
    organisationId: string;
    isStaff?: boolean;
    isOrgAdmin?: boolean;
  },
) {
  const email = input.email.trim().toLowerCase();
  if (await findUserByEmail(ctx.db, email)) {
    throw new AppError("conflict", "An account with that e-mail exists.", {
      email: "Already has an account",
    });
  }
  const account = {
    email,
    name: input.name.trim(),
    passwordHash: await hashPassword(input.password),
    organisationId: input.organisationId,
    isStaff: input.isStaff ?? false,
    isOrgAdmin: input.isOrgAdmin ?? false,
  };
  // An import's placeholder for this address becomes the account, so its history is theirs.
  const [claimed] = await ctx.db
    .update(users)
    .set({ ...account, status: "active", placeholder: false })
    .where(and(eq(users.email, email), eq(users.placeholder, true)))
    .returning();
  const [created] = claimed ? [claimed] : await ctx.db.insert(users).values(account).returning();
  if (!created) throw new Error("user row was not written");
  await announceUserChange(ctx, created.id);
  return created;
}

/**
 * A person changes their own name and whether release announcements reach them by e-mail: the switch
 * is their notification preference for releases (e-mailed by default, or in the app only).
 */
export async function updateMe(ctx: ActorCtx, changes: ProfileChanges): Promise<Me> {
  const { actor } = ctx;
  const set: Partial<typeof users.$inferInsert> = {};
  if (changes.name !== undefined) set.name = changes.name.trim();
  if (changes.releaseEmails !== undefined) set.releaseEmails = changes.releaseEmails;
  await inTransaction(ctx, async (tx) => {
    if (Object.keys(set).length > 0) await tx.db.update(users).set(set).where(eq(users.id, actor.id));
    if (set.name !== undefined) await announceUserChange(tx, actor.id);
    if (changes.releaseEmails !== undefined) {
      const delivery: Delivery = changes.releaseEmails ? notificationKinds[RELEASE_KIND].delivery : "app";
      await tx.db
        .insert(notificationPreferences)
        .values({ userId: actor.id, kind: RELEASE_KIND, delivery })
        .onConflictDoUpdate({
          target: [notificationPreferences.userId, notificationPreferences.kind],
          set: { delivery },
        });
    }
  });
  return getMe(ctx.db, actor.id);
}

/**
 * A new password ends the person's other sessions (what a stolen password gave someone else) and
 * offers to revoke their API tokens too: a token is a credential of its own, often serving a script
 * the person still runs, so a routine change need not break it; but someone who had the password may
 * have made one, so the form asks, revoking by default (`revokeApiTokens`).
 */
export async function changePassword(
  ctx: ActorCtx,
  input: PasswordChange & { keepSessionId: string | null },
): Promise<void> {
  const { actor } = ctx;
  const user = await getUserRow(ctx.db, actor.id);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw invalid({ currentPassword: "That is not your current password." });
  }
  await inTransaction(ctx, async (tx) => {
    const { endedResetLinks } = await setPassword(tx.db, actor.id, input.newPassword);
    const endedSessions = await endAllSessions(tx.db, actor.id, input.keepSessionId);
    const revokedApiTokens = input.revokeApiTokens ? await revokeAllApiTokens(tx.db, actor.id, actor.id) : 0;
    await recordAudit(tx, {
      action: "auth.password_changed",
      targetType: "user",
      targetId: actor.id,
      details: { endedOtherSessions: endedSessions, endedResetLinks, revokedApiTokens },
    });
  });
}

export async function listUsersForAdmin(db: Db, filter: UserFilter & { id?: string }): Promise<AdminUser[]> {
  const conditions: SQL[] = [];
  if (filter.id) conditions.push(eq(users.id, filter.id));
  if (filter.q) {
    const text = or(ilike(users.email, containing(filter.q)), ilike(users.name, containing(filter.q)));
    if (text) conditions.push(text);
  }
  if (filter.organisationId) conditions.push(eq(users.organisationId, filter.organisationId));
  if (filter.status) conditions.push(eq(users.status, filter.status));
  const rows = await db
    .select({ user: users, organisation: { id: organisations.id, name: organisations.name } })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .where(and(...conditions))
    .orderBy(organisations.name, users.name)
    .limit(500);
  return rows.map(({ user, organisation }) => ({
    id: user.id,
    email: user.email,
    name: user.name,
    organisation,
    isStaff: user.isStaff,
    isOrgAdmin: user.isOrgAdmin,
    status: user.status,
    totpEnabled: user.totpEnabled,
    erased: user.erasedAt !== null,
    placeholder: user.placeholder,
    createdAt: user.createdAt.toISOString(),
  }));
}

export async function getUserForAdmin(db: Db, id: string): Promise<AdminUser> {
  const [view] = await listUsersForAdmin(db, { id });
  if (!view) throw notFound("The person");
  return view;
}

/**
 * Deactivation ends every session and reset link of the person and revokes their API tokens at once;
 * reactivation restores sign-in (with a password or through their identity provider), not the
 * tokens. Staff and SCIM provisioning both change a person's standing through here, in their
 * transaction; `details` says how.
 */
export async function setUserStatus(
  ctx: Ctx,
  user: { id: string; email: string; status: UserStatus },
  status: UserStatus,
  details: Record<string, unknown> = {},
): Promise<void> {
  if (status === user.status) return;
  await ctx.db.update(users).set({ status }).where(eq(users.id, user.id));
  const deactivated = status === "deactivated";
  const endedSessions = deactivated ? await endAllSessions(ctx.db, user.id) : 0;
  const endedResetLinks = deactivated ? await endResetLinks(ctx.db, user.id) : 0;
  const revokedApiTokens = deactivated ? await revokeAllApiTokens(ctx.db, user.id, ctx.actor?.id ?? null) : 0;
  await recordAudit(ctx, {
    action: deactivated ? "user.deactivated" : "user.reactivated",
    targetType: "user",
    targetId: user.id,
    details: { email: user.email, endedSessions, endedResetLinks, revokedApiTokens, ...details },
  });
}

/** Staff change a person's standing (see setUserStatus) or roles. */
export async function updateUserByAdmin(ctx: ActorCtx, id: string, changes: UserChanges): Promise<AdminUser> {
  const { actor } = ctx;
  const before = await getUserRow(ctx.db, id);
  if (id === actor.id && (changes.status === "deactivated" || changes.isStaff === false)) {
    throw new AppError("forbidden", "You cannot deactivate yourself or remove your own staff role.");
  }
  if (before.erasedAt) throw new AppError("conflict", "This account was erased: it stays closed.");
  if (before.placeholder) {
    throw new AppError(
      "conflict",
      "This is an imported person's placeholder: invite them, and their account takes over its history.",
    );
  }
  const { status, ...roles } = changes;
  await inTransaction(ctx, async (tx) => {
    if (Object.keys(roles).length > 0) await tx.db.update(users).set(roles).where(eq(users.id, id));
    if (status) await setUserStatus(tx, before, status);
    for (const role of ["isOrgAdmin", "isStaff"] as const) {
      const value = changes[role];
      if (value !== undefined && value !== before[role]) {
        await recordAudit(tx, {
          action: "user.role_changed",
          targetType: "user",
          targetId: id,
          details: { email: before.email, role: role === "isStaff" ? "staff" : "org_admin", granted: value },
        });
      }
    }
    await announceUserChange(tx, id);
  });
  return getUserForAdmin(ctx.db, id);
}

export type UserSummary = {
  id: string;
  name: string;
  email: string;
  isStaff: boolean;
  organisationId: string;
  active: boolean;
};

/** Names and addresses of people by id, for modules that show or notify them. */
export async function userSummaries(db: Db, ids: Iterable<string>): Promise<Map<string, UserSummary>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      isStaff: users.isStaff,
      organisationId: users.organisationId,
      status: users.status,
    })
    .from(users)
    .where(inArray(users.id, unique));
  return new Map(rows.map(({ status, ...row }) => [row.id, { ...row, active: status === "active" }]));
}

export async function listActiveStaff(db: Db): Promise<UserSummary[]> {
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      isStaff: users.isStaff,
      organisationId: users.organisationId,
    })
    .from(users)
    .where(and(eq(users.isStaff, true), eq(users.status, "active")))
    .orderBy(users.name);
  return rows.map((row) => ({ ...row, active: true }));
}

export type PersonView = {
  id: string;
  name: string;
  isStaff: boolean;
  organisation: { id: string; name: string };
};

const selectPeople = (db: Db) =>
  db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      isStaff: users.isStaff,
      organisation: { id: organisations.id, name: organisations.name },
    })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
    .$dynamic();

/** Asked for the author of every post and the people of every page of messages. */
const peopleWithIds = preparedQuery((db) =>
  selectPeople(db)
    .where(sql`${users.id} = any(${sql.placeholder("ids")}::uuid[])`)
    .prepare("people_with_ids"),
);

/**
 * An organisation's name as one value that another module's statement selects: a post shows its
 * author, whose organisation's name is the only part of them a request's actor does not carry.
 */
export const organisationNameValue = (organisationId: SQLWrapper | string): SQL<string> =>
  sql<string>`(select ${organisations.name} from ${organisations} where ${organisations.id} = ${organisationId})`;

/** People as the community shows them to each other: name, product-team badge, organisation. */
export async function peopleByIds(
  db: Db,
  ids: Iterable<string>,
): Promise<Map<string, PersonView & { email: string }>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await peopleWithIds(db).execute({ ids: uuidListValue(unique) });
  return new Map(rows.map((row) => [row.id, row]));
}

/** Active people whose name or address matches, for the DM picker and @-mentions. */
export async function searchPeople(
  db: Db,
  q: string,
  limit = 20,
): Promise<(PersonView & { email: string })[]> {
  const text = q.trim();
  return selectPeople(db)
    .where(
      and(
        eq(users.status, "active"),
        text ? or(ilike(users.name, containing(text)), ilike(users.email, containing(text))) : undefined,
      ),
    )
    .orderBy(users.name)
    .limit(limit);
}

/**
 * The active people a search's `from:` names: the one with that address, or else everyone whose name
 * or address contains it.
 */
export async function authorsMatching(db: Db, from: string): Promise<string[]> {
  const exact = await activeUsersByEmail(db, [from]);
  if (exact.size > 0) return [...exact.values()];
  return (await searchPeople(db, from, 50)).map((person) => person.id);
}

/** Active people by e-mail, for resolving @mentions written as addresses. */
export async function activeUsersByEmail(db: Db, emails: string[]): Promise<Map<string, string>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(inArray(users.email, emails), eq(users.status, "active")));
  return new Map(rows.map((row) => [row.email, row.id]));
}

/**
 * The active people these addresses belong to, by address, with the name a mention shows instead of
 * the address.
 */
export async function mentionedPeople(
  db: Db,
  emails: string[],
): Promise<Map<string, { id: string; name: string }>> {
  if (emails.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(inArray(users.email, emails), eq(users.status, "active")));
  return new Map(rows.map((row) => [row.email, { id: row.id, name: row.name }]));
}

/**
 * How a release reaches the person: their notification preference for releases, or, where they chose
 * none, the release e-mail switch they had before the inbox (off reads as in the app only).
 */
const releaseDelivery = sql<Delivery>`coalesce(${notificationPreferences.delivery},
  case when ${users.releaseEmails} then ${notificationKinds[RELEASE_KIND].delivery} else 'app' end)`;

const releasePreferenceOf = and(
  eq(notificationPreferences.userId, users.id),
  eq(notificationPreferences.kind, RELEASE_KIND),
);

const wantsEmail = (delivery: Delivery) => delivery === "email_now" || delivery === "email_batch";

/** Active people who chose release announcements by e-mail (the default), for the release mailing. */
export async function releaseEmailRecipients(db: Db): Promise<{ id: string; name: string; email: string }[]> {
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .leftJoin(notificationPreferences, releasePreferenceOf)
    .where(and(eq(users.status, "active"), sql`${releaseDelivery} in ('email_now', 'email_batch')`))
    .orderBy(users.email);
}

/**
 * Writes the release e-mail switch of people who turned it off before the inbox existed as their
 * preference (in the app only), so the preferences page shows what they chose; a preference they
 * set since is kept.
 */
export async function adoptReleaseEmailSwitch(db: Db): Promise<void> {
  await db.execute(sql`
    insert into ${notificationPreferences} (user_id, kind, delivery)
    select ${users.id}, ${RELEASE_KIND}, 'app' from ${users} where ${users.releaseEmails} = false
    on conflict do nothing`);
}

/** Everyone active, for what goes to the whole community (a release). */
export async function activeUserIds(db: Db): Promise<string[]> {
  const rows = await db.select({ id: users.id }).from(users).where(eq(users.status, "active"));
  return rows.map((row) => row.id);
}

/** Active people of the given organisations, for modules that include whole organisations. */
export async function activeMembersOf(db: Db, organisationIds: string[]): Promise<UserSummary[]> {
  if (organisationIds.length === 0) return [];
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      isStaff: users.isStaff,
      organisationId: users.organisationId,
    })
    .from(users)
    .where(and(inArray(users.organisationId, organisationIds), eq(users.status, "active")))
    .orderBy(users.name);
  return rows.map((row) => ({ ...row, active: true }));
}

/**
 * The staff account a CLI command acts as: `--as`, else the first active staff account by name.
 * Says why there is none on stderr, for the caller to exit with its code.
 */
export async function operatorStaff(ctx: Ctx, as: string | undefined) {
  const user = as
    ? await findUserByEmail(ctx.db, as.trim().toLowerCase())
    : await listActiveStaff(ctx.db).then(([first]) => (first ? findUserByEmail(ctx.db, first.email) : null));
  if (user?.isStaff && user.status === "active") return user;
  console.error(
    as
      ? `--as: ${as} is not an active staff account.`
      : "There is no active staff account; create one with `convene admin create-staff`.",
  );
  return null;
}
