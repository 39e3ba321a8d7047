/**
 * The sandbox baseline: `convene sandbox seed --volunteers 100000` writes synthetic
 * volunteers, studies with their epochs, cohorts and events, and enrolments of volunteers into the
 * active studies' cohorts, all from synthetic.ts with one seed.
 *
 * Design:
 * - Set-based: each batch is one statement per table, with its audit rows, through bulk-write.ts
 *   (which the CSV import shares).
 * - One transaction: the baseline is there whole or not at all.
 * - Idempotent: volunteers are matched by display id and studies by protocol number (those already
 *   there are left out of the insert, see bulk-write.ts); design records and enrolments are written
 *   only for studies and volunteers inserted by this run, so a second run, or a run over the demo's
 *   volunteers, changes nothing that exists.
 * - The PHI guard runs on every generated volunteer before anything is written; a finding stops the
 *   run. Batches are generated, guarded on a worker thread and encoded while the database writes the
 *   previous one, so the database writes batch after batch.
 * - One audit row per created record (field `*`, the record's values as JSON, reason "Synthetic
 *   baseline (seed N)"), not one per field: the trail still says who created which record, when and
 *   with which values, at a fourteenth of the rows.
 * - A volunteer's status follows their enrolments: the enrolments are planned before any volunteer is
 *   generated, and exactly the volunteers they pick are generated `enrolled`.
 */
import { createHash } from "node:crypto";
import { uuidv7 } from "uuidv7";
import type { Db } from "../../../db/client.js";
import { type Actor, type ActorCtx, inTransaction } from "../../../platform/context.js";
import { AppError, forbidden, invalid } from "../../../platform/errors.js";
import { listOrganisations } from "../../accounts/index.js";
import { gate } from "../access/index.js";
import { type EpochKind, guardKinds } from "../clinical/index.js";
import { guardBatchHere, PhiGuardThreads } from "../shared/phi-guard-thread.js";
import {
  type AuditedBatch,
  type Auditor,
  BULK_BATCH,
  column,
  insertAudited,
  takenKeysBetween,
  volunteerBatch,
} from "./bulk-write.js";
import {
  displayIdAt,
  type EpochType,
  generateEnrolments,
  generateStudies,
  generateVolunteers,
  type SyntheticStudy,
  type SyntheticVolunteer,
} from "./synthetic.js";

export type BaselineOptions = { volunteers: number; studies: number; seed: number };

/** Records written so far and the expected total (which grows once the enrolments are known). */
export type BaselineProgress = (done: number, total: number, step: string) => void;

export type BaselineResult = {
  volunteers: { generated: number; inserted: number };
  studies: { generated: number; inserted: number };
  /** Epochs, cohorts and events of the inserted studies. */
  designRecords: number;
  enrolments: number;
  auditRows: number;
  /** Where the time went: generating, the PHI guard, waiting for the database, and in all. */
  timings: { generateMs: number; guardMs: number; databaseMs: number; totalMs: number };
};

/** Display ids are `V` and six digits. */
export const MAX_BASELINE_VOLUNTEERS = 999_999;
export const MAX_BASELINE_STUDIES = 10_000;

const baselineReason = (seed: number) => `Synthetic baseline (seed ${seed})`;

/** The generator writes "follow-up", the schema "follow_up". */
const epochKinds: Record<EpochType, EpochKind> = {
  screening: "screening",
  treatment: "treatment",
  "follow-up": "follow_up",
};

export function validateBaselineOptions(options: BaselineOptions): void {
  const fields: Record<string, string> = {};
  const { volunteers, studies, seed } = options;
  if (!Number.isInteger(volunteers) || volunteers < 0 || volunteers > MAX_BASELINE_VOLUNTEERS)
    fields.volunteers = `Give a whole number of volunteers from 0 to ${MAX_BASELINE_VOLUNTEERS}.`;
  if (!Number.isInteger(studies) || studies < 0 || studies > MAX_BASELINE_STUDIES)
    fields.studies = `Give a whole number of studies from 0 to ${MAX_BASELINE_STUDIES}.`;
  if (!Number.isSafeInteger(seed) || seed < 0) fields.seed = "Give the seed as a whole number, 0 or more.";
  if (Object.keys(fields).length > 0) throw invalid(fields);
}

