import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/scim-tokens.js";
import { createScimToken, listScimTokens, revokeScimToken, scimBaseUrl } from "../scim-tokens.js";

export function scimTokenRoutes(route: Route): void {
  route(contract.listScimTokens, async ({ ctx, params }) => ({
    tokens: await listScimTokens(ctx, params.id),
    baseUrl: scimBaseUrl(ctx.config),
  }));
  route(contract.createScimToken, ({ ctx, params, body }) => createScimToken(ctx, params.id, body));
  route(contract.revokeScimToken, ({ ctx, params }) => revokeScimToken(ctx, params.id));
}
