import type { VerifiedRegistrationResponse } from "@simplewebauthn/server";
import { and, desc, eq, lt } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { verifyPassword } from "../../platform/auth/passwords.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { isUniqueViolation } from "../../platform/db-errors.js";
import { AppError, invalid, notFound } from "../../platform/errors.js";
import { loadOnce } from "../../platform/load-once.js";
import { queueMail } from "../../platform/mail/service.js";
import { hashToken } from "../../platform/tokens.js";
import type {
  AuthenticationResponse,
  CreationOptions,
  NewPasskey,
  Passkey,
  RequestOptions,
  WebAuthnCeremony,
} from "./contracts/passkeys.js";
import { passkeyAddedMail } from "./mail.js";
import { passkeys, webauthnChallenges } from "./schema.js";
import { getUserRow } from "./users.js";

// Long enough to find the security key or unlock the phone; short enough that a leaked challenge is soon dead.
const CHALLENGE_MINUTES = 5;
const CHALLENGE_EXPIRED =
  "This passkey request has expired or was already answered. Start again to get a fresh one.";

type PasskeyRow = typeof passkeys.$inferSelect;

/** The site passkeys are bound to: PUBLIC_URL's host name is the RP ID, its origin the one expected. */
export function relyingParty(config: Config): { id: string; origin: string; name: string } {
  const url = new URL(config.publicUrl);
  return { id: url.hostname, origin: url.origin, name: "Convene" };
}

/** The WebAuthn library, loaded by the first passkey ceremony rather than at start. */
const loadWebAuthn = loadOnce(async () => {
  const [
    {
      generateAuthenticationOptions,
      generateRegistrationOptions,
      verifyAuthenticationResponse,
      verifyRegistrationResponse,
    },
    { decodeClientDataJSON, isoBase64URL, isoUint8Array },
  ] = await Promise.all([import("@simplewebauthn/server"), import("@simplewebauthn/server/helpers")]);
  return {
    generateAuthenticationOptions,
    generateRegistrationOptions,
    verifyAuthenticationResponse,
    verifyRegistrationResponse,
    decodeClientDataJSON,
    isoBase64URL,
    /** The user handle a passkey carries: the person's id, so a discoverable passkey names its owner. */
    userHandleOf: (userId: string) => isoUint8Array.fromUTF8String(userId),
  };
});

const present = (row: PasskeyRow): Passkey => ({
  id: row.id,
  name: row.name,
  deviceType: row.deviceType,
  backedUp: row.backedUp,
  transports: row.transports,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
});

async function storeChallenge(
  db: Db,
  options: { ceremony: WebAuthnCeremony; userId: string | null; challenge: string },
): Promise<void> {
  // Challenges nobody answered are swept as new ones are handed out, so the table stays small.
  await db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, new Date()));
  await db.insert(webauthnChallenges).values({
    challengeHash: hashToken(options.challenge),
    ceremony: options.ceremony,
    userId: options.userId,
    expiresAt: new Date(Date.now() + CHALLENGE_MINUTES * 60_000),
  });
}

/**
 * Spends the challenge the browser signed (read from its clientDataJSON): the row is deleted whatever
 * follows, so no answer is accepted twice. Answers the challenge when it was handed out for this
 * ceremony, to this person (or to nobody, for a passwordless sign-in), and is still live; else null.
 */
async function spendChallenge(
  db: Db,
  options: { ceremony: WebAuthnCeremony; userId: string | null; clientDataJSON: string },
): Promise<string | null> {
  const { decodeClientDataJSON } = await loadWebAuthn();
  let challenge: string;
  try {
    challenge = decodeClientDataJSON(options.clientDataJSON).challenge;
  } catch {
    return null;
  }
  if (typeof challenge !== "string") return null;
  const [row] = await db
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.challengeHash, hashToken(challenge)),
        eq(webauthnChallenges.ceremony, options.ceremony),
      ),
    )
    .returning();
  if (!row || row.expiresAt.getTime() <= Date.now() || row.userId !== options.userId) return null;
  return challenge;
}

export async function listPasskeys(ctx: ActorCtx): Promise<Passkey[]> {
  const rows = await ctx.db
    .select()
    .from(passkeys)
    .where(eq(passkeys.userId, ctx.actor.id))
    .orderBy(desc(passkeys.createdAt));
  return rows.map(present);
}

