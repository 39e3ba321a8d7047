import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/pins.js";
import { listPins, setPinned } from "../messages.js";

export function pinRoutes(route: Route): void {
  route(contract.pinMessage, ({ ctx, params }) => setPinned(ctx, params.id, true));
  route(contract.unpinMessage, ({ ctx, params }) => setPinned(ctx, params.id, false));
  route(contract.listPins, async ({ ctx, params }) => ({ messages: await listPins(ctx, params.id) }));
}
