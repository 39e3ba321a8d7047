import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/macros.js";
import { createMacro, deleteMacro, listMacros, replyWithMacro, updateMacro } from "../macros.js";

export function macroRoutes(route: Route): void {
  route(contract.listMacros, async ({ ctx }) => ({ macros: await listMacros(ctx) }));
  route(contract.createMacro, ({ ctx, body }) => createMacro(ctx, body));
  route(contract.updateMacro, ({ ctx, params, body }) => updateMacro(ctx, params.id, body));
  route(contract.deleteMacro, ({ ctx, params }) => deleteMacro(ctx, params.id));
  route(contract.replyWithMacro, ({ ctx, params, body }) => replyWithMacro(ctx, params.id, body));
}
