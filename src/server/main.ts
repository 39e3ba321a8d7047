import { SingleBar } from "cli-progress";
import { Command, Option } from "commander";
import { buildApp } from "./app.js";
import { type Config, loadConfig } from "./config.js";
import { openDatabase } from "./db/client.js";
import { DEMO_PASSWORD, demoPeople, isSeeded, seedDemoCommunity } from "./demo/seed.js";
import { createOrganisation, domainOf, listOrganisations } from "./modules/accounts/organisations.js";
import { createUser, findUserByEmail } from "./modules/accounts/users.js";
import { startGroupMail } from "./modules/groups/inbound.js";
import { modules } from "./modules.js";
import { withDatabase } from "./platform/cli.js";
import type { Ctx } from "./platform/context.js";
import { inTransaction } from "./platform/context.js";
import { listOutbox } from "./platform/mail/service.js";
import { newToken } from "./platform/tokens.js";

async function seedWithProgress(ctx: Ctx): Promise<void> {
  // noTTYOutput: the progress still shows when the output is a log file or a CI console.
  const bar = new SingleBar({
    format: "Seeding demo community [{bar}] {value}/{total} {step}",
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 200,
  });
  bar.start(1, 0, { step: "" });
  await seedDemoCommunity(ctx, (done, total, step) => {
    bar.setTotal(total);
    bar.update(done, { step });
  });
  bar.stop();
}

function printDemoSignIns(config: Config): void {
  console.log(`\nConvene is running at ${config.publicUrl}\n`);
  console.log("Demo sign-ins (password for all: %s):", DEMO_PASSWORD);
  for (const person of demoPeople) {
    const role = person.isStaff
      ? "product team (staff)"
      : person.isOrgAdmin
        ? "organisation admin"
        : "member";
    console.log(`  ${person.email.padEnd(28)} ${role}`);
  }
  console.log(`\nMail goes to the outbox at ${config.publicUrl}/admin/mail (or \`convene mail list\`).`);
  console.log(`API docs: ${config.publicUrl}/api/docs\n`);
}

/** Where `convene start --demo` takes group mail when GROUP_SMTP_PORT is not set. */
const DEMO_GROUP_SMTP_PORT = 2525;

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
    // The demo takes group mail on a high port, so anyone can try it with any SMTP client.
    const config =
      demo && loaded.groupSmtpPort === undefined
        ? { ...loaded, groupSmtpPort: DEMO_GROUP_SMTP_PORT }
        : loaded;
    const database = await openDatabase(config);
    await database.migrate();
    const ctx: Ctx = { db: database.db, config, actor: null, ip: null };
    if (demo && !(await isSeeded(database.db))) await seedWithProgress(ctx);
    const app = await buildApp({ database, config });
    app.mailer.start();
    app.groupDigests.start();
    const groupMail = await startGroupMail({ db: database.db, config }).catch(
      (error: NodeJS.ErrnoException) => {
        // The demo's default port may be taken (a second demo on this machine): serve without group
        // mail and say how to choose another. A port the operator configured must work or stop the start.
        if (error.code !== "EADDRINUSE" || loaded.groupSmtpPort !== undefined) throw error;
        console.warn(
          `Group mail (SMTP) is off: port ${DEMO_GROUP_SMTP_PORT} is in use. Set GROUP_SMTP_PORT to choose another.`,
        );
        return null;
      },
    );
    const stop = async () => {
      await groupMail?.listener.close();
      await app.close();
      await database.close();
      process.exit(0);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    await app.listen({ port: config.port, host: config.host });
    if (demo) printDemoSignIns(config);
    if (groupMail) {
      console.log(
        `Group mail (SMTP) listens on ${config.groupSmtpHost}:${groupMail.port}: send to <handle>@${config.mailDomain}.`,
      );
    }
  });

program
  .command("migrate")
  .description("apply database migrations")
  .action(async () => {
    await withDatabase(loadConfig(), async () => console.log("Migrations applied."));
  });

program
  .command("seed")
  .description("seed demo data")
  .requiredOption("--demo", "the demo community")
  .action(async () => {
    await withDatabase(loadConfig(), async (ctx) => {
      if (await isSeeded(ctx.db)) {
        console.log("The database already has organisations; nothing seeded.");
        return;
      }
      await seedWithProgress(ctx);
      printDemoSignIns(ctx.config);
    });
  });

const admin = program.command("admin").description("administration");
admin
  .command("create-staff")
  .description("create a product-team (staff) account: how a real installation gets its first administrator")
  .requiredOption("--email <email>", "their e-mail")
  .option("--name <name>", "their name", "Product Team Administrator")
  .option("--organisation <name>", "the vendor organisation, created if missing", "Product Team")
  .action(async (options: { email: string; name: string; organisation: string }) => {
    const email = options.email.trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
      console.error("--email: not a valid e-mail address.");
      process.exitCode = 2;
      return;
    }
    await withDatabase(loadConfig(), async (ctx) => {
      if (await findUserByEmail(ctx.db, email)) {
        console.error(`${email} already has an account.`);
        process.exitCode = 1;
        return;
      }
      const password = newToken().token.slice(0, 20);
      await inTransaction(ctx, async (tx) => {
        const existing = (await listOrganisations(tx.db)).find((o) => o.name === options.organisation);
        const vendor =
          existing ??
          (await createOrganisation(tx, {
            name: options.organisation,
            kind: "vendor",
            domains: [domainOf(email)],
          }));
        await createUser(tx, {
          email,
          name: options.name,
          password,
          organisationId: vendor.id,
          isStaff: true,
        });
      });
      console.log(
        `Staff account created for ${email}.\nTemporary password: ${password}\nChange it after signing in.`,
      );
    });
  });

for (const module of modules) module.commands?.(program);

program
  .command("mail")
  .description("the mail outbox")
  .command("list")
  .option("--limit <n>", "how many", (v) => Number.parseInt(v, 10), 20)
  .option("--to <address>", "only mail to this address")
  .action(async (options: { limit: number; to?: string }) => {
    await withDatabase(loadConfig(), async (ctx) => {
      const rows = await listOutbox(ctx.db, { limit: options.limit, to: options.to });
      if (rows.length === 0) console.log("The outbox is empty.");
      for (const row of rows.reverse()) {
        console.log(`--- ${row.createdAt.toISOString()}  [${row.status}]  to ${row.toAddress}`);
        console.log(`Subject: ${row.subject}\n\n${row.text}\n`);
      }
    });
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Configuration and usage problems are the person's to fix: say what, without a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
