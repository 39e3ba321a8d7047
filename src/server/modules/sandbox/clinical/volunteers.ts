import { and, count, desc, eq, exists, gte, ilike, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { type Actor, type ActorCtx, inTransaction } from "../../../platform/context.js";
import { isUniqueViolation } from "../../../platform/db-errors.js";
import { AppError, forbidden, invalid, notFound } from "../../../platform/errors.js";
import { startingWith } from "../../../platform/search/text-query.js";
import { gate } from "../access/index.js";
import { type FieldKind, guardRecord } from "../shared/phi-guard.js";
import { ageOn, computeBmi } from "../shared/volunteer-measures.js";
import {
  ENROLLED_ONLY_BY_ENROLMENT,
  MAX_MEDICAL_HISTORY_LENGTH,
  MAX_REGION_LENGTH,
  MAX_VOLUNTEER_PAGE,
  settableRecruitmentStatuses,
  type VolunteerChanges,
  type VolunteerDisplay,
  type VolunteerFilters,
  type VolunteerInput,
  type VolunteerPage,
  volunteerFieldLabels,
} from "./contracts/volunteers.js";
import { canWriteVolunteers, defaultVolunteerDisplay } from "./policy.js";
import { presentVolunteer, type VolunteerRow, type VolunteerView } from "./present.js";
import { createdFields, diffFields, recordSandboxChanges, type SandboxChange } from "./sandbox-audit.js";
import { enrolments, volunteers } from "./schema.js";

export type VolunteerOptions = { display?: VolunteerDisplay | undefined };

const DEFAULT_VOLUNTEER_PAGE = 50;

/** What the PHI guard takes each field for; fields not named are checked as free text. */
export const guardKinds: Record<string, FieldKind> = {
  displayId: "identifier",
  firstName: "name",
  lastName: "name",
  dateOfBirth: "date",
  email: "email",
  phone: "phone",
  region: "free_text",
  medicalHistory: "free_text",
};

/** Today's date (UTC) as YYYY-MM-DD. */
export const todayIso = (): string => new Date().toISOString().slice(0, 10);

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * The latest date of birth of someone at least `years` old today: the same day `years` back (29
 * February becomes the 28th in a common year; nobody is born on a day that does not exist).
 */
function bornBy(today: string, years: number): string {
  const year = Number(today.slice(0, 4)) - years;
  const monthDay = today.slice(5) === "02-29" && !isLeap(year) ? "02-28" : today.slice(5);
  return `${String(year).padStart(4, "0")}-${monthDay}`;
}

/** Refuses anything that looks like a real identifier, naming each field with the guard's masked reason. */
function guard(values: Record<string, unknown>): void {
  const findings = guardRecord(values, guardKinds, volunteerFieldLabels);
  if (findings.length === 0) return;
  throw invalid(
    Object.fromEntries(findings.map((finding) => [finding.field, finding.reason])),
    "Some values look like real personal data; the development environment holds none.",
  );
}

type Measured = { dateOfBirth: string; heightCm: number; weightKg: number };

/**
 * Date of birth (not in the future, age 18 to 100), weight, height, status and the lengths of the
 * free texts, each named when wrong. The lengths are checked here, not only in the route's schema,
 * because the CSV import reaches this without passing a route's schema.
 */
function validate(
  values: Partial<Measured> & {
    recruitmentStatus?: string | undefined;
    region?: string | undefined;
    medicalHistory?: string | undefined;
  },
  today: string,
): void {
  const fields: Record<string, string> = {};
  const { dateOfBirth, heightCm, weightKg, recruitmentStatus, region, medicalHistory } = values;
  if (dateOfBirth !== undefined) {
    const parsed = new Date(`${dateOfBirth}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth) || Number.isNaN(parsed.getTime()))
      fields.dateOfBirth = "Enter the date of birth as YYYY-MM-DD.";
    else if (parsed.toISOString().slice(0, 10) !== dateOfBirth)
      fields.dateOfBirth = "Enter a date of birth that exists.";
    else if (dateOfBirth > today) fields.dateOfBirth = "The date of birth cannot be in the future.";
    else {
      const age = ageOn(dateOfBirth, today);
      if (age < 18 || age > 100)
        fields.dateOfBirth = `Volunteers are 18 to 100 years old (this one is ${age}).`;
    }
  }
  if (weightKg !== undefined && !(Number.isFinite(weightKg) && weightKg > 0 && weightKg <= 400))
    fields.weightKg = "Enter a weight above 0 and at most 400 kg.";
  if (heightCm !== undefined && !(Number.isInteger(heightCm) && heightCm >= 100 && heightCm <= 250))
    fields.heightCm = "Enter a height of 100 to 250 cm (whole centimetres).";
  if (recruitmentStatus === "enrolled") fields.recruitmentStatus = ENROLLED_ONLY_BY_ENROLMENT;
  else if (
    recruitmentStatus !== undefined &&
    !(settableRecruitmentStatuses as readonly string[]).includes(recruitmentStatus)
  )
    fields.recruitmentStatus = `Choose a status: ${settableRecruitmentStatuses.join(", ")}.`;
  if (region !== undefined && region.length > MAX_REGION_LENGTH)
    fields.region = `Use at most ${MAX_REGION_LENGTH} characters.`;
  if (medicalHistory !== undefined && medicalHistory.length > MAX_MEDICAL_HISTORY_LENGTH)
    fields.medicalHistory = `Use at most ${MAX_MEDICAL_HISTORY_LENGTH.toLocaleString("en")} characters.`;
  if (Object.keys(fields).length > 0) throw invalid(fields);
}

const displayIdTaken = (displayId: string) =>
  new AppError("conflict", `There is already a volunteer ${displayId}.`, {
    displayId: `Display id ${displayId} is already used by another volunteer.`,
  });

/** The number of the highest `V` + digits display id in use, 0 when none (removed volunteers keep theirs). */
/** Volunteers not removed: the environment's status counts them. */
export async function countActiveVolunteers(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(volunteers).where(isNull(volunteers.removedAt));
  return Number(row?.n ?? 0);
}

export async function highestDisplayNumber(db: Db): Promise<number> {
  const [row] = await db
    .select({
      n: sql<string | null>`max(substring(${volunteers.displayId} from 2)::bigint)`,
    })
    .from(volunteers)
    .where(sql`${volunteers.displayId} ~ '^V[0-9]{6,15}$'`);
  return Number(row?.n ?? 0);
}

/** `V` and at least six digits: `V000042`, and `V1000000` once six digits run out. */
export const displayIdOf = (n: number) => `V${String(n).padStart(6, "0")}`;

/** The next free display id after the highest one in use. */
async function nextDisplayId(db: Db): Promise<string> {
  return displayIdOf((await highestDisplayNumber(db)) + 1);
}

/** The fields of a row the audit trail records, by their API names. */
const auditedFields = (row: VolunteerRow) => ({
  displayId: row.displayId,
  firstName: row.firstName,
  lastName: row.lastName,
  sex: row.sex,
  dateOfBirth: row.dateOfBirth,
  email: row.email,
  phone: row.phone,
  region: row.region,
  heightCm: row.heightCm,
  weightKg: row.weightKg,
  bmi: row.bmi,
  smoker: row.smoker,
  recruitmentStatus: row.recruitmentStatus,
  medicalHistory: row.medicalHistory || null,
});

/** The audit trail of a new volunteer: every field (a new record needs no reason). */
export const creation = (row: VolunteerRow): SandboxChange => ({
  action: "create",
  recordType: "volunteer",
  recordId: row.id,
  studyId: null,
  changes: createdFields(auditedFields(row)),
  reason: null,
});

/**
 * The values of a new volunteer, checked (guard first, then validation) and with BMI computed. The
 * form, the seed and the CSV import all come through here, so they refuse the same things.
 */
export function newValues(actor: Actor, input: VolunteerInput, today: string) {
  guard({ ...input });
  validate(input, today);
  return {
    firstName: input.firstName,
    lastName: input.lastName,
    sex: input.sex,
    dateOfBirth: input.dateOfBirth,
    email: input.email || null,
    phone: input.phone || null,
    region: input.region,
    heightCm: input.heightCm,
    weightKg: input.weightKg,
    bmi: computeBmi(input.heightCm, input.weightKg),
    smoker: input.smoker ?? false,
    recruitmentStatus: input.recruitmentStatus ?? "prospect",
    medicalHistory: input.medicalHistory ?? "",
    organisationId: actor.organisationId,
    createdBy: actor.id,
  };
}

/** The gate, then the role rule: staff, study coordinators and recruiters write volunteers. */
export async function assertWriter(ctx: ActorCtx) {
  const { role } = await gate(ctx);
  if (!canWriteVolunteers(role))
    throw forbidden(
      "Your development environment role can only read volunteers; study coordinators, recruiters and the product team change them.",
    );
  return role;
}

const displayOf = (actor: Actor, options: VolunteerOptions) =>
  options.display ?? defaultVolunteerDisplay(actor);

async function loadVolunteer(db: Db, id: string, lock = false): Promise<VolunteerRow> {
  const query = db
    .select()
    .from(volunteers)
    .where(and(eq(volunteers.id, id), isNull(volunteers.removedAt)));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound("The volunteer");
  return row;
}

type Cursor = { at: string; id: string };
const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString("base64url");
function decodeCursor(text: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Partial<Cursor>;
    if (typeof value.at === "string" && typeof value.id === "string" && /^[0-9a-f-]{36}$/i.test(value.id))
      return { at: value.at, id: value.id };
  } catch {
    // falls through to the refusal
  }
  throw invalid({ cursor: "This cursor is not one this list gave out; start again without it." });
}

/**
 * Volunteers, newest first, filtered and paged (`limit` up to 200; `offset`, or the `cursor` of the
 * previous page). Any sandbox user reads them, in the privacy display asked for or their default.
 */
export async function listVolunteers(
  ctx: ActorCtx,
  filters: VolunteerFilters,
  options: VolunteerOptions = {},
): Promise<VolunteerPage> {
  const { actor } = ctx;
  await gate(ctx);
  const today = todayIso();
  const limit = Math.min(filters.limit ?? DEFAULT_VOLUNTEER_PAGE, MAX_VOLUNTEER_PAGE);
  const conditions: SQL[] = [isNull(volunteers.removedAt) as SQL];
  if (filters.status) conditions.push(eq(volunteers.recruitmentStatus, filters.status));
  if (filters.sex) conditions.push(eq(volunteers.sex, filters.sex));
  // At least ageMin years old: born on or before today, ageMin years back.
  if (filters.ageMin !== undefined)
    conditions.push(lte(volunteers.dateOfBirth, bornBy(today, filters.ageMin)));
  // At most ageMax: not yet ageMax + 1, so born after that day.
  if (filters.ageMax !== undefined)
    conditions.push(sql`${volunteers.dateOfBirth} > ${bornBy(today, filters.ageMax + 1)}`);
  if (filters.bmiMin !== undefined) conditions.push(gte(volunteers.bmi, filters.bmiMin));
  if (filters.bmiMax !== undefined) conditions.push(lte(volunteers.bmi, filters.bmiMax));
  if (filters.studyId)
    conditions.push(
      exists(
        ctx.db
          .select({ one: sql`1` })
          .from(enrolments)
          .where(and(eq(enrolments.volunteerId, volunteers.id), eq(enrolments.studyId, filters.studyId))),
      ),
    );
  if (filters.q) {
    const prefix = startingWith(filters.q);
    const text = or(
      ilike(volunteers.displayId, prefix),
      ilike(volunteers.firstName, prefix),
      ilike(volunteers.lastName, prefix),
      ilike(sql`${volunteers.firstName} || ' ' || ${volunteers.lastName}`, prefix),
    );
    if (text) conditions.push(text);
  }
  const [totalRow] = await ctx.db
    .select({ n: count() })
    .from(volunteers)
    .where(and(...conditions));
  const paged = [...conditions];
  if (filters.cursor) {
    const cursor = decodeCursor(filters.cursor);
    paged.push(
      sql`(${volunteers.createdAt}, ${volunteers.id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`,
    );
  }
  const rows = await ctx.db
    .select({ volunteer: volunteers, at: sql<string>`${volunteers.createdAt}::text` })
    .from(volunteers)
    .where(and(...paged))
    .orderBy(desc(volunteers.createdAt), desc(volunteers.id))
    .limit(limit + 1)
    .offset(filters.cursor ? 0 : (filters.offset ?? 0));
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const display = displayOf(actor, options);
  return {
    volunteers: page.map((row) => presentVolunteer(row.volunteer, display, today)),
    total: Number(totalRow?.n ?? 0),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at, id: last.volunteer.id }) : null,
  };
}

/** One volunteer (not removed); any sandbox user reads it. */
export async function getVolunteer(
  ctx: ActorCtx,
  id: string,
  options: VolunteerOptions = {},
): Promise<VolunteerView> {
  const { actor } = ctx;
  await gate(ctx);
  return presentVolunteer(await loadVolunteer(ctx.db, id), displayOf(actor, options), todayIso());
}

/**
 * A new volunteer: the PHI guard, then validation, then the row (BMI computed, display id generated
 * when not given) and its audit trail, field by field, in one transaction.
 */
export async function createVolunteer(
  ctx: ActorCtx,
  input: VolunteerInput,
  options: VolunteerOptions = {},
): Promise<VolunteerView> {
  const { actor } = ctx;
  await assertWriter(ctx);
  const today = todayIso();
  const values = newValues(actor, input, today);
  // A generated id may be taken by a concurrent create between reading the highest and writing: retry.
  for (let attempt = 1; ; attempt++) {
    try {
      const row = await inTransaction(ctx, async (tx) => {
        const displayId = input.displayId ?? (await nextDisplayId(tx.db));
        const [written] = await tx.db
          .insert(volunteers)
          .values({ ...values, displayId })
          .returning();
        if (!written) throw new Error("the volunteer was not written");
        await recordSandboxChanges(tx, [creation(written)]);
        return written;
      });
      return presentVolunteer(row, displayOf(actor, options), today);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (input.displayId) throw displayIdTaken(input.displayId);
      if (attempt >= 3) throw new AppError("conflict", "Could not generate a free display id; try again.");
    }
  }
}

/**
 * Changes a volunteer: the PHI guard and validation first (`enrolled` is never set by hand), then,
 * with the row locked, for an enrolled volunteer no status change (their enrolment carries it; 400
 * naming `recruitmentStatus`) and a reason (400 naming `reason`), then the change with BMI recomputed
 * and its audit rows.
 */
export async function updateVolunteer(
  ctx: ActorCtx,
  id: string,
  changes: VolunteerChanges,
  reasonInput?: string,
  options: VolunteerOptions = {},
): Promise<VolunteerView> {
  const { actor } = ctx;
  await assertWriter(ctx);
  const today = todayIso();
  guard({ ...changes });
  validate(changes, today);
  const reason = reasonInput?.trim() || null;
  const row = await inTransaction(ctx, async (tx) => {
    const before = await loadVolunteer(tx.db, id, true);
    if (before.recruitmentStatus === "enrolled" && changes.recruitmentStatus !== undefined)
      throw invalid(
        {
          recruitmentStatus:
            "This volunteer is enrolled in a study cohort: withdraw or complete the enrolment instead (Studies → Subjects).",
        },
        "An enrolled volunteer's status follows their enrolment.",
      );
    if (before.recruitmentStatus === "enrolled" && !reason)
      throw invalid(
        { reason: "Give a reason: changes to an enrolled volunteer are recorded with one." },
        "Changes to an enrolled volunteer need a reason.",
      );
    const heightCm = changes.heightCm ?? before.heightCm;
    const weightKg = changes.weightKg ?? before.weightKg;
    const next = {
      ...changes,
      ...(changes.email !== undefined ? { email: changes.email || null } : {}),
      ...(changes.phone !== undefined ? { phone: changes.phone || null } : {}),
      bmi: computeBmi(heightCm, weightKg),
    };
    const fieldChanges = diffFields(
      { ...auditedFields(before), medicalHistory: before.medicalHistory },
      next,
    );
    if (fieldChanges.length === 0) return before;
    const [written] = await tx.db
      .update(volunteers)
      .set({ ...next, updatedAt: new Date() })
      .where(eq(volunteers.id, id))
      .returning();
    if (!written) throw new Error("the volunteer was not written");
    await recordSandboxChanges(tx, [
      {
        action: "update",
        recordType: "volunteer",
        recordId: id,
        studyId: null,
        changes: fieldChanges,
        reason,
      },
    ]);
    return written;
  });
  return presentVolunteer(row, displayOf(actor, options), today);
}

/** Removes a volunteer softly (the row stays, marked removed), audited; enrolled ones need a reason. */
export async function removeVolunteer(ctx: ActorCtx, id: string, reasonInput?: string): Promise<void> {
  await assertWriter(ctx);
  const reason = reasonInput?.trim() || null;
  await inTransaction(ctx, async (tx) => {
    const row = await loadVolunteer(tx.db, id, true);
    if (row.recruitmentStatus === "enrolled" && !reason)
      throw invalid(
        { reason: "Give a reason: removing an enrolled volunteer is recorded with one." },
        "Removing an enrolled volunteer needs a reason.",
      );
    await tx.db
      .update(volunteers)
      .set({ removedAt: new Date(), updatedAt: new Date() })
      .where(eq(volunteers.id, row.id));
    await recordSandboxChanges(tx, [
      { action: "remove", recordType: "volunteer", recordId: row.id, studyId: null, changes: [], reason },
    ]);
  });
}
