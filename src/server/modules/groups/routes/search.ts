import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/search.js";
import { searchMessages } from "../search.js";

export function searchRoutes(route: Route): void {
  route(contract.searchGroupMessages, async ({ ctx, query }) => ({
    results: await searchMessages(ctx, { q: query.q, handle: query.group }),
  }));
}
