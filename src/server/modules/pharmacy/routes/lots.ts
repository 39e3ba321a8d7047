import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/lots.js";
import { listLots, receiveLot } from "../lots.js";

export function lotRoutes(route: Route): void {
  route(contract.listLots, ({ ctx, params }) => listLots(ctx, params.id));
  route(contract.receiveLot, ({ ctx, params, body }) => receiveLot(ctx, params.id, body));
}
