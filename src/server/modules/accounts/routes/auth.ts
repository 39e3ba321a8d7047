import { clearSessionCookie, setSessionCookie } from "../../../platform/auth/http.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/auth.js";
import { completePasswordReset, previewPasswordReset, requestPasswordReset } from "../password-reset.js";
import { signOut } from "../sessions.js";
import { signIn } from "../sign-in.js";
import { getMe } from "../users.js";
import { type AnonymousLimits, userAgentOf } from "./limits.js";

export function authRoutes(route: Route, limits: AnonymousLimits): void {
  route(
    contract.signIn,
    async ({ ctx, body, request, reply }) => {
      const { token, me } = await signIn(ctx, { ...body, userAgent: userAgentOf(request) });
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
