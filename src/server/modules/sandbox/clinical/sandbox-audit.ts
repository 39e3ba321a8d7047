import { and, asc, eq, type SQL } from "drizzle-orm";
import type { ActorCtx, Ctx } from "../../../platform/context.js";
import { csvField } from "../../../platform/csv.js";
import { invalid } from "../../../platform/errors.js";
import { publishEvent } from "../../../platform/events/publish.js";
import { requireSandboxAccess, sandboxReaderIds } from "../access/index.js";
import { auditFieldLabel, auditNames } from "./audit-labels.js";
import { type SandboxAuditQuery, sandboxRecordsChanged } from "./contracts/audit.js";
import type { SandboxAuditView } from "./present.js";
import { sandboxAudit } from "./schema.js";

export type SandboxRecordType =
  | "study"
  | "study_epoch"
  | "study_cohort"
  | "study_event"
  | "volunteer"
  | "enrolment"
  | "pharmacy_product"
  | "pharmacy_lot"
  | "pharmacy_container"
  | "pharmacy_dispensation";
export type SandboxAuditValue = string | number | boolean | null | undefined;
export type SandboxFieldChange = { field: string; oldValue: SandboxAuditValue; newValue: SandboxAuditValue };

export type SandboxChange = {
  action: "create" | "update" | "remove";
  recordType: SandboxRecordType;
  recordId: string;
  studyId: string | null;
  /** create: every field set (old null); update: the fields that changed; remove: ignored (one row). */
  changes: SandboxFieldChange[];
  reason: string | null;
};

const asText = (value: SandboxAuditValue): string | null =>
  value === null || value === undefined ? null : String(value);

/**
 * Writes the sandbox audit trail of one change, inside the caller's transaction (so a rolled-back
 * change leaves no trail): one row per changed field, or one row for a removal. An update whose
 * fields did not change writes nothing.
 */
export async function recordSandboxChange(ctx: Ctx, change: SandboxChange): Promise<void> {
  await recordSandboxChanges(ctx, [change]);
}

/** Many changes' trails at once (seeding), in chunks, with the same rows as one call per change. */
export async function recordSandboxChanges(ctx: Ctx, changes: SandboxChange[]): Promise<void> {
  const actor = ctx.actor;
  if (!actor) throw new Error("a sandbox change needs an actor");
  const rows = changes.flatMap((change): (typeof sandboxAudit.$inferInsert)[] => {
    const base = {
      actorId: actor.id,
      actorEmail: actor.email,
      action: change.action,
      recordType: change.recordType,
      recordId: change.recordId,
      studyId: change.studyId,
      reason: change.reason,
    };
    return change.action === "remove"
      ? [{ ...base, field: null, oldValue: null, newValue: null }]
      : change.changes
          .map((c) => ({
            ...base,
            field: c.field,
            oldValue: change.action === "create" ? null : asText(c.oldValue),
            newValue: asText(c.newValue),
          }))
          .filter((row) => change.action === "create" || row.oldValue !== row.newValue)
          .filter((row) => change.action !== "create" || row.newValue !== null);
  });
  for (let i = 0; i < rows.length; i += 1000)
    await ctx.db.insert(sandboxAudit).values(rows.slice(i, i + 1000));
  if (rows.length > 0) await announceSandboxChanges(ctx, changes);
}

/** Tells the open pages of everyone the gate lets in which kinds of record changed, and in which studies. */
export async function announceSandboxChanges(
  ctx: Ctx,
  changes: readonly { recordType: SandboxRecordType; studyId: string | null }[],
): Promise<void> {
  const recordTypes = [...new Set(changes.map((change) => change.recordType))];
  const studyIds = [...new Set(changes.flatMap((change) => (change.studyId ? [change.studyId] : [])))];
  await publishEvent(
    ctx,
    sandboxRecordsChanged,
    { userIds: await sandboxReaderIds(ctx.db) },
    { recordTypes, studyIds },
  );
}

/** Every field of a new record, as audit changes (old value null). */
export const createdFields = (values: Record<string, SandboxAuditValue>): SandboxFieldChange[] =>
  Object.entries(values).map(([field, value]) => ({ field, oldValue: null, newValue: value }));

/** The fields of `after` that differ from `before`, as audit changes. */
export function diffFields<T extends Record<string, SandboxAuditValue>>(
  before: T,
  after: Partial<T>,
): SandboxFieldChange[] {
  return Object.entries(after)
    .filter(([field, value]) => value !== undefined && asText(value) !== asText(before[field]))
    .map(([field, value]) => ({ field, oldValue: before[field], newValue: value }));
}

/**
 * A record's or a study's trail, oldest first. Any sandbox user may read it (the sandbox is a shared
 * instance and so is its history); a record or a study must be named.
 */
export async function listSandboxAudit(ctx: ActorCtx, query: SandboxAuditQuery): Promise<SandboxAuditView[]> {
  await requireSandboxAccess(ctx);
  if (!query.recordId && !query.studyId)
    throw invalid({ studyId: "Name a study or a record." }, "Name a study or a record whose trail to show.");
  const conditions: SQL[] = [];
  if (query.recordType) conditions.push(eq(sandboxAudit.recordType, query.recordType));
  if (query.recordId) conditions.push(eq(sandboxAudit.recordId, query.recordId));
  if (query.studyId) conditions.push(eq(sandboxAudit.studyId, query.studyId));
  const rows = await ctx.db
    .select()
    .from(sandboxAudit)
    .where(and(...conditions))
    .orderBy(asc(sandboxAudit.id))
    .limit(10_000);
  const names = await auditNames(ctx.db, rows);
  return rows.map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    actor: { id: row.actorId, name: names.personName(row.actorId) ?? row.actorEmail, email: row.actorEmail },
    action: row.action,
    recordType: row.recordType,
    recordId: row.recordId,
    studyId: row.studyId,
    field: row.field,
    fieldLabel: auditFieldLabel(row.field),
    oldValue: row.oldValue,
    newValue: row.newValue,
    oldDisplay: names.display(row.field, row.oldValue),
    newDisplay: names.display(row.field, row.newValue),
    reason: row.reason,
  }));
}

const csvColumns = [
  "id",
  "at",
  "actor_email",
  "action",
  "record_type",
  "record_id",
  "study_id",
  "field",
  "old_value",
  "new_value",
  "reason",
] as const;

/** The trail as CSV, a header line then one line per row, CRLF-terminated. */
export function sandboxAuditCsv(entries: SandboxAuditView[]): string {
  const lines = [csvColumns.join(",")];
  for (const e of entries)
    lines.push(
      [
        e.id,
        e.at,
        e.actor.email,
        e.action,
        e.recordType,
        e.recordId,
        e.studyId,
        e.field,
        e.oldValue,
        e.newValue,
        e.reason,
      ]
        .map(csvField)
        .join(","),
    );
  return `${lines.join("\r\n")}\r\n`;
}
