import type { Db } from "../../db/client.js";
import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { SerialWorker } from "../../platform/serial-worker.js";
import { tokenBuckets } from "../../platform/throttle.js";
import { accountsCommands } from "./cli.js";
import { runDueErasures } from "./erasure.js";
import { runPersonalDataExports } from "./personal-data-export.js";
import { accessRequestRoutes } from "./routes/access-requests.js";
import { apiTokenRoutes } from "./routes/api-tokens.js";
import { authRoutes } from "./routes/auth.js";
import { invitationRoutes } from "./routes/invitations.js";
import { anonymousLimits } from "./routes/limits.js";
import { meRoutes } from "./routes/me.js";
import { organisationSignInRoutes } from "./routes/organisation-sign-in.js";
import { organisationRoutes } from "./routes/organisations.js";
import { passkeyRoutes } from "./routes/passkeys.js";
import { personalDataRoutes } from "./routes/personal-data.js";
import { scimRoutes } from "./routes/scim.js";
import { scimTokenRoutes } from "./routes/scim-tokens.js";
import { userRoutes } from "./routes/users.js";
import { SCIM_BASE_PATH } from "./scim-tokens.js";
import { adoptReleaseEmailSwitch } from "./users.js";
// People, found by the one search.
import "./search-sources.js";
// The profile's share of a person's data export and erasure.
import "./personal-data.js";

/** How often the worker looks for queued exports, due erasures and expired archives. */
const PERSONAL_DATA_INTERVAL_MS = 5_000;
const workers = new WeakMap<Db, SerialWorker>();

/** The app's personal-data worker for this database, so tests wait for the export a request started. */
export function personalDataWorkerOf(db: Db): SerialWorker {
  const worker = workers.get(db);
  if (!worker) throw new Error("the accounts module is not registered for this database");
  return worker;
}

/**
 * Organisations, people, sign-in (with a password, a passkey, or through an organisation's identity
 * provider) and sessions, invitations, password reset, two-factor sign-in, personal API tokens, SCIM
 * provisioning by an organisation's identity provider (scim.ts, at /scim/v2), personal data (export
 * and erasure), and the staff's administration of them. The platform's authentication resolves
 * session cookies through `resolveSession` (sessions.ts) and bearer tokens through `resolveApiToken`
 * (api-tokens.ts), which the app hands it, so the platform needs no accounts table.
 */
export const accountsModule: ConveneModule = {
  name: "accounts",
  async plugin(app, deps) {
    await adoptReleaseEmailSwitch(deps.db);
    const worker = new SerialWorker(
      async () => {
        await runPersonalDataExports(deps.db, deps.config);
        await runDueErasures(deps.db, deps.config);
      },
      app.log,
      "The personal-data worker's pass failed",
    );
    workers.set(deps.db, worker);
    app.addHook("onListen", async () => worker.start(PERSONAL_DATA_INTERVAL_MS));
    app.addHook("onClose", async () => {
      await worker.stop();
      workers.delete(deps.db);
    });
    const route = router(app, deps);
    const limits = anonymousLimits(deps.config);
    // Five passwordless tries per passkey at once, then one every twelve seconds.
    authRoutes(
      route,
      limits,
      tokenBuckets(deps.redis, {
        name: "passkey-sign-in",
        rate: 1 / 12,
        burst: 5,
        // Like the per-IP sign-in limit, this is a brake on guessing: without Redis it refuses (503,
        // Retry-After) rather than letting every node guess at full speed.
        whenUnavailable: "refuse",
        log: app.log,
      }),
    );
    meRoutes(route);
    apiTokenRoutes(route);
    passkeyRoutes(route);
    accessRequestRoutes(route, limits);
    invitationRoutes(route, limits);
    organisationRoutes(route);
    organisationSignInRoutes(route, limits);
    userRoutes(route);
    personalDataRoutes(route, worker);
    scimTokenRoutes(route);
    await app.register((scope) => scimRoutes(scope, deps), { prefix: SCIM_BASE_PATH });
  },
  commands: accountsCommands,
};
