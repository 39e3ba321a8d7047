import { inTransaction } from "../../../platform/context.js";
import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/users.js";
import { listUsersForAdmin, updateUserByAdmin } from "../users.js";

export function userRoutes(route: Route): void {
  route(contract.listUsers, async ({ ctx, query }) => ({ users: await listUsersForAdmin(ctx.db, query) }));
  route(contract.updateUser, ({ ctx, params, body }) =>
    inTransaction(ctx, (tx) => updateUserByAdmin(tx, params.id, body)),
  );
}
