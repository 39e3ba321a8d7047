import { eq } from "drizzle-orm";
import { verify as verifyTotp } from "otplib";
import { recordAudit } from "../../platform/audit/service.js";
import { burnPasswordCheck, verifyPassword } from "../../platform/auth/passwords.js";
import { actingAs, type Ctx } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import type { SignInInput } from "./contracts/auth.js";
import type { Me } from "./contracts/me.js";
import { normaliseEmail } from "./organisations.js";
import { users } from "./schema.js";
import { startSession } from "./sessions.js";
import { actorOf, findUserByEmail, getMe } from "./users.js";

const WRONG_CREDENTIALS = "That e-mail and password do not match an active account.";

export async function totpCodeIsValid(secret: string, code: string): Promise<boolean> {
  try {
    return (await verifyTotp({ secret, token: code, epochTolerance: 30 })).valid;
  } catch {
    return false;
  }
}

/**
 * Checks the password (and the TOTP code when two-factor is on), locking the account after
 * LOGIN_MAX_FAILURES wrong tries. Every failure is audited before the error leaves.
 */
export async function signIn(
  ctx: Ctx,
  input: SignInInput & { userAgent: string | null },
): Promise<{ token: string; me: Me }> {
  const email = normaliseEmail(input.email);
  const user = await findUserByEmail(ctx.db, email);
  if (!user) {
    await burnPasswordCheck(input.password);
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      actorEmail: email,
      details: { reason: "unknown_account" },
    });
    throw new AppError("unauthenticated", WRONG_CREDENTIALS);
  }
  const auditTarget = { targetType: "user", targetId: user.id, actorEmail: email };
  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    await recordAudit(ctx, { action: "auth.sign_in_refused_locked", ...auditTarget });
    const minutes = Math.ceil((user.lockedUntil.getTime() - Date.now()) / 60_000);
    throw new AppError(
      "locked",
      `Too many failed sign-ins. The account is locked for ${minutes} more minute(s).`,
    );
  }

  const failure = async (reason: string, fields?: Record<string, string>): Promise<never> => {
    const failedLogins = user.failedLogins + 1;
    const locks = failedLogins >= ctx.config.loginMaxFailures;
    await ctx.db
      .update(users)
      .set({
        failedLogins: locks ? 0 : failedLogins,
        lockedUntil: locks ? new Date(Date.now() + ctx.config.loginLockMinutes * 60_000) : user.lockedUntil,
      })
      .where(eq(users.id, user.id));
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      ...auditTarget,
      details: { reason, failedLogins },
    });
    if (locks) {
      await recordAudit(ctx, {
        action: "auth.locked_out",
        ...auditTarget,
        details: { minutes: ctx.config.loginLockMinutes },
      });
    }
    throw new AppError(
      "unauthenticated",
      reason === "wrong_totp" ? "That code is not valid." : WRONG_CREDENTIALS,
      fields,
    );
  };

  if (!(await verifyPassword(user.passwordHash, input.password))) return failure("wrong_password");
  if (user.status !== "active") {
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      ...auditTarget,
      details: { reason: "deactivated" },
    });
    throw new AppError("unauthenticated", WRONG_CREDENTIALS);
  }
  if (user.totpEnabled && user.totpSecret) {
    if (!input.totpCode) throw new AppError("totp_required", "Enter the code from your authenticator app.");
    if (!(await totpCodeIsValid(user.totpSecret, input.totpCode))) {
      return failure("wrong_totp", { totpCode: "That code is not valid." });
    }
  }

  await ctx.db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
  const token = await startSession(ctx.db, ctx.config, {
    userId: user.id,
    ip: ctx.ip,
    userAgent: input.userAgent,
  });
  // From here on the person is who they said: the audit row names them.
  await recordAudit(actingAs(ctx, actorOf(user)), {
    action: "auth.signed_in",
    targetType: "user",
    targetId: user.id,
  });
  return { token, me: await getMe(ctx.db, user.id) };
}