/**
 * One guard thread guards a batch in about half the time the database takes to write one, so it keeps
 * up. On two cores a second thread only took turns with the database and this thread, and the seed
 * took 15% longer.
 */
const GUARD_THREADS = 1;

/** Batches prepared while the database writes: one to write next, and one that the guard is on. */
const BATCHES_AHEAD = 2;

/**
 * Digests of volunteer batches the guard passed in this process. The guard is pure, so the same values
 * pass again: a wipe rewrites the baseline an earlier seed or wipe already guarded (same options, same
 * values) without guarding it twice. A batch that differs in any value is guarded in full. Bounded:
 * cleared when full (a 999,999-volunteer baseline is 100 batches).
 */
const passedBatches = new Set<string>();
const MAX_PASSED_BATCHES = 1_000;

const batchDigest = (batch: SyntheticVolunteer[]) =>
  createHash("sha256").update(JSON.stringify(batch)).digest("base64");

/** The PHI guard on a batch of volunteers, here or on the guard thread; the first finding stops the baseline. */
async function guardVolunteers(
  batch: SyntheticVolunteer[],
  threads: PhiGuardThreads | null,
): Promise<number> {
  const digest = batchDigest(batch);
  if (passedBatches.has(digest)) return 0;
  const records = batch as unknown as Record<string, unknown>[];
  // Here until a thread has loaded the guard, which takes longer than guarding the first batches.
  const { refused, guardMs } = threads?.ready
    ? await threads.guard(records, guardKinds)
    : guardBatchHere(records, guardKinds);
  const volunteer = refused && batch[refused.index];
  const [finding] = refused?.findings ?? [];
  if (volunteer && finding)
    throw invalid(
      { [`${volunteer.displayId}.${finding.field}`]: finding.reason },
      `Synthetic volunteer ${volunteer.displayId} failed the PHI guard; nothing was written.`,
    );
  if (passedBatches.size >= MAX_PASSED_BATCHES) passedBatches.clear();
  passedBatches.add(digest);
  return guardMs;
}

function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Days from the first dose to the last, as the enrolment service computes them: to the end of the
 * treatment epoch, else to the last scheduled event, else the same day.
 */
function dosingDays(study: SyntheticStudy): number {
  const treatmentEnds = study.epochs.filter((e) => e.type === "treatment").map((e) => e.endDay);
  if (treatmentEnds.length > 0) return Math.max(0, Math.max(...treatmentEnds) - 1);
  const lastEvent = study.events.length > 0 ? Math.max(...study.events.map((e) => e.dayOffset)) : 1;
  return Math.max(0, lastEvent - 1);
}

type VolunteerBatch = { start: number; count: number };

/** Volunteers generated in one go: about 25 ms of this thread's time. */
const GENERATION_SLICE = 2_500;

/** A batch of volunteers generated, guarded and encoded, ready to write. */
type PreparedVolunteers = { rows: SyntheticVolunteer[]; batch: AuditedBatch };

/** The first batch's size: small, so the database starts writing while the guard thread loads. */
const FIRST_BATCH = 1_250;

/**
 * The volunteers in batches that double from FIRST_BATCH up to BULK_BATCH: nothing is written until a
 * whole batch has been generated and guarded, so a first batch of BULK_BATCH kept the database idle
 * for most of a second. The same options always give the same batches, which the guard's memory of
 * passed batches relies on.
 */
export function volunteerBatches(total: number): VolunteerBatch[] {
  const batches: VolunteerBatch[] = [];
  for (let start = 0, size = FIRST_BATCH; start < total; start += size, size = Math.min(size * 2, BULK_BATCH))
    batches.push({ start, count: Math.min(size, total - start) });
  return batches;
}

/** A study inserted by this run, with the ids its cohorts were given. */
type NewStudy = { id: string; study: SyntheticStudy; cohortIds: Map<string, string> };

