import { and, asc, count, desc, eq, gte, inArray, isNull, lte, max, ne, type SQL } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../../platform/context.js";
import { isUniqueViolation } from "../../../platform/db-errors.js";
import { AppError, forbidden, invalid, notFound } from "../../../platform/errors.js";
import { getOrganisation } from "../../accounts/index.js";
import { gate } from "../access/index.js";
import type {
  AssignmentInput,
  EligibilityInput,
  EnrolmentStatus,
  ScreeningInput,
} from "./contracts/enrolments.js";
import type { RecruitmentStatus } from "./contracts/volunteers.js";
import { enrolmentChangeRefusal } from "./policy.js";
import { type EnrolmentRow, type EnrolmentView, presentEnrolment, type StudyRow } from "./present.js";
import { createdFields, diffFields, recordSandboxChange } from "./sandbox-audit.js";
import {
  enrolments,
  openEnrolmentStatuses,
  studies,
  studyCohorts,
  studyEpochs,
  studyEvents,
  volunteers,
} from "./schema.js";
import { todayIso } from "./volunteers.js";

const DAY_MS = 86_400_000;
const addDays = (isoDate: string, days: number): string =>
  new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The volunteer's recruitment status while they have open enrolments: the furthest along of them, so
 * a volunteer enrolled in one study and screening for a later one still reads as enrolled.
 */
const openStatusOrder: readonly EnrolmentStatus[] = ["enrolled", "eligible", "screening"];
/** The recruitment status an enrolment status stands for; a completed volunteer is back in the pool. */
const recruitmentStatusOf: Record<EnrolmentStatus, RecruitmentStatus> = {
  screening: "screening",
  eligible: "eligible",
  enrolled: "enrolled",
  ineligible: "ineligible",
  withdrawn: "withdrawn",
  completed: "prospect",
};

/** Cohort places are taken by subjects enrolled or completed; a withdrawn subject's place can be filled. */
const placeTakingStatuses: EnrolmentStatus[] = ["enrolled", "completed"];

const requireReason = (reasonInput: string | undefined, message: string): string => {
  const reason = reasonInput?.trim();
  if (!reason) throw invalid({ reason: message }, "This change needs a reason.");
  return reason;
};

// --- reading ---

const enrolmentColumns = {
  enrolment: enrolments,
  protocolNumber: studies.protocolNumber,
  studyTitle: studies.title,
  volunteerDisplayId: volunteers.displayId,
  cohortName: studyCohorts.name,
};

/** Enrolments with the study, volunteer and cohort names the view shows. */
async function selectEnrolments(db: Db, where: SQL | undefined, orderBy: SQL[]): Promise<EnrolmentView[]> {
  const rows = await db
    .select(enrolmentColumns)
    .from(enrolments)
    .innerJoin(studies, eq(studies.id, enrolments.studyId))
    .innerJoin(volunteers, eq(volunteers.id, enrolments.volunteerId))
    .leftJoin(studyCohorts, eq(studyCohorts.id, enrolments.cohortId))
    .where(where)
    .orderBy(...orderBy);
  return rows.map(({ enrolment, ...names }) => presentEnrolment(enrolment, names));
}

async function enrolmentView(db: Db, id: string): Promise<EnrolmentView> {
  const [view] = await selectEnrolments(db, eq(enrolments.id, id), []);
  if (!view) throw notFound("The enrolment");
  return view;
}

/** A study's subjects tab: every enrolment, by subject number (unassigned last), then screening date. */
export async function listStudyEnrolments(ctx: ActorCtx, studyId: string): Promise<EnrolmentView[]> {
  await gate(ctx);
  const [study] = await ctx.db.select({ id: studies.id }).from(studies).where(eq(studies.id, studyId));
  if (!study) throw notFound("The study");
  return selectEnrolments(ctx.db, eq(enrolments.studyId, studyId), [
    asc(enrolments.subjectNumber),
    asc(enrolments.screeningDate),
    asc(enrolments.createdAt),
  ]);
}

/** A volunteer's participation history, newest first; a removed volunteer is not found, as everywhere. */
export async function listVolunteerEnrolments(ctx: ActorCtx, volunteerId: string): Promise<EnrolmentView[]> {
  await gate(ctx);
  const [volunteer] = await ctx.db
    .select({ id: volunteers.id })
    .from(volunteers)
    .where(and(eq(volunteers.id, volunteerId), isNull(volunteers.removedAt)));
  if (!volunteer) throw notFound("The volunteer");
  return selectEnrolments(ctx.db, eq(enrolments.volunteerId, volunteerId), [
    desc(enrolments.screeningDate),
    desc(enrolments.createdAt),
  ]);
}

