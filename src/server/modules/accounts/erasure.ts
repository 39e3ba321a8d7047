import { createHmac } from "node:crypto";
import { and, eq, inArray, isNotNull, lte } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { isUniqueViolation } from "../../platform/db-errors.js";
import { AppError, notFound } from "../../platform/errors.js";
import { queueMail } from "../../platform/mail/service.js";
import { type Erasure, personalDataAreas } from "../../platform/personal-data/registry.js";
import { dataDirSecret } from "../../platform/secrets.js";
import {
  ERASURE_WAITING_DAYS,
  type ErasureRequest,
  type MyErasureInput,
  type StaffErasureInput,
} from "./contracts/personal-data.js";
import type { AdminUser } from "./contracts/users.js";
import { erasureScheduledMail } from "./mail.js";
import { discardExport, exportsOf } from "./personal-data-export.js";
import { accountErasures, users } from "./schema.js";
import { announceUserChange, getUserForAdmin, getUserRow } from "./users.js";

type ErasureRow = typeof accountErasures.$inferSelect;
type UserRow = typeof users.$inferSelect;

const DAY_MS = 24 * 60 * 60 * 1000;
const PSEUDONYM_SECRET_FILE = "person-pseudonym.secret";
const keys = new Map<string, Promise<string>>();

/**
 * "Former member 4F2A": keyed by the person's id with a secret kept in DATA_DIR, so nothing about it
 * leads back to their name or address. It is worked out once, at the erasure, and stored as their name,
 * so nodes need not share the key.
 */
export async function pseudonymOf(config: Pick<Config, "dataDir">, userId: string): Promise<string> {
  let key = keys.get(config.dataDir);
  if (!key) {
    key = dataDirSecret(config.dataDir, PSEUDONYM_SECRET_FILE);
    keys.set(config.dataDir, key);
  }
  const tag = createHmac("sha256", await key)
    .update(`person:${userId}`)
    .digest("hex")
    .slice(0, 4);
  return `Former member ${tag.toUpperCase()}`;
}

/** `.invalid` is reserved (RFC 2606): unique per account, so the address index holds, and it takes no mail. */
export const erasedAddress = (userId: string) => `erased-${userId}@invalid`;

const presentErasure = (row: ErasureRow): ErasureRequest => ({
  id: row.id,
  removeContent: row.removeContent,
  dueAt: row.dueAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
});

export async function scheduledErasureOf(ctx: Ctx, userId: string): Promise<ErasureRequest | null> {
  const [row] = await ctx.db
    .select()
    .from(accountErasures)
    .where(and(eq(accountErasures.userId, userId), eq(accountErasures.status, "scheduled")));
  return row ? presentErasure(row) : null;
}

const alreadyScheduled = () =>
  new AppError("conflict", "An erasure of your account is already waiting; cancel it to choose again.");

/** The person asks for their own erasure: carried out after the waiting period unless they cancel it. */
export async function requestMyErasure(ctx: ActorCtx, input: MyErasureInput): Promise<ErasureRequest> {
  const dueAt = new Date(Date.now() + ERASURE_WAITING_DAYS * DAY_MS);
  try {
    return await inTransaction(ctx, async (tx) => {
      if (await scheduledErasureOf(tx, ctx.actor.id)) throw alreadyScheduled();
      const [row] = await tx.db
        .insert(accountErasures)
        .values({
          userId: ctx.actor.id,
          requestedBy: ctx.actor.id,
          removeContent: input.removeContent,
          dueAt,
        })
        .returning();
      if (!row) throw new Error("the erasure row was not written");
      await recordAudit(tx, {
        action: "user.erasure_requested",
        targetType: "user",
        targetId: ctx.actor.id,
        details: { erasureId: row.id, removeContent: row.removeContent, dueAt: dueAt.toISOString() },
      });
      await queueMail(tx, erasureScheduledMail(ctx.config, { to: ctx.actor.email, dueAt }));
      return presentErasure(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyScheduled();
    throw error;
  }
}

export async function cancelMyErasure(ctx: ActorCtx): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .update(accountErasures)
      .set({ status: "cancelled", cancelledAt: new Date() })
      .where(and(eq(accountErasures.userId, ctx.actor.id), eq(accountErasures.status, "scheduled")))
      .returning();
    if (!row) throw notFound("A waiting erasure of your account");
    await recordAudit(tx, {
      action: "user.erasure_cancelled",
      targetType: "user",
      targetId: ctx.actor.id,
      details: { erasureId: row.id },
    });
  });
}

