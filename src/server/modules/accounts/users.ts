import { and, eq, ilike, inArray, or, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { hashPassword, verifyPassword } from "../../platform/auth/passwords.js";
import type { Actor, ActorCtx, Ctx } from "../../platform/context.js";
import { AppError, invalid, notFound } from "../../platform/errors.js";
import type { Me, PasswordChange, ProfileChanges } from "./contracts/me.js";
import type { AdminUser, UserChanges, UserFilter } from "./contracts/users.js";
import { organisations, users } from "./schema.js";
import { endAllSessions } from "./sessions.js";

export async function getMe(db: Db, userId: string): Promise<Me> {
  const [row] = await db
    .select({ user: users, organisation: organisations })
    .from(users)
    .innerJoin(organisations, eq(organisations.id, users.organisationId))
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
    releaseEmails: row.user.releaseEmails,
  };
}

export async function findUserByEmail(db: Db, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
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
  const [created] = await ctx.db
    .insert(users)
    .values({
      email,
      name: input.name.trim(),
      passwordHash: await hashPassword(input.password),
      organisationId: input.organisationId,
      isStaff: input.isStaff ?? false,
      isOrgAdmin: input.isOrgAdmin ?? false,
    })
    .returning();
  if (!created) throw new Error("user row was not written");
  return created;
}

/** A person changes their own name and whether release announcements reach them by e-mail. */
export async function updateMe(ctx: ActorCtx, changes: ProfileChanges): Promise<Me> {
  const { actor } = ctx;
  const set: Partial<typeof users.$inferInsert> = {};
  if (changes.name !== undefined) set.name = changes.name.trim();
  if (changes.releaseEmails !== undefined) set.releaseEmails = changes.releaseEmails;
  if (Object.keys(set).length > 0) await ctx.db.update(users).set(set).where(eq(users.id, actor.id));
  return getMe(ctx.db, actor.id);
}

export async function changePassword(
  ctx: ActorCtx,
  input: PasswordChange & { keepSessionId: string | null },
): Promise<void> {
  const { actor } = ctx;
  const user = await getUserRow(ctx.db, actor.id);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw invalid({ currentPassword: "That is not your current password." });
  }
  await ctx.db
    .update(users)
    .set({ passwordHash: await hashPassword(input.newPassword) })
    .where(eq(users.id, actor.id));
  const endedSessions = await endAllSessions(ctx.db, actor.id, input.keepSessionId);
  await recordAudit(ctx, {
    action: "auth.password_changed",
    targetType: "user",
    targetId: actor.id,
    details: { endedOtherSessions: endedSessions },
  });
}

export async function listUsersForAdmin(db: Db, filter: UserFilter & { id?: string }): Promise<AdminUser[]> {
  const conditions: SQL[] = [];
  if (filter.id) conditions.push(eq(users.id, filter.id));
  if (filter.q) {
    const text = or(ilike(users.email, `%${filter.q}%`), ilike(users.name, `%${filter.q}%`));
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
    createdAt: user.createdAt.toISOString(),
  }));
}

export async function getUserForAdmin(db: Db, id: string): Promise<AdminUser> {
  const [view] = await listUsersForAdmin(db, { id });
  if (!view) throw notFound("The person");
  return view;
}

/** Staff change a person's standing; deactivation ends every session they have at once. */
export async function updateUserByAdmin(ctx: ActorCtx, id: string, changes: UserChanges): Promise<AdminUser> {
  const { actor } = ctx;
  const before = await getUserRow(ctx.db, id);
  if (id === actor.id && (changes.status === "deactivated" || changes.isStaff === false)) {
    throw new AppError("forbidden", "You cannot deactivate yourself or remove your own staff role.");
  }
  await ctx.db.update(users).set(changes).where(eq(users.id, id));
  if (changes.status && changes.status !== before.status) {
    const endedSessions = changes.status === "deactivated" ? await endAllSessions(ctx.db, id) : 0;
    await recordAudit(ctx, {
      action: changes.status === "deactivated" ? "user.deactivated" : "user.reactivated",
      targetType: "user",
      targetId: id,
      details: { email: before.email, endedSessions },
    });
  }
  for (const role of ["isOrgAdmin", "isStaff"] as const) {
    const value = changes[role];
    if (value !== undefined && value !== before[role]) {
      await recordAudit(ctx, {
        action: "user.role_changed",
        targetType: "user",
        targetId: id,
        details: { email: before.email, role: role === "isStaff" ? "staff" : "org_admin", granted: value },
      });
    }
  }
  return getUserForAdmin(ctx.db, id);
}

/** The acting-person view of a user row. */
export const actorOf = (user: typeof users.$inferSelect): Actor => ({
  id: user.id,
  email: user.email,
  name: user.name,
  organisationId: user.organisationId,
  isStaff: user.isStaff,
  isOrgAdmin: user.isOrgAdmin,
});

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

/** People as the community shows them to each other: name, product-team badge, organisation. */
export async function peopleByIds(
  db: Db,
  ids: Iterable<string>,
): Promise<Map<string, PersonView & { email: string }>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await selectPeople(db).where(inArray(users.id, unique));
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
        text ? or(ilike(users.name, `%${text}%`), ilike(users.email, `%${text}%`)) : undefined,
      ),
    )
    .orderBy(users.name)
    .limit(limit);
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

/** Active people who want release announcements by e-mail (the default), for the release mailing. */
export async function releaseEmailRecipients(db: Db): Promise<{ id: string; name: string; email: string }[]> {
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.status, "active"), eq(users.releaseEmails, true)))
    .orderBy(users.email);
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