// --- writing ---

/**
 * The study of an enrolment write, share-locked so it cannot close (or lose the cohort being assigned)
 * while the write is under way, and the caller's right to change its enrolments (403 with the reason).
 */
async function writableStudy(
  tx: ActorCtx,
  role: Awaited<ReturnType<typeof gate>>["role"],
  studyId: string,
): Promise<StudyRow> {
  const { actor } = tx;
  const [study] = await tx.db.select().from(studies).where(eq(studies.id, studyId)).for("share");
  if (!study) throw notFound("The study");
  const organisation = await getOrganisation(tx.db, study.organisationId);
  const refusal = enrolmentChangeRefusal(actor, role, study, organisation.name);
  if (refusal) throw forbidden(refusal);
  return study;
}

/** Screening, eligibility and assignment happen only while a study is active (409 otherwise). */
function assertActive(study: StudyRow): void {
  if (study.status === "design")
    throw new AppError(
      "conflict",
      `${study.protocolNumber} is in design: volunteers are screened and enrolled only while a study is active.`,
    );
  if (study.status === "closed")
    throw new AppError(
      "conflict",
      `${study.protocolNumber} is closed: no more volunteers are screened or enrolled in it.`,
    );
}

/**
 * Brings the volunteer's recruitment status in step with their enrolments (the volunteer row locked by
 * the caller) and records the change in the audit trail with the enrolment's reason.
 */
async function syncRecruitmentStatus(
  tx: Ctx,
  volunteer: { id: string; recruitmentStatus: RecruitmentStatus },
  studyId: string,
  changed: EnrolmentStatus,
  reason: string | null,
): Promise<void> {
  const open = await tx.db
    .select({ status: enrolments.status })
    .from(enrolments)
    .where(and(eq(enrolments.volunteerId, volunteer.id), inArray(enrolments.status, openEnrolmentStatuses)));
  const furthestOpen = openStatusOrder.find((status) => open.some((row) => row.status === status));
  const next = recruitmentStatusOf[furthestOpen ?? changed];
  if (next === volunteer.recruitmentStatus) return;
  await tx.db
    .update(volunteers)
    .set({ recruitmentStatus: next, updatedAt: new Date() })
    .where(eq(volunteers.id, volunteer.id));
  await recordSandboxChange(tx, {
    action: "update",
    recordType: "volunteer",
    recordId: volunteer.id,
    studyId,
    changes: [{ field: "recruitmentStatus", oldValue: volunteer.recruitmentStatus, newValue: next }],
    reason,
  });
}

async function lockVolunteer(db: Db, id: string) {
  const [row] = await db
    .select({
      id: volunteers.id,
      displayId: volunteers.displayId,
      recruitmentStatus: volunteers.recruitmentStatus,
    })
    .from(volunteers)
    .where(and(eq(volunteers.id, id), isNull(volunteers.removedAt)))
    .for("update");
  if (!row) throw notFound("The volunteer");
  return row;
}

const alreadyOpen = (displayId: string, protocolNumber: string) =>
  new AppError(
    "conflict",
    `${displayId} already has an open enrolment in ${protocolNumber}; withdraw it before screening again.`,
    { volunteerId: `${displayId} is already screening for or enrolled in ${protocolNumber}.` },
  );

/**
 * Screens a volunteer for an active study on a date (not in the future): a new enrolment in
 * `screening`, audited field by field, with the volunteer's recruitment status following. One open
 * enrolment per volunteer and study (409).
 */
