import { eq } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/service.js";
import { burnPasswordCheck, verifyPassword } from "../../platform/auth/passwords.js";
import { actingAs, type Ctx } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { loadOnce } from "../../platform/load-once.js";
import { queueMail } from "../../platform/mail/service.js";
import type { TokenBuckets } from "../../platform/throttle.js";
import type { SignInInput } from "./contracts/auth.js";
import type { Me } from "./contracts/me.js";
import type { AuthenticationResponse, SecondFactorChoices } from "./contracts/passkeys.js";
import { accountLockedMail, recoveryCodeUsedMail } from "./mail.js";
import { passwordSignInAllowed, USE_ORGANISATION_SIGN_IN } from "./organisation-sign-in.js";
import { normaliseEmail } from "./organisations.js";
import { hasPasskey, passkeyRequestOptions, verifyPasskeyAssertion } from "./passkeys.js";
import { spendRecoveryCode } from "./recovery-codes.js";
import { users } from "./schema.js";
import { startSession } from "./sessions.js";
import { actorOf, findUserByEmail, getMe, getUserRow } from "./users.js";

type UserRow = Awaited<ReturnType<typeof getUserRow>>;

/**
 * The one answer to every refused sign-in (unknown address, wrong password, closed or locked account):
 * a caller cannot tell which, so the form reveals neither who has an account nor whose is locked. The
 * owner of a locked account learns of it by e-mail.
 */
const WRONG_CREDENTIALS =
  "That e-mail and password do not match an active account. After several failed tries an account is locked for a while, and its owner is told by e-mail.";

/** The one-time password library, loaded by the first code checked rather than at start. */
const loadOtp = loadOnce(() => import("otplib"));

export async function totpCodeIsValid(secret: string, code: string): Promise<boolean> {
  const { verify: verifyTotp } = await loadOtp();
  try {
    return (await verifyTotp({ secret, token: code, epochTolerance: 30 })).valid;
  } catch {
    return false;
  }
}

/** The session of a person who has proved who they are, however they did; the audit row names them. */
async function startSignedInSession(
  ctx: Ctx,
  user: UserRow,
  options: { userAgent: string | null; method: "password" | "passkey" },
): Promise<{ token: string; me: Me }> {
  await ctx.db.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, user.id));
  const token = await startSession(ctx.db, ctx.config, {
    userId: user.id,
    ip: ctx.ip,
    userAgent: options.userAgent,
  });
  await recordAudit(actingAs(ctx, actorOf(user)), {
    action: "auth.signed_in",
    targetType: "user",
    targetId: user.id,
    ...(options.method === "passkey" ? { details: { method: "passkey" } } : {}),
  });
  return { token, me: await getMe(ctx.db, user.id) };
}

/**
 * Checks the password and then, when the account has one, a second factor (the TOTP code, a recovery
 * code or a passkey), locking the account after LOGIN_MAX_FAILURES wrong tries. Every failure is
 * audited before the error leaves.
 */
