import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/dispensing.js";
import { dispense, listDispensations } from "../dispensing.js";

export function dispensingRoutes(route: Route): void {
  route(contract.listDispensations, ({ ctx, query }) => listDispensations(ctx, query));
  route(contract.dispense, ({ ctx, body }) => dispense(ctx, body));
}
