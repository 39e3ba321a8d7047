import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { and, eq, inArray, ne } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import type { Ctx } from "../../platform/context.js";
import { AppError, invalid, notFound } from "../../platform/errors.js";
import { dataDirSecret } from "../../platform/secrets.js";
import {
  type IdentityProviderInput,
  isLoopbackUrl,
  type OrganisationSignInSettings,
} from "./contracts/organisation-sign-in.js";
import { describeProviderFailure, readDiscovery } from "./openid.js";
import {
  identityProviderDomains,
  identityProviderLinks,
  identityProviders,
  organisationDomains,
  organisations,
} from "./schema.js";

// --- sealing the client secrets ---

const SECRET_FILE = "identity-provider.secret";
let generatedSecret: { dataDir: string; secret: Promise<string> } | null = null;

/**
 * The AES-256 key of client secrets, derived from IDENTITY_PROVIDER_SECRET or else a random secret kept
 * in DATA_DIR: someone who can read the database (a backup, a replica) cannot read the secrets.
 */
async function sealingKey(config: Config): Promise<Buffer> {
  let secret = config.identityProviderSecret;
  if (!secret) {
    if (generatedSecret?.dataDir !== config.dataDir) {
      generatedSecret = { dataDir: config.dataDir, secret: dataDirSecret(config.dataDir, SECRET_FILE) };
    }
    secret = await generatedSecret.secret;
  }
  return Buffer.from(hkdfSync("sha256", secret, "", "convene identity provider client secret", 32));
}

