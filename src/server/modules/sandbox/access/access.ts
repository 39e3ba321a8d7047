import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import type { Actor, ActorCtx } from "../../../platform/context.js";
import { AppError, forbidden } from "../../../platform/errors.js";
import { listActiveStaff } from "../../accounts/index.js";
import { assertNotResetting } from "../operations/wipe-state.js";
import type { SandboxRole } from "./contracts/users.js";
import type { AgreementRow } from "./present.js";
import { sandboxAgreementAcceptances, sandboxAgreements, sandboxUsers } from "./schema.js";

export const AGREEMENT_REQUIRED_MESSAGE =
  "Read and accept the current Access and Use Agreement before using the development environment.";
export const NOT_A_SANDBOX_USER_MESSAGE =
  "You are not a user of the development environment. Ask your organisation's admin to add you to the development environment.";

/** The agreement in force: the published version with the highest number, or null before the first. */
export async function currentAgreement(db: Db): Promise<AgreementRow | null> {
  const [row] = await db
    .select()
    .from(sandboxAgreements)
    .where(eq(sandboxAgreements.status, "published"))
    .orderBy(desc(sandboxAgreements.version))
    .limit(1);
  return row ?? null;
}

/** The person's active sandbox role, or null when they were never added or have been removed. */
export async function sandboxRoleOf(db: Db, userId: string): Promise<SandboxRole | null> {
  const [row] = await db
    .select({ role: sandboxUsers.role })
    .from(sandboxUsers)
    .where(and(eq(sandboxUsers.userId, userId), isNull(sandboxUsers.removedAt)));
  return row?.role ?? null;
}

/** When the person accepted this version, or null. */
export async function acceptedAt(db: Db, agreementId: string, userId: string): Promise<Date | null> {
  const [row] = await db
    .select({ acceptedAt: sandboxAgreementAcceptances.acceptedAt })
    .from(sandboxAgreementAcceptances)
    .where(
      and(
        eq(sandboxAgreementAcceptances.agreementId, agreementId),
        eq(sandboxAgreementAcceptances.userId, userId),
      ),
    );
  return row?.acceptedAt ?? null;
}

/** Throws `agreement_required` unless the actor accepted the agreement in force. */
export async function requireAcceptedAgreement(ctx: ActorCtx): Promise<AgreementRow> {
  const { db, actor } = ctx;
  const agreement = await currentAgreement(db);
  if (!agreement || !(await acceptedAt(db, agreement.id, actor.id)))
    throw new AppError("agreement_required", AGREEMENT_REQUIRED_MESSAGE, undefined, {
      agreementPage: "/sandbox/agreement",
    });
  return agreement;
}

/**
 * Everyone the gate lets in now, for live events whose readers are the gate's: active sandbox users and
 * the product team, each having accepted the agreement in force.
 */
export async function sandboxReaderIds(db: Db): Promise<string[]> {
  const agreement = await currentAgreement(db);
  if (!agreement) return [];
  const accepted = await db
    .select({ userId: sandboxAgreementAcceptances.userId })
    .from(sandboxAgreementAcceptances)
    .where(eq(sandboxAgreementAcceptances.agreementId, agreement.id));
  const users = await db
    .select({ userId: sandboxUsers.userId })
    .from(sandboxUsers)
    .where(isNull(sandboxUsers.removedAt));
  const allowed = new Set([
    ...users.map((row) => row.userId),
    ...(await listActiveStaff(db)).map((person) => person.id),
  ]);
  return accepted.map((row) => row.userId).filter((userId) => allowed.has(userId));
}

/**
 * The gate of every sandbox route. While a wipe runs, 503 `sandbox_resetting`. Staff always have full
 * rights (role "staff"); anyone else must be an active sandbox user (else 403 `forbidden`). Everyone,
 * staff included, must have accepted the newest published agreement (else 403 `agreement_required`).
 */
export async function requireSandboxAccess(ctx: ActorCtx): Promise<{ role: SandboxRole | "staff" }> {
  const { db, actor } = ctx;
  await assertNotResetting(ctx);
  const role: SandboxRole | "staff" | null = actor.isStaff ? "staff" : await sandboxRoleOf(db, actor.id);
  if (!role) throw new AppError("forbidden", NOT_A_SANDBOX_USER_MESSAGE);
  await requireAcceptedAgreement(ctx);
  return { role };
}

export type SandboxStatus = {
  isSandboxUser: boolean;
  role: SandboxRole | "staff" | null;
  agreement: { id: string; version: number } | null;
  accepted: boolean;
  canManageUsers: boolean;
};

/** What the web app needs to decide what to show at /sandbox; never refused to someone signed in. */
export async function sandboxStatus(ctx: ActorCtx): Promise<SandboxStatus> {
  const { db, actor } = ctx;
  const sandboxRole = await sandboxRoleOf(db, actor.id);
  const agreement = await currentAgreement(db);
  return {
    isSandboxUser: sandboxRole !== null,
    role: actor.isStaff ? "staff" : sandboxRole,
    agreement: agreement ? { id: agreement.id, version: agreement.version } : null,
    accepted: agreement ? (await acceptedAt(db, agreement.id, actor.id)) !== null : false,
    canManageUsers: actor.isStaff || actor.isOrgAdmin,
  };
}

const seeders = new WeakSet<Actor>();

/**
 * An actor for seeding (the demo): the same rules and audit trail, but the agreement is not asked for,
 * since nobody has accepted it when the demo is built. Only server code can make one; HTTP actors are
 * built per request and never are.
 */
export function asSeeder(actor: Actor): Actor {
  const seeder = { ...actor };
  seeders.add(seeder);
  return seeder;
}

/** The sandbox gate (see requireSandboxAccess), with the seeder's exception. */
export async function gate(ctx: ActorCtx): Promise<{ role: SandboxRole | "staff" }> {
  const { actor } = ctx;
  if (!seeders.has(actor)) return requireSandboxAccess(ctx);
  const role = actor.isStaff ? "staff" : await sandboxRoleOf(ctx.db, actor.id);
  if (!role) throw forbidden("The seeding actor is not a development environment user.");
  return { role };
}

/**
 * Whether the actor passes the gate now, for what shows sandbox records outside the sandbox's own
 * routes (the one search): there, someone who may not enter (not a sandbox user, the agreement not
 * accepted, a wipe running) is shown nothing rather than refused.
 */
export async function passesGate(ctx: ActorCtx): Promise<boolean> {
  try {
    await gate(ctx);
    return true;
  } catch (error) {
    if (error instanceof AppError) return false;
    throw error;
  }
}
