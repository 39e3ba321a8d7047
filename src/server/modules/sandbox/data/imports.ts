/**
 * The obfuscating CSV import of volunteers, shared by `convene sandbox import`
 * and POST /api/sandbox/imports.
 *
 * Two steps, so the HTTP route can refuse a bad file with an ordinary 4xx before it starts streaming
 * progress: {@link prepareVolunteerImport} checks who is importing, that the file is UTF-8 CSV and
 * that every column is known; {@link PreparedImport.run} checks every row (parse, Safe Harbor
 * obfuscation in obfuscate.ts, then the same PHI guard and validation as a volunteer typed into the
 * form) and writes the valid ones in one transaction, or none when any row is refused and
 * `skipInvalid` is off. Either way the run and its report are recorded in `volunteer_imports`.
 *
 * The write is the baseline's set-based volunteer insert (bulk-write.ts): a statement per 10,000
 * volunteers, each with one compact audit row (the record's values as JSON, reason "Imported from
 * <file>") rather than one row per field.
 */

import { and, desc, eq } from "drizzle-orm";
import type { Config } from "../../../config.js";
import { type Actor, type ActorCtx, type Ctx, inTransaction } from "../../../platform/context.js";
import { isUniqueViolation } from "../../../platform/db-errors.js";
import { AppError, invalid, notFound } from "../../../platform/errors.js";
import { dataDirSecret } from "../../../platform/secrets.js";
import { peopleByIds } from "../../accounts/index.js";
import {
  announceSandboxChanges,
  assertWriter,
  displayIdOf,
  highestDisplayNumber,
  newValues,
  type Sex,
  todayIso,
  type VolunteerInput,
} from "../clinical/index.js";
import { BULK_BATCH, insertVolunteers } from "./bulk-write.js";
import type { ImportStatus } from "./contracts/imports.js";
import {
  type IdentifyingFields,
  IMPORT_COLUMNS,
  type ImportColumn,
  isIsoDate,
  obfuscateIdentity,
  readHeader,
} from "./obfuscate.js";
import {
  type ImportReportEntry,
  presentVolunteerImport,
  type VolunteerImportRow,
  type VolunteerImportView,
} from "./present.js";
import { volunteerImports } from "./schema.js";

/** The largest CSV the upload accepts (50,000 volunteers are about 10 MB). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** Rows checked between progress reports (and between yields to the event loop). */
const CHECK_STEP = 250;

export type ImportProgress = { phase: "checking" | "writing"; done: number; total: number };
/** The uploaded CSV: a received file, less the content type the route has already judged. */
export type ImportFile = { filename: string; data: Buffer };
export type ImportOptions = { skipInvalid?: boolean | undefined };

// ---------------------------------------------------------------------------------------------------
// The instance secret
// ---------------------------------------------------------------------------------------------------

const SECRET_FILE = "sandbox-pseudonym.secret";

/**
 * The key of the pseudonyms and date shifts: SANDBOX_PSEUDONYM_SECRET, or else a random one made on
 * first use and kept in DATA_DIR (mode 600), so the same person gets the same pseudonym in every
 * import of this installation. Nodes that share a database must share the secret (or DATA_DIR).
 */
export async function pseudonymSecret(config: Config): Promise<string> {
  return config.sandboxPseudonymSecret ?? dataDirSecret(config.dataDir, SECRET_FILE);
}

// ---------------------------------------------------------------------------------------------------
// CSV (RFC 4180)
// ---------------------------------------------------------------------------------------------------

export type CsvRecord = { line: number; cells: string[] };
export type CsvProblem = { line: number; reason: string };

/**
 * Records of RFC 4180 text: comma-separated, `"` quoting with `""` for a quote, CRLF or LF line
 * ends, line breaks inside quoted values. `line` is the physical line a record starts on (1 = the
 * header). A record with an unclosed quote, or text after a closing quote, is reported by its line
 * and skipped: parsing resumes on the next physical line. Empty lines are skipped.
 */
