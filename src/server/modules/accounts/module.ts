import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { TokenBuckets } from "../../platform/throttle.js";
import { accountsCommands } from "./cli.js";
import { accessRequestRoutes } from "./routes/access-requests.js";
import { authRoutes } from "./routes/auth.js";
import { invitationRoutes } from "./routes/invitations.js";
import { anonymousLimits } from "./routes/limits.js";
import { meRoutes } from "./routes/me.js";
import { organisationSignInRoutes } from "./routes/organisation-sign-in.js";
import { organisationRoutes } from "./routes/organisations.js";
import { passkeyRoutes } from "./routes/passkeys.js";
import { userRoutes } from "./routes/users.js";
import { adoptReleaseEmailSwitch } from "./users.js";
// People, found by the one search.
import "./search-sources.js";

/**
 * Organisations, people, sign-in (with a password, or through an organisation's identity provider) and sessions, invitations, password reset, two-factor sign-in, passkeys and
 * the staff's administration of them. The platform's authentication resolves session cookies through
 * `resolveSession` (sessions.ts), which the app hands it, so the platform needs no accounts table.
 */
export const accountsModule: ConveneModule = {
  name: "accounts",
  async plugin(app, deps) {
    await adoptReleaseEmailSwitch(deps.db);
    const route = router(app, deps);
    const limits = anonymousLimits(deps.config);
    // Five passwordless tries per passkey at once, then one every twelve seconds.
    authRoutes(route, limits, new TokenBuckets(1 / 12, 5));
    meRoutes(route);
    passkeyRoutes(route);
    accessRequestRoutes(route, limits);
    invitationRoutes(route, limits);
    organisationRoutes(route);
    organisationSignInRoutes(route, limits);
    userRoutes(route);
  },
  commands: accountsCommands,
};