/**
 * Staff erase an account now, whether or not its owner asked (a waiting request is carried out early,
 * with the choice made here). Organisation admins cannot: an erasure is for good.
 */
export async function eraseUserNow(
  ctx: ActorCtx,
  userId: string,
  input: StaffErasureInput,
): Promise<AdminUser> {
  if (userId === ctx.actor.id)
    throw new AppError("forbidden", "You cannot erase your own account here; ask for it on your profile.");
  const user = await getUserRow(ctx.db, userId);
  if (user.erasedAt) throw new AppError("conflict", "This account is already erased.");
  await inTransaction(ctx, async (tx) => {
    const [waiting] = await tx.db
      .update(accountErasures)
      .set({ status: "done", removeContent: input.removeContent, completedAt: new Date() })
      .where(and(eq(accountErasures.userId, userId), eq(accountErasures.status, "scheduled")))
      .returning();
    const [erasure] = waiting
      ? [waiting]
      : await tx.db
          .insert(accountErasures)
          .values({
            userId,
            requestedBy: ctx.actor.id,
            removeContent: input.removeContent,
            status: "done",
            dueAt: new Date(),
            completedAt: new Date(),
          })
          .returning();
    if (!erasure) throw new Error("the erasure row was not written");
    await eraseAccount(tx, user, erasure);
  });
  await discardExports(ctx, userId);
  return getUserForAdmin(ctx.db, userId);
}

/** Carries out the erasures whose waiting period is over (the worker's pass; tests call it with a date). */
export async function runDueErasures(db: Db, config: Config, now = new Date()): Promise<number> {
  const ctx: Ctx = { db, config, actor: null, ip: null };
  let erased = 0;
  for (;;) {
    const userId = await inTransaction(ctx, async (tx) => {
      const [due] = await tx.db
        .select()
        .from(accountErasures)
        .where(and(eq(accountErasures.status, "scheduled"), lte(accountErasures.dueAt, now)))
        .orderBy(accountErasures.dueAt)
        .limit(1)
        .for("update", { skipLocked: true });
      if (!due) return null;
      const [done] = await tx.db
        .update(accountErasures)
        .set({ status: "done", completedAt: new Date() })
        .where(eq(accountErasures.id, due.id))
        .returning();
      const user = await getUserRow(tx.db, due.userId);
      if (done && !user.erasedAt) await eraseAccount(tx, user, done);
      return due.userId;
    });
    if (!userId) break;
    await discardExports(ctx, userId);
    erased += 1;
  }
  return erased;
}

/**
 * Anonymises the person in every area of personal data (platform/personal-data/registry.ts), in the
 * caller's transaction: all of it or none. The audit trail is not rewritten (its rows are hash-chained,
 * and rewriting them would break the chain); it names people by id, and the staff's audit page shows
 * an erased person's id with their pseudonym address instead of the one the row recorded.
 */
async function eraseAccount(ctx: Ctx, user: UserRow, erasure: ErasureRow): Promise<void> {
  const details: Erasure = {
    userId: user.id,
    pseudonym: await pseudonymOf(ctx.config, user.id),
    pseudonymEmail: erasedAddress(user.id),
    formerEmail: user.email,
    removeContent: erasure.removeContent,
  };
  for (const area of personalDataAreas()) await area.erase(ctx, details);
  await recordAudit(ctx, {
    action: "user.erased",
    targetType: "user",
    targetId: user.id,
    details: {
      erasureId: erasure.id,
      pseudonym: details.pseudonym,
      removeContent: erasure.removeContent,
      requestedBy: erasure.requestedBy === user.id ? "self" : "staff",
    },
  });
  await announceUserChange(ctx, user.id);
}

/** An erased person's archives go too: they hold everything the erasure removed. */
async function discardExports(ctx: Ctx, userId: string): Promise<void> {
  for (const row of await exportsOf(ctx, userId)) {
    if (row.fileId || row.status === "queued" || row.status === "running") await discardExport(ctx, row);
  }
}

/** The addresses erased people have now, by id: what the audit page shows instead of the recorded one. */
export async function erasedAddresses(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(and(inArray(users.id, [...new Set(ids)]), isNotNull(users.erasedAt)));
  return new Map(rows.map((row) => [row.id, row.email]));
}
