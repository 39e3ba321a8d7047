import type { Route } from "../../../platform/routes.js";
import { createCategory, listCategories, updateCategory } from "../categories.js";
import * as contract from "../contracts/categories.js";

export function categoryRoutes(route: Route): void {
  route(contract.listCategories, async ({ ctx }) => ({ categories: await listCategories(ctx) }));
  route(contract.createCategory, ({ ctx, body }) => createCategory(ctx, body));
  route(contract.updateCategory, async ({ ctx, params, body }) => ({
    categories: await updateCategory(ctx, params.id, body),
  }));
}