/** Whether the person has a passkey, which makes it a second factor their password sign-in asks for. */
export async function hasPasskey(db: Db, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: passkeys.id })
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .limit(1);
  return row !== undefined;
}

/**
 * The options for navigator.credentials.create: a discoverable passkey that verifies its person, so it
 * can sign in without the e-mail address or password; the person's passkeys are excluded, so one
 * authenticator is not registered twice.
 */
export async function passkeyRegistrationOptions(ctx: ActorCtx): Promise<CreationOptions> {
  const rp = relyingParty(ctx.config);
  const { generateRegistrationOptions, userHandleOf } = await loadWebAuthn();
  const existing = await ctx.db
    .select({ id: passkeys.credentialId, transports: passkeys.transports })
    .from(passkeys)
    .where(eq(passkeys.userId, ctx.actor.id));
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: ctx.actor.email,
    userDisplayName: ctx.actor.name,
    userID: userHandleOf(ctx.actor.id),
    attestationType: "none",
    excludeCredentials: existing,
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    timeout: CHALLENGE_MINUTES * 60_000,
  });
  await storeChallenge(ctx.db, {
    ceremony: "registration",
    userId: ctx.actor.id,
    challenge: options.challenge,
  });
  return options;
}

export async function addPasskey(ctx: ActorCtx, input: NewPasskey): Promise<Passkey> {
  const rp = relyingParty(ctx.config);
  const challenge = await spendChallenge(ctx.db, {
    ceremony: "registration",
    userId: ctx.actor.id,
    clientDataJSON: input.response.response.clientDataJSON,
  });
  if (!challenge) throw invalid({ response: CHALLENGE_EXPIRED }, CHALLENGE_EXPIRED);
  const { verifyRegistrationResponse, isoBase64URL } = await loadWebAuthn();
  let registration: VerifiedRegistrationResponse;
  try {
    registration = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
  } catch (error) {
    const message = `The passkey could not be added: ${error instanceof Error ? error.message : "its answer did not verify"}.`;
    throw invalid({ response: message }, message);
  }
  if (!registration.verified) {
    throw invalid({ response: "The passkey could not be added: its answer did not verify." });
  }
  const { credential, credentialDeviceType, credentialBackedUp } = registration.registrationInfo;
  return inTransaction(ctx, async (tx) => {
    let row: PasskeyRow | undefined;
    try {
      [row] = await tx.db
        .insert(passkeys)
        .values({
          userId: ctx.actor.id,
          credentialId: credential.id,
          publicKey: isoBase64URL.fromBuffer(credential.publicKey),
          signCount: credential.counter,
          transports: credential.transports ?? input.response.response.transports ?? [],
          deviceType: credentialDeviceType,
          backedUp: credentialBackedUp,
          name: input.name,
        })
        .returning();
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError("conflict", "That passkey is already registered.");
      throw error;
    }
    if (!row) throw new Error("the passkey was not written");
    await recordAudit(tx, {
      action: "auth.passkey_added",
      targetType: "passkey",
      targetId: row.id,
      details: { name: row.name, deviceType: row.deviceType, backedUp: row.backedUp },
    });
    await queueMail(tx, passkeyAddedMail(ctx.config, { to: ctx.actor.email, name: row.name, ip: ctx.ip }));
    return present(row);
  });
}

export async function renamePasskey(ctx: ActorCtx, passkeyId: string, name: string): Promise<Passkey> {
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .update(passkeys)
      .set({ name })
      .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, ctx.actor.id)))
      .returning();
    if (!row) throw notFound("That passkey");
    await recordAudit(tx, {
      action: "auth.passkey_renamed",
      targetType: "passkey",
      targetId: row.id,
      details: { name },
    });
    return present(row);
  });
}

/** Like turning two-factor off, removing a passkey needs the password: a session left open is not enough. */
export async function removePasskey(ctx: ActorCtx, passkeyId: string, password: string): Promise<void> {
  const user = await getUserRow(ctx.db, ctx.actor.id);
  if (!(await verifyPassword(user.passwordHash, password))) {
    throw invalid({ password: "That is not your password." });
  }
  await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .delete(passkeys)
      .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, ctx.actor.id)))
      .returning();
    if (!row) throw notFound("That passkey");
    await recordAudit(tx, {
      action: "auth.passkey_removed",
      targetType: "passkey",
      targetId: row.id,
      details: { name: row.name },
    });
  });
}

