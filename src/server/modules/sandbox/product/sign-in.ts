import { generateKeyPairSync } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type Provider from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";
import { type Config, PRODUCT_OIDC_SCOPES } from "../../../config.js";
import type { Db } from "../../../db/client.js";
import { loadOnce } from "../../../platform/load-once.js";
import { dataDirSecret } from "../../../platform/secrets.js";
import { NOT_A_SANDBOX_USER_MESSAGE, productPerson } from "../access/index.js";
import { databaseAdapter } from "./oidc-adapter.js";

/** Where the provider answers: its issuer is PUBLIC_URL + this. */
export const OIDC_PATH = "/oidc";
const INTERACTION_PATH = `${OIDC_PATH}/interaction/`;

// Loaded only where a product client is configured: most installations never need it.
const loadProvider = loadOnce(() => import("oidc-provider"));

export const issuerOf = (config: Config) => `${config.publicUrl}${OIDC_PATH}`;

async function signingKey(config: Config): Promise<Record<string, unknown>> {
  const kept =
    config.product.signingKey ??
    (await dataDirSecret(config.dataDir, "oidc-signing-key.json", () =>
      JSON.stringify(
        generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
      ),
    ));
  try {
    return { ...JSON.parse(kept), use: "sig", alg: "RS256" };
  } catch {
    throw new Error("OIDC_SIGNING_KEY is not a JSON Web Key (an RSA private key as JSON).");
  }
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The provider's own pages (an error, a signed-out notice): plain, readable, in Convene's words. */
export function providerPage(title: string, paragraphs: string[], config: Config): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Convene</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1a1b1e}a{color:#1864ab}</style></head><body><main><h1>${escapeHtml(title)}</h1>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("")}<p><a href="${escapeHtml(config.publicUrl)}/sandbox">Go to the development environment in Convene</a></p></main></body></html>`;
}

/**
 * Convene as the OpenID provider of the vendor's product (authorization code with PKCE; oidc-provider).
 * Every sign-in passes through Convene's own check (the interaction): the person signed in to Convene,
 * an active sandbox user or staff, who accepted the agreement in force. `findAccount` asks the same at
 * every code exchange, refresh and userinfo call, so a person removed, deactivated or not yet agreeing to
 * a new version is refused at their next refresh; sessions.ts ends their sessions at the product too.
 */
