import { eq } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/service.js";
import { verifyPassword } from "../../platform/auth/passwords.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { AppError, invalid } from "../../platform/errors.js";
import type { RecoveryCodesIssued, TotpSetup } from "./contracts/me.js";
import { discardRecoveryCodes, issueRecoveryCodes } from "./recovery-codes.js";
import { users } from "./schema.js";
import { totpCodeIsValid } from "./sign-in.js";
import { getUserRow } from "./users.js";

/** Stores a fresh secret, not yet in force: it takes effect only once a code from it is confirmed. */
export async function beginTotpSetup(ctx: ActorCtx): Promise<TotpSetup> {
  const { actor } = ctx;
  const user = await getUserRow(ctx.db, actor.id);
  if (user.totpEnabled)
    throw new AppError("conflict", "Two-factor sign-in is already on. Turn it off first.");
  const [{ generateSecret, generateURI }, { default: QRCode }] = await Promise.all([
    import("otplib"),
    import("qrcode"),
  ]);
  const secret = generateSecret();
  await ctx.db.update(users).set({ totpSecret: secret }).where(eq(users.id, actor.id));
  const otpauthUrl = generateURI({ issuer: "Convene", label: actor.email, secret });
  // An SVG data: URL: small, sharp at any size, and shown by an <img> (the CSP allows data: images).
  const svg = await QRCode.toString(otpauthUrl, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { secret, otpauthUrl, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}` };
}

/** Turns two-factor on and answers the first set of recovery codes, which are shown only this once. */
export async function enableTotp(ctx: ActorCtx, code: string): Promise<RecoveryCodesIssued> {
  const { actor } = ctx;
  const user = await getUserRow(ctx.db, actor.id);
  if (!user.totpSecret) throw new AppError("conflict", "Start the two-factor set-up first.");
  if (!(await totpCodeIsValid(user.totpSecret, code))) throw invalid({ code: "That code is not valid." });
  return inTransaction(ctx, async (tx) => {
    await tx.db.update(users).set({ totpEnabled: true }).where(eq(users.id, actor.id));
    const issued = await issueRecoveryCodes(tx.db, actor.id);
    await recordAudit(tx, { action: "auth.totp_enabled", targetType: "user", targetId: actor.id });
    return issued;
  });
}

export async function disableTotp(ctx: ActorCtx, password: string): Promise<void> {
  const { actor } = ctx;
  const user = await getUserRow(ctx.db, actor.id);
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw invalid({ password: "That is not your password." });
  }
  await inTransaction(ctx, async (tx) => {
    await tx.db.update(users).set({ totpEnabled: false, totpSecret: null }).where(eq(users.id, actor.id));
    await discardRecoveryCodes(tx.db, actor.id);
    await recordAudit(tx, { action: "auth.totp_disabled", targetType: "user", targetId: actor.id });
  });
}
