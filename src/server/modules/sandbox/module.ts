import type { Db } from "../../db/client.js";
import { SESSION_COOKIE } from "../../platform/auth/http.js";
import { AppError } from "../../platform/errors.js";
import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { agreementRoutes } from "./access/routes/agreement.js";
import { sandboxUserRoutes } from "./access/routes/users.js";
import { sandboxCommands } from "./cli.js";
import { sandboxAuditRoutes } from "./clinical/routes/audit.js";
import { enrolmentRoutes } from "./clinical/routes/enrolments.js";
import { studyRoutes } from "./clinical/routes/studies.js";
import { studyTransferRoutes } from "./clinical/routes/transfer.js";
import { volunteerRoutes } from "./clinical/routes/volunteers.js";
import { volunteerImportRoutes } from "./data/routes/imports.js";
import { operationsRoutes } from "./operations/routes/operations.js";
import { wipeRoutes } from "./operations/routes/wipes.js";
import { WipeRunner } from "./operations/wipe-runner.js";
import {
  ENVIRONMENT_PATH,
  isSandboxRoute,
  localEnvironment,
  sandboxResetting,
} from "./operations/wipe-state.js";

const runners = new WeakMap<Db, WipeRunner>();

/** The app's wipe runner for this database, so tests can run due wipes by hand. */
export function wipeRunnerOf(db: Db): WipeRunner {
  const runner = runners.get(db);
  if (!runner) throw new Error("the sandbox module is not registered for this database");
  return runner;
}

/**
 * The community development environment: its agreement and users, the clinical records, bulk data
 * and its operation. The wipe runner's timer starts when the server listens (never under `inject`,
 * so tests run due wipes by hand).
 */
export const sandboxModule: ConveneModule = {
  name: "sandbox",
  beforeAuth(app) {
    // While this node runs a wipe, its transaction holds the database (PGlite's only connection): sandbox
    // routes are answered from memory before the session lookup would wait for it. The environment status
    // (progress only, no one's data) asks for a session cookie without looking it up.
    app.addHook("onRequest", async (request, reply) => {
      const environment = localEnvironment();
      if (!environment) return;
      if (request.method === "GET" && request.url.split("?")[0] === ENVIRONMENT_PATH) {
        if (!request.cookies[SESSION_COOKIE]) throw new AppError("unauthenticated", "Please sign in.");
        return reply.send(environment);
      }
      if (isSandboxRoute(request.url)) throw sandboxResetting();
    });
  },
  async plugin(app, deps) {
    const runner = new WipeRunner(deps.db, deps.config);
    runners.set(deps.db, runner);
    app.addHook("onListen", async () => runner.start());
    app.addHook("onClose", async () => {
      await runner.stop();
      runners.delete(deps.db);
    });
    const route = router(app, deps);
    sandboxUserRoutes(route);
    agreementRoutes(route);
    studyRoutes(route);
    volunteerRoutes(route);
    enrolmentRoutes(route);
    sandboxAuditRoutes(route);
    studyTransferRoutes(route);
    volunteerImportRoutes(route);
    operationsRoutes(route);
    wipeRoutes(route, runner);
  },
  commands: sandboxCommands,
};
