/**
 * The one import pipeline every source goes through: a run is made from an export (checked to be
 * that source's export before anything else), surveyed (the dry run: counts, people matched and not,
 * what cannot come over), then imported when the admin says so, with progress kept on the run for
 * the CLI and the admin page alike. Nothing is e-mailed or notified: importers write rows only.
 *
 * Idempotent and resumable by construction: every row an import writes has an id made from the
 * item's id in the export (model.ts `importedId`) and every write skips rows already there, so a run
 * started again, or the same export imported twice, writes only what is missing; a resumed run also
 * skips the units (Slack channels) it had finished.
 */

import fs from "node:fs/promises";
import path from "node:path";
import { and, desc, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import { rowsOf } from "../../db/rows.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { AppError, invalid, notFound } from "../../platform/errors.js";
import { storeStream } from "../../platform/files/store.js";
import {
  accountsOfAddresses,
  createPlaceholders,
  formerMemberAccount,
  organisationsOfDomains,
  peopleByIds,
} from "../accounts/index.js";
import type { ImportReport, ImportRun, ImportSource, UnknownPeople } from "./contracts/imports.js";
import {
  type ExportPerson,
  type ImportOptions,
  importedId,
  type OpenedExport,
  type WriteContext,
} from "./model.js";
import { importRecords, importRuns } from "./schema.js";
import { importers } from "./sources.js";

type RunRow = typeof importRuns.$inferSelect;
export type RunProgress = (run: { phase: "survey" | "import"; done: number; total: number }) => void;

/** A run busy for longer than this without a progress report was cut off by a stop of its server. */
const STALE_AFTER_MS = 2 * 60 * 1000;
/** Progress is written to the run at most this often. */
const PROGRESS_EVERY_MS = 500;
const MAX_PROBLEMS = 200;
const MAX_UNMATCHED = 50;

export const uploadsDirectory = (ctx: ActorCtx) => path.join(ctx.config.dataDir, "imports");

const importerOf = (source: ImportSource) => {
  const importer = importers[source];
  if (!importer) throw invalid({ source: "Choose slack, groupsio or basecamp." });
  return importer;
};

const optionsOf = (run: RunRow): ImportOptions => ({
  unknownPeople: run.unknownPeople,
  groupHandle: run.groupHandle ?? undefined,
});

/**
 * Makes a run of the export at `filePath` (the caller's file: `keep` says whether the run owns it and
 * deletes it once imported). The file is opened first, so a file that is not this source's export
 * is refused naming the field, and no run is made.
 */
export async function createRun(
  ctx: ActorCtx,
  input: {
    source: ImportSource;
    filename: string;
    filePath: string;
    unknownPeople: UnknownPeople;
    groupHandle?: string | undefined;
  },
): Promise<RunRow> {
  const options: ImportOptions = { unknownPeople: input.unknownPeople, groupHandle: input.groupHandle };
  const opened = await importerOf(input.source).open(input.filePath, options);
  const title = opened.title;
  await opened.close();
  const [run] = await ctx.db
    .insert(importRuns)
    .values({
      source: input.source,
      title,
      filename: path.basename(input.filename),
      filePath: input.filePath,
      unknownPeople: input.unknownPeople,
      groupHandle: input.groupHandle ?? null,
      status: "surveying",
      startedBy: ctx.actor.id,
    })
    .returning();
  if (!run) throw new Error("import run was not written");
  return run;
}

/** Writes a run's progress now and then (a report every few messages would be a write each). */
function progressWriter(
  ctx: ActorCtx,
  runId: string,
  phase: "survey" | "import",
  total: number,
  onProgress?: RunProgress,
) {
  let last = 0;
  return (done: number) => {
    onProgress?.({ phase, done, total });
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    void ctx.db
      .update(importRuns)
      .set({ done, phase, updatedAt: new Date() })
      .where(eq(importRuns.id, runId))
      .catch(() => {});
  };
}

/** What the run broke off with, for the admin: an AppError says it; anything else is our fault. */
function failureMessage(error: unknown): string {
  if (error instanceof AppError) {
    const fields = Object.values(error.fields ?? {});
    return [error.message, ...fields]
      .filter((part, index) => index === 0 || part !== error.message)
      .join(" ");
  }
  return "The import stopped on an unexpected error; what was written stays, and starting again resumes.";
}

async function withExport<T>(run: RunRow, work: (opened: OpenedExport) => Promise<T>): Promise<T> {
  const opened = await importerOf(run.source).open(run.filePath, optionsOf(run));
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}

/** The dry run: reads the whole export, writes nothing but the run's report. */
export async function surveyRun(ctx: ActorCtx, runId: string, onProgress?: RunProgress): Promise<RunRow> {
  const run = await runRow(ctx, runId);
  try {
    const report = await withExport(run, async (opened) => {
      const survey = await opened.survey(progressWriter(ctx, runId, "survey", 0, onProgress));
      const people = await peopleReport(ctx, opened.people, run.unknownPeople);
      const result: ImportReport = {
        counts: survey.counts,
        people,
        problems: survey.problems.slice(0, MAX_PROBLEMS),
        problemCount: survey.problems.length,
      };
      return { result, total: survey.total };
    });
    await ctx.db
      .update(importRuns)
      .set({
        status: "ready",
        report: report.result,
        total: report.total,
        done: 0,
        phase: "survey",
        error: null,
      })
      .where(eq(importRuns.id, runId));
  } catch (error) {
    await fail(ctx, runId, error);
  }
  return runRow(ctx, runId);
}

async function peopleReport(
  ctx: ActorCtx,
  people: ExportPerson[],
  unknownPeople: UnknownPeople,
): Promise<ImportReport["people"]> {
  const withAddress = people.filter((person) => person.email && !person.isBot);
  const accounts = await accountsOfAddresses(
    ctx.db,
    withAddress.map((person) => person.email ?? ""),
  );
  const unmatched = withAddress.filter((person) => {
    const account = accounts.get(person.email ?? "");
    return !account || account.placeholder;
  });
  const domains = [...new Set(unmatched.map((person) => (person.email ?? "").split("@")[1] ?? ""))];
  const known = await organisationsOfDomains(ctx.db, domains);
  return {
    matched: withAddress.length - unmatched.length,
    placeholders: unknownPeople === "placeholder" ? unmatched.length : 0,
    skipped: unknownPeople === "skip" ? unmatched.length : 0,
    withoutAddress: people.length - withAddress.length,
    unmatched: unmatched
      .slice(0, MAX_UNMATCHED)
      .map((person) => ({ name: person.name, email: person.email ?? "" })),
    newOrganisations:
      unknownPeople === "placeholder" ? domains.filter((domain) => domain && !known.has(domain)) : [],
  };
}

/**
 * Claims a surveyed, failed or interrupted run for importing: one conditional update, so two admins
 * (or two nodes) starting it at once start it once.
 */
export async function claimRun(ctx: ActorCtx, runId: string): Promise<RunRow> {
  await markStaleRuns(ctx);
  const [claimed] = await ctx.db
    .update(importRuns)
    .set({ status: "importing", phase: "import", done: 0, error: null, updatedAt: new Date() })
    .where(
      and(
        eq(importRuns.id, runId),
        inArray(importRuns.status, ["ready", "failed", "interrupted"]),
        isNotNull(importRuns.report),
      ),
    )
    .returning();
  if (claimed) return claimed;
  const run = await runRow(ctx, runId);
  if ((run.status === "failed" || run.status === "interrupted") && !run.report) {
    throw new AppError("conflict", "This export's dry run did not finish; upload it again.");
  }
  throw new AppError(
    "conflict",
    run.status === "imported"
      ? "This export is imported. Importing it again would write nothing new."
      : `This import is ${run.status === "surveying" ? "still being surveyed" : "already under way"}.`,
  );
}

/** The import itself, of a run claimed by claimRun. */
export async function importRun(ctx: ActorCtx, runId: string, onProgress?: RunProgress): Promise<RunRow> {
  const run = await runRow(ctx, runId);
  try {
    await withExport(run, async (opened) => {
      const target = await writeContext(ctx, run, opened);
      await opened.write(target, progressWriter(ctx, runId, "import", run.total, onProgress));
    });
    await ctx.db
      .update(importRuns)
      .set({ status: "imported", done: run.total, finishedAt: new Date() })
      .where(eq(importRuns.id, runId));
    if (run.filePath.startsWith(uploadsDirectory(ctx))) await fs.rm(run.filePath, { force: true });
  } catch (error) {
    await fail(ctx, runId, error);
  }
  return runRow(ctx, runId);
}

async function fail(ctx: ActorCtx, runId: string, error: unknown): Promise<void> {
  if (!(error instanceof AppError)) console.error(`import ${runId} failed:`, error);
  await ctx.db
    .update(importRuns)
    .set({ status: "failed", error: failureMessage(error), finishedAt: new Date() })
    .where(eq(importRuns.id, runId));
}

/** People resolved to accounts (made where the admin chose placeholders), then what writers need. */
async function writeContext(ctx: ActorCtx, run: RunRow, opened: OpenedExport): Promise<WriteContext> {
  const { sourceKey } = opened;
  const formerMember = await formerMemberAccount(ctx);
  const withAddress = opened.people.filter((person) => person.email && !person.isBot);
  const accounts = await accountsOfAddresses(
    ctx.db,
    withAddress.map((person) => person.email ?? ""),
  );
  const missing = withAddress.filter((person) => !accounts.has(person.email ?? ""));
  const placeholders =
    run.unknownPeople === "placeholder" && missing.length > 0
      ? await inTransaction(ctx, (tx) =>
          createPlaceholders(
            tx,
            missing.map((person) => ({ email: person.email ?? "", name: person.name })),
            sourceKey,
          ),
        )
      : new Map<string, string>();
  const accountOf = new Map<string, string>();
  for (const person of withAddress) {
    const email = person.email ?? "";
    const account = accounts.get(email);
    const id =
      account && (!account.placeholder || run.unknownPeople === "placeholder")
        ? account.id
        : placeholders.get(email);
    if (id) accountOf.set(person.externalId, id);
  }
  const remember: WriteContext["remember"] = async (items) => {
    for (let start = 0; start < items.length; start += 1000) {
      await ctx.db
        .insert(importRecords)
        .values(items.slice(start, start + 1000).map((item) => ({ sourceKey, ...item, runId: run.id })))
        .onConflictDoNothing();
    }
  };
  await remember(
    [...accountOf].map(([externalId, itemId]) => ({
      kind: "person",
      externalId: `person:${externalId}`,
      itemId,
    })),
  );
  const finished = new Set(run.finished);
  const idOf = (externalId: string, at: Date) => importedId(sourceKey, externalId, at);
  return {
    ctx,
    sourceKey,
    options: optionsOf(run),
    authorOf: (externalId) => (externalId ? accountOf.get(externalId) : undefined) ?? formerMember,
    idOf,
    remember,
    finished,
    async markFinished(unit) {
      finished.add(unit);
      await ctx.db
        .update(importRuns)
        .set({ finished: sql`${importRuns.finished} || ${JSON.stringify([unit])}::jsonb` })
        .where(eq(importRuns.id, run.id));
    },
    async storeFile(file, at) {
      const id = idOf(file.externalId, at);
      const [held] = await rowsOf<{ id: string }>(ctx.db, sql`select id from files where id = ${id}`);
      if (held) return held.id;
      if (!file.open) return null;
      const stored = await storeStream(ctx, {
        id,
        createdAt: at,
        filename: file.name,
        contentType: file.contentType,
        stream: await file.open(),
      });
      return stored.id;
    },
  };
}

/** Runs busy without a word for minutes were cut off by a stop: they read as interrupted (resumable). */
async function markStaleRuns(ctx: ActorCtx): Promise<void> {
  await ctx.db
    .update(importRuns)
    .set({ status: "interrupted" })
    .where(
      and(
        inArray(importRuns.status, ["surveying", "importing"]),
        lt(importRuns.updatedAt, new Date(Date.now() - STALE_AFTER_MS)),
      ),
    );
}

async function runRow(ctx: ActorCtx, runId: string): Promise<RunRow> {
  const [run] = await ctx.db.select().from(importRuns).where(eq(importRuns.id, runId));
  if (!run) throw notFound("The import");
  return run;
}

export async function presentRuns(ctx: ActorCtx, rows: RunRow[]): Promise<ImportRun[]> {
  const people = await peopleByIds(ctx.db, [...new Set(rows.map((row) => row.startedBy))]);
  return rows.map((row) => ({
    id: row.id,
    source: row.source,
    title: row.title,
    filename: row.filename,
    unknownPeople: row.unknownPeople,
    groupHandle: row.groupHandle,
    status: row.status,
    phase: row.phase,
    done: row.done,
    total: row.total,
    report: row.report,
    error: row.error,
    startedBy: { id: row.startedBy, name: people.get(row.startedBy)?.name ?? "Someone" },
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  }));
}

export async function getRun(ctx: ActorCtx, runId: string): Promise<ImportRun> {
  await markStaleRuns(ctx);
  const [view] = await presentRuns(ctx, [await runRow(ctx, runId)]);
  if (!view) throw notFound("The import");
  return view;
}

export async function listRuns(ctx: ActorCtx): Promise<ImportRun[]> {
  await markStaleRuns(ctx);
  return presentRuns(
    ctx,
    await ctx.db.select().from(importRuns).orderBy(desc(importRuns.createdAt)).limit(50),
  );
}

/**
 * The whole import in the foreground, for the CLI and tests: run, dry run, and (unless `dryRun`) the
 * import; progress reported to `onProgress`.
 */
export async function importExport(
  ctx: ActorCtx,
  source: ImportSource,
  filePath: string,
  options: ImportOptions & { dryRun?: boolean },
  onProgress?: RunProgress,
): Promise<ImportRun> {
  const run = await createRun(ctx, {
    source,
    filename: filePath,
    filePath,
    unknownPeople: options.unknownPeople,
    groupHandle: options.groupHandle,
  });
  const surveyed = await surveyRun(ctx, run.id, onProgress);
  if (options.dryRun || surveyed.status !== "ready") return getRun(ctx, run.id);
  await claimRun(ctx, run.id);
  await importRun(ctx, run.id, onProgress);
  return getRun(ctx, run.id);
}
