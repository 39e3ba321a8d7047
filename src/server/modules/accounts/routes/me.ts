import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/me.js";
import { listRecoveryCodes, regenerateRecoveryCodes } from "../recovery-codes.js";
import { endMySession, listMySessions } from "../sessions.js";
import { beginTotpSetup, disableTotp, enableTotp } from "../two-factor.js";
import { changePassword, getMe, updateMe } from "../users.js";

export function meRoutes(route: Route): void {
  route(contract.getMe, ({ ctx }) => getMe(ctx.db, ctx.actor.id));
  route(contract.updateMe, ({ ctx, body }) => updateMe(ctx, body));
  route(contract.changePassword, ({ ctx, body, request }) =>
    changePassword(ctx, { ...body, keepSessionId: request.sessionId }),
  );
  route(contract.listSessions, async ({ ctx, request }) => ({
    sessions: await listMySessions(ctx, request.sessionId),
  }));
  route(contract.endSession, ({ ctx, params }) => endMySession(ctx, params.id));
  route(contract.setUpTotp, ({ ctx }) => beginTotpSetup(ctx));
  route(contract.enableTotp, ({ ctx, body }) => enableTotp(ctx, body.code));
  route(contract.disableTotp, ({ ctx, body }) => disableTotp(ctx, body.password));
  route(contract.listRecoveryCodes, ({ ctx }) => listRecoveryCodes(ctx));
  route(contract.regenerateRecoveryCodes, ({ ctx, body }) => regenerateRecoveryCodes(ctx, body.password));
}
