import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { accountsCommands } from "./cli.js";
import { accessRequestRoutes } from "./routes/access-requests.js";
import { apiTokenRoutes } from "./routes/api-tokens.js";
import { authRoutes } from "./routes/auth.js";
import { invitationRoutes } from "./routes/invitations.js";
import { anonymousLimits } from "./routes/limits.js";
import { meRoutes } from "./routes/me.js";
import { organisationRoutes } from "./routes/organisations.js";
import { scimRoutes } from "./routes/scim.js";
import { scimTokenRoutes } from "./routes/scim-tokens.js";
import { userRoutes } from "./routes/users.js";
import { SCIM_BASE_PATH } from "./scim-tokens.js";
import { adoptReleaseEmailSwitch } from "./users.js";
// People, found by the one search.
import "./search-sources.js";

/**
 * Organisations, people, sign-in and sessions, invitations, password reset, two-factor sign-in and
 * personal API tokens, SCIM provisioning by an organisation's identity provider (scim.ts, at
 * /scim/v2), and the staff's administration of them. The platform's authentication resolves
 * session cookies through `resolveSession` (sessions.ts) and bearer tokens through `resolveApiToken`
 * (api-tokens.ts), which the app hands it, so the platform needs no accounts table.
 */
export const accountsModule: ConveneModule = {
  name: "accounts",
  async plugin(app, deps) {
    await adoptReleaseEmailSwitch(deps.db);
    const route = router(app, deps);
    const limits = anonymousLimits(deps.config);
    authRoutes(route, limits);
    meRoutes(route);
    apiTokenRoutes(route);
    accessRequestRoutes(route, limits);
    invitationRoutes(route, limits);
    organisationRoutes(route);
    userRoutes(route);
    scimTokenRoutes(route);
    await app.register((scope) => scimRoutes(scope, deps), { prefix: SCIM_BASE_PATH });
  },
  commands: accountsCommands,
};
