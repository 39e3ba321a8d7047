import { Histogram } from "prom-client";
import type { Db } from "../../db/client.js";
import { SESSION_COOKIE } from "../../platform/auth/http.js";
import { AppError } from "../../platform/errors.js";
import type { ConveneModule } from "../../platform/module.js";
import { router } from "../../platform/routes.js";
import { agreementRoutes, sandboxUserRoutes } from "./access/index.js";
import { sandboxCommands } from "./cli.js";
import {
  enrolmentRoutes,
  sandboxAuditRoutes,
  studyRoutes,
  studyTransferRoutes,
  volunteerRoutes,
} from "./clinical/index.js";
import { phiScanRoutes, volunteerImportRoutes } from "./data/index.js";
import {
  ENVIRONMENT_PATH,
  failAbandonedWipes,
  isSandboxRoute,
  localEnvironment,
  operationsRoutes,
  sandboxResetting,
  WipeRunner,
  wipeRoutes,
} from "./operations/index.js";
import { phiCommands } from "./phi-cli.js";
import { registerProductSignIn } from "./product/index.js";
// Studies and volunteers, found by the one search.
import "./search-sources.js";

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
    // (progress only, no one's data) asks for a session cookie or an API token without looking it up.
    app.addHook("onRequest", async (request, reply) => {
      const environment = localEnvironment();
      if (!environment) return;
      if (request.method === "GET" && request.url.split("?")[0] === ENVIRONMENT_PATH) {
        if (!request.cookies[SESSION_COOKIE] && !request.headers.authorization)
          throw new AppError("unauthenticated", "Please sign in.");
        return reply.send(environment);
      }
      if (isSandboxRoute(request.url)) throw sandboxResetting();
    });
  },
  async plugin(app, deps) {
    const wipeDuration = new Histogram({
      name: "convene_sandbox_wipe_duration_seconds",
      help: "How long a sandbox wipe ran on this node, completed or failed (a failure rolls back).",
      labelNames: ["status"],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200],
      registers: [deps.metrics.registry],
    });
    const runner = new WipeRunner(deps.db, deps.config, app.log, (outcome) =>
      wipeDuration.observe({ status: outcome.status }, outcome.seconds),
    );
    runners.set(deps.db, runner);
    // A wipe left running by a process that died (this node's last run, or a killed CLI) fails at once.
    app.addHook("onReady", async () => {
      await failAbandonedWipes({ db: deps.db, config: deps.config, actor: null, ip: null });
    });
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
    phiScanRoutes(route);
    operationsRoutes(route);
    wipeRoutes(route, runner);
    await registerProductSignIn(app, deps);
  },
  commands(program) {
    sandboxCommands(program);
    phiCommands(program);
  },
};
