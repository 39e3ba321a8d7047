import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/comments.js";
import { addComment } from "../tickets.js";

export function commentRoutes(route: Route): void {
  route(contract.addTicketComment, ({ ctx, params, body }) => addComment(ctx, params.id, body));
}
