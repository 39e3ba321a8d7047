/**
 * Set-based writes of sandbox records with their audit trail, shared by the synthetic baseline
 * (baseline.ts) and the CSV import (imports.ts).
 *
 * - Each batch is one statement: its columns are sent as arrays and unnested on the server, and the
 *   audit rows are written by the same statement (a data-modifying CTE). Row-by-row inserts through
 *   the ORM spend most of their time building and parsing statements, and a per-field trail writes
 *   fourteen audit rows per volunteer.
 * - One audit row per created record (field `*`, the record's values as JSON): it still says who
 *   created which record, when, with which values and why. Single edits through the forms and the API
 *   keep their field-by-field rows (sandbox-audit.ts).
 * - The caller owns the transaction.
 */
import { type SQL, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { type ArrayElement, arrayLiteral, uuidListValue } from "../../../db/arrays.js";
import type { Db } from "../../../db/client.js";
import type { Actor } from "../../../platform/context.js";
import { isUniqueViolation } from "../../../platform/db-errors.js";
import type { RecruitmentStatus, SandboxRecordType, Sex } from "../clinical/index.js";

/** Rows per statement: large enough that round trips do not matter, small enough to keep memory flat. */
export const BULK_BATCH = 10_000;

/**
 * One column of a batch: its name, its PostgreSQL type and its values, row by row, also as the array
 * literal the statement sends. The literal is made with the column, so a writer that builds its next
 * batch while the database writes the previous one has nothing left to encode when it sends it.
 */
export type Column = { name: string; type: string; values: ArrayElement[]; literal: string };

export type AuditedBatch = {
  table: string;
  /** Generated ids, one per row. */
  ids: string[];
  columns: Column[];
  /** Values every row shares (owner, creator), by column. */
  constants?: Record<string, string>;
  /** The unique column an existing row is recognised by; without one, a duplicate fails the statement. */
  conflictTarget?: string;
  /**
   * The conflict target's values already taken, when the writer read them once for all its batches
   * (`takenKeysBetween`); without them, the batch looks its own keys up.
   */
  takenKeys?: ReadonlySet<unknown>;
  recordType: SandboxRecordType;
  /** The column holding the study the record belongs to, for the audit row. */
  studyIdColumn?: string;
  /** The audit row's JSON: API field name -> column. */
  audited: Record<string, string>;
};

/** Who writes, and why: the audit rows' actor and reason. */
export type Auditor = { actorId: string; actorEmail: string; reason: string };

export const column = <T>(
  name: string,
  type: string,
  rows: readonly T[],
  value: (row: T) => ArrayElement,
): Column => columnOf(name, type, rows.map(value));

const columnOf = (name: string, type: string, values: ArrayElement[]): Column => ({
  name,
  type,
  values,
  literal: arrayLiteral(values),
});

/**
 * Inserts a batch and, in the same statement, one audit row per inserted record; returns the ids of
 * the rows actually inserted (an existing one, recognised by the conflict target, is left alone).
 *
 * With a conflict target, the rows whose key is taken are left out first, by one lookup for the whole
 * batch, and the rest are inserted plainly: ON CONFLICT's speculative insertion costs every row a
 * second pass through the unique index, a third of the statement. Should another writer take one of
 * the keys in between, the batch is undone to its savepoint and written again with ON CONFLICT.
 */
export async function insertAudited(db: Db, auditor: Auditor, batch: AuditedBatch): Promise<Set<string>> {
  const target = batch.conflictTarget;
  if (!target) return insertStatement(db, auditor, batch, null);
  const fresh = await withoutTakenKeys(db, batch, target);
  if (fresh.ids.length === 0) return new Set();
  try {
    return await db.transaction((savepoint) =>
      insertStatement(savepoint as unknown as Db, auditor, fresh, null),
    );
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return insertStatement(db, auditor, fresh, target);
  }
}

/**
 * The values of a unique text column from `first` to `last` already in the table: one index range read
 * where a writer would otherwise look up each batch's keys (some outside the range may come too, by the
 * column's collation; they only go unused).
 */
export function takenKeysBetween(
  db: Db,
  { table, column, first, last }: { table: string; column: string; first: string; last: string },
): Promise<Set<unknown>> {
  return keysWhere(db, table, column, sql`between ${first} and ${last}`);
}

/** The values of `column` in `table` that meet `condition` (written after the column's name). */
async function keysWhere(db: Db, table: string, column: string, condition: SQL): Promise<Set<unknown>> {
  const result = (await db.execute(
    sql`select ${sql.raw(column)} as key from ${sql.raw(table)} where ${sql.raw(column)} ${condition}`,
  )) as unknown as { rows: { key: unknown }[] };
  return new Set(result.rows.map((row) => row.key));
}

/** The batch without the rows whose conflict-target value is already in the table. */
async function withoutTakenKeys(db: Db, batch: AuditedBatch, target: string): Promise<AuditedBatch> {
  const keys = batch.columns.find((c) => c.name === target);
  if (!keys) throw new Error(`The batch has no ${target} column to recognise existing rows by.`);
  const takenKeys =
    batch.takenKeys ??
    (await keysWhere(db, batch.table, target, sql`= any(${keys.literal}::${sql.raw(keys.type)}[])`));
  if (!keys.values.some((value) => takenKeys.has(value))) return batch;
  const keep = keys.values.flatMap((value, i) => (takenKeys.has(value) ? [] : [i]));
  return {
    ...batch,
    ids: keep.map((i) => batch.ids[i] as string),
    columns: batch.columns.map((c) =>
      columnOf(
        c.name,
        c.type,
        keep.map((i) => c.values[i] ?? null),
      ),
    ),
  };
}

async function insertStatement(
  db: Db,
  auditor: Auditor,
  batch: AuditedBatch,
  conflictTarget: string | null,
): Promise<Set<string>> {
  if (batch.ids.length === 0) return new Set();
  const constants = Object.entries(batch.constants ?? {});
  const columnNames = ["id", ...batch.columns.map((c) => c.name), ...constants.map(([name]) => name)];
  const arrays = sql.join(
    [
      sql`${uuidListValue(batch.ids)}::uuid[]`,
      ...batch.columns.map((c) => sql`${c.literal}::${sql.raw(c.type)}[]`),
    ],
    sql`, `,
  );
  const constantValues = constants.map(([, value]) => sql`, ${value}::uuid`);
  const conflict = conflictTarget ? sql.raw(` on conflict (${conflictTarget}) do nothing`) : sql``;
  // row_to_json writes compact JSON (json_build_object puts spaces around every colon).
  const json = sql.raw(
    `(select row_to_json(r)::text from (select ${Object.entries(batch.audited)
      .map(([field, column]) => `w.${column} as "${field}"`)
      .join(", ")}) r)`,
  );
  const studyId = batch.studyIdColumn ? sql.raw(`w.${batch.studyIdColumn}`) : sql`null::uuid`;
  // Both drivers answer raw SQL with `rows`.
  const result = (await db.execute(sql`
    with written as (
      insert into ${sql.raw(batch.table)} (${sql.raw(columnNames.join(", "))})
      select input.*${sql.join(constantValues, sql``)} from unnest(${arrays}) as input
      ${conflict}
      returning *
    ), audited as (
      insert into sandbox_audit (actor_id, actor_email, action, record_type, record_id, study_id, field, new_value, reason)
      select ${auditor.actorId}::uuid, ${auditor.actorEmail}, 'create', ${batch.recordType}, w.id, ${studyId}, '*', ${json}, ${auditor.reason}
      from written w
    )
    select id from written`)) as unknown as { rows: { id: string }[] };
  return new Set(result.rows.map((row) => row.id));
}

/** A volunteer as both bulk writers hand it over: checked, with its display id and BMI. */
export type BulkVolunteer = {
  displayId: string;
  firstName: string;
  lastName: string;
  sex: Sex;
  dateOfBirth: string;
  email: string | null;
  phone: string | null;
  region: string;
  heightCm: number;
  weightKg: number;
  bmi: number;
  smoker: boolean;
  recruitmentStatus: RecruitmentStatus;
  medicalHistory: string;
};

/**
 * Volunteers owned by the actor's organisation and created by the actor, as a batch ready to send, a
 * new id for each row, in order. With `keepExisting`, a volunteer whose display id is taken is left as
 * it is (the baseline's re-runs); without it, a taken display id fails the statement (the import
 * starts again).
 */
export function volunteerBatch(
  actor: Actor,
  rows: readonly BulkVolunteer[],
  { keepExisting, takenKeys }: { keepExisting: boolean; takenKeys?: ReadonlySet<unknown> },
): AuditedBatch {
  return {
    table: "volunteers",
    ids: rows.map(() => uuidv7()),
    columns: [
      column("display_id", "text", rows, (v) => v.displayId),
      column("first_name", "text", rows, (v) => v.firstName),
      column("last_name", "text", rows, (v) => v.lastName),
      column("sex", "text", rows, (v) => v.sex),
      column("date_of_birth", "date", rows, (v) => v.dateOfBirth),
      column("email", "text", rows, (v) => v.email),
      column("phone", "text", rows, (v) => v.phone),
      column("region", "text", rows, (v) => v.region),
      column("height_cm", "int", rows, (v) => v.heightCm),
      column("weight_kg", "real", rows, (v) => v.weightKg),
      column("bmi", "real", rows, (v) => v.bmi),
      column("smoker", "boolean", rows, (v) => v.smoker),
      column("recruitment_status", "text", rows, (v) => v.recruitmentStatus),
      column("medical_history", "text", rows, (v) => v.medicalHistory),
    ],
    constants: { organisation_id: actor.organisationId, created_by: actor.id },
    ...(keepExisting ? { conflictTarget: "display_id", ...(takenKeys ? { takenKeys } : {}) } : {}),
    recordType: "volunteer",
    // The same fields, by the same names, as a volunteer created through the service.
    audited: {
      displayId: "display_id",
      firstName: "first_name",
      lastName: "last_name",
      sex: "sex",
      dateOfBirth: "date_of_birth",
      email: "email",
      phone: "phone",
      region: "region",
      heightCm: "height_cm",
      weightKg: "weight_kg",
      bmi: "bmi",
      smoker: "smoker",
      recruitmentStatus: "recruitment_status",
      medicalHistory: "medical_history",
    },
  };
}

/**
 * Inserts volunteers (see `volunteerBatch`), each with its compact audit row; returns the id given to
 * each row, in order, and the ids actually inserted.
 */
export async function insertVolunteers(
  db: Db,
  auditor: Auditor,
  actor: Actor,
  rows: readonly BulkVolunteer[],
  options: { keepExisting: boolean },
): Promise<{ ids: string[]; inserted: Set<string> }> {
  const batch = volunteerBatch(actor, rows, options);
  return { ids: batch.ids, inserted: await insertAudited(db, auditor, batch) };
}
