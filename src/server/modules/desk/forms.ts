import { and, asc, eq, ne } from "drizzle-orm";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, inTransaction } from "../../platform/context.js";
import { type FieldErrors, invalid, notFound } from "../../platform/errors.js";
import { listStudies, passesGate } from "../sandbox/index.js";
import type { FormField, FormFieldInput, TicketFieldValue } from "./contracts/forms.js";
import type { TicketType } from "./contracts/tickets.js";
import { ticketFormFields } from "./schema.js";

type FieldRow = typeof ticketFormFields.$inferSelect;

const presentField = (row: FieldRow): FormField => ({
  id: row.id,
  ticketType: row.ticketType,
  key: row.key,
  label: row.label,
  help: row.help,
  kind: row.kind,
  options: row.options,
  required: row.required,
  position: row.position,
});

async function fieldsOf(ctx: ActorCtx, type: TicketType): Promise<FieldRow[]> {
  return ctx.db
    .select()
    .from(ticketFormFields)
    .where(eq(ticketFormFields.ticketType, type))
    .orderBy(asc(ticketFormFields.position), asc(ticketFormFields.label));
}

/**
 * The studies a study field offers: those the person may open in the development environment, which
 * is none for someone who may not enter it (not a sandbox user, agreement not accepted, a wipe running).
 */
async function studyOptions(ctx: ActorCtx): Promise<{ id: string; label: string }[]> {
  if (!(await passesGate(ctx))) return [];
  const studies = await listStudies(ctx, {});
  return studies.map((study) => ({ id: study.id, label: `${study.protocolNumber} – ${study.title}` }));
}

export async function getTicketForm(ctx: ActorCtx, type: TicketType) {
  const fields = await fieldsOf(ctx, type);
  const studies = fields.some((field) => field.kind === "study") ? await studyOptions(ctx) : [];
  return { fields: fields.map(presentField), studies };
}

function checkDefinition(input: FormFieldInput): void {
  if (input.kind === "choice" && input.options.length < 2) {
    throw invalid({ options: "A choice field needs at least two options." });
  }
  if (input.kind !== "choice" && input.options.length > 0) {
    throw invalid({ options: "Only a choice field has options." });
  }
}

async function checkKeyFree(ctx: ActorCtx, type: TicketType, key: string, exceptId?: string) {
  const [taken] = await ctx.db
    .select({ id: ticketFormFields.id })
    .from(ticketFormFields)
    .where(
      and(
        eq(ticketFormFields.ticketType, type),
        eq(ticketFormFields.key, key),
        exceptId ? ne(ticketFormFields.id, exceptId) : undefined,
      ),
    );
  if (taken) throw invalid({ key: "This ticket type already has a field with this key." });
}

export async function addFormField(
  ctx: ActorCtx,
  type: TicketType,
  input: FormFieldInput,
): Promise<FormField> {
  checkDefinition(input);
  return inTransaction(ctx, async (tx) => {
    await checkKeyFree(tx, type, input.key);
    const [row] = await tx.db
      .insert(ticketFormFields)
      .values({ ...input, ticketType: type })
      .returning();
    if (!row) throw new Error("form field row was not written");
    await recordAudit(tx, {
      action: "desk.form_field_added",
      targetType: "desk_form_field",
      targetId: row.id,
    });
    return presentField(row);
  });
}

export async function updateFormField(ctx: ActorCtx, id: string, input: FormFieldInput): Promise<FormField> {
  checkDefinition(input);
  return inTransaction(ctx, async (tx) => {
    const [existing] = await tx.db.select().from(ticketFormFields).where(eq(ticketFormFields.id, id));
    if (!existing) throw notFound("The field");
    await checkKeyFree(tx, existing.ticketType, input.key, id);
    const [row] = await tx.db
      .update(ticketFormFields)
      .set(input)
      .where(eq(ticketFormFields.id, id))
      .returning();
    if (!row) throw notFound("The field");
    await recordAudit(tx, { action: "desk.form_field_changed", targetType: "desk_form_field", targetId: id });
    return presentField(row);
  });
}

export async function removeFormField(ctx: ActorCtx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const [row] = await tx.db.delete(ticketFormFields).where(eq(ticketFormFields.id, id)).returning();
    if (!row) throw notFound("The field");
    await recordAudit(tx, { action: "desk.form_field_removed", targetType: "desk_form_field", targetId: id });
  });
}

const isDate = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/**
 * A new ticket's custom field values checked against its type's form, every problem named
 * `fields.<key>`; what the ticket keeps is each value with its label (and a study's name), so the
 * ticket reads the same after the form changes.
 */
export async function checkTicketFields(
  ctx: ActorCtx,
  type: TicketType,
  values: Record<string, string>,
): Promise<TicketFieldValue[]> {
  const fields = await fieldsOf(ctx, type);
  const problems: FieldErrors = {};
  for (const key of Object.keys(values)) {
    if (!fields.some((field) => field.key === key))
      problems[`fields.${key}`] = "This ticket type has no such field.";
  }
  const studies = fields.some((field) => field.kind === "study") ? await studyOptions(ctx) : [];
  const kept: TicketFieldValue[] = [];
  for (const field of fields) {
    const value = values[field.key]?.trim() ?? "";
    const name = `fields.${field.key}`;
    if (!value) {
      if (field.required) problems[name] = `Fill in ${field.label}.`;
      continue;
    }
    let display = value;
    if (field.kind === "choice" && !field.options.includes(value)) {
      problems[name] = `Choose one of: ${field.options.join(", ")}.`;
    } else if (field.kind === "date" && !isDate(value)) {
      problems[name] = "Enter a date as YYYY-MM-DD.";
    } else if (field.kind === "study") {
      const study = studies.find((option) => option.id === value);
      if (study) display = study.label;
      else problems[name] = "Choose a study you can open in the development environment.";
    }
    kept.push({ key: field.key, label: field.label, kind: field.kind, value, display });
  }
  if (Object.keys(problems).length > 0) throw invalid(problems);
  return kept;
}
