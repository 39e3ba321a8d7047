import { Command, Option } from "commander";
import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import { openDatabase } from "./db/client.js";
import { printDemoSignIns, seedWithProgress } from "./demo/cli.js";
import { isSeeded } from "./demo/seed.js";
import { modules } from "./modules.js";
import { auditCommands } from "./platform/audit/cli.js";
import { withDatabase } from "./platform/cli.js";
import type { Ctx } from "./platform/context.js";
import { mailCommands } from "./platform/mail/cli.js";

const program = new Command("convene").description("Convene, the customer community platform");

program
  .command("start")
  .description("migrate the database and serve the community")
  .option("--demo", "seed the demo community on first start (default on the embedded database)")
  .option("--no-demo", "never seed demo data")
  .addOption(new Option("--port <port>", "port to listen on").argParser((v) => Number.parseInt(v, 10)))
  .action(async (options: { demo?: boolean; port?: number }) => {
    const loaded = loadConfig(process.env, options.port !== undefined ? { port: options.port } : {});
    // Demo data never lands in a real PostgreSQL unless asked for with --demo.
    const demo = options.demo ?? !loaded.databaseUrl;
    const config = { ...loaded, demo };
    const database = await openDatabase(config);
    await database.migrate();
    const ctx: Ctx = { db: database.db, config, actor: null, ip: null };
    if (demo && !(await isSeeded(database.db))) await seedWithProgress(ctx);
    const app = await buildApp({ database, config });
    app.mailer.start();
    const stop = async () => {
      await app.close();
      await database.close();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    await app.listen({ port: config.port, host: config.host });
    if (demo) printDemoSignIns(config);
  });

program
  .command("migrate")
  .description("apply database migrations")
  .action(async () => {
    await withDatabase(loadConfig(), async () => console.log("Migrations applied."));
  });

mailCommands(program);
auditCommands(program);
for (const module of modules) module.commands?.(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Configuration and usage problems are the person's to fix: say what, without a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