export function parseCsv(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = i;
    const startLine = line;
    const cells: string[] = [];
    let problem: string | null = null;
    for (;;) {
      let cell: string;
      if (text[i] === '"') {
        const parts: string[] = [];
        let from = i + 1;
        let closed = false;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) break;
          parts.push(text.slice(from, quote));
          if (text[quote + 1] === '"') {
            parts.push('"');
            from = quote + 2;
            continue;
          }
          from = quote + 1;
          closed = true;
          break;
        }
        if (!closed) {
          problem = 'A quoted value is not closed (a " without its closing ").';
          break;
        }
        cell = parts.join("");
        for (const part of parts) for (const ch of part) if (ch === "\n") line++;
        i = from;
        const next = text[i];
        if (i < n && next !== "," && next !== "\n" && next !== "\r") {
          problem = 'Text follows a closing quote; write a quote inside a quoted value as "".';
          break;
        }
      } else {
        let end = i;
        while (end < n && text[end] !== "," && text[end] !== "\n" && text[end] !== "\r") end++;
        cell = text.slice(i, end);
        i = end;
      }
      cells.push(cell);
      if (i >= n) break;
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      line++;
      break;
    }
    if (problem !== null) {
      problems.push({ line: startLine, reason: problem });
      const next = text.indexOf("\n", start);
      i = next === -1 ? n : next + 1;
      line = startLine + 1;
      continue;
    }
    if (cells.length === 1 && cells[0] === "") continue;
    records.push({ line: startLine, cells });
  }
  return { records, problems };
}

/** The file as text: UTF-8 (a byte-order mark is dropped), not binary. */
function decodeCsv(data: Buffer): string {
  const refuse = (message: string) => invalid({ file: message }, message);
  if (data.length === 0) throw refuse("The file is empty; it needs a header row and at least one volunteer.");
  if (data.includes(0)) throw refuse("This is not a CSV file (it contains binary data).");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    throw refuse("The file is not UTF-8 text; save it as CSV UTF-8.");
  }
}

// ---------------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------------

/** The volunteer field each CSV column ends up in, to name refusals by the column the file has. */
const columnOfField: Readonly<Record<string, ImportColumn>> = {
  firstName: "first_name",
  lastName: "last_name",
  sex: "sex",
  dateOfBirth: "date_of_birth",
  email: "email",
  phone: "phone",
  region: "region",
  heightCm: "height_cm",
  weightKg: "weight_kg",
  smoker: "smoker",
  recruitmentStatus: "recruitment_status",
  medicalHistory: "medical_history",
};

const SEXES: Readonly<Record<string, Sex>> = { f: "female", female: "female", m: "male", male: "male" };
const YES = new Set(["yes", "y", "true", "1"]);
const NO = new Set(["no", "n", "false", "0", ""]);

type RowCheck = { values: ReturnType<typeof newValues> } | { problems: ImportReportEntry[] };

