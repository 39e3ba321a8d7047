import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type Ctx, inTransaction } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { queueMail } from "../../platform/mail/service.js";
import { hashToken, newToken } from "../../platform/tokens.js";
import { passwordResetMail } from "./mail.js";
import { passwordSignInAllowed, USE_ORGANISATION_SIGN_IN } from "./organisation-sign-in.js";
import { normaliseEmail } from "./organisations.js";
import { setPassword } from "./passwords.js";
import { passwordResets, users } from "./schema.js";
import { endAllSessions } from "./sessions.js";
import { findUserByEmail } from "./users.js";

const RESET_LIFETIME_MS = 3600_000;

/** Always answers the same way, so the form does not reveal who has an account. */
export async function requestPasswordReset(ctx: Ctx, email: string): Promise<void> {
  if (!(await passwordSignInAllowed(ctx.db, { email }))) {
    throw new AppError("organisation_sign_in_required", USE_ORGANISATION_SIGN_IN);
  }
  const user = await findUserByEmail(ctx.db, normaliseEmail(email));
  if (user?.status !== "active") return;
  // Said no more plainly than for an unknown address: the answer must not tell whose account this is.
  if (!(await passwordSignInAllowed(ctx.db, { organisationId: user.organisationId }))) return;
  await inTransaction(ctx, async (tx) => {
    const { token, tokenHash } = newToken();
    await tx.db.insert(passwordResets).values({
      tokenHash,
      userId: user.id,
      expiresAt: new Date(Date.now() + RESET_LIFETIME_MS),
      requestIp: ctx.ip,
    });
    await queueMail(tx, passwordResetMail(ctx.config, { to: user.email, token }));
    await recordAudit(tx, {
      action: "auth.password_reset_requested",
      targetType: "user",
      targetId: user.id,
      actorEmail: user.email,
    });
  });
}

async function findLiveReset(db: Db, token: string, lock: boolean) {
  const query = db
    .select()
    .from(passwordResets)
    .where(eq(passwordResets.tokenHash, hashToken(token)));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw new AppError("not_found", "This reset link is not known. Check that you copied all of it.");
  const [owner] = await db.select({ status: users.status }).from(users).where(eq(users.id, row.userId));
  if (row.usedAt || row.expiresAt.getTime() <= Date.now() || owner?.status !== "active") {
    throw new AppError(
      "gone",
      "This reset link is no longer valid: it has expired or been used. Ask for a new one.",
    );
  }
  return row;
}

export async function previewPasswordReset(db: Db, token: string) {
  const row = await findLiveReset(db, token, false);
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, row.userId));
  return { email: user?.email ?? "" };
}

/** Sets the new password, spends the link and ends every session (whoever had the old password). */
export async function completePasswordReset(ctx: Ctx, token: string, password: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const row = await findLiveReset(tx.db, token, true);
    const [owner] = await tx.db
      .select({ organisationId: users.organisationId })
      .from(users)
      .where(eq(users.id, row.userId));
    // A link sent before the organisation turned passwords off sets none.
    if (owner && !(await passwordSignInAllowed(tx.db, { organisationId: owner.organisationId }))) {
      throw new AppError("organisation_sign_in_required", USE_ORGANISATION_SIGN_IN);
    }
    // This link is among the ones ended, and so is any other the person asked for.
    const { endedResetLinks } = await setPassword(tx.db, row.userId, password);
    const endedSessions = await endAllSessions(tx.db, row.userId);
    await recordAudit(tx, {
      action: "auth.password_reset",
      targetType: "user",
      targetId: row.userId,
      details: { endedSessions, endedOtherResetLinks: endedResetLinks - 1 },
    });
  });
}
