import type { FastifyReply } from "fastify";
import type { Config } from "../../../config.js";
import { recordAudit } from "../../../platform/audit/service.js";
import { setSessionCookie } from "../../../platform/auth/http.js";
import { inTransaction } from "../../../platform/context.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/organisation-sign-in.js";
import {
  checkIssuerDiscovery,
  configureOrganisationSignIn,
  getOrganisationSignIn,
  removeOrganisationSignIn,
} from "../identity-providers.js";
import {
  CALLBACK_PATH,
  finishOrganisationSignIn,
  OrganisationSignInFailure,
  redirectUriOf,
  startOrganisationSignIn,
} from "../organisation-sign-in.js";
import { type AnonymousLimits, userAgentOf } from "./limits.js";

/** Binds a pending sign-in to the browser that started it; sent back only to the callback. */
const STATE_COOKIE = "convene_oidc_state";

const stateCookieOptions = (config: Config) => ({
  path: CALLBACK_PATH,
  httpOnly: true,
  // Lax: the provider's redirect back is a top-level GET, which carries Lax cookies.
  sameSite: "lax" as const,
  secure: config.secureCookies,
});

/** `?…` of a request's URL, or nothing. */
const queryOf = (url: string) => (url.includes("?") ? url.slice(url.indexOf("?")) : "");

function backToSignIn(reply: FastifyReply, problem: contract.OrganisationSignInProblem) {
  return reply.redirect(`/sign-in?organisationSignIn=${problem}`, 303);
}

export function organisationSignInRoutes(route: Route, limits: AnonymousLimits): void {
  route(
    contract.startOrganisationSignIn,
    async ({ ctx, body, reply }) => {
      const started = await startOrganisationSignIn(ctx, {
        email: body.email,
        returnTo: body.returnTo ?? "/",
      });
      if (!started) return { redirectUrl: null };
      reply.setCookie(STATE_COOKIE, started.state, { ...stateCookieOptions(ctx.config), maxAge: 600 });
      return { redirectUrl: started.redirectUrl };
    },
    limits.signIn,
  );
  route(
    contract.finishOrganisationSignIn,
    async ({ ctx, request, reply }) => {
      reply.clearCookie(STATE_COOKIE, stateCookieOptions(ctx.config));
      try {
        const { token, returnTo } = await finishOrganisationSignIn(ctx, {
          // The redirect URI as registered (PUBLIC_URL's path included, if the app is served under one),
          // with the provider's answer: openid-client sends it back to the token endpoint as is.
          callbackUrl: new URL(`${redirectUriOf(ctx.config.publicUrl)}${queryOf(request.url)}`),
          cookieState: request.cookies[STATE_COOKIE],
          userAgent: userAgentOf(request),
        });
        setSessionCookie(reply, ctx.config, token);
        return reply.redirect(returnTo, 303);
      } catch (error) {
        // Whatever went wrong, the person lands on the sign-in page with words for it, never an error page.
        const failure =
          error instanceof OrganisationSignInFailure
            ? error
            : new OrganisationSignInFailure(
                "unavailable",
                error instanceof Error ? error.message : String(error),
              );
        if (!(error instanceof OrganisationSignInFailure))
          request.log.error({ err: error }, "organisation sign-in failed");
        await recordAudit(ctx, {
          action: "auth.sign_in_failed",
          details: {
            method: "identity_provider",
            reason: failure.problem,
            detail: failure.detail.slice(0, 500),
          },
        });
        return backToSignIn(reply, failure.problem);
      }
    },
    limits.signIn,
  );

  route(contract.getOrganisationSignIn, ({ ctx, params }) => getOrganisationSignIn(ctx.db, params.id));
  route(contract.configureOrganisationSignIn, ({ ctx, params, body }) =>
    inTransaction(ctx, (tx) => configureOrganisationSignIn(tx, params.id, body)),
  );
  route(contract.removeOrganisationSignIn, ({ ctx, params }) =>
    inTransaction(ctx, (tx) => removeOrganisationSignIn(tx, params.id)),
  );
  route(contract.checkIssuerDiscovery, ({ ctx, body }) => checkIssuerDiscovery(ctx.config, body.issuer));
}
