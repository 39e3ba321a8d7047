import type { Route } from "../../../platform/routes.js";
import {
  createApiToken,
  listApiTokens,
  listMyApiTokens,
  revokeApiToken,
  revokeMyApiToken,
} from "../api-tokens.js";
import * as contract from "../contracts/api-tokens.js";

export function apiTokenRoutes(route: Route): void {
  route(contract.listMyApiTokens, async ({ ctx }) => ({ tokens: await listMyApiTokens(ctx) }));
  route(contract.createApiToken, ({ ctx, body }) => createApiToken(ctx, body));
  route(contract.revokeMyApiToken, ({ ctx, params }) => revokeMyApiToken(ctx, params.id));
  route(contract.listApiTokens, async ({ ctx, query }) => ({ tokens: await listApiTokens(ctx, query) }));
  route(contract.revokeApiToken, ({ ctx, params }) => revokeApiToken(ctx, params.id));
}
