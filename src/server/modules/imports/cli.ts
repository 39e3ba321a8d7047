import fs from "node:fs/promises";
import type { Command } from "commander";
import { loadConfig } from "../../config.js";
import { withDatabase } from "../../platform/cli.js";
import { type ActorCtx, actingAs } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { startProgress } from "../../platform/progress.js";
import { actorOf, operatorStaff } from "../accounts/index.js";
import {
  type ImportRun,
  type ImportSource,
  importSourceLabels,
  importSources,
  type UnknownPeople,
  unknownPeopleChoices,
} from "./contracts/imports.js";
import { claimRun, createRun, getRun, importRun, type RunProgress, surveyRun } from "./pipeline.js";

type ImportCommandOptions = { dryRun?: boolean; unknownPeople: string; group?: string; as?: string };

/** Ends the command with this exit code (after the database closes). */
function exitWith(code: number): void {
  process.exitCode = code;
}

const phaseLabel = { survey: "Reading the export (dry run)", import: "Importing" } as const;

/** The dry run's report as the terminal shows it. */
function printReport(run: ImportRun): void {
  const report = run.report;
  if (!report) return;
  console.log(`${run.title || importSourceLabels[run.source]} (${run.filename})`);
  for (const [kind, count] of Object.entries(report.counts)) console.log(`  ${kind.padEnd(18)} ${count}`);
  const { people } = report;
  console.log(
    `  people: ${people.matched} matched to accounts, ${people.placeholders} placeholders to make, ${people.skipped} skipped, ${people.withoutAddress} without an address (written as the former member)`,
  );
  if (people.newOrganisations.length > 0)
    console.log(`  new organisations: ${people.newOrganisations.join(", ")}`);
  if (report.problemCount > 0) {
    console.log(`  ${report.problemCount} items cannot be brought over as they are:`);
    for (const problem of report.problems.slice(0, 20)) console.log(`    ${problem.item}: ${problem.reason}`);
  }
}

/** Runs a pass with a progress bar; says how it ended and sets the exit code. */
async function withProgress(
  pass: (onProgress: RunProgress) => Promise<unknown>,
  label: string,
): Promise<void> {
  const bar = await startProgress(label, { phase: "" });
  try {
    await pass(({ phase, done, total }) =>
      bar.update(done, Math.max(total, done), { phase: phaseLabel[phase] }),
    );
  } finally {
    bar.stop();
  }
}

async function ended(staff: ActorCtx, runId: string): Promise<ImportRun> {
  const run = await getRun(staff, runId);
  if (run.status === "failed") {
    console.error(`The ${run.report ? "import" : "dry run"} stopped: ${run.error}`);
    console.error(`What was written stays; \`convene import resume ${run.id}\` goes on from there.`);
    process.exitCode = 1;
  }
  return run;
}

/** `convene import slack|groupsio|basecamp <file>` and `convene import resume <run>`. */
export function importCommands(program: Command): void {
  const command = program
    .command("import")
    .description("bring in a Slack workspace export, a Groups.io archive or a Basecamp project export");
  for (const source of importSources) {
    command
      .command(source)
      .description(
        `import a ${importSourceLabels[source]}: a dry run first, then the import (nothing is e-mailed)`,
      )
      .argument(
        "<file>",
        source === "groupsio" ? "the archive: a zip, or its messages.mbox" : "the export zip",
      )
      .option("--dry-run", "report what the export holds and who it names, and write nothing")
      .option(
        "--unknown-people <choice>",
        "people without an account: placeholder (a deactivated account their sign-up claims) or skip",
        "placeholder",
      )
      .option("--group <handle>", "Groups.io: the group the archive goes into (made when there is none)")
      .option(
        "--as <email>",
        "the staff account the import acts as (default: the first active staff by name)",
      )
      .action((file: string, options: ImportCommandOptions) => runImportCommand(source, file, options));
  }
  command
    .command("resume")
    .description("start a failed or interrupted import again, from where it stopped")
    .argument("<run>", "the import's id, as `convene import` printed it")
    .option("--as <email>", "the staff account the import acts as")
    .action(async (runId: string, options: { as?: string }) => {
      await withDatabase(loadConfig(), async (ctx) => {
        const user = await operatorStaff(ctx, options.as);
        if (!user) return exitWith(2);
        const staff = actingAs(ctx, actorOf(user));
        try {
          await claimRun(staff, runId);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          console.error(error.message);
          return exitWith(1);
        }
        await withProgress((onProgress) => importRun(staff, runId, onProgress), "Import");
        const run = await ended(staff, runId);
        if (run.status === "imported") console.log(`Imported ${run.total} items.`);
      });
    });
}

async function runImportCommand(
  source: ImportSource,
  file: string,
  options: ImportCommandOptions,
): Promise<void> {
  if (!unknownPeopleChoices.includes(options.unknownPeople as UnknownPeople)) {
    console.error("--unknown-people: choose placeholder or skip.");
    process.exitCode = 2;
    return;
  }
  const exists = await fs
    .stat(file)
    .then((stat) => stat.isFile())
    .catch(() => false);
  if (!exists) {
    console.error(`Cannot read ${file}: no such file.`);
    process.exitCode = 2;
    return;
  }
  await withDatabase(loadConfig(), async (ctx) => {
    const user = await operatorStaff(ctx, options.as);
    if (!user) return exitWith(2);
    const staff = actingAs(ctx, actorOf(user));
    let runId: string;
    try {
      const run = await createRun(staff, {
        source,
        filename: file,
        filePath: await fs.realpath(file),
        unknownPeople: options.unknownPeople as UnknownPeople,
        groupHandle: options.group,
      });
      runId = run.id;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      console.error(`Nothing was imported. ${error.message}`);
      for (const [field, message] of Object.entries(error.fields ?? {}))
        console.error(`  ${field}: ${message}`);
      return exitWith(1);
    }
    console.log(`Import ${runId}`);
    await withProgress((onProgress) => surveyRun(staff, runId, onProgress), "Dry run");
    const surveyed = await ended(staff, runId);
    if (surveyed.status !== "ready") return;
    printReport(surveyed);
    if (options.dryRun) {
      console.log("Dry run: nothing was written.");
      return;
    }
    await claimRun(staff, runId);
    const started = Date.now();
    await withProgress((onProgress) => importRun(staff, runId, onProgress), "Import");
    const run = await ended(staff, runId);
    if (run.status === "imported") {
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `Imported ${run.total} items in ${seconds.toFixed(1)} s (${Math.round(run.total / seconds)} a second).`,
      );
    }
  });
}
