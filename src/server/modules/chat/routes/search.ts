import type { Gateway } from "../../../platform/events/gateway.js";
import type { Route } from "../../../platform/routes.js";
import { searchPeople } from "../../accounts/index.js";
import * as contract from "../contracts/search.js";
import { searchMessages } from "../search.js";

export function searchRoutes(route: Route, gateway: Gateway): void {
  route(contract.searchMessages, async ({ ctx, query }) => ({ results: await searchMessages(ctx, query.q) }));
  route(contract.searchPeople, async ({ ctx, query }) => ({ people: await searchPeople(ctx.db, query.q) }));
  route(contract.getPresence, async () => ({ online: gateway.onlineUserIds() }));
}
