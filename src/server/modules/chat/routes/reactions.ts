import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/reactions.js";
import { setReaction } from "../messages.js";

export function reactionRoutes(route: Route): void {
  route(contract.addReaction, ({ ctx, params, body }) => setReaction(ctx, params.id, body.emoji, true));
  route(contract.removeReaction, ({ ctx, params }) => setReaction(ctx, params.id, params.emoji, false));
}
