import { asc, eq, or } from "drizzle-orm";
import type { Ctx } from "../../platform/context.js";
import { definePersonalDataArea } from "../../platform/personal-data/registry.js";
import {
  apiTokens,
  identityProviderLinks,
  invitations,
  organisations,
  passkeys,
  passwordResets,
  recoveryCodes,
  sessions,
  users,
} from "./schema.js";

/**
 * The ways into an account, each removed when it is erased. Every new credential table (API tokens,
 * passkeys, an identity provider's links) adds its delete here, so an erased person keeps no way in.
 */
const credentialErasers: ((ctx: Ctx, userId: string) => Promise<unknown>)[] = [
  (ctx, userId) => ctx.db.delete(sessions).where(eq(sessions.userId, userId)),
  (ctx, userId) => ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
  (ctx, userId) => ctx.db.delete(passwordResets).where(eq(passwordResets.userId, userId)),
  // The organisation's provider would otherwise find the erased account again by its subject.
  (ctx, userId) => ctx.db.delete(identityProviderLinks).where(eq(identityProviderLinks.userId, userId)),
  (ctx, userId) => ctx.db.delete(apiTokens).where(eq(apiTokens.userId, userId)),
  (ctx, userId) => ctx.db.delete(passkeys).where(eq(passkeys.userId, userId)),
];

/**
 * Argon2 never produces this, so no password verifies against it: the account cannot be signed in to,
 * and a reset link cannot reach it either, since its address is at a domain that takes no mail.
 */
const UNUSABLE_PASSWORD_HASH = "erased";

/** The profile: who the person is here, how they sign in and from where they did. */
definePersonalDataArea({
  name: "profile",
  async collect(ctx, { id: userId }) {
    const [row] = await ctx.db
      .select({ user: users, organisation: organisations.name })
      .from(users)
      .innerJoin(organisations, eq(organisations.id, users.organisationId))
      .where(eq(users.id, userId));
    if (!row) return null;
    const { user } = row;
    const sessionRows = await ctx.db
      .select({
        ip: sessions.ip,
        userAgent: sessions.userAgent,
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
        endedAt: sessions.endedAt,
      })
      .from(sessions)
      .where(eq(sessions.userId, userId))
      .orderBy(asc(sessions.createdAt));
    const resets = await ctx.db
      .select({
        createdAt: passwordResets.createdAt,
        usedAt: passwordResets.usedAt,
        requestIp: passwordResets.requestIp,
      })
      .from(passwordResets)
      .where(eq(passwordResets.userId, userId));
    return {
      id: user.id,
      name: user.name,
      email: user.email,
      organisation: row.organisation,
      isStaff: user.isStaff,
      isOrgAdmin: user.isOrgAdmin,
      status: user.status,
      twoFactorEnabled: user.totpEnabled,
      releaseEmails: user.releaseEmails,
      createdAt: user.createdAt,
      sessions: sessionRows,
      passwordResets: resets,
    };
  },
  async erase(ctx, { userId, pseudonym, pseudonymEmail, formerEmail }) {
    for (const erase of credentialErasers) await erase(ctx, userId);
    // The invitation that brought them in named their address.
    await ctx.db
      .update(invitations)
      .set({ email: pseudonymEmail })
      .where(or(eq(invitations.acceptedUserId, userId), eq(invitations.email, formerEmail)));
    await ctx.db
      .update(users)
      .set({
        name: pseudonym,
        email: pseudonymEmail,
        passwordHash: UNUSABLE_PASSWORD_HASH,
        status: "deactivated",
        totpSecret: null,
        totpEnabled: false,
        releaseEmails: false,
        failedLogins: 0,
        lockedUntil: null,
        scimExternalId: null,
        erasedAt: new Date(),
      })
      .where(eq(users.id, userId));
  },
});
