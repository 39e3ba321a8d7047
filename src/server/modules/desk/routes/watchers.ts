import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/watchers.js";
import { setWatching } from "../tickets.js";

export function watcherRoutes(route: Route): void {
  route(contract.watchTicket, ({ ctx, params }) => setWatching(ctx, params.id, true));
  route(contract.unwatchTicket, ({ ctx, params }) => setWatching(ctx, params.id, false));
}
