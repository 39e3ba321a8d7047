import { clearSessionCookie, setSessionCookie } from "../../../platform/auth/http.js";
import type { Route } from "../../../platform/routes.js";
import type { TokenBuckets } from "../../../platform/throttle.js";
import * as contract from "../contracts/auth.js";
import * as passkeyContract from "../contracts/passkeys.js";
import { passkeyRequestOptions } from "../passkeys.js";
import { completePasswordReset, previewPasswordReset, requestPasswordReset } from "../password-reset.js";
import { signOut } from "../sessions.js";
import { signIn, signInWithPasskey } from "../sign-in.js";
import { getMe } from "../users.js";
import { type AnonymousLimits, userAgentOf } from "./limits.js";

/** `passkeyAttempts`: passwordless sign-ins allowed per passkey, beside the per-IP limit of every sign-in. */
export function authRoutes(route: Route, limits: AnonymousLimits, passkeyAttempts: TokenBuckets): void {
  route(
    contract.signIn,
    async ({ ctx, body, request, reply }) => {
      const { token, me } = await signIn(ctx, { ...body, userAgent: userAgentOf(request) });
      setSessionCookie(reply, ctx.config, token);
      return { user: me };
    },
    limits.signIn,
  );
  route(passkeyContract.passkeySignInOptions, ({ ctx }) => passkeyRequestOptions(ctx, null), limits.signIn);
  route(
    passkeyContract.signInWithPasskey,
    async ({ ctx, body, request, reply }) => {
      const { token, me } = await signInWithPasskey(ctx, {
        response: body.response,
        userAgent: userAgentOf(request),
        attempts: passkeyAttempts,
      });
      setSessionCookie(reply, ctx.config, token);
      return { user: me };
    },
    limits.signIn,
  );
  route(contract.getSession, async ({ ctx }) => ({
    user: ctx.actor ? await getMe(ctx.db, ctx.actor.id) : null,
  }));
  route(contract.signOut, async ({ ctx, body, request, reply }) => {
    await signOut(ctx, request.sessionId, body?.pushEndpoint);
    clearSessionCookie(reply, ctx.config);
  });
  route(
    contract.requestPasswordReset,
    ({ ctx, body }) => requestPasswordReset(ctx, body.email),
    limits.anonymousForm,
  );
  route(contract.previewPasswordReset, ({ ctx, params }) => previewPasswordReset(ctx.db, params.token));
  route(
    contract.completePasswordReset,
    async ({ ctx, params, body, reply }) => {
      await completePasswordReset(ctx, params.token, body.password);
      clearSessionCookie(reply, ctx.config);
    },
    limits.anonymousForm,
  );
}
