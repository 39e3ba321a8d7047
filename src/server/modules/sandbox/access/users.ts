import { and, count, eq, isNull } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { recordAudit } from "../../../platform/audit/service.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../../platform/context.js";
import { AppError, forbidden, notFound } from "../../../platform/errors.js";
import { peopleByIds, searchPeople, userSummaries } from "../../accounts/index.js";
import { requireAcceptedAgreement } from "./access.js";
import { roleLabels, type SandboxRole } from "./contracts/users.js";
import { notifyEnvironmentPeople } from "./notifications.js";
import { canManageSandboxUser, canManageSandboxUsers } from "./policy.js";
import type { PersonOption, SandboxUserView } from "./present.js";
import { sandboxUsers } from "./schema.js";

export const USER_ADDED = "sandbox.user_added";
export const ROLE_CHANGED = "sandbox.role_changed";
export const USER_REMOVED = "sandbox.user_removed";

/**
 * The gate of the user-management routes: staff or an org admin (else `forbidden`), who accepted the
 * agreement in force (else `agreement_required`), like every other sandbox route.
 */
async function requireManager(ctx: ActorCtx): Promise<void> {
  const { actor } = ctx;
  if (!canManageSandboxUsers(actor))
    throw forbidden(
      "Only your organisation's admin and the product team manage development environment users.",
    );
  await requireAcceptedAgreement(ctx);
}

/** The person behind a user id, if the actor may manage them; anyone else is "not found". */
async function manageablePerson(ctx: ActorCtx, userId: string) {
  const { actor } = ctx;
  const person = (await peopleByIds(ctx.db, [userId])).get(userId);
  if (!person || !canManageSandboxUser(actor, person)) throw notFound("The person");
  return person;
}

/** Active sandbox users the actor manages (staff: all; org admin: their organisation's), and whom they may add. */
export async function listSandboxUsers(
  ctx: ActorCtx,
): Promise<{ users: SandboxUserView[]; candidates: PersonOption[] }> {
  const { actor } = ctx;
  await requireManager(ctx);
  const rows = await ctx.db.select().from(sandboxUsers).where(isNull(sandboxUsers.removedAt));
  const people = await peopleByIds(
    ctx.db,
    rows.map((row) => row.userId),
  );
  const users: SandboxUserView[] = [];
  for (const row of rows) {
    const person = people.get(row.userId);
    if (!person || !canManageSandboxUser(actor, person)) continue;
    users.push({
      id: person.id,
      name: person.name,
      email: person.email,
      organisation: person.organisation,
      role: row.role,
      addedAt: row.addedAt.toISOString(),
    });
  }
  users.sort(
    (a, b) => a.organisation.name.localeCompare(b.organisation.name) || a.name.localeCompare(b.name),
  );
  const added = new Set(users.map((user) => user.id));
  const candidates = (await searchPeople(ctx.db, "", 1000))
    .filter((person) => !person.isStaff && !added.has(person.id) && canManageSandboxUser(actor, person))
    .map(({ id, name, email, organisation }) => ({ id, name, email, organisation }));
  return { users, candidates };
}

/** The ids of everyone whose sandbox access has not been removed. */
export async function activeSandboxUserIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ userId: sandboxUsers.userId })
    .from(sandboxUsers)
    .where(isNull(sandboxUsers.removedAt));
  return rows.map((row) => row.userId);
}

export async function countActiveSandboxUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(sandboxUsers).where(isNull(sandboxUsers.removedAt));
  return Number(row?.n ?? 0);
}

/**
 * Gives people sandbox access without a manager's checks or audit entries: for the demo seed, which
 * adds its members before anyone could have accepted the agreement.
 */
export async function seedSandboxUsers(
  db: Db,
  addedBy: string,
  members: readonly { userId: string; role: SandboxRole }[],
): Promise<void> {
  if (members.length === 0) return;
  await db.insert(sandboxUsers).values(members.map(({ userId, role }) => ({ userId, role, addedBy })));
}

