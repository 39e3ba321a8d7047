import { randomInt } from "node:crypto";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { verifyPassword } from "../../platform/auth/passwords.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { AppError, invalid } from "../../platform/errors.js";
import { hashToken } from "../../platform/tokens.js";
import type { RecoveryCodeList, RecoveryCodesIssued } from "./contracts/me.js";
import { recoveryCodes } from "./schema.js";
import { getUserRow } from "./users.js";

const CODES_PER_SET = 10;
// Crockford's base32 without i, l, o and u: nothing to misread when typed from paper.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
// 16 symbols of 5 bits: 80 bits per code.
const SYMBOLS_PER_CODE = 16;

function newRecoveryCode(): string {
  const symbols = Array.from({ length: SYMBOLS_PER_CODE }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return symbols.join("").replace(/(.{4})(?!$)/g, "$1-");
}

/** What a person may type for a code: any case, with or without the dashes and spaces. */
export const normaliseRecoveryCode = (typed: string) => typed.toLowerCase().replace(/[\s-]/g, "");

/**
 * sha256 rather than argon2: each code carries 80 random bits, so a stolen hash cannot be searched
 * back to its code, unlike a password; and a fast, unsalted hash can be looked up in one indexed
 * query, where argon2 would mean checking the typed code against each of ten hashes on every try.
 */
const hashRecoveryCode = (typed: string) => hashToken(normaliseRecoveryCode(typed));

/** Replaces the person's codes with a fresh set; the caller holds the transaction and writes the audit row. */
export async function issueRecoveryCodes(db: Db, userId: string): Promise<RecoveryCodesIssued> {
  const codes = Array.from({ length: CODES_PER_SET }, newRecoveryCode);
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await db
    .insert(recoveryCodes)
    .values(codes.map((code, index) => ({ userId, position: index + 1, codeHash: hashRecoveryCode(code) })));
  return { recoveryCodes: codes };
}

export async function discardRecoveryCodes(db: Db, userId: string): Promise<void> {
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}

/**
 * Marks the typed code used and answers how many unused ones remain, or null when it is not one of
 * the person's unused codes. One conditional UPDATE, so two sign-ins racing with the same code cannot
 * both succeed.
 */
export async function spendRecoveryCode(db: Db, userId: string, typed: string): Promise<number | null> {
  const [used] = await db
    .update(recoveryCodes)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        eq(recoveryCodes.codeHash, hashRecoveryCode(typed)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  if (!used) return null;
  const unused = await db
    .select({ id: recoveryCodes.id })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return unused.length;
}

export async function listRecoveryCodes(ctx: ActorCtx): Promise<RecoveryCodeList> {
  const rows = await ctx.db
    .select()
    .from(recoveryCodes)
    .where(eq(recoveryCodes.userId, ctx.actor.id))
    .orderBy(asc(recoveryCodes.position));
  return {
    generatedAt: rows[0]?.createdAt.toISOString() ?? null,
    codes: rows.map((row) => ({ number: row.position, usedAt: row.usedAt?.toISOString() ?? null })),
  };
}

/** Like turning two-factor off, a fresh set needs the password: a session left open is not enough. */
export async function regenerateRecoveryCodes(ctx: ActorCtx, password: string): Promise<RecoveryCodesIssued> {
  const user = await getUserRow(ctx.db, ctx.actor.id);
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw invalid({ password: "That is not your password." });
  }
  if (!user.totpEnabled) {
    throw new AppError("conflict", "Recovery codes come with two-factor sign-in. Turn it on first.");
  }
  return inTransaction(ctx, async (tx) => {
    const issued = await issueRecoveryCodes(tx.db, user.id);
    await recordAudit(tx, {
      action: "auth.recovery_codes_regenerated",
      targetType: "user",
      targetId: user.id,
    });
    return issued;
  });
}
