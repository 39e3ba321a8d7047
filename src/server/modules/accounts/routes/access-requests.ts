import type { Route } from "../../../platform/routes.js";
import { submitAccessRequest } from "../../desk/index.js";
import * as contract from "../contracts/access-requests.js";
import type { AnonymousLimits } from "./limits.js";

export function accessRequestRoutes(route: Route, limits: AnonymousLimits): void {
  route(
    contract.requestAccess,
    async ({ ctx, body }) => ({ ticketNumber: await submitAccessRequest(ctx, body) }),
    limits.anonymousForm,
  );
}