export async function screenVolunteer(
  ctx: ActorCtx,
  studyId: string,
  input: ScreeningInput,
): Promise<EnrolmentView> {
  const { actor } = ctx;
  const { role } = await gate(ctx);
  if (input.screeningDate > todayIso())
    throw invalid({ screeningDate: "The screening date cannot be in the future." });
  let protocolNumber = "";
  let displayId = "";
  try {
    const id = await inTransaction(ctx, async (tx) => {
      const study = await writableStudy(tx, role, studyId);
      protocolNumber = study.protocolNumber;
      assertActive(study);
      const volunteer = await lockVolunteer(tx.db, input.volunteerId);
      displayId = volunteer.displayId;
      const [open] = await tx.db
        .select({ id: enrolments.id })
        .from(enrolments)
        .where(
          and(
            eq(enrolments.studyId, study.id),
            eq(enrolments.volunteerId, volunteer.id),
            inArray(enrolments.status, openEnrolmentStatuses),
          ),
        );
      if (open) throw alreadyOpen(volunteer.displayId, study.protocolNumber);
      const [row] = await tx.db
        .insert(enrolments)
        .values({
          studyId: study.id,
          volunteerId: volunteer.id,
          status: "screening",
          screeningDate: input.screeningDate,
          createdBy: actor.id,
        })
        .returning();
      if (!row) throw new Error("the enrolment was not written");
      await recordSandboxChange(tx, {
        action: "create",
        recordType: "enrolment",
        recordId: row.id,
        studyId: study.id,
        changes: createdFields({
          volunteerId: row.volunteerId,
          status: row.status,
          screeningDate: row.screeningDate,
        }),
        reason: null,
      });
      await syncRecruitmentStatus(tx, volunteer, study.id, row.status, null);
      return row.id;
    });
    return enrolmentView(ctx.db, id);
  } catch (error) {
    // A concurrent screening of the same volunteer for the same study: the partial unique index decides.
    if (isUniqueViolation(error)) throw alreadyOpen(displayId, protocolNumber);
    throw error;
  }
}

type EnrolmentChange = {
  /** The enrolment's new values; only the fields given change. */
  set: Partial<
    Pick<EnrolmentRow, "status" | "statusReason" | "cohortId" | "subjectNumber" | "dosingStart" | "dosingEnd">
  >;
  reason: string | null;
};

/**
 * Every change of an existing enrolment: the gate, then, in one transaction with the enrolment locked,
 * the caller's right on its study (403), the change `decide` makes from the current row, the
 * enrolment's audit rows, and the volunteer's recruitment status in step.
 */
async function changeEnrolment(
  ctx: ActorCtx,
  enrolmentId: string,
  decide: (tx: Ctx, enrolment: EnrolmentRow, study: StudyRow) => Promise<EnrolmentChange>,
): Promise<EnrolmentView> {
  const { role } = await gate(ctx);
  await inTransaction(ctx, async (tx) => {
    const [enrolment] = await tx.db
      .select()
      .from(enrolments)
      .where(eq(enrolments.id, enrolmentId))
      .for("update");
    if (!enrolment) throw notFound("The enrolment");
    const study = await writableStudy(tx, role, enrolment.studyId);
    const change = await decide(tx, enrolment, study);
    const [volunteer] = await tx.db
      .select({ id: volunteers.id, recruitmentStatus: volunteers.recruitmentStatus })
      .from(volunteers)
      .where(eq(volunteers.id, enrolment.volunteerId))
      .for("update");
    if (!volunteer) throw new Error("an enrolment without its volunteer");
    await tx.db
      .update(enrolments)
      .set({ ...change.set, updatedAt: new Date() })
      .where(eq(enrolments.id, enrolment.id));
    await recordSandboxChange(tx, {
      action: "update",
      recordType: "enrolment",
      recordId: enrolment.id,
      studyId: enrolment.studyId,
      changes: diffFields(
        {
          status: enrolment.status,
          statusReason: enrolment.statusReason,
          cohortId: enrolment.cohortId,
          subjectNumber: enrolment.subjectNumber,
          dosingStart: enrolment.dosingStart,
          dosingEnd: enrolment.dosingEnd,
        },
        change.set,
      ),
      reason: change.reason,
    });
    await syncRecruitmentStatus(
      tx,
      volunteer,
      enrolment.studyId,
      change.set.status ?? enrolment.status,
      change.reason,
    );
  });
  return enrolmentView(ctx.db, enrolmentId);
}

const wrongStatus = (enrolment: EnrolmentRow, action: string, allowed: string) =>
  new AppError("conflict", `This enrolment is ${enrolment.status}: ${action} only from ${allowed}.`);

/** Marks a screened volunteer eligible or ineligible; ineligible needs a reason (400 naming `reason`). */
export async function decideEligibility(
  ctx: ActorCtx,
  enrolmentId: string,
  input: EligibilityInput,
): Promise<EnrolmentView> {
  const reason = input.eligible
    ? input.reason?.trim() || null
    : requireReason(input.reason, "Give a reason: say why the volunteer is not eligible.");
  return changeEnrolment(ctx, enrolmentId, async (_tx, enrolment, study) => {
    assertActive(study);
    if (enrolment.status !== "screening") throw wrongStatus(enrolment, "eligibility is decided", "screening");
    return { set: { status: input.eligible ? "eligible" : "ineligible", statusReason: reason }, reason };
  });
}

