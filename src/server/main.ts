import fs from "node:fs/promises";
import path from "node:path";
import { SingleBar } from "cli-progress";
import { Command, Option } from "commander";
import { buildApp } from "./app.js";
import { type Config, loadConfig } from "./config.js";
import { openDatabase } from "./db/client.js";
import { DEMO_PASSWORD, demoPeople, isSeeded, seedDemoCommunity } from "./demo/seed.js";
import { createOrganisation, domainOf, listOrganisations } from "./modules/accounts/organisations.js";
import { actorOf, createUser, findUserByEmail, listActiveStaff } from "./modules/accounts/users.js";
import { ensureAnnouncementsChannel } from "./modules/chat/index.js";
import { startGroupMail } from "./modules/groups/inbound.js";
import { asSeeder } from "./modules/sandbox/access/index.js";
import { DEFAULT_SEED, prepareVolunteerImport, seedSandboxBaseline } from "./modules/sandbox/data/index.js";
import {
  recordDeployment,
  rememberBaseline,
  scheduleWipe,
  WIPE_CONFIRMATION,
  WipeRunner,
  wipeNow,
} from "./modules/sandbox/operations/index.js";
import type { FlagState } from "./modules/sandbox/operations/schema.js";
import type { Ctx } from "./platform/context.js";
import { inTransaction } from "./platform/context.js";
import { AppError } from "./platform/errors.js";
import { listOutbox } from "./platform/mail/service.js";
import { newToken } from "./platform/tokens.js";

async function withDatabase<T>(config: Config, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  const database = await openDatabase(config);
  try {
    await database.migrate();
    return await work({ db: database.db, config, actor: null, ip: null });
  } finally {
    await database.close();
  }
}

/**
 * The staff account a sandbox command acts as: `--as`, else the first active staff account by name.
 * Says why there is none, for the caller to exit with its code.
 */
async function operatorStaff(ctx: Ctx, as: string | undefined) {
  const user = as
    ? await findUserByEmail(ctx.db, as.trim().toLowerCase())
    : await listActiveStaff(ctx.db).then(([first]) => (first ? findUserByEmail(ctx.db, first.email) : null));
  if (user?.isStaff && user.status === "active") return user;
  console.error(
    as
      ? `--as: ${as} is not an active staff account.`
      : "There is no active staff account; create one with `convene admin create-staff`.",
  );
  return null;
}

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
    app.wipeRunner.start();
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

/** The community development environment's operations; each command is registered by its feature. */
const sandboxCommand = program.command("sandbox").description("the community development environment");

sandboxCommand
  .command("seed")
  .description("write the synthetic baseline: volunteers, studies with their design, and enrolments")
  .requiredOption("--volunteers <n>", "how many volunteers (V000001 onwards)", Number)
  .option(
    "--studies <n>",
    "how many studies, owned in turn by the customer and partner organisations",
    Number,
    500,
  )
  .option(
    "--seed <n>",
    "the generator's seed: the same seed always gives the same baseline",
    Number,
    DEFAULT_SEED,
  )
  .option("--as <email>", "the staff account the audit trail names (default: the first active staff by name)")
  .action(async (options: { volunteers: number; studies: number; seed: number; as?: string }) => {
    await withDatabase(loadConfig(), async (ctx) => {
      const user = await operatorStaff(ctx, options.as);
      if (!user) {
        process.exitCode = 2;
        return;
      }
      // Seeding runs before anyone has accepted the agreement, so the actor is a seeder (server code only).
      const actor = asSeeder(actorOf(user));
      const bar = new SingleBar({
        format: "Seeding the sandbox baseline [{bar}] {value}/{total} {step}",
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 500,
      });
      bar.start(options.volunteers + options.studies, 0, { step: "" });
      try {
        const baseline = { volunteers: options.volunteers, studies: options.studies, seed: options.seed };
        const result = await seedSandboxBaseline({ ...ctx, actor }, actor, baseline, (done, total, step) => {
          bar.setTotal(total);
          bar.update(done, { step });
        });
        // A wipe restores the baseline last seeded.
        await rememberBaseline(ctx, baseline);
        bar.stop();
        const seconds = result.timings.totalMs / 1000;
        const written = result.volunteers.inserted + result.studies.inserted + result.enrolments;
        console.log(
          `Volunteers: ${result.volunteers.inserted} new of ${result.volunteers.generated}; studies: ${result.studies.inserted} new of ${result.studies.generated} (${result.designRecords} epochs, cohorts and events); enrolments: ${result.enrolments}.`,
        );
        console.log(
          `${written} records in ${seconds.toFixed(1)} s (${Math.round(written / seconds)} records/s; PHI guard ${(result.timings.guardMs / 1000).toFixed(1)} s, generating ${(result.timings.generateMs / 1000).toFixed(1)} s, waiting for the database ${(result.timings.databaseMs / 1000).toFixed(1)} s).`,
        );
      } catch (error) {
        bar.stop();
        if (!(error instanceof AppError)) throw error;
        console.error(`Nothing was written. ${error.message}`);
        for (const [field, message] of Object.entries(error.fields ?? {}))
          console.error(`  ${field}: ${message}`);
        process.exitCode = 1;
      }
    });
  });

