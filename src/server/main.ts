import { Command, Option } from "commander";
import { type App, buildApp } from "./app.js";
import { type Config, loadConfig } from "./config.js";
import { type Database, openDatabase } from "./db/client.js";
import { printDemoSignIns, seedWithProgress } from "./demo/cli.js";
import { isSeeded } from "./demo/seed.js";
import { modules } from "./modules.js";
import { auditCommands } from "./platform/audit/cli.js";
import { backupCommands } from "./platform/backup/cli.js";
import { serveControlSocket } from "./platform/backup/control-socket.js";
import { withDatabase } from "./platform/cli.js";
import type { Ctx } from "./platform/context.js";
import { fileCommands } from "./platform/files/cli.js";
import { mailCommands } from "./platform/mail/cli.js";
import { announceServing, parseWorkerCount, superviseWorkers } from "./platform/workers.js";

const program = new Command("convene").description("Convene, the customer community platform");

program
  .command("start")
  .description("migrate the database and serve the community")
  .option("--demo", "seed the demo community on first start (default on the embedded database)")
  .option("--no-demo", "never seed demo data")
  .addOption(new Option("--port <port>", "port to listen on").argParser((v) => Number.parseInt(v, 10)))
  .addOption(
    new Option("--workers <count>", "app processes sharing the port, e.g. one per core (PostgreSQL only)")
      .argParser(parseWorkerCount)
      .default(1),
  )
  .action(async (options: { demo?: boolean; port?: number; workers: number }) => {
    const loaded = loadConfig(process.env, options.port !== undefined ? { port: options.port } : {});
    // Demo data never lands in a real PostgreSQL unless asked for with --demo.
    const demo = options.demo ?? !loaded.databaseUrl;
    const config = { ...loaded, demo };
    const prepare = () =>
      withDatabase(config, async (ctx) => {
        if (demo && !(await isSeeded(ctx.db))) await seedWithProgress(ctx);
      });
    const serving = () => {
      if (demo) printDemoSignIns(config);
    };
    if (await superviseWorkers(options.workers, { postgres: Boolean(config.databaseUrl), prepare, serving }))
      return;
    const database = await openDatabase(config);
    await database.migrate();
    const ctx: Ctx = { db: database.db, config, actor: null, ip: null };
    if (demo && !(await isSeeded(database.db))) await seedWithProgress(ctx);
    const app = await buildApp({ database, config });
    app.mailer.start();
    // `convene backup` cannot open the embedded database this process holds: it asks through this socket.
    // Without it the server still serves; only a backup must then wait until it is stopped.
    const controlSocket = database.dumpDataDir
      ? await serveControlSocket(config.dataDir, database).catch((error: Error) => {
          console.warn(`No control socket for backups in ${config.dataDir}: ${error.message}`);
          return null;
        })
      : null;
    let stopping = false;
    const stop = async (signal: NodeJS.Signals) => {
      // A second signal while draining (Ctrl-C twice) means "now".
      if (stopping) process.exit(1);
      stopping = true;
      await controlSocket?.close();
      process.exitCode = await shutDown(app, database, config, signal);
      process.exit();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    await app.listen({ port: config.port, host: config.host });
    if (!announceServing()) serving();
  });

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** What a shutdown still gives workers and the database once it cut the requests under way. */
const AFTER_CUT_GRACE_MS = 5000;

/**
 * A graceful stop: readiness answers "draining" at once (for SHUTDOWN_DELAY_SECONDS while still
 * listening), then the server takes no new connections, realtime sockets close with 1012 so their
 * clients reconnect elsewhere after their last event id, requests under way finish, background
 * workers stop after their pass, and the database closes. Answers the exit code: 0, or 1 when
 * SHUTDOWN_TIMEOUT_SECONDS ran out and requests were cut.
 */
async function shutDown(
  app: App,
  database: Database,
  config: Config,
  signal: NodeJS.Signals,
): Promise<number> {
  app.log.info({ signal }, "shutting down: draining");
  app.readiness.drain();
  if (config.shutdownDelaySeconds > 0) await sleep(config.shutdownDelaySeconds * 1000);
  const closed = app.close().catch((error: unknown) => app.log.error({ err: error }, "closing failed"));
  const inTime = await Promise.race([
    closed.then(() => true),
    sleep(config.shutdownTimeoutSeconds * 1000).then(() => false),
  ]);
  if (!inTime) {
    app.log.warn(
      `requests still under way after ${config.shutdownTimeoutSeconds} s (SHUTDOWN_TIMEOUT_SECONDS): cutting them`,
    );
    app.server.closeAllConnections();
    await Promise.race([closed, sleep(AFTER_CUT_GRACE_MS)]);
  }
  await Promise.race([database.close(), sleep(AFTER_CUT_GRACE_MS)]);
  return inTime ? 0 : 1;
}

program
  .command("migrate")
  .description("apply database migrations")
  .action(async () => {
    await withDatabase(loadConfig(), async () => console.log("Migrations applied."));
  });

mailCommands(program);
auditCommands(program);
backupCommands(program);
fileCommands(program);
for (const module of modules) module.commands?.(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Configuration and usage problems are the person's to fix: say what, without a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