async function presentOne(ctx: Ctx, userId: string): Promise<SandboxUserView> {
  const [row] = await ctx.db.select().from(sandboxUsers).where(eq(sandboxUsers.userId, userId));
  const person = (await peopleByIds(ctx.db, [userId])).get(userId);
  if (!row || !person) throw notFound("The development environment user");
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    organisation: person.organisation,
    role: row.role,
    addedAt: row.addedAt.toISOString(),
  };
}

/** Gives a person access with a role; someone removed before comes back with the new role. */
export async function addSandboxUser(
  ctx: ActorCtx,
  input: { userId: string; role: SandboxRole },
): Promise<SandboxUserView> {
  const { actor } = ctx;
  await requireManager(ctx);
  return inTransaction(ctx, async (tx) => {
    const person = await manageablePerson(tx, input.userId);
    if (!(await userSummaries(tx.db, [person.id])).get(person.id)?.active)
      throw new AppError("conflict", `${person.name}'s account is deactivated.`, {
        userId: "This account is deactivated.",
      });
    const [existing] = await tx.db
      .select()
      .from(sandboxUsers)
      .where(eq(sandboxUsers.userId, person.id))
      .for("update");
    if (existing && !existing.removedAt)
      throw new AppError("conflict", `${person.name} is already a development environment user.`, {
        userId: "Already a development environment user.",
      });
    const values = {
      role: input.role,
      addedBy: actor.id,
      addedAt: new Date(),
      removedAt: null,
      removedBy: null,
    };
    if (existing) await tx.db.update(sandboxUsers).set(values).where(eq(sandboxUsers.userId, person.id));
    else await tx.db.insert(sandboxUsers).values({ userId: person.id, ...values });
    await recordAudit(tx, {
      action: USER_ADDED,
      targetType: "user",
      targetId: person.id,
      details: { role: input.role, organisationId: person.organisation.id },
    });
    return presentOne(tx, person.id);
  });
}

async function loadActive(ctx: ActorCtx, userId: string) {
  const person = await manageablePerson(ctx, userId);
  const [row] = await ctx.db
    .select()
    .from(sandboxUsers)
    .where(and(eq(sandboxUsers.userId, userId), isNull(sandboxUsers.removedAt)))
    .for("update");
  if (!row) throw notFound("The development environment user");
  return { person, row };
}

export async function changeSandboxRole(
  ctx: ActorCtx,
  userId: string,
  role: SandboxRole,
): Promise<SandboxUserView> {
  await requireManager(ctx);
  return inTransaction(ctx, async (tx) => {
    const { row } = await loadActive(tx, userId);
    if (row.role !== role) {
      await tx.db.update(sandboxUsers).set({ role }).where(eq(sandboxUsers.userId, userId));
      await recordAudit(tx, {
        action: ROLE_CHANGED,
        targetType: "user",
        targetId: userId,
        details: { from: row.role, to: role },
      });
      await notifyEnvironmentPeople(tx, {
        kind: "sandbox.role",
        recipients: [userId],
        item: {
          type: "access",
          id: userId,
          title: "Your role in the development environment",
          url: "/sandbox",
        },
        excerpt: `Your role is now ${roleLabels[role].toLowerCase()}.`,
      });
    }
    return presentOne(tx, userId);
  });
}

/** Ends a person's access; the row stays, marked removed, as the record of who had access. */
export async function removeSandboxUser(ctx: ActorCtx, userId: string): Promise<void> {
  const { actor } = ctx;
  await requireManager(ctx);
  await inTransaction(ctx, async (tx) => {
    const { row } = await loadActive(tx, userId);
    await tx.db
      .update(sandboxUsers)
      .set({ removedAt: new Date(), removedBy: actor.id })
      .where(eq(sandboxUsers.userId, userId));
    await recordAudit(tx, {
      action: USER_REMOVED,
      targetType: "user",
      targetId: userId,
      details: { role: row.role },
    });
  });
}