sandboxCommand
  .command("import")
  .description("import volunteers from a CSV file, obfuscated on the way in (HIPAA Safe Harbor)")
  .argument("<file>", "UTF-8 CSV with a header row (see docs/API.md, Volunteer imports)")
  .option("--skip-invalid", "import the valid rows even when some are refused (default: all or nothing)")
  .option("--as <email>", "the staff account the audit trail names (default: the first active staff by name)")
  .action(async (file: string, options: { skipInvalid?: boolean; as?: string }) => {
    const data = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
      console.error(`Cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}.`);
      process.exitCode = 2;
      return null;
    });
    if (!data) return;
    await withDatabase(loadConfig(), async (ctx) => {
      const user = await operatorStaff(ctx, options.as);
      if (!user) {
        process.exitCode = 2;
        return;
      }
      // An operator at the server's shell is not a browser session: no agreement to accept here.
      const actor = asSeeder(actorOf(user));
      const bar = new SingleBar({
        format: "Importing {filename} [{bar}] {value}/{total} {phase}",
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 500,
      });
      try {
        const prepared = await prepareVolunteerImport(
          { ...ctx, actor },
          actor,
          { filename: path.basename(file), data },
          { skipInvalid: options.skipInvalid },
        );
        bar.start(prepared.rowsRead, 0, { filename: prepared.filename, phase: "checking" });
        const result = await prepared.run(({ phase, done, total }) => {
          bar.setTotal(total);
          bar.update(done, { phase });
        });
        bar.stop();
        console.log(
          `${result.status === "completed" ? "Import completed" : "Import failed: nothing was imported"}. Rows read: ${result.rowsRead}; imported: ${result.imported}; refused: ${result.refused}.`,
        );
        for (const entry of result.report)
          console.log(`  line ${entry.line}${entry.field ? `, ${entry.field}` : ""}: ${entry.reason}`);
        if (result.status === "failed") {
          console.log("Correct the rows above, or run again with --skip-invalid to import the others.");
          process.exitCode = 1;
        }
      } catch (error) {
        bar.stop();
        if (!(error instanceof AppError)) throw error;
        console.error(`Nothing was imported. ${error.message}`);
        process.exitCode = 1;
      }
    });
  });

/** `--flag key=state`, repeatable: collects the states a deployment switches. */
function collectFlag(value: string, states: Record<string, string>): Record<string, string> {
  const match = /^([^=\s]+)=([^=\s]+)$/.exec(value.trim());
  if (!match?.[1] || !match[2])
    throw new Error(`--flag ${value}: write it as key=state, e.g. pharmacy=preview.`);
  return { ...states, [match[1]]: match[2] };
}

