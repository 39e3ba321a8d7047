import { and, eq, lt } from "drizzle-orm";
import type * as client from "openid-client";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { actingAs, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { hashToken, newToken } from "../../platform/tokens.js";
import type { OrganisationSignInProblem } from "./contracts/organisation-sign-in.js";
import { openClientSecret } from "./identity-providers.js";
import { describeProviderFailure, loadOpenIdClient, providerConfiguration } from "./openid.js";
import { domainOf, normaliseEmail } from "./organisations.js";
import {
  identityProviderDomains,
  identityProviderLinks,
  identityProviders,
  organisationDomains,
  organisationSignIns,
  organisations,
  users,
} from "./schema.js";
import { startSession } from "./sessions.js";
import { actorOf, announceUserChange, createUser, findUserByEmail } from "./users.js";

/** Long enough to sign in at the provider (a password, a second factor); short enough to go stale. */
const PENDING_LIFETIME_MS = 10 * 60_000;

/** The path the provider sends browsers back to; registered with the provider as the redirect URI. */
export const CALLBACK_PATH = "/api/auth/oidc/callback";
export const redirectUriOf = (publicUrl: string) => `${publicUrl}${CALLBACK_PATH}`;

/** A sign-in that ends back on the sign-in page, with the reason the page words. */
export class OrganisationSignInFailure extends Error {
  constructor(
    readonly problem: OrganisationSignInProblem,
    readonly detail: string,
  ) {
    super(`organisation sign-in failed (${problem}): ${detail}`);
  }
}

type ProviderRow = typeof identityProviders.$inferSelect;

async function providerFor(db: Db, email: string): Promise<ProviderRow | null> {
  const [row] = await db
    .select({ provider: identityProviders })
    .from(identityProviderDomains)
    .innerJoin(identityProviders, eq(identityProviders.id, identityProviderDomains.identityProviderId))
    .where(eq(identityProviderDomains.domain, domainOf(normaliseEmail(email))));
  return row?.provider ?? null;
}

async function configurationOf(ctx: Ctx, provider: ProviderRow) {
  return providerConfiguration({
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: await openClientSecret(ctx.config, provider.sealedClientSecret),
  });
}

/**
 * Where the person at this address signs in: null for a password, or their organisation's provider's
 * authorization URL with a fresh state, nonce and PKCE challenge. The state goes back to the browser
 * too (the route sets it as a cookie), so a callback only completes in the browser that started it.
 */
export async function startOrganisationSignIn(
  ctx: Ctx,
  input: { email: string; returnTo: string },
): Promise<{ redirectUrl: string; state: string } | null> {
  const provider = await providerFor(ctx.db, input.email);
  if (!provider?.enabled) return null;
  let configuration: client.Configuration;
  try {
    configuration = await configurationOf(ctx, provider);
  } catch (error) {
    throw new AppError(
      "identity_provider_unavailable",
      `Your organisation's sign-in could not be reached (${await describeProviderFailure(error)}). Try again later.`,
    );
  }
  const openId = await loadOpenIdClient();
  const { token: state, tokenHash: stateHash } = newToken();
  const nonce = openId.randomNonce();
  const codeVerifier = openId.randomPKCECodeVerifier();
  await ctx.db.delete(organisationSignIns).where(lt(organisationSignIns.expiresAt, new Date()));
  await ctx.db.insert(organisationSignIns).values({
    stateHash,
    identityProviderId: provider.id,
    nonce,
    codeVerifier,
    returnTo: input.returnTo,
    expiresAt: new Date(Date.now() + PENDING_LIFETIME_MS),
  });
  const url = openId.buildAuthorizationUrl(configuration, {
    redirect_uri: redirectUriOf(ctx.config.publicUrl),
    response_type: "code",
    scope: "openid email profile",
    state,
    nonce,
    code_challenge: await openId.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    login_hint: normaliseEmail(input.email),
  });
  return { redirectUrl: url.href, state };
}

const stringClaim = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : null);

/** The person's name as the provider gives it, else their given and family names, else their address. */
function nameFrom(claims: Record<string, unknown>, email: string): string {
  const given = [stringClaim(claims.given_name), stringClaim(claims.family_name)].filter(Boolean).join(" ");
  return (stringClaim(claims.name) ?? (given || email.slice(0, email.indexOf("@")))).slice(0, 120);
}

/**
 * Completes a sign-in the provider sent back: the pending sign-in is spent whatever happens next, the
 * code is exchanged with its PKCE verifier (openid-client checks the ID token's signature, issuer,
 * audience and nonce), and the verified address must be at a domain this provider covers.
 *
 * Two-factor: Convene's own TOTP is not asked for here. The organisation's provider authenticated the
 * person and is responsible for their second factor; asking again would be a second, unrelated code.
 */