/**
 * The last dosing day for a first dose on `dosingStart` (Day 1): to the end of the treatment epoch
 * when the study has one, else to the last scheduled event, else the same day.
 */
async function dosingEndFor(db: Db, studyId: string, dosingStart: string): Promise<string> {
  const [treatment] = await db
    .select({ endDay: max(studyEpochs.endDay) })
    .from(studyEpochs)
    .where(
      and(eq(studyEpochs.studyId, studyId), eq(studyEpochs.kind, "treatment"), isNull(studyEpochs.removedAt)),
    );
  if (treatment?.endDay !== null && treatment?.endDay !== undefined)
    return addDays(dosingStart, Math.max(0, treatment.endDay - 1));
  const [schedule] = await db
    .select({ lastDay: max(studyEvents.dayOffset) })
    .from(studyEvents)
    .where(and(eq(studyEvents.studyId, studyId), isNull(studyEvents.removedAt)));
  return addDays(dosingStart, Math.max(0, (schedule?.lastDay ?? 1) - 1));
}

/** Refuses a dosing period that overlaps the volunteer's dosing as an enrolled subject of another study. */
async function assertNoOverlap(
  db: Db,
  enrolment: EnrolmentRow,
  displayId: string,
  period: { start: string; end: string },
): Promise<void> {
  const [clash] = await db
    .select({
      protocolNumber: studies.protocolNumber,
      dosingStart: enrolments.dosingStart,
      dosingEnd: enrolments.dosingEnd,
    })
    .from(enrolments)
    .innerJoin(studies, eq(studies.id, enrolments.studyId))
    .where(
      and(
        eq(enrolments.volunteerId, enrolment.volunteerId),
        ne(enrolments.studyId, enrolment.studyId),
        eq(enrolments.status, "enrolled"),
        lte(enrolments.dosingStart, period.end),
        gte(enrolments.dosingEnd, period.start),
      ),
    )
    .orderBy(asc(enrolments.dosingStart))
    .limit(1);
  if (clash)
    throw new AppError(
      "conflict",
      `${displayId} is enrolled in ${clash.protocolNumber} with dosing from ${clash.dosingStart} to ${clash.dosingEnd}, which overlaps dosing here from ${period.start} to ${period.end}; a volunteer takes part in one dosing period at a time.`,
      {
        dosingStart: `Overlaps ${clash.protocolNumber} dosing (${clash.dosingStart} to ${clash.dosingEnd}).`,
      },
    );
}

/**
 * Enrols an eligible volunteer in a cohort of the study: the cohort locked (so concurrent assignments
 * neither overfill it nor take one number twice), a place in it (409 when full), the next subject
 * number (`S` + 100 + cohort position, `-`, sequence in the cohort: S101-001), the dosing period, and
 * the over-volunteering check against the volunteer's other studies (409 naming the study and dates).
 */