/**
 * The options for navigator.credentials.get. For a second factor they name the person's passkeys and
 * the challenge is theirs alone; for a passwordless sign-in they name nobody (the browser offers the
 * passkeys it holds for this site) and the passkey must verify its person, as it stands for both factors.
 */
export async function passkeyRequestOptions(
  ctx: Ctx,
  forUser: { userId: string } | null,
): Promise<RequestOptions> {
  const rp = relyingParty(ctx.config);
  const allowCredentials = forUser
    ? await ctx.db
        .select({ id: passkeys.credentialId, transports: passkeys.transports })
        .from(passkeys)
        .where(eq(passkeys.userId, forUser.userId))
    : undefined;
  const { generateAuthenticationOptions } = await loadWebAuthn();
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials,
    userVerification: forUser ? "preferred" : "required",
    timeout: CHALLENGE_MINUTES * 60_000,
  });
  await storeChallenge(ctx.db, {
    ceremony: forUser ? "second_factor" : "sign_in",
    userId: forUser?.userId ?? null,
    challenge: options.challenge,
  });
  return options;
}

export type PasskeyAssertion =
  | { verified: true; passkey: PasskeyRow }
  | {
      verified: false;
      /** For the audit trail: challenge, unknown_passkey, did_not_verify, replayed. */
      reason: string;
      /** What the person is told, under the field that carried the passkey's answer. */
      message: string;
      /** The passkey's owner, when the passkey is known. */
      userId: string | null;
    };

/**
 * Checks a passkey's answer: its challenge (spent now, whatever the outcome), that the passkey is
 * registered (to `userId`, for a second factor), and the signature over this site's origin and RP ID;
 * user verification is required for a passwordless sign-in. The library refuses a sign counter that
 * is not above the stored one unless both are zero (an authenticator without a counter), which is how a
 * cloned authenticator shows; the stored counter then moves forward in one conditional UPDATE, so two
 * sign-ins racing with the same answer cannot both pass.
 */
export async function verifyPasskeyAssertion(
  ctx: Ctx,
  options: { response: AuthenticationResponse; ceremony: "second_factor" | "sign_in"; userId: string | null },
): Promise<PasskeyAssertion> {
  const { response, ceremony } = options;
  const rp = relyingParty(ctx.config);
  const challenge = await spendChallenge(ctx.db, {
    ceremony,
    userId: options.userId,
    clientDataJSON: response.response.clientDataJSON,
  });
  const [row] = await ctx.db.select().from(passkeys).where(eq(passkeys.credentialId, response.id));
  const owner = row?.userId ?? null;
  if (!challenge) return { verified: false, reason: "challenge", message: CHALLENGE_EXPIRED, userId: owner };
  const unknown = {
    verified: false,
    reason: "unknown_passkey",
    message: "That passkey is not registered for this account. It may have been removed.",
    userId: null,
  } as const;
  if (!row || (options.userId !== null && row.userId !== options.userId)) return unknown;
  const refused = {
    verified: false,
    reason: "did_not_verify",
    message: "The passkey's answer did not verify. Try again with the passkey.",
    userId: row.userId,
  } as const;
  const { verifyAuthenticationResponse, isoBase64URL, userHandleOf } = await loadWebAuthn();
  const handle = response.response.userHandle;
  if (handle && handle !== isoBase64URL.fromBuffer(userHandleOf(row.userId))) return unknown;

  let newCounter: number;
  try {
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: row.credentialId,
        publicKey: isoBase64URL.toBuffer(row.publicKey),
        counter: row.signCount,
        transports: row.transports,
      },
      requireUserVerification: ceremony === "sign_in",
    });
    if (!verification.verified) return refused;
    newCounter = verification.authenticationInfo.newCounter;
  } catch {
    // A wrong origin, RP ID or signature, no user verification, or a counter behind the stored one.
    return refused;
  }
  const [used] = await ctx.db
    .update(passkeys)
    .set({ signCount: newCounter, lastUsedAt: new Date() })
    .where(and(eq(passkeys.id, row.id), newCounter === 0 ? undefined : lt(passkeys.signCount, newCounter)))
    .returning();
  if (!used) return { ...refused, reason: "replayed" };
  return { verified: true, passkey: used };
}