export async function finishOrganisationSignIn(
  ctx: Ctx,
  input: { callbackUrl: URL; cookieState: string | undefined; userAgent: string | null },
): Promise<{ token: string; returnTo: string }> {
  const params = input.callbackUrl.searchParams;
  const state = params.get("state");
  if (!state || !input.cookieState || state !== input.cookieState) {
    throw new OrganisationSignInFailure("mismatch", "the state is not the one this browser started with");
  }
  const [pending] = await ctx.db
    .delete(organisationSignIns)
    .where(eq(organisationSignIns.stateHash, hashToken(state)))
    .returning();
  if (!pending || pending.expiresAt.getTime() <= Date.now()) {
    throw new OrganisationSignInFailure("expired", "the sign-in is unknown, used or expired");
  }
  const error = params.get("error");
  if (error) {
    const detail = `${error}: ${params.get("error_description") ?? ""}`;
    throw new OrganisationSignInFailure(error === "access_denied" ? "denied" : "unavailable", detail);
  }
  const [provider] = await ctx.db
    .select()
    .from(identityProviders)
    .where(eq(identityProviders.id, pending.identityProviderId));
  if (!provider?.enabled) throw new OrganisationSignInFailure("disabled", "the provider is turned off");

  let claims: Record<string, unknown>;
  try {
    const configuration = await configurationOf(ctx, provider);
    const openId = await loadOpenIdClient();
    const tokens = await openId.authorizationCodeGrant(configuration, input.callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) throw new Error("no ID token");
    // Many providers put only `sub` in the ID token; the address and name come from userinfo.
    const userInfo = await openId.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
    claims = { ...userInfo, ...idToken };
  } catch (failure) {
    throw new OrganisationSignInFailure("unavailable", await describeProviderFailure(failure));
  }
  const subject = String(claims.sub);
  const email = stringClaim(claims.email) ? normaliseEmail(String(claims.email)) : null;
  if (!email || claims.email_verified === false) {
    throw new OrganisationSignInFailure("unverified", "no verified e-mail address in the claims");
  }
  const [covered] = await ctx.db
    .select({ domain: identityProviderDomains.domain })
    .from(identityProviderDomains)
    .where(
      and(
        eq(identityProviderDomains.identityProviderId, provider.id),
        eq(identityProviderDomains.domain, domainOf(email)),
      ),
    );
  if (!covered) throw new OrganisationSignInFailure("not_covered", `${email} is not at a covered domain`);

  return inTransaction(ctx, async (tx) => {
    const user = await personSigningIn(tx, { provider, subject, email, name: nameFrom(claims, email) });
    if (user.status !== "active")
      throw new OrganisationSignInFailure("deactivated", `${email} is deactivated`);
    const token = await startSession(tx.db, tx.config, {
      userId: user.id,
      ip: ctx.ip,
      userAgent: input.userAgent,
    });
    await recordAudit(actingAs(tx, actorOf(user)), {
      action: "auth.signed_in",
      targetType: "user",
      targetId: user.id,
      details: { method: "identity_provider", issuer: provider.issuer },
    });
    return { token, returnTo: pending.returnTo };
  });
}

/**
 * The person this provider's subject is: matched by `sub` once linked, so a changed address at the
 * provider still finds them; on a first sign-in, the account at that address in the provider's
 * organisation (linked now), or a new member of it. Their name follows the provider's.
 */
async function personSigningIn(
  ctx: Ctx,
  signIn: { provider: ProviderRow; subject: string; email: string; name: string },
) {
  const { provider, subject, email, name } = signIn;
  const [linked] = await ctx.db
    .select({ user: users, linkId: identityProviderLinks.id })
    .from(identityProviderLinks)
    .innerJoin(users, eq(users.id, identityProviderLinks.userId))
    .where(
      and(
        eq(identityProviderLinks.identityProviderId, provider.id),
        eq(identityProviderLinks.subject, subject),
      ),
    );
  let user = linked?.user ?? null;
  if (linked) {
    await ctx.db
      .update(identityProviderLinks)
      .set({ lastSignInAt: new Date() })
      .where(eq(identityProviderLinks.id, linked.linkId));
  } else {
    user = await findUserByEmail(ctx.db, email);
    if (user && user.organisationId !== provider.organisationId) {
      throw new OrganisationSignInFailure("elsewhere", `${email} has an account in another organisation`);
    }
    if (!user) {
      // Invitation-only still holds: only a domain staff let this organisation's provider cover gets here.
      user = await createUser(ctx, {
        email,
        name,
        // Never told to anyone: the person signs in at their provider, or sets a password by reset
        // if their organisation allows passwords.
        password: newToken().token,
        organisationId: provider.organisationId,
      });
      await recordAudit(actingAs(ctx, actorOf(user)), {
        action: "user.created_by_identity_provider",
        targetType: "user",
        targetId: user.id,
        details: { issuer: provider.issuer, subject },
      });
    }
    const linkedNow = await ctx.db
      .insert(identityProviderLinks)
      .values({ identityProviderId: provider.id, subject, userId: user.id })
      .onConflictDoNothing()
      .returning({ id: identityProviderLinks.id });
    if (linkedNow.length === 0) {
      throw new OrganisationSignInFailure(
        "elsewhere",
        `${email} is linked to another subject at this provider`,
      );
    }
  }
  if (!user) throw new Error("no person for the sign-in");
  if (user.name !== name) {
    await ctx.db.update(users).set({ name }).where(eq(users.id, user.id));
    await announceUserChange(ctx, user.id);
    user = { ...user, name };
  }
  return user;
}

/**
 * Password sign-in and reset are refused for people of an organisation whose password sign-in is off.
 * By the address's domain (what anyone can learn from the sign-in page) or by the person's organisation.
 */
export async function passwordSignInAllowed(
  db: Db,
  by: { email: string } | { organisationId: string },
): Promise<boolean> {
  const [row] =
    "email" in by
      ? await db
          .select({ passwordSignIn: organisations.passwordSignIn })
          .from(organisationDomains)
          .innerJoin(organisations, eq(organisations.id, organisationDomains.organisationId))
          .where(eq(organisationDomains.domain, domainOf(normaliseEmail(by.email))))
      : await db
          .select({ passwordSignIn: organisations.passwordSignIn })
          .from(organisations)
          .where(eq(organisations.id, by.organisationId));
  return row?.passwordSignIn ?? true;
}

export const USE_ORGANISATION_SIGN_IN =
  "Your organisation signs you in through its own sign-in, not with a Convene password: choose “Use your organisation's sign-in” on the sign-in page.";