sandboxCommand
  .command("deploy")
  .description("record a deployment of a build to the development environment (for release pipelines)")
  .requiredOption("--build <id>", "the build id, e.g. 26.4.0-build.812")
  .requiredOption("--version <version>", "the version, e.g. 26.4-rc.2")
  .option("--notes-file <path>", "a Markdown file with the deployment notes")
  .option(
    "--flag <key=state>",
    "a feature flag the build switches (off, preview or on); repeatable",
    collectFlag,
    {},
  )
  .option("--as <email>", "the staff account that records it (default: the first active staff by name)")
  .action(
    async (options: {
      build: string;
      version: string;
      notesFile?: string;
      flag: Record<string, string>;
      as?: string;
    }) => {
      let notes = "";
      if (options.notesFile) {
        try {
          notes = await fs.readFile(options.notesFile, "utf8");
        } catch {
          console.error(`--notes-file: cannot read ${options.notesFile}.`);
          process.exitCode = 1;
          return;
        }
      }
      await withDatabase(loadConfig(), async (ctx) => {
        const user = await operatorStaff(ctx, options.as);
        if (!user) {
          process.exitCode = 1;
          return;
        }
        const actor = actorOf(user);
        // The notice needs #announcements, which the server creates on start; a pipeline may deploy first.
        await ensureAnnouncementsChannel(ctx.db);
        try {
          const deployment = await recordDeployment({ ...ctx, actor }, actor, {
            buildId: options.build,
            version: options.version,
            notes,
            // The service checks every state and answers with the fields it refuses.
            flags: options.flag as Record<string, FlagState>,
          });
          console.log(
            `Recorded the deployment of ${deployment.version} (build ${deployment.buildId}) at ${deployment.deployedAt} by ${user.email}.`,
          );
          for (const change of deployment.flagChanges)
            console.log(`  ${change.key}: ${change.from} → ${change.to}`);
          console.log(
            deployment.unreleased
              ? "The build contains unreleased features."
              : "The build contains released features only.",
          );
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          console.error(`Nothing was recorded. ${error.message}`);
          for (const [field, message] of Object.entries(error.fields ?? {}))
            console.error(`  ${field}: ${message}`);
          process.exitCode = 1;
        }
      });
    },
  );

sandboxCommand
  .command("wipe")
  .description("reset studies, volunteers, enrolments and pharmacy data to the generated baseline")
  .option("--now", "wipe at once (any scheduled wipe is taken over)")
  .option("--at <time>", "schedule the wipe at an ISO 8601 time, at least the notice period ahead")
  .option("--message <text>", "why, for the notice and the e-mail to sandbox users")
  .option("--as <email>", "the staff account that wipes (default: the first active staff by name)")
  .action(async (options: { now?: boolean; at?: string; message?: string; as?: string }) => {
    if (Boolean(options.now) === Boolean(options.at)) {
      console.error("Give either --now or --at <time>.");
      process.exitCode = 2;
      return;
    }
    await withDatabase(loadConfig(), async (ctx) => {
      const user = await operatorStaff(ctx, options.as);
      if (!user) {
        process.exitCode = 2;
        return;
      }
      const actor = actorOf(user);
      const staffCtx: Ctx = { ...ctx, actor };
      // The notices go to #announcements, which the server creates on start; the CLI may run first.
      await ensureAnnouncementsChannel(ctx.db);
      try {
        if (options.at) {
          const wipe = await scheduleWipe(staffCtx, actor, {
            scheduledFor: new Date(options.at),
            message: options.message ?? "",
          });
          console.log(
            `Wipe scheduled for ${wipe.scheduledFor}; the notice is posted and sandbox users are e-mailed.`,
          );
          return;
        }
        // Typing the command with --now is the confirmation the web page asks to be typed.
        const wipe = await wipeNow(staffCtx, actor, {
          confirmation: WIPE_CONFIRMATION,
          message: options.message ?? "Wiped from the command line.",
        });
        const bar = new SingleBar({
          format: "Wiping the development environment [{bar}] {value}/{total} {step}",
          hideCursor: true,
          noTTYOutput: true,
          notTTYSchedule: 500,
        });
        bar.start(1, 0, { step: "clearing" });
        const outcome = await new WipeRunner(ctx.db, ctx.config).runDueWipes({
          onProgress: (step, done, total) => {
            bar.setTotal(Math.max(total, 1));
            bar.update(done, { step });
          },
        });
        bar.stop();
        if (!outcome || outcome.wipeId !== wipe.id) {
          console.error("The wipe was taken by a running server; follow it at /sandbox.");
          return;
        }
        if (outcome.status === "failed") {
          console.error(`The wipe failed and nothing was changed: ${outcome.error}`);
          process.exitCode = 1;
          return;
        }
        const { removed, restored } = outcome;
        console.log(
          `Wiped in ${outcome.seconds.toFixed(1)} s: removed ${removed.studies} studies, ${removed.volunteers} volunteers, ${removed.enrolments} enrolments and ${removed.pharmacy_products} pharmacy products; the baseline has ${restored.volunteers} volunteers, ${restored.studies} studies and ${restored.enrolments} enrolments.`,
        );
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        console.error(`Nothing was wiped. ${error.message}`);
        for (const [field, message] of Object.entries(error.fields ?? {}))
          console.error(`  ${field === "scheduledFor" ? "--at" : field}: ${message}`);
        process.exitCode = 1;
      }
    });
  });

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