export async function createProductProvider(db: Db, config: Config): Promise<Provider | null> {
  const client = config.product.oidcClient;
  if (!client) return null;
  const { default: OpenIdProvider, interactionPolicy } = await loadProvider();
  const { Check, base } = interactionPolicy;
  const policy = base();
  // Convene decides at every authorization, not only when the provider has no session: its own
  // session may belong to someone else by now, and the gate may have closed.
  policy
    .get("login")
    ?.checks.add(
      new Check("convene_check", "Convene checks who signs in, every time", (ctx) =>
        ctx.oidc.result?.login ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT,
      ),
    );

  const provider: Provider = new OpenIdProvider(issuerOf(config), {
    adapter: databaseAdapter(db),
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: client.redirectUris,
        post_logout_redirect_uris: client.postLogoutRedirectUris,
        ...(client.backchannelLogoutUri
          ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true }
          : {}),
        response_types: ["code"],
        grant_types: ["authorization_code", "refresh_token"],
        token_endpoint_auth_method: "client_secret_basic",
        scope: client.scopes.join(" "),
      },
    ],
    scopes: [...PRODUCT_OIDC_SCOPES],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
      sandbox: ["organisation", "sandbox_role"],
    },
    // The claims go in the ID token too, so a product can map roles from it alone.
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, sub: string) => {
      const person = await productPerson(db, sub);
      if (!person || person.refusal) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: person.email,
          email_verified: true,
          name: person.name,
          organisation: person.organisation,
          sandbox_role: person.role,
        }),
      };
    },
    // The product is the vendor's own: no consent screen, it receives every scope it asks for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx;
      const clientId = oidc.client?.clientId;
      const accountId = oidc.session?.accountId;
      if (!clientId || !accountId) return undefined;
      const existing = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
      if (existing) {
        const grant = await provider.Grant.find(existing);
        if (grant) return grant;
      }
      const grant = new provider.Grant({ accountId, clientId });
      grant.addOIDCScope(client.scopes.join(" "));
      await grant.save();
      oidc.session?.grantIdFor(clientId, grant.jti);
      return grant;
    },
    issueRefreshToken: async (_ctx: unknown, issuedTo: { grantTypeAllowed(type: string): boolean }) =>
      issuedTo.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: true,
    pkce: { required: () => true },
    interactions: {
      policy,
      url: (_ctx: unknown, interaction: { uid: string }) => `${INTERACTION_PATH}${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = "html";
          ctx.body = providerPage("Sign out of the development environment?", [], config).replace(
            "</main>",
            `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button> <button type="submit" form="op.logoutForm">Stay signed in</button></main>`,
          );
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.type = "html";
          ctx.body = providerPage(
            "Signed out",
            ["You are signed out of the development environment."],
            config,
          );
        },
      },
    },
    renderError: async (ctx: KoaContextWithOIDC, out: Record<string, string>) => {
      ctx.type = "html";
      ctx.body = providerPage(
        "The sign-in could not go on",
        [
          out.error_description ?? out.error ?? "Something went wrong.",
          "Go back to the product and sign in again.",
        ],
        config,
      );
    },
    cookies: { keys: [await dataDirSecret(config.dataDir, "oidc-cookie-secret")] },
    jwks: { keys: [await signingKey(config)] },
    ttl: {
      AccessToken: 10 * 60,
      AuthorizationCode: 60,
      IdToken: 10 * 60,
      Interaction: 15 * 60,
      // A product session lasts as long as a Convene one at most; the refresh is asked every 10 minutes.
      Session: config.sessionMaxHours * 3600,
      Grant: config.sessionMaxHours * 3600,
      RefreshToken: config.sessionMaxHours * 3600,
    },
    clientBasedCORS: () => false,
    // The provider's only outgoing calls go to the product's back-channel logout address, which the
    // operator configured, not a client: a product on the vendor's private network must be reachable,
    // so the dispatcher refusing private and loopback addresses is left out.
    fetch: (url: string, { dispatcher: _, ...options }: RequestInit & { dispatcher?: unknown }) =>
      globalThis.fetch(url, options),
  });
  provider.proxy = config.trustProxy !== false;
  return provider;
}

async function interact(
  provider: Provider,
  db: Db,
  config: Config,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  let details: Awaited<ReturnType<Provider["interactionDetails"]>>;
  try {
    details = await provider.interactionDetails(request.raw, reply.raw);
  } catch {
    reply
      .code(400)
      .type("text/html")
      .send(providerPage("This sign-in has expired", ["Go back to the product and sign in again."], config));
    return;
  }
  const here = `${INTERACTION_PATH}${details.uid}`;
  const actor = request.actor;
  if (!actor) return void reply.redirect(`/sign-in?next=${encodeURIComponent(here)}`);
  const person = await productPerson(db, actor.id);
  if (person?.refusal === "agreement_required")
    return void reply.redirect(`/sandbox/agreement?next=${encodeURIComponent(here)}`);
  reply.hijack();
  if (!person || person.refusal) {
    await provider.interactionFinished(
      request.raw,
      reply.raw,
      {
        error: "access_denied",
        error_description:
          person?.refusal === "deactivated"
            ? "This Convene account is deactivated."
            : NOT_A_SANDBOX_USER_MESSAGE,
      },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  await provider.interactionFinished(
    request.raw,
    reply.raw,
    { login: { accountId: actor.id, remember: false } },
    { mergeWithLastSubmission: false },
  );
}

/**
 * The provider's routes under /oidc: the protocol (discovery, authorize, token, userinfo, JWKS,
 * revocation, end session) handed to oidc-provider before Fastify reads a body, and the interaction
 * where Convene decides who signs in.
 */
export function productSignInRoutes(app: FastifyInstance, provider: Provider, db: Db, config: Config): void {
  const handleProtocol = provider.callback();
  app.get(`${INTERACTION_PATH}:uid`, (request, reply) => interact(provider, db, config, request, reply));
  const protocol = {
    onRequest: (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      reply.hijack();
      // oidc-provider finds its mount point from originalUrl, as under Express's app.use.
      const raw = request.raw as typeof request.raw & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = raw.url?.slice(OIDC_PATH.length) || "/";
      handleProtocol(raw, reply.raw);
      // A hijacked reply ends Fastify's part here: the hooks and handler after this one do not run.
      done();
    },
    handler: async () => undefined,
  };
  app.route({ method: ["GET", "POST", "OPTIONS"], url: OIDC_PATH, ...protocol });
  app.route({ method: ["GET", "POST", "OPTIONS"], url: `${OIDC_PATH}/*`, ...protocol });
}