export async function assignCohort(
  ctx: ActorCtx,
  enrolmentId: string,
  input: AssignmentInput,
): Promise<EnrolmentView> {
  try {
    return await changeEnrolment(ctx, enrolmentId, async (tx, enrolment, study) => {
      assertActive(study);
      if (enrolment.status !== "eligible") throw wrongStatus(enrolment, "a cohort is assigned", "eligible");
      if (input.dosingStart < enrolment.screeningDate)
        throw invalid({
          dosingStart: `Dosing starts on or after the screening date (${enrolment.screeningDate}).`,
        });
      const [cohort] = await tx.db
        .select()
        .from(studyCohorts)
        .where(
          and(
            eq(studyCohorts.id, input.cohortId),
            eq(studyCohorts.studyId, study.id),
            isNull(studyCohorts.removedAt),
          ),
        )
        .for("update");
      if (!cohort) throw invalid({ cohortId: `Choose a cohort of ${study.protocolNumber}.` });
      const [taken] = await tx.db
        .select({ n: count() })
        .from(enrolments)
        .where(and(eq(enrolments.cohortId, cohort.id), inArray(enrolments.status, placeTakingStatuses)));
      if (Number(taken?.n ?? 0) >= cohort.plannedSize)
        throw new AppError(
          "conflict",
          `${cohort.name} is full: all ${cohort.plannedSize} planned places are taken.`,
          { cohortId: `${cohort.name} is full.` },
        );
      // Numbers are never given twice: every subject ever assigned (withdrawn too) keeps theirs.
      const [numbered] = await tx.db
        .select({ n: count() })
        .from(enrolments)
        .where(eq(enrolments.cohortId, cohort.id));
      const subjectNumber = `S${100 + cohort.position}-${String(Number(numbered?.n ?? 0) + 1).padStart(3, "0")}`;
      const dosingEnd = await dosingEndFor(tx.db, study.id, input.dosingStart);
      const [volunteer] = await tx.db
        .select({ displayId: volunteers.displayId })
        .from(volunteers)
        .where(eq(volunteers.id, enrolment.volunteerId))
        .for("update");
      await assertNoOverlap(tx.db, enrolment, volunteer?.displayId ?? "The volunteer", {
        start: input.dosingStart,
        end: dosingEnd,
      });
      return {
        set: {
          status: "enrolled",
          cohortId: cohort.id,
          subjectNumber,
          dosingStart: input.dosingStart,
          dosingEnd,
        },
        reason: null,
      };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new AppError("conflict", "That subject number was just taken; try the assignment again.");
    throw error;
  }
}

const withdrawable: readonly EnrolmentStatus[] = ["screening", "eligible", "enrolled"];

/** Withdraws a volunteer in screening, eligible or enrolled, with a reason (400 naming `reason`). */
export async function withdrawEnrolment(
  ctx: ActorCtx,
  enrolmentId: string,
  reasonInput: string | undefined,
): Promise<EnrolmentView> {
  const reason = requireReason(reasonInput, "Give a reason: say why the volunteer is withdrawn.");
  return changeEnrolment(ctx, enrolmentId, async (_tx, enrolment) => {
    if (!withdrawable.includes(enrolment.status))
      throw wrongStatus(enrolment, "a volunteer is withdrawn", "screening, eligible or enrolled");
    return { set: { status: "withdrawn", statusReason: reason }, reason };
  });
}

/** Completes an enrolled subject, with a reason (400 naming `reason`); the volunteer returns to the pool. */
export async function completeEnrolment(
  ctx: ActorCtx,
  enrolmentId: string,
  reasonInput: string | undefined,
): Promise<EnrolmentView> {
  const reason = requireReason(
    reasonInput,
    "Give a reason: changes to an enrolled subject are recorded with one.",
  );
  return changeEnrolment(ctx, enrolmentId, async (_tx, enrolment) => {
    if (enrolment.status !== "enrolled") throw wrongStatus(enrolment, "a subject is completed", "enrolled");
    return { set: { status: "completed", statusReason: reason }, reason };
  });
}

// --- for the pharmacy ---

/** What dispensing needs to know of a subject: who they are, whose study, and the dose of their cohort. */
export type DosingSubject = {
  enrolmentId: string;
  studyId: string;
  protocolNumber: string;
  organisationId: string;
  status: EnrolmentStatus;
  subjectNumber: string | null;
  volunteerDisplayId: string;
  /** The cohort assigned, or null before assignment or when the cohort has been removed. */
  cohort: { id: string; name: string; dose: string } | null;
};

/**
 * Subjects by enrolment id, for the pharmacy. With `lock`, the enrolments are share-locked to the end
 * of the caller's transaction, so a subject cannot be withdrawn while a dose is being given.
 */
export async function dosingSubjects(
  db: Db,
  enrolmentIds: string[],
  lock = false,
): Promise<Map<string, DosingSubject>> {
  const unique = [...new Set(enrolmentIds)];
  if (unique.length === 0) return new Map();
  const query = db
    .select({
      enrolmentId: enrolments.id,
      studyId: enrolments.studyId,
      protocolNumber: studies.protocolNumber,
      organisationId: studies.organisationId,
      status: enrolments.status,
      subjectNumber: enrolments.subjectNumber,
      volunteerDisplayId: volunteers.displayId,
      cohortId: studyCohorts.id,
      cohortName: studyCohorts.name,
      cohortDose: studyCohorts.dose,
    })
    .from(enrolments)
    .innerJoin(studies, eq(studies.id, enrolments.studyId))
    .innerJoin(volunteers, eq(volunteers.id, enrolments.volunteerId))
    .leftJoin(studyCohorts, and(eq(studyCohorts.id, enrolments.cohortId), isNull(studyCohorts.removedAt)))
    .where(inArray(enrolments.id, unique));
  const rows = lock ? await query.for("share", { of: enrolments }) : await query;
  return new Map(
    rows.map(({ cohortId, cohortName, cohortDose, ...subject }) => [
      subject.enrolmentId,
      {
        ...subject,
        cohort:
          cohortId && cohortName !== null && cohortDose !== null
            ? { id: cohortId, name: cohortName, dose: cohortDose }
            : null,
      },
    ]),
  );
}
