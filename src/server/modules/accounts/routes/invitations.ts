import { setSessionCookie } from "../../../platform/auth/http.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/invitations.js";
import {
  acceptInvitationAndSignIn,
  inviteColleague,
  listInvitations,
  previewInvitation,
  revokeInvitation,
} from "../invitations.js";
import { type AnonymousLimits, userAgentOf } from "./limits.js";

export function invitationRoutes(route: Route, limits: AnonymousLimits): void {
  route(contract.previewInvitation, ({ ctx, params }) => previewInvitation(ctx.db, params.token));
  route(
    contract.acceptInvitation,
    async ({ ctx, params, body, request, reply }) => {
      const input = { ...body, userAgent: userAgentOf(request) };
      const { token, me } = await acceptInvitationAndSignIn(ctx, params.token, input);
      setSessionCookie(reply, ctx.config, token);
      return { user: me };
    },
    limits.anonymousForm,
  );
  route(contract.inviteColleague, ({ ctx, body }) => inviteColleague(ctx, body));
  route(contract.listInvitations, async ({ ctx, query }) => ({
    invitations: await listInvitations(ctx, query),
  }));
  route(contract.revokeInvitation, ({ ctx, params }) => revokeInvitation(ctx, params.id));
}