export async function signIn(
  ctx: Ctx,
  input: SignInInput & { userAgent: string | null },
): Promise<{ token: string; me: Me }> {
  const email = normaliseEmail(input.email);
  // Whose domain's organisation has turned passwords off is public (the sign-in page sends them to
  // their organisation's sign-in), so this answers before any password work.
  if (!(await passwordSignInAllowed(ctx.db, { email }))) {
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      actorEmail: email,
      details: { reason: "password_sign_in_off" },
    });
    throw new AppError("organisation_sign_in_required", USE_ORGANISATION_SIGN_IN);
  }
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
    // The same work as for an unknown address, so the answer's timing tells nothing either.
    await burnPasswordCheck(input.password);
    await recordAudit(ctx, { action: "auth.sign_in_refused_locked", ...auditTarget });
    throw new AppError("unauthenticated", WRONG_CREDENTIALS);
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
      await queueMail(
        ctx,
        accountLockedMail(ctx.config, {
          to: user.email,
          failures: failedLogins,
          minutes: ctx.config.loginLockMinutes,
          ip: ctx.ip,
        }),
      );
    }
    throw new AppError(
      "unauthenticated",
      fields ? Object.values(fields).join(" ") : WRONG_CREDENTIALS,
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
  // A person whose address is at another domain than their organisation's: told only after the password.
  if (!(await passwordSignInAllowed(ctx.db, { organisationId: user.organisationId }))) {
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      ...auditTarget,
      details: { reason: "password_sign_in_off" },
    });
    throw new AppError("organisation_sign_in_required", USE_ORGANISATION_SIGN_IN);
  }
  const withTotp = user.totpEnabled && user.totpSecret !== null;
  const withPasskey = await hasPasskey(ctx.db, user.id);
  if (input.passkey && withPasskey) {
    const assertion = await verifyPasskeyAssertion(ctx, {
      response: input.passkey,
      ceremony: "second_factor",
      userId: user.id,
    });
    // A refused passkey counts towards the lockout like a wrong code.
    if (!assertion.verified) return failure(`passkey_${assertion.reason}`, { passkey: assertion.message });
    await recordAudit(actingAs(ctx, actorOf(user)), {
      action: "auth.passkey_used",
      targetType: "passkey",
      targetId: assertion.passkey.id,
      details: { as: "second_factor", name: assertion.passkey.name },
    });
  } else if (withTotp && user.totpSecret && input.recoveryCode) {
    // A wrong recovery code counts towards the lockout like a wrong password, so the codes cannot
    // be guessed faster than passwords (and each has 80 random bits besides).
    const remaining = await spendRecoveryCode(ctx.db, user.id, input.recoveryCode);
    if (remaining === null) {
      return failure("wrong_recovery_code", {
        recoveryCode: "That recovery code is not valid or has been used.",
      });
    }
    await recordAudit(actingAs(ctx, actorOf(user)), {
      action: "auth.recovery_code_used",
      targetType: "user",
      targetId: user.id,
      details: { remaining },
    });
    await queueMail(ctx, recoveryCodeUsedMail(ctx.config, { to: user.email, remaining, ip: ctx.ip }));
  } else if (withTotp && user.totpSecret && input.totpCode) {
    if (!(await totpCodeIsValid(user.totpSecret, input.totpCode))) {
      return failure("wrong_totp", { totpCode: "That code is not valid." });
    }
  } else if (withTotp || withPasskey) {
    // The password was right: the answer may say which second factors the account has.
    const choices: SecondFactorChoices = {
      methods: [
        ...(withPasskey ? ["passkey" as const] : []),
        ...(withTotp ? ["totp" as const, "recoveryCode" as const] : []),
      ],
      ...(withPasskey ? { passkeyOptions: await passkeyRequestOptions(ctx, { userId: user.id }) } : {}),
    };
    throw new AppError(
      "second_factor_required",
      withPasskey ? "Confirm with your passkey." : "Enter the code from your authenticator app.",
      undefined,
      choices,
    );
  }

  return startSignedInSession(ctx, user, { userAgent: input.userAgent, method: "password" });
}

/**
 * Signs in with a passkey alone. The passkey verified its person (user verification is required), so
 * it stands for both factors and no TOTP code is asked for. Like a password sign-in, a closed or
 * locked account is refused, and each passkey may be tried only so often (`attempts`, per passkey).
 */
export async function signInWithPasskey(
  ctx: Ctx,
  input: { response: AuthenticationResponse; userAgent: string | null; attempts: TokenBuckets },
): Promise<{ token: string; me: Me }> {
  if (!(await input.attempts.take(input.response.id))) {
    const error = new AppError(
      "rate_limited",
      "Too many tries with this passkey. Wait a minute and try again.",
    );
    error.retryAfterSeconds = 60;
    throw error;
  }
  const refuse = async (reason: string, message: string, userId: string | null): Promise<never> => {
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      ...(userId ? { targetType: "user", targetId: userId } : {}),
      details: { reason, method: "passkey" },
    });
    throw new AppError("unauthenticated", message, { response: message });
  };
  const assertion = await verifyPasskeyAssertion(ctx, {
    response: input.response,
    ceremony: "sign_in",
    userId: null,
  });
  if (!assertion.verified) return refuse(assertion.reason, assertion.message, assertion.userId);
  const user = await getUserRow(ctx.db, assertion.passkey.userId);
  const locked = user.lockedUntil !== null && user.lockedUntil.getTime() > Date.now();
  if (user.status !== "active" || locked) {
    return refuse(
      user.status !== "active" ? "deactivated" : "locked",
      "That passkey's account is closed, or locked for a while after failed sign-ins.",
      user.id,
    );
  }
  // An organisation that turned passwords off signs its people in through its own sign-in alone.
  if (!(await passwordSignInAllowed(ctx.db, { organisationId: user.organisationId }))) {
    await recordAudit(ctx, {
      action: "auth.sign_in_failed",
      targetType: "user",
      targetId: user.id,
      details: { reason: "password_sign_in_off", method: "passkey" },
    });
    throw new AppError("organisation_sign_in_required", USE_ORGANISATION_SIGN_IN);
  }
  await recordAudit(actingAs(ctx, actorOf(user)), {
    action: "auth.passkey_used",
    targetType: "passkey",
    targetId: assertion.passkey.id,
    details: { as: "sign_in", name: assertion.passkey.name },
  });
  return startSignedInSession(ctx, user, { userAgent: input.userAgent, method: "passkey" });
}
