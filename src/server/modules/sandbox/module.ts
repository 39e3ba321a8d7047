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
  productFlagRoutes,
  sandboxResetting,
  WipeRunner,
  wipeRoutes,
} from "./operations/index.js";
import { phiCommands } from "./phi-cli.js";
import {
  ProductCallDeliverer,
  ProvisioningWorker,
  productRoutes,
  registerProductSignIn,
} from "./product/index.js";
// Studies and volunteers, found by the one search.
import "./search-sources.js";

const runners = new WeakMap<Db, WipeRunner>();

/** The app's wipe runner for this database, so tests can run due wipes by hand. */
export function wipeRunnerOf(db: Db): WipeRunner {
  const runner = runners.get(db);
  if (!runner) throw new Error("the sandbox module is not registered for this database");
  return runner;
}

const provisioningWorkers = new WeakMap<Db, ProvisioningWorker>();

/** The app's provisioning worker for this database (only with PRODUCT_SCIM_URL), so tests can flush it. */
export function provisioningWorkerOf(db: Db): ProvisioningWorker {
  const worker = provisioningWorkers.get(db);
  if (!worker) throw new Error("the product's SCIM is not configured for this database");
  return worker;
}

const productCallDeliverers = new WeakMap<Db, ProductCallDeliverer>();

/** The app's deliverer of calls to the product (only with PRODUCT_FLAGS_URL), so tests can flush it. */
export function productCallsOf(db: Db): ProductCallDeliverer {
  const deliverer = productCallDeliverers.get(db);
  if (!deliverer) throw new Error("the product's flags address is not configured for this database");
  return deliverer;
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
    await app.register((scope) => productFlagRoutes(scope, deps));
    // Flag changes go to the product only when it listens and Convene owns them; sent right after the
    // request that made them, and every few seconds (a CLI deployment, a retry).
    const { flagsUrl, flagsSource, webhookSecret } = deps.config.product;
    if (flagsUrl && webhookSecret && flagsSource === "convene") {
      const calls = new ProductCallDeliverer(deps.db, { flagsUrl, secret: webhookSecret }, { log: app.log });
      productCallDeliverers.set(deps.db, calls);
      app.addHook("onResponse", async (request, reply) => {
        if (request.method !== "GET" && reply.statusCode < 400) calls.flushSoon();
      });
      app.addHook("onListen", async () => calls.start());
      app.addHook("onClose", async () => {
        await calls.stop();
        productCallDeliverers.delete(deps.db);
      });
    }
    // Provisioning into the product runs only when it has a SCIM endpoint; its timer starts on listen.
    const scim = deps.config.product.scim;
    const provisioning = scim ? new ProvisioningWorker(deps.db, scim, { log: app.log }) : null;
    if (provisioning) {
      provisioningWorkers.set(deps.db, provisioning);
      app.addHook("onListen", async () => provisioning.start());
      app.addHook("onClose", async () => {
        await provisioning.stop();
        provisioningWorkers.delete(deps.db);
      });
    }
    productRoutes(route, provisioning);
    await registerProductSignIn(app, deps);
  },
  commands(program) {
    sandboxCommands(program);
    phiCommands(program);
  },
};
