import type { Route } from "../../../platform/routes.js";
import { approveAccessRequest, declineAccessRequest } from "../access-requests.js";
import * as contract from "../contracts/access-requests.js";

export function accessRequestRoutes(route: Route): void {
  route(contract.approveAccessRequest, ({ ctx, params, body }) => approveAccessRequest(ctx, params.id, body));
  route(contract.declineAccessRequest, ({ ctx, params, body }) =>
    declineAccessRequest(ctx, params.id, body.reason),
  );
}