/** The studies and their designs; returns the ones inserted by this run, by protocol number. */
async function writeStudies(
  db: Db,
  auditor: Auditor,
  actor: Actor,
  generated: SyntheticStudy[],
): Promise<{ created: Map<string, NewStudy>; designRecords: number }> {
  const ids = generated.map(() => uuidv7());
  const inserted = await insertAudited(db, auditor, {
    table: "studies",
    ids,
    columns: [
      column("protocol_number", "text", generated, (s) => s.protocolNumber),
      column("title", "text", generated, (s) => s.title),
      column("sponsor", "text", generated, (s) => s.sponsor),
      column("phase", "text", generated, (s) => s.phase),
      column("status", "text", generated, (s) => s.status),
      column("organisation_id", "uuid", generated, (s) => s.organisationId),
      column("planned_enrolment", "int", generated, (s) => s.plannedEnrolment),
    ],
    constants: { created_by: actor.id },
    conflictTarget: "protocol_number",
    recordType: "study",
    studyIdColumn: "id",
    audited: {
      protocolNumber: "protocol_number",
      title: "title",
      sponsor: "sponsor",
      phase: "phase",
      status: "status",
      organisationId: "organisation_id",
      plannedEnrolment: "planned_enrolment",
    },
  });
  const created = new Map<string, NewStudy>();
  generated.forEach((study, i) => {
    const id = ids[i] as string;
    if (inserted.has(id))
      created.set(study.protocolNumber, {
        id,
        study,
        cohortIds: new Map(study.cohorts.map((c) => [c.name, uuidv7()])),
      });
  });
  const fresh = [...created.values()];

  const epochs = fresh.flatMap(({ id, study }) => study.epochs.map((epoch) => ({ studyId: id, ...epoch })));
  const cohorts = fresh.flatMap(({ id, study, cohortIds }) =>
    study.cohorts.map((cohort, i) => ({
      studyId: id,
      id: cohortIds.get(cohort.name) as string,
      position: i + 1,
      ...cohort,
    })),
  );
  const events = fresh.flatMap(({ id, study }) => study.events.map((event) => ({ studyId: id, ...event })));
  await insertAudited(db, auditor, {
    table: "study_epochs",
    ids: epochs.map(() => uuidv7()),
    columns: [
      column("study_id", "uuid", epochs, (e) => e.studyId),
      column("kind", "text", epochs, (e) => epochKinds[e.type]),
      column("start_day", "int", epochs, (e) => e.startDay),
      column("end_day", "int", epochs, (e) => e.endDay),
    ],
    recordType: "study_epoch",
    studyIdColumn: "study_id",
    audited: { kind: "kind", startDay: "start_day", endDay: "end_day" },
  });
  await insertAudited(db, auditor, {
    table: "study_cohorts",
    ids: cohorts.map((c) => c.id),
    columns: [
      column("study_id", "uuid", cohorts, (c) => c.studyId),
      column("name", "text", cohorts, (c) => c.name),
      column("planned_size", "int", cohorts, (c) => c.plannedSize),
      column("dose", "text", cohorts, (c) => c.dose),
      column("position", "int", cohorts, (c) => c.position),
    ],
    recordType: "study_cohort",
    studyIdColumn: "study_id",
    audited: { name: "name", plannedSize: "planned_size", dose: "dose", position: "position" },
  });
  await insertAudited(db, auditor, {
    table: "study_events",
    ids: events.map(() => uuidv7()),
    columns: [
      column("study_id", "uuid", events, (e) => e.studyId),
      column("name", "text", events, (e) => e.name),
      column("day_offset", "int", events, (e) => e.dayOffset),
      column("window_days", "int", events, (e) => e.windowDays),
    ],
    recordType: "study_event",
    studyIdColumn: "study_id",
    audited: { name: "name", dayOffset: "day_offset", windowDays: "window_days" },
  });
  return { created, designRecords: epochs.length + cohorts.length + events.length };
}

/** Only staff write the baseline. */
export async function requireBaselineSeeder(ctx: ActorCtx): Promise<void> {
  const { role } = await gate(ctx);
  if (role !== "staff")
    throw forbidden("Only the product team seeds the development environment's baseline.");
}