/** One record: read its cells, obfuscate the identifying ones, then the volunteer rules. */
function checkRow(
  actor: Actor,
  secret: string,
  columns: (ImportColumn | null)[],
  record: CsvRecord,
  today: string,
): RowCheck {
  const { line } = record;
  if (record.cells.length !== columns.length)
    return {
      problems: [
        {
          line,
          field: null,
          reason: `Expected ${columns.length} values (one per column), found ${record.cells.length}.`,
        },
      ],
    };
  const cell = (column: ImportColumn) => {
    const at = columns.indexOf(column);
    return at === -1 ? "" : (record.cells[at] ?? "").trim();
  };
  const problems: ImportReportEntry[] = [];
  const refuse = (field: ImportColumn, reason: string) => problems.push({ line, field, reason });

  const required = (column: ImportColumn, reason: string) => {
    const value = cell(column);
    if (!value) refuse(column, reason);
    return value;
  };
  const firstName = required("first_name", "Enter a first name.");
  const lastName = required("last_name", "Enter a last name.");
  const sex = SEXES[cell("sex").toLowerCase()];
  if (!sex) refuse("sex", "Use female or male (or F / M).");
  const dateOfBirth = required("date_of_birth", "Enter the date of birth as YYYY-MM-DD.");
  if (dateOfBirth && !isIsoDate(dateOfBirth))
    refuse("date_of_birth", "Enter the date of birth as YYYY-MM-DD (a date that exists).");
  const number = (column: ImportColumn, reason: string) => {
    const value = cell(column);
    const parsed = Number(value);
    if (!value || !Number.isFinite(parsed)) refuse(column, reason);
    return parsed;
  };
  const heightCm = number("height_cm", "Enter the height in whole centimetres.");
  const weightKg = number("weight_kg", "Enter the weight in kg.");
  const smokerText = cell("smoker").toLowerCase();
  if (!YES.has(smokerText) && !NO.has(smokerText)) refuse("smoker", "Use yes or no.");
  if (problems.length > 0 || !sex) return { problems };

  const source: IdentifyingFields = {
    firstName,
    lastName,
    sex,
    dateOfBirth,
    email: cell("email"),
    phone: cell("phone"),
    zip: cell("zip"),
    region: cell("region"),
  };
  const obfuscated = obfuscateIdentity(secret, source, today);
  if ("problems" in obfuscated)
    return { problems: obfuscated.problems.map(({ column, reason }) => ({ line, field: column, reason })) };

  const input: VolunteerInput = {
    ...obfuscated.fields,
    sex,
    heightCm,
    weightKg,
    smoker: YES.has(smokerText),
    recruitmentStatus: (cell("recruitment_status").toLowerCase() ||
      undefined) as VolunteerInput["recruitmentStatus"],
    medicalHistory: cell("medical_history"),
  };
  try {
    return { values: newValues(actor, input, today) };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "validation") throw error;
    return {
      problems: Object.entries(error.fields ?? {}).map(([field, reason]) => {
        const column = columnOfField[field] ?? field;
        // The guard names the field by its API name; the person reading the report knows the column.
        return { line, field: column, reason: reason.replaceAll(`"${field}"`, `"${column}"`) };
      }),
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------------

export type PreparedImport = {
  filename: string;
  /** Data records in the file, malformed ones included. */
  rowsRead: number;
  /** Checks and writes; resolves with the recorded run, whether it completed or failed. */
  run: (onProgress?: (progress: ImportProgress) => void) => Promise<VolunteerImportView>;
};

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Checks the importer (gate, then staff, study coordinators and recruiters), that the file is UTF-8
 * CSV with a header, and that every column is accepted or a dropped identifier (400 naming any other,
 * so nothing unexpected is silently kept); then hands back the run.
 */
export async function prepareVolunteerImport(
  ctx: ActorCtx,
  file: ImportFile,
  options: ImportOptions = {},
): Promise<PreparedImport> {
  const { actor } = ctx;
  await assertWriter(ctx);
  const { records, problems: malformed } = parseCsv(decodeCsv(file.data));
  const header = records[0];
  if (header?.line !== 1 || malformed.some((problem) => problem.line === 1))
    throw invalid(
      { file: "The first line must be the header row, naming the columns." },
      "The header row is missing or malformed.",
    );
  const layout = readHeader(header.cells);
  const headerProblem = (message: string) => invalid({ file: message }, message);
  if (layout.unknown.length > 0)
    throw headerProblem(
      `Unknown column${layout.unknown.length > 1 ? "s" : ""} ${layout.unknown.map((c) => `"${c}"`).join(", ")}: the import reads ${IMPORT_COLUMNS.join(", ")} and drops known identifier columns. Remove or rename the column.`,
    );
  if (layout.duplicated.length > 0)
    throw headerProblem(`The column "${layout.duplicated[0]}" appears twice.`);
  if (layout.missing.length > 0)
    throw headerProblem(`The file has no ${layout.missing.map((c) => `"${c}"`).join(", ")} column.`);

  const rows = records.slice(1);
  const rowsRead = rows.length + malformed.length;
  if (rowsRead === 0) throw headerProblem("The file has a header row but no volunteers.");
  const skipInvalid = options.skipInvalid ?? false;

  const record = async (
    db: Ctx["db"],
    run: {
      status: ImportStatus;
      imported: number;
      refused: number;
      report: ImportReportEntry[];
      startedAt: Date;
    },
  ): Promise<VolunteerImportRow> => {
    const [written] = await db
      .insert(volunteerImports)
      .values({ filename: file.filename, skipInvalid, rowsRead, createdBy: actor.id, ...run })
      .returning();
    if (!written) throw new Error("the import was not recorded");
    return written;
  };

  const run = async (onProgress: (progress: ImportProgress) => void = () => {}) => {
    const startedAt = new Date();
    const today = todayIso();
    const secret = await pseudonymSecret(ctx.config);
    const report: ImportReportEntry[] = malformed.map(({ line, reason }) => ({ line, field: null, reason }));
    const valid: ReturnType<typeof newValues>[] = [];
    onProgress({ phase: "checking", done: 0, total: rows.length });
    for (const [index, row] of rows.entries()) {
      const checked = checkRow(actor, secret, layout.columns, row, today);
      if ("values" in checked) valid.push(checked.values);
      else report.push(...checked.problems);
      const done = index + 1;
      if (done % CHECK_STEP === 0 || done === rows.length) {
        onProgress({ phase: "checking", done, total: rows.length });
        // Checking is CPU work: let other requests (and this one's progress lines) through.
        await yieldToEventLoop();
      }
    }
    report.sort((a, b) => a.line - b.line);
    const refused = rowsRead - valid.length;

    if (refused > 0 && !skipInvalid) {
      const row = await record(ctx.db, { status: "failed", imported: 0, refused, report, startedAt });
      return presentVolunteerImport(row, { id: actor.id, name: actor.name });
    }

    const auditor = { actorId: actor.id, actorEmail: actor.email, reason: `Imported from ${file.filename}` };
    // Display ids continue after the highest in use; a volunteer added meanwhile can take one of
    // them, which fails the insert: start again from the new highest.
    for (let attempt = 1; ; attempt++) {
      try {
        const row = await inTransaction(ctx, async (tx) => {
          const first = (await highestDisplayNumber(tx.db)) + 1;
          onProgress({ phase: "writing", done: 0, total: valid.length });
          for (let i = 0; i < valid.length; i += BULK_BATCH) {
            const batch = valid
              .slice(i, i + BULK_BATCH)
              .map((values, j) => ({ ...values, displayId: displayIdOf(first + i + j) }));
            await insertVolunteers(tx.db, auditor, actor, batch, { keepExisting: false });
            onProgress({ phase: "writing", done: i + batch.length, total: valid.length });
          }
          // The bulk writer keeps its own compact trail; the others' volunteer lists hear of it here.
          if (valid.length > 0)
            await announceSandboxChanges(tx, [{ recordType: "volunteer", studyId: null }]);
          return record(tx.db, { status: "completed", imported: valid.length, refused, report, startedAt });
        });
        return presentVolunteerImport(row, { id: actor.id, name: actor.name });
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
  };

  return { filename: file.filename, rowsRead, run };
}

/**
 * Calls `emit` with at most one progress report per 2% of a phase or per 250 ms, whichever comes
 * first, and always with the first and last report of each phase.
 */
export function throttleProgress(
  emit: (progress: ImportProgress) => void,
  { step = 0.02, intervalMs = 250 } = {},
): (progress: ImportProgress) => void {
  let last: ImportProgress | null = null;
  let lastAt = 0;
  return (progress) => {
    const now = Date.now();
    const due =
      last === null ||
      last.phase !== progress.phase ||
      progress.done === progress.total ||
      progress.done - last.done >= progress.total * step ||
      now - lastAt >= intervalMs;
    if (!due) return;
    last = progress;
    lastAt = now;
    emit(progress);
  };
}

// ---------------------------------------------------------------------------------------------------
// Reading runs
// ---------------------------------------------------------------------------------------------------

const LIST_LIMIT = 100;

async function withCreators(ctx: Ctx, rows: VolunteerImportRow[]): Promise<VolunteerImportView[]> {
  const people = await peopleByIds(
    ctx.db,
    rows.map((row) => row.createdBy),
  );
  return rows.map((row) =>
    presentVolunteerImport(row, { id: row.createdBy, name: people.get(row.createdBy)?.name ?? "(unknown)" }),
  );
}

/**
 * Imports, newest first (the latest 100). Only those who may import read them: staff every import,
 * anyone else the ones they ran, since a report describes the importer's own source file.
 */
export async function listVolunteerImports(ctx: ActorCtx): Promise<VolunteerImportView[]> {
  const { actor } = ctx;
  const role = await assertWriter(ctx);
  const rows = await ctx.db
    .select()
    .from(volunteerImports)
    .where(role === "staff" ? undefined : eq(volunteerImports.createdBy, actor.id))
    .orderBy(desc(volunteerImports.startedAt), desc(volunteerImports.id))
    .limit(LIST_LIMIT);
  return withCreators(ctx, rows);
}

/** One import; someone else's is 404 to anyone but staff. */
export async function getVolunteerImport(ctx: ActorCtx, id: string): Promise<VolunteerImportView> {
  const { actor } = ctx;
  const role = await assertWriter(ctx);
  const [row] = await ctx.db
    .select()
    .from(volunteerImports)
    .where(
      and(
        eq(volunteerImports.id, id),
        role === "staff" ? undefined : eq(volunteerImports.createdBy, actor.id),
      ),
    );
  if (!row) throw notFound("The import");
  return (await withCreators(ctx, [row]))[0] as VolunteerImportView;
}
