import type { Route } from "../../../platform/routes.js";
import * as contract from "../contracts/passkeys.js";
import {
  addPasskey,
  listPasskeys,
  passkeyRegistrationOptions,
  removePasskey,
  renamePasskey,
} from "../passkeys.js";

/** One's own passkeys (the passwordless sign-in is with the other sign-in routes, in auth.ts). */
export function passkeyRoutes(route: Route): void {
  route(contract.listPasskeys, async ({ ctx }) => ({ passkeys: await listPasskeys(ctx) }));
  route(contract.passkeyRegistrationOptions, ({ ctx }) => passkeyRegistrationOptions(ctx));
  route(contract.addPasskey, ({ ctx, body }) => addPasskey(ctx, body));
  route(contract.renamePasskey, ({ ctx, params, body }) => renamePasskey(ctx, params.id, body.name));
  route(contract.removePasskey, ({ ctx, params, body }) => removePasskey(ctx, params.id, body.password));
}