/** The organisations that own the baseline's studies, in turn: the customers and partners. */
export async function baselineOwners(db: Db): Promise<string[]> {
  return (await listOrganisations(db))
    .filter((org) => org.kind === "customer" || org.kind === "partner")
    .map((org) => org.id);
}

/**
 * Writes the synthetic baseline in one transaction: `studies` studies owned in turn by the customer
 * and partner organisations (by name), `volunteers` volunteers (each through the PHI guard), and the
 * enrolments synthetic.ts assigns. Only staff seed it; server code passes an `asSeeder` actor, since
 * nobody needs to have accepted the agreement for the baseline to be written. Rows that exist (same
 * display id or protocol number) are kept as they are, so running it again writes nothing new.
 */
export async function seedSandboxBaseline(
  ctx: ActorCtx,
  options: BaselineOptions,
  onProgress: BaselineProgress = () => {},
): Promise<BaselineResult> {
  const { actor } = ctx;
  const started = performance.now();
  validateBaselineOptions(options);
  await requireBaselineSeeder(ctx);
  const owners = await baselineOwners(ctx.db);
  if (options.studies > 0 && owners.length === 0)
    throw new AppError(
      "conflict",
      "There is no customer or partner organisation to own the studies; add one first, or seed no studies.",
    );

  const timings = { generateMs: 0, guardMs: 0, databaseMs: 0, totalMs: 0 };
  const timed = <T>(key: "generateMs" | "guardMs", work: () => T): T => {
    const start = performance.now();
    try {
      return work();
    } finally {
      timings[key] += performance.now() - start;
    }
  };
  const waited = async <T>(work: Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await work;
    } finally {
      timings.databaseMs += performance.now() - start;
    }
  };

  const { seed } = options;
  const auditor: Auditor = { actorId: actor.id, actorEmail: actor.email, reason: baselineReason(seed) };
  const generatedStudies = timed("generateMs", () =>
    generateStudies({ count: options.studies, seed, organisationIds: owners }),
  );
  let total = options.studies + options.volunteers;
  let done = 0;
  // A baseline of more than one batch guards on a guard thread while this thread generates the next
  // batch and the database writes the previous one; one batch is not worth starting a thread. Started
  // now, so the thread loads while the studies and the first batches are written.
  const threads = options.volunteers > BULK_BATCH ? new PhiGuardThreads(GUARD_THREADS) : null;

  const result = await inTransaction(ctx, async (tx) => {
    const { created, designRecords } = await waited(writeStudies(tx.db, auditor, actor, generatedStudies));
    done += options.studies;
    onProgress(done, total, "studies");

    // Planned first, so exactly the volunteers who get an enrolment are generated `enrolled`. Only into
    // studies this run inserted: an existing study keeps its subjects.
    const planned = timed("generateMs", () =>
      generateEnrolments({ studies: generatedStudies, volunteers: options.volunteers, seed }).filter(
        (enrolment) => created.has(enrolment.protocolNumber),
      ),
    );
    const enrolled = new Set(planned.map((enrolment) => enrolment.volunteerDisplayId));
    const insertedIds = new Map<string, string>();
    // Display ids already taken (by an earlier run, or the demo's volunteers), read once for all batches.
    const takenKeys =
      options.volunteers > 0
        ? await waited(
            takenKeysBetween(tx.db, {
              table: "volunteers",
              column: "display_id",
              first: displayIdAt(0),
              last: displayIdAt(options.volunteers - 1),
            }),
          )
        : new Set<string>();
    let volunteersInserted = 0;

    const prepare = async ({ start, count }: VolunteerBatch) => {
      // In slices, with the event loop turning between them: the database's answers to the writes in
      // flight are taken as they come, instead of after a whole batch's generation.
      const rows: SyntheticVolunteer[] = [];
      for (let from = start; from < start + count; from += GENERATION_SLICE) {
        const slice = { count: Math.min(GENERATION_SLICE, start + count - from), startIndex: from };
        rows.push(...timed("generateMs", () => generateVolunteers({ ...slice, seed, enrolled })));
        await new Promise((resolve) => setImmediate(resolve));
      }
      timings.guardMs += await guardVolunteers(rows, threads);
      // Encoded here, while the database writes the previous batch, not once it has finished.
      return { rows, batch: volunteerBatch(actor, rows, { keepExisting: true, takenKeys }) };
    };
    const write = async ({ rows, batch }: PreparedVolunteers) => {
      const inserted = await insertAudited(tx.db, auditor, batch);
      volunteersInserted += inserted.size;
      rows.forEach((volunteer, i) => {
        const id = batch.ids[i] as string;
        if (enrolled.has(volunteer.displayId) && inserted.has(id)) insertedIds.set(volunteer.displayId, id);
      });
      done += rows.length;
      onProgress(done, total, "volunteers");
    };

    // The next batches are generated and guarded while the database writes the previous one.
    const ahead: Promise<PreparedVolunteers>[] = [];
    const batches = volunteerBatches(options.volunteers);
    const prepareAhead = () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        const prepared = prepare(batch);
        // Marked as handled while it runs: a refusal is thrown where the loop awaits it.
        prepared.catch(() => undefined);
        ahead.push(prepared);
        if (ahead.length >= BATCHES_AHEAD) return;
      }
    };
    let writing: Promise<void> = Promise.resolve();
    prepareAhead();
    for (let next = ahead.shift(); next; next = ahead.shift()) {
      let batch: PreparedVolunteers;
      try {
        batch = await next;
      } catch (error) {
        await writing.catch(() => undefined);
        throw error;
      }
      await waited(writing);
      writing = write(batch);
      // Marked as handled while it runs: a failed write is thrown where the loop awaits it.
      writing.catch(() => undefined);
      // After the write has gone out: preparing starts with a slice of generation, which holds this
      // thread.
      prepareAhead();
      // PGlite runs in this thread: between batches the event loop turns, so the progress bar draws and
      // a server answers its other requests (a sandbox route's 503 while wiping) instead of waiting.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waited(writing);

    // Of volunteers this run inserted: an existing volunteer keeps their own status and enrolments.
    const enrolments = planned.flatMap((enrolment) => {
      const target = created.get(enrolment.protocolNumber);
      const volunteerId = insertedIds.get(enrolment.volunteerDisplayId);
      if (!target || !volunteerId) return [];
      const dosingStart = addDays(enrolment.screeningDate, 14);
      return [
        {
          ...enrolment,
          studyId: target.id,
          volunteerId,
          cohortId: target.cohortIds.get(enrolment.cohortName) as string,
          dosingStart,
          dosingEnd: addDays(dosingStart, dosingDays(target.study)),
        },
      ];
    });
    total += enrolments.length;
    await waited(
      insertAudited(tx.db, auditor, {
        table: "enrolments",
        ids: enrolments.map(() => uuidv7()),
        columns: [
          column("study_id", "uuid", enrolments, (e) => e.studyId),
          column("volunteer_id", "uuid", enrolments, (e) => e.volunteerId),
          column("status", "text", enrolments, (e) => e.status),
          column("screening_date", "date", enrolments, (e) => e.screeningDate),
          column("cohort_id", "uuid", enrolments, (e) => e.cohortId),
          column("subject_number", "text", enrolments, (e) => e.subjectNumber),
          column("dosing_start", "date", enrolments, (e) => e.dosingStart),
          column("dosing_end", "date", enrolments, (e) => e.dosingEnd),
        ],
        constants: { created_by: actor.id },
        recordType: "enrolment",
        studyIdColumn: "study_id",
        audited: {
          volunteerId: "volunteer_id",
          status: "status",
          screeningDate: "screening_date",
          cohortId: "cohort_id",
          subjectNumber: "subject_number",
          dosingStart: "dosing_start",
          dosingEnd: "dosing_end",
        },
      }),
    );
    done += enrolments.length;
    onProgress(done, total, "enrolments");

    return {
      volunteers: { generated: options.volunteers, inserted: volunteersInserted },
      studies: { generated: options.studies, inserted: created.size },
      designRecords,
      enrolments: enrolments.length,
      auditRows: volunteersInserted + created.size + designRecords + enrolments.length,
    };
  }).finally(() => threads?.close());
  timings.totalMs = performance.now() - started;
  return { ...result, timings };
}
