import { search } from "../../../shared/contracts/search.js";
import type { Route } from "../routes.js";
import { type AuthorsMatching, searchEverything } from "./engine.js";

export function searchRoutes(route: Route, authorsMatching: AuthorsMatching): void {
  route(search, async ({ ctx, query }) => ({ groups: await searchEverything(ctx, query, authorsMatching) }));
}
