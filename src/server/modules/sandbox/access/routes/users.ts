import type { Route } from "../../../../platform/routes.js";
import { sandboxStatus } from "../access.js";
import * as contract from "../contracts/users.js";
import { addSandboxUser, changeSandboxRole, listSandboxUsers, removeSandboxUser } from "../users.js";

export function sandboxUserRoutes(route: Route): void {
  route(contract.getSandboxStatus, ({ ctx }) => sandboxStatus(ctx));
  route(contract.listSandboxUsers, ({ ctx }) => listSandboxUsers(ctx));
  route(contract.addSandboxUser, ({ ctx, body }) => addSandboxUser(ctx, body));
  route(contract.changeSandboxRole, ({ ctx, params, body }) =>
    changeSandboxRole(ctx, params.userId, body.role),
  );
  route(contract.removeSandboxUser, ({ ctx, params }) => removeSandboxUser(ctx, params.userId));
}
