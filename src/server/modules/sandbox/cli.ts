import fs from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../config.js";
import { withDatabase } from "../../platform/cli.js";
import { actingAs } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { type Progress, startProgress } from "../../platform/progress.js";
import { actorOf, operatorStaff } from "../accounts/index.js";
import { ensureAnnouncementsChannel } from "../chat/index.js";
import { asSeeder } from "./access/index.js";
import { DEFAULT_SEED, prepareVolunteerImport, seedSandboxBaseline } from "./data/index.js";
import {
  type FlagState,
  recordDeployment,
  rememberBaseline,
  scheduleWipe,
  WIPE_CONFIRMATION,
  WipeRunner,
  wipeNow,
} from "./operations/index.js";
import { formatReconcileReport, reconcileProduct } from "./product/index.js";

/** `--flag key=state`, repeatable: collects the states a deployment switches. */
function collectFlag(value: string, states: Record<string, string>): Record<string, string> {
  const match = /^([^=\s]+)=([^=\s]+)$/.exec(value.trim());
  if (!match?.[1] || !match[2])
    throw new Error(`--flag ${value}: write it as key=state, e.g. pharmacy=preview.`);
  return { ...states, [match[1]]: match[2] };
}

function seedCommand(sandbox: Command): void {
  sandbox
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
    .option(
      "--as <email>",
      "the staff account the audit trail names (default: the first active staff by name)",
    )
    .action(async (options: { volunteers: number; studies: number; seed: number; as?: string }) => {
      await withDatabase(loadConfig(), async (ctx) => {
        const user = await operatorStaff(ctx, options.as);
        if (!user) {
          process.exitCode = 2;
          return;
        }
        // Seeding runs before anyone has accepted the agreement, so the actor is a seeder (server code only).
        const seeder = actingAs(ctx, asSeeder(actorOf(user)));
        const bar = await startProgress("Seeding the sandbox baseline", { step: "" });
        try {
          const baseline = { volunteers: options.volunteers, studies: options.studies, seed: options.seed };
          const result = await seedSandboxBaseline(seeder, baseline, (done, total, step) =>
            bar.update(done, total, { step }),
          );
          // A wipe restores the baseline last seeded.
          await rememberBaseline(seeder, baseline);
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
}

function importCommand(sandbox: Command): void {
  sandbox
    .command("import")
    .description("import volunteers from a CSV file, obfuscated on the way in (HIPAA Safe Harbor)")
    .argument("<file>", "UTF-8 CSV with a header row (see docs/API.md, Volunteer imports)")
    .option("--skip-invalid", "import the valid rows even when some are refused (default: all or nothing)")
    .option(
      "--as <email>",
      "the staff account the audit trail names (default: the first active staff by name)",
    )
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
        const importer = actingAs(ctx, asSeeder(actorOf(user)));
        let bar: Progress | null = null;
        try {
          const prepared = await prepareVolunteerImport(
            importer,
            { filename: path.basename(file), data },
            { skipInvalid: options.skipInvalid },
          );
          const progress = await startProgress(`Importing ${prepared.filename}`, { phase: "checking" });
          bar = progress;
          const result = await prepared.run(({ phase, done, total }) =>
            progress.update(done, total, { phase }),
          );
          progress.stop();
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
          bar?.stop();
          if (!(error instanceof AppError)) throw error;
          console.error(`Nothing was imported. ${error.message}`);
          process.exitCode = 1;
        }
      });
    });
}

function deployCommand(sandbox: Command): void {
  sandbox
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
          const staffCtx = actingAs(ctx, actorOf(user));
          // The notice needs #announcements, which the server creates on start; a pipeline may deploy first.
          await ensureAnnouncementsChannel(ctx.db);
          try {
            const deployment = await recordDeployment(staffCtx, {
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
}

function wipeCommand(sandbox: Command): void {
  sandbox
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
        const staffCtx = actingAs(ctx, actorOf(user));
        // The notices go to #announcements, which the server creates on start; the CLI may run first.
        await ensureAnnouncementsChannel(ctx.db);
        try {
          if (options.at) {
            const wipe = await scheduleWipe(staffCtx, {
              scheduledFor: new Date(options.at),
              message: options.message ?? "",
            });
            console.log(
              `Wipe scheduled for ${wipe.scheduledFor}; the notice is posted and sandbox users are e-mailed.`,
            );
            return;
          }
          // Typing the command with --now is the confirmation the web page asks to be typed.
          const wipe = await wipeNow(staffCtx, {
            confirmation: WIPE_CONFIRMATION,
            message: options.message ?? "Wiped from the command line.",
          });
          const bar = await startProgress("Wiping the development environment", { step: "clearing" });
          const outcome = await new WipeRunner(ctx.db, ctx.config).runDueWipes({
            onProgress: (step, done, total) => bar.update(done, total, { step }),
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
          if ("product" in outcome) {
            console.log(
              `The product at ${outcome.product.host} reset itself (${outcome.product.attempts} attempt(s), ${outcome.seconds.toFixed(1)} s).`,
            );
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
}

function productCommand(sandbox: Command): void {
  sandbox
    .command("product")
    .description("the vendor's product environment")
    .command("reconcile")
    .description("compare the product's users (SCIM) with the sandbox's and fix the drift")
    .option("--dry-run", "only print what would be done")
    .action(async (options: { dryRun?: boolean }) => {
      const config = loadConfig();
      const connection = config.product.scim;
      if (!connection) {
        console.error("The product's SCIM is not configured: set PRODUCT_SCIM_URL and PRODUCT_SCIM_TOKEN.");
        process.exitCode = 2;
        return;
      }
      await withDatabase(config, async (ctx) => {
        const report = await reconcileProduct(ctx.db, connection, { dryRun: Boolean(options.dryRun) });
        console.log(formatReconcileReport(report));
        if (report.error || report.failed > 0) process.exitCode = 1;
      });
    });
}

/** `convene sandbox seed|import|deploy|wipe|product`: the community development environment's operations. */
export function sandboxCommands(program: Command): void {
  const sandbox = program.command("sandbox").description("the community development environment");
  seedCommand(sandbox);
  importCommand(sandbox);
  deployCommand(sandbox);
  wipeCommand(sandbox);
  productCommand(sandbox);
}
