import { and, asc, count, eq, ilike, isNull, max, ne, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { outer } from "../../../db/correlated.js";
import { type Actor, type ActorCtx, type Ctx, inTransaction } from "../../../platform/context.js";
import { isUniqueViolation } from "../../../platform/db-errors.js";
import { AppError, forbidden, invalid, notFound } from "../../../platform/errors.js";
import { containing } from "../../../platform/search/text-query.js";
import { getOrganisation, listOrganisations } from "../../accounts/index.js";
import { gate } from "../access/index.js";
import type {
  CohortInput,
  EpochInput,
  EventInput,
  StudyChanges,
  StudyFilters,
  StudyInput,
} from "./contracts/studies.js";
import { canCreateStudy, studyChangeRefusal } from "./policy.js";
import {
  presentCohort,
  presentEpoch,
  presentEvent,
  presentStudySummary,
  type StudyRow,
  type StudySummaryView,
  type StudyView,
} from "./present.js";
import { createdFields, diffFields, recordSandboxChange } from "./sandbox-audit.js";
import { studies, studyCohorts, studyEpochs, studyEvents } from "./schema.js";

const protocolTaken = (protocolNumber: string) =>
  new AppError("conflict", `There is already a study ${protocolNumber}.`, {
    protocolNumber: `Protocol number ${protocolNumber} is already used by another study.`,
  });

async function assertProtocolFree(db: Db, protocolNumber: string, exceptId?: string): Promise<void> {
  const [other] = await db
    .select({ id: studies.id })
    .from(studies)
    .where(and(eq(studies.protocolNumber, protocolNumber), exceptId ? ne(studies.id, exceptId) : undefined));
  if (other) throw protocolTaken(protocolNumber);
}

const cohortCount = sql<number>`(select count(*)::int from ${studyCohorts} c where c.study_id = ${outer(studies.id)} and c.removed_at is null)`;
const eventCount = sql<number>`(select count(*)::int from ${studyEvents} e where e.study_id = ${outer(studies.id)} and e.removed_at is null)`;

/** Every study (the sandbox is a shared instance), by protocol number, filtered. */
/** Every study, whatever its status: the environment's status counts them. */
export async function countStudies(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(studies);
  return Number(row?.n ?? 0);
}

export async function listStudies(ctx: ActorCtx, filters: StudyFilters): Promise<StudySummaryView[]> {
  await gate(ctx);
  const conditions: SQL[] = [];
  if (filters.status) conditions.push(eq(studies.status, filters.status));
  if (filters.phase) conditions.push(eq(studies.phase, filters.phase));
  if (filters.organisationId) conditions.push(eq(studies.organisationId, filters.organisationId));
  if (filters.q) {
    const pattern = containing(filters.q);
    const text = or(
      ilike(studies.protocolNumber, pattern),
      ilike(studies.title, pattern),
      ilike(studies.sponsor, pattern),
    );
    if (text) conditions.push(text);
  }
  const rows = await ctx.db
    .select({ study: studies, cohortCount, eventCount })
    .from(studies)
    .where(and(...conditions))
    .orderBy(asc(studies.protocolNumber));
  const organisations = new Map(
    (
      await listOrganisations(
        ctx.db,
        rows.length > 0 ? [...new Set(rows.map((row) => row.study.organisationId))] : [],
      )
    ).map((org) => [org.id, { id: org.id, name: org.name }]),
  );
  return rows.map((row) =>
    presentStudySummary(
      row.study,
      organisations.get(row.study.organisationId) ?? { id: row.study.organisationId, name: "Unknown" },
      { cohortCount: Number(row.cohortCount), eventCount: Number(row.eventCount) },
    ),
  );
}

async function loadStudy(db: Db, id: string, lock = false): Promise<StudyRow> {
  const query = db.select().from(studies).where(eq(studies.id, id));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound("The study");
  return row;
}

async function organisationRef(db: Db, id: string): Promise<{ id: string; name: string }> {
  const org = await getOrganisation(db, id);
  return { id: org.id, name: org.name };
}

async function presentStudy(
  db: Db,
  actor: Actor,
  role: Parameters<typeof studyChangeRefusal>[1],
  id: string,
) {
  const row = await loadStudy(db, id);
  const organisation = await organisationRef(db, row.organisationId);
  const epochs = await db
    .select()
    .from(studyEpochs)
    .where(and(eq(studyEpochs.studyId, id), isNull(studyEpochs.removedAt)))
    .orderBy(asc(studyEpochs.startDay), asc(studyEpochs.endDay));
  const cohorts = await db
    .select()
    .from(studyCohorts)
    .where(and(eq(studyCohorts.studyId, id), isNull(studyCohorts.removedAt)))
    .orderBy(asc(studyCohorts.position));
  const events = await db
    .select()
    .from(studyEvents)
    .where(and(eq(studyEvents.studyId, id), isNull(studyEvents.removedAt)))
    .orderBy(asc(studyEvents.dayOffset), asc(studyEvents.name));
  const view: StudyView = {
    ...presentStudySummary(row, organisation, { cohortCount: cohorts.length, eventCount: events.length }),
    canEdit: row.status !== "closed" && studyChangeRefusal(actor, role, row, organisation.name) === null,
    epochs: epochs.map(presentEpoch),
    cohorts: cohorts.map(presentCohort),
    events: events.map(presentEvent),
  };
  return view;
}

/** One study with its epochs, cohorts and events; any sandbox user may read it. */
export async function getStudy(ctx: ActorCtx, id: string): Promise<StudyView> {
  const { actor } = ctx;
  const { role } = await gate(ctx);
  return presentStudy(ctx.db, actor, role, id);
}

/** A new study in design, owned by the creator's organisation (staff: any), audited field by field. */
export async function createStudy(ctx: ActorCtx, input: StudyInput): Promise<StudyView> {
  const { actor } = ctx;
  const { role } = await gate(ctx);
  if (!canCreateStudy(role))
    throw forbidden(
      "Only study coordinators and the product team add studies to the development environment.",
    );
  const organisationId = input.organisationId ?? actor.organisationId;
  if (!actor.isStaff && organisationId !== actor.organisationId)
    throw new AppError("forbidden", "You can only add studies owned by your own organisation.", {
      organisationId: "Choose your own organisation.",
    });
  try {
    const id = await inTransaction(ctx, async (tx) => {
      await getOrganisation(tx.db, organisationId).catch(() => {
        throw invalid({ organisationId: "Choose an existing organisation." });
      });
      await assertProtocolFree(tx.db, input.protocolNumber);
      const [row] = await tx.db
        .insert(studies)
        .values({
          protocolNumber: input.protocolNumber,
          title: input.title,
          sponsor: input.sponsor,
          phase: input.phase,
          status: "design",
          organisationId,
          plannedEnrolment: input.plannedEnrolment,
          createdBy: actor.id,
        })
        .returning();
      if (!row) throw new Error("the study was not written");
      await recordSandboxChange(tx, {
        action: "create",
        recordType: "study",
        recordId: row.id,
        studyId: row.id,
        changes: createdFields({
          protocolNumber: row.protocolNumber,
          title: row.title,
          sponsor: row.sponsor,
          phase: row.phase,
          status: row.status,
          organisationId: row.organisationId,
          plannedEnrolment: row.plannedEnrolment,
        }),
        reason: null,
      });
      return row.id;
    });
    return presentStudy(ctx.db, actor, role, id);
  } catch (error) {
    // Two studies of one protocol number at the same instant: the unique index decides.
    if (isUniqueViolation(error)) throw protocolTaken(input.protocolNumber);
    throw error;
  }
}

type Writable = { tx: Ctx; study: StudyRow; reason: string | null };

/**
 * Every change to a study or its design: the gate, then, in one transaction with the study row
 * locked, who may change it (403 with the reason), a closed study refused (409), a reason required
 * for an active study (400 naming `reason`); then the change and its audit rows; then the study.
 */
async function changeStudy(
  ctx: ActorCtx,
  studyId: string,
  reasonInput: string | undefined,
  work: (writable: Writable) => Promise<void>,
): Promise<StudyView> {
  const { actor } = ctx;
  const { role } = await gate(ctx);
  const reason = reasonInput?.trim() || null;
  await inTransaction(ctx, async (tx) => {
    const study = await loadStudy(tx.db, studyId, true);
    const organisation = await organisationRef(tx.db, study.organisationId);
    const refusal = studyChangeRefusal(actor, role, study, organisation.name);
    if (refusal) throw forbidden(refusal);
    if (study.status === "closed")
      throw new AppError("conflict", `${study.protocolNumber} is closed; a closed study cannot be changed.`);
    if (study.status === "active" && !reason)
      throw invalid(
        { reason: "Give a reason: changes to an active study are recorded with one." },
        "Changes to an active study need a reason.",
      );
    await work({ tx, study, reason });
    await tx.db.update(studies).set({ updatedAt: new Date() }).where(eq(studies.id, studyId));
  });
  return presentStudy(ctx.db, actor, role, studyId);
}

async function liveCounts(db: Db, studyId: string): Promise<{ cohorts: number; events: number }> {
  const [cohorts] = await db
    .select({ n: count() })
    .from(studyCohorts)
    .where(and(eq(studyCohorts.studyId, studyId), isNull(studyCohorts.removedAt)));
  const [events] = await db
    .select({ n: count() })
    .from(studyEvents)
    .where(and(eq(studyEvents.studyId, studyId), isNull(studyEvents.removedAt)));
  return { cohorts: Number(cohorts?.n ?? 0), events: Number(events?.n ?? 0) };
}

/** Changes a study's fields or moves its status (design -> active -> closed). */
export async function updateStudy(
  ctx: ActorCtx,
  studyId: string,
  changes: StudyChanges,
  reason?: string,
): Promise<StudyView> {
  try {
    return await changeStudy(ctx, studyId, reason, async ({ tx, study, reason }) => {
      if (changes.status !== undefined && changes.status !== study.status) {
        const move = `${study.status}->${changes.status}`;
        if (move === "design->active") {
          const live = await liveCounts(tx.db, study.id);
          if (live.cohorts === 0 || live.events === 0)
            throw invalid(
              { status: "A study becomes active once it has at least one cohort and one event." },
              `${study.protocolNumber} needs at least one cohort and one event before it becomes active.`,
            );
        } else if (move !== "active->closed")
          throw invalid({
            status: `A ${study.status} study cannot become ${changes.status}: studies go from design to active to closed.`,
          });
      }
      if (changes.protocolNumber !== undefined && changes.protocolNumber !== study.protocolNumber)
        await assertProtocolFree(tx.db, changes.protocolNumber, study.id);
      const fieldChanges = diffFields(
        {
          protocolNumber: study.protocolNumber,
          title: study.title,
          sponsor: study.sponsor,
          phase: study.phase,
          plannedEnrolment: study.plannedEnrolment,
          status: study.status,
        },
        changes,
      );
      if (fieldChanges.length === 0) return;
      await tx.db.update(studies).set(changes).where(eq(studies.id, study.id));
      await recordSandboxChange(tx, {
        action: "update",
        recordType: "study",
        recordId: study.id,
        studyId: study.id,
        changes: fieldChanges,
        reason,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error) && changes.protocolNumber) throw protocolTaken(changes.protocolNumber);
    throw error;
  }
}

const dayOrder = (startDay: number, endDay: number) => {
  if (startDay > endDay) throw invalid({ endDay: "End on or after the start day." });
};

// --- epochs ---

async function liveEpoch(db: Db, studyId: string, epochId: string) {
  const [row] = await db
    .select()
    .from(studyEpochs)
    .where(and(eq(studyEpochs.id, epochId), eq(studyEpochs.studyId, studyId), isNull(studyEpochs.removedAt)));
  if (!row) throw notFound("The epoch");
  return row;
}

export async function addEpoch(
  ctx: ActorCtx,
  studyId: string,
  input: EpochInput,
  reason?: string,
): Promise<StudyView> {
  dayOrder(input.startDay, input.endDay);
  return changeStudy(ctx, studyId, reason, async ({ tx, study, reason }) => {
    const [row] = await tx.db
      .insert(studyEpochs)
      .values({ studyId: study.id, ...input })
      .returning();
    if (!row) throw new Error("the epoch was not written");
    await recordSandboxChange(tx, {
      action: "create",
      recordType: "study_epoch",
      recordId: row.id,
      studyId: study.id,
      changes: createdFields({ kind: row.kind, startDay: row.startDay, endDay: row.endDay }),
      reason,
    });
  });
}

export async function updateEpoch(
  ctx: ActorCtx,
  studyId: string,
  epochId: string,
  changes: Partial<EpochInput>,
  reason?: string,
): Promise<StudyView> {
  return changeStudy(ctx, studyId, reason, async ({ tx, study, reason }) => {
    const row = await liveEpoch(tx.db, study.id, epochId);
    const before = { kind: row.kind, startDay: row.startDay, endDay: row.endDay };
    dayOrder(changes.startDay ?? row.startDay, changes.endDay ?? row.endDay);
    const fieldChanges = diffFields(before, changes);
    if (fieldChanges.length === 0) return;
    await tx.db.update(studyEpochs).set(changes).where(eq(studyEpochs.id, row.id));
    await recordSandboxChange(tx, {
      action: "update",
      recordType: "study_epoch",
      recordId: row.id,
      studyId: study.id,
      changes: fieldChanges,
      reason,
    });
  });
}

export async function removeEpoch(
  ctx: ActorCtx,
  studyId: string,
  epochId: string,
  reason?: string,
): Promise<StudyView> {
  return changeStudy(ctx, studyId, reason, async ({ tx, study, reason }) => {
    const row = await liveEpoch(tx.db, study.id, epochId);
    await tx.db.update(studyEpochs).set({ removedAt: new Date() }).where(eq(studyEpochs.id, row.id));
    await recordSandboxChange(tx, {
      action: "remove",
      recordType: "study_epoch",
      recordId: row.id,
      studyId: study.id,
      changes: [],
      reason,
    });
  });
}

// --- cohorts ---

async function liveCohort(db: Db, studyId: string, cohortId: string) {
  const [row] = await db
    .select()
    .from(studyCohorts)
    .where(
      and(eq(studyCohorts.id, cohortId), eq(studyCohorts.studyId, studyId), isNull(studyCohorts.removedAt)),
    );
  if (!row) throw notFound("The cohort");
  return row;
}

export async function addCohort(
  ctx: ActorCtx,
  studyId: string,
  input: CohortInput,
  reason?: string,
): Promise<StudyView> {
  return changeStudy(ctx, studyId, reason, async ({ tx, study, reason }) => {
    const [last] = await tx.db
      .select({ position: max(studyCohorts.position) })
      .from(studyCohorts)
      .where(eq(studyCohorts.studyId, study.id));
    const [row] = await tx.db
      .insert(studyCohorts)
      .values({ studyId: study.id, ...input, position: (last?.position ?? 0) + 1 })
      .returning();
    if (!row) throw new Error("the cohort was not written");
    await recordSandboxChange(tx, {
      action: "create",
      recordType: "study_cohort",
      recordId: row.id,
      studyId: study.id,
      changes: createdFields({ name: row.name, plannedSize: row.plannedSize, dose: row.dose }),
      reason,
    });
  });
}

export async function updateCohort(
  ctx: ActorCtx,
  studyId: string,
  cohortId: string,
  changes: Partial<CohortInput>,
  reason?: string,
): Promise<StudyView> {
  return changeStudy(ctx, studyId, reason, async ({ tx, study, reason }) => {
    const row = await liveCohort(tx.db, study.id, cohortId);
    const fieldChanges = diffFields(
      { name: row.name, plannedSize: row.plannedSize, dose: row.dose },
      changes,
    );
    if (fieldChanges.length === 0) return;
    await tx.db.update(studyCohorts).set(changes).where(eq(studyCohorts.id, row.id));
    await recordSandboxChange(tx, {
      action: "update",
      recordType: "study_cohort",
      recordId: row.id,
      studyId: study.id,
      changes: fieldChanges,
      reason,
    });
  });
}

const keepsOne = (what: "cohort" | "event") =>
  new AppError(
    "conflict",
    `An active study keeps at least one ${what}; add another before removing this one.`,
  );

export async function removeCohort(
  ctx: ActorCtx,
  studyId: string,
  cohortId: string,
  reason?: string,
): Promise<StudyView> {
  return changeStudy(ctx, studyId, reason, async ({ tx, study, reason }) => {
    const row = await liveCohort(tx.db, study.id, cohortId);
    if (study.status === "active" && (await liveCounts(tx.db, study.id)).cohorts <= 1)
      throw keepsOne("cohort");
    await tx.db.update(studyCohorts).set({ removedAt: new Date() }).where(eq(studyCohorts.id, row.id));
    await recordSandboxChange(tx, {
      action: "remove",
      recordType: "study_cohort",
      recordId: row.id,
      studyId: study.id,
      changes: [],
      reason,
    });
  });
}

// --- events ---

async function liveEvent(db: Db, studyId: string, eventId: string) {
  const [row] = await db
    .select()
    .from(studyEvents)
    .where(and(eq(studyEvents.id, eventId), eq(studyEvents.studyId, studyId), isNull(studyEvents.removedAt)));
  if (!row) throw notFound("The event");
  return row;
}

export async function addEvent(
  ctx: ActorCtx,
  studyId: string,
  input: EventInput,
  reason?: string,
): Promise<StudyView> {
  return changeStudy(ctx, studyId, reason, async ({ tx, study, reason }) => {
    const [row] = await tx.db
      .insert(studyEvents)
      .values({ studyId: study.id, ...input })
      .returning();
    if (!row) throw new Error("the event was not written");
    await recordSandboxChange(tx, {
      action: "create",
      recordType: "study_event",
      recordId: row.id,
      studyId: study.id,
      changes: createdFields({ name: row.name, dayOffset: row.dayOffset, windowDays: row.windowDays }),
      reason,
    });
  });
}

export async function updateEvent(
  ctx: ActorCtx,
  studyId: string,
  eventId: string,
  changes: Partial<EventInput>,
  reason?: string,
): Promise<StudyView> {
  return changeStudy(ctx, studyId, reason, async ({ tx, study, reason }) => {
    const row = await liveEvent(tx.db, study.id, eventId);
    const fieldChanges = diffFields(
      { name: row.name, dayOffset: row.dayOffset, windowDays: row.windowDays },
      changes,
    );
    if (fieldChanges.length === 0) return;
    await tx.db.update(studyEvents).set(changes).where(eq(studyEvents.id, row.id));
    await recordSandboxChange(tx, {
      action: "update",
      recordType: "study_event",
      recordId: row.id,
      studyId: study.id,
      changes: fieldChanges,
      reason,
    });
  });
}

export async function removeEvent(
  ctx: ActorCtx,
  studyId: string,
  eventId: string,
  reason?: string,
): Promise<StudyView> {
  return changeStudy(ctx, studyId, reason, async ({ tx, study, reason }) => {
    const row = await liveEvent(tx.db, study.id, eventId);
    if (study.status === "active" && (await liveCounts(tx.db, study.id)).events <= 1) throw keepsOne("event");
    await tx.db.update(studyEvents).set({ removedAt: new Date() }).where(eq(studyEvents.id, row.id));
    await recordSandboxChange(tx, {
      action: "remove",
      recordType: "study_event",
      recordId: row.id,
      studyId: study.id,
      changes: [],
      reason,
    });
  });
}
