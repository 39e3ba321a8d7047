import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/groups.js";
import { createGroup, getGroupView, listGroups, updateGroupSettings } from "../groups.js";

export function groupRoutes(route: Route): void {
  route(contract.listGroups, async ({ ctx, query }) => ({ groups: await listGroups(ctx, query) }));
  route(contract.createGroup, ({ ctx, body }) => createGroup(ctx, body));
  route(contract.getGroup, ({ ctx, params }) => getGroupView(ctx, params.handle));
  route(contract.updateGroupSettings, ({ ctx, params, body }) =>
    updateGroupSettings(ctx, params.handle, body),
  );
}