/** `v1.<iv>.<tag>.<ciphertext>`, AES-256-GCM: tampering with any part fails to open rather than decrypting wrong. */
export async function sealClientSecret(config: Config, secret: string): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", await sealingKey(config), iv);
  const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), sealed]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export async function openClientSecret(config: Config, sealed: string): Promise<string> {
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || data === undefined) throw new Error("not a sealed client secret");
  const decipher = createDecipheriv("aes-256-gcm", await sealingKey(config), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

// --- staff's settings ---

/**
 * A plain-http issuer on this machine serves tests and a local demo; an installation served over https
 * takes https issuers only, so the server is never pointed at its own loopback services.
 */
function assertIssuerAllowed(config: Config, issuer: string): void {
  if (isLoopbackUrl(issuer) && config.publicUrl.startsWith("https://")) {
    throw invalid({ issuer: "Enter the issuer's https:// address." });
  }
}

export async function getOrganisationSignIn(
  db: Db,
  organisationId: string,
): Promise<OrganisationSignInSettings> {
  const [organisation] = await db
    .select({ passwordSignIn: organisations.passwordSignIn })
    .from(organisations)
    .where(eq(organisations.id, organisationId));
  if (!organisation) throw notFound("The organisation");
  const [provider] = await db
    .select()
    .from(identityProviders)
    .where(eq(identityProviders.organisationId, organisationId));
  const domains = provider
    ? await db
        .select({ domain: identityProviderDomains.domain })
        .from(identityProviderDomains)
        .where(eq(identityProviderDomains.identityProviderId, provider.id))
        .orderBy(identityProviderDomains.domain)
    : [];
  return {
    organisationId,
    passwordSignIn: organisation.passwordSignIn,
    identityProvider: provider
      ? {
          issuer: provider.issuer,
          clientId: provider.clientId,
          domains: domains.map((row) => row.domain),
          enabled: provider.enabled,
          updatedAt: provider.updatedAt.toISOString(),
        }
      : null,
  };
}

/** Adds the domains the organisation does not have yet; one of another organisation is refused. */
async function claimDomains(db: Db, organisationId: string, domains: string[]): Promise<string[]> {
  const taken = await db
    .select({ domain: organisationDomains.domain, name: organisations.name })
    .from(organisationDomains)
    .innerJoin(organisations, eq(organisations.id, organisationDomains.organisationId))
    .where(
      and(
        inArray(organisationDomains.domain, domains),
        ne(organisationDomains.organisationId, organisationId),
      ),
    );
  if (taken.length > 0) {
    const list = taken.map((row) => `${row.domain} (${row.name})`).join(", ");
    throw new AppError("conflict", `A domain belongs to another organisation: ${list}.`, {
      domains: `Another organisation's: ${list}`,
    });
  }
  const added = await db
    .insert(organisationDomains)
    .values(domains.map((domain) => ({ domain, organisationId })))
    .onConflictDoNothing()
    .returning({ domain: organisationDomains.domain });
  return added.map((row) => row.domain);
}

/** Call in a transaction: the provider, its domains and the password switch change together. */
export async function configureOrganisationSignIn(
  ctx: Ctx,
  organisationId: string,
  input: IdentityProviderInput,
): Promise<OrganisationSignInSettings> {
  assertIssuerAllowed(ctx.config, input.issuer);
  const before = await getOrganisationSignIn(ctx.db, organisationId);
  const [existing] = await ctx.db
    .select()
    .from(identityProviders)
    .where(eq(identityProviders.organisationId, organisationId));
  if (!existing && !input.clientSecret) {
    throw invalid({ clientSecret: "Enter the client secret the provider gave for Convene." });
  }
  const addedDomains = await claimDomains(ctx.db, organisationId, input.domains);
  const sealedClientSecret = input.clientSecret
    ? await sealClientSecret(ctx.config, input.clientSecret)
    : existing?.sealedClientSecret;
  if (!sealedClientSecret) throw new Error("no client secret to keep");
  const values = {
    issuer: input.issuer,
    clientId: input.clientId,
    sealedClientSecret,
    enabled: input.enabled,
    updatedAt: new Date(),
  };
  let providerId: string;
  if (existing) {
    await ctx.db.update(identityProviders).set(values).where(eq(identityProviders.id, existing.id));
    providerId = existing.id;
    // A subject means something only at its issuer: people are matched by address again at a new one.
    if (existing.issuer !== input.issuer) {
      await ctx.db
        .delete(identityProviderLinks)
        .where(eq(identityProviderLinks.identityProviderId, providerId));
    }
  } else {
    const [created] = await ctx.db
      .insert(identityProviders)
      .values({ ...values, organisationId })
      .returning({ id: identityProviders.id });
    if (!created) throw new Error("identity provider row was not written");
    providerId = created.id;
  }
  await ctx.db
    .delete(identityProviderDomains)
    .where(eq(identityProviderDomains.identityProviderId, providerId));
  await ctx.db
    .insert(identityProviderDomains)
    .values(input.domains.map((domain) => ({ domain, identityProviderId: providerId })));
  await ctx.db
    .update(organisations)
    .set({ passwordSignIn: input.passwordSignIn })
    .where(eq(organisations.id, organisationId));
  await recordAudit(ctx, {
    action: "organisation.sign_in_configured",
    targetType: "organisation",
    targetId: organisationId,
    details: {
      before: { passwordSignIn: before.passwordSignIn, identityProvider: before.identityProvider },
      issuer: input.issuer,
      clientId: input.clientId,
      clientSecretChanged: Boolean(input.clientSecret),
      domains: input.domains,
      addedDomains,
      enabled: input.enabled,
      passwordSignIn: input.passwordSignIn,
    },
  });
  return getOrganisationSignIn(ctx.db, organisationId);
}

export async function removeOrganisationSignIn(ctx: Ctx, organisationId: string): Promise<void> {
  const settings = await getOrganisationSignIn(ctx.db, organisationId);
  if (!settings.identityProvider) throw notFound("The organisation's identity provider");
  if (!settings.passwordSignIn) {
    throw new AppError(
      "conflict",
      "Turn password sign-in back on before removing the identity provider, or nobody could sign in.",
    );
  }
  await ctx.db.delete(identityProviders).where(eq(identityProviders.organisationId, organisationId));
  await recordAudit(ctx, {
    action: "organisation.sign_in_removed",
    targetType: "organisation",
    targetId: organisationId,
    details: { identityProvider: settings.identityProvider },
  });
}

/** Reads the discovery document and says, in words, whether Convene can sign people in with it. */
export async function checkIssuerDiscovery(config: Config, issuer: string) {
  assertIssuerAllowed(config, issuer);
  try {
    const metadata = await readDiscovery(issuer);
    const missing = [
      metadata.authorization_endpoint ? null : "authorization_endpoint",
      metadata.token_endpoint ? null : "token_endpoint",
      metadata.jwks_uri ? null : "jwks_uri",
    ].filter((name) => name !== null);
    const pkce = metadata.code_challenge_methods_supported;
    const problems = [
      ...(missing.length > 0 ? [`its discovery document lacks ${missing.join(", ")}`] : []),
      ...(pkce && !pkce.includes("S256") ? ["it does not offer PKCE with S256"] : []),
    ];
    return {
      ok: problems.length === 0,
      message:
        problems.length === 0
          ? `Found ${metadata.issuer}: Convene can sign people in through it.`
          : `Found ${metadata.issuer}, but ${problems.join(" and ")}.`,
      authorizationEndpoint: metadata.authorization_endpoint ?? null,
      tokenEndpoint: metadata.token_endpoint ?? null,
    };
  } catch (error) {
    return {
      ok: false,
      message: `Could not read ${issuer}'s discovery document: ${await describeProviderFailure(error)}`,
      authorizationEndpoint: null,
      tokenEndpoint: null,
    };
  }
}
