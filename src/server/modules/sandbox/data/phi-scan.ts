/**
 * The sandbox's PHI guard over a whole export, for the vendor to check a volunteer export of its real
 * product before or after a refresh: `convene phi scan <file>` and POST /api/admin/sandbox/phi-scan.
 *
 * Design:
 * - The guard is the one volunteer writes pass ({@link guardRecord}): a finding here is a value a
 *   volunteer form, the API or the CSV import would refuse. Each record goes through it whole, so its
 *   field-name rules (an `ssn` or `mrn` column) and its walk of nested JSON apply as they do there.
 * - What the guard takes a field for (an e-mail, a phone number, a postcode…) comes from the field's
 *   name: the volunteer API's own names first ({@link guardKinds}), then the words of the name, so
 *   `Mobile Phone`, `contact.phone` and `phone_number` are all phone fields.
 * - Streamed: the file is read a chunk at a time, records are guarded as they complete, and only
 *   counts and the first {@link PHI_SCAN_EXAMPLES_PER_FIELD} findings of each field are kept, so the
 *   memory a scan takes follows the file's fields, not its rows. Neither CSV nor JSON is held whole.
 * - Values are never copied into the report nor into an error: an example is masked (first and last
 *   character), and a file that cannot be read is refused by line or record number only.
 * - In this thread, record by record like the CSV import: the guard's worker threads answer with the
 *   first refused record of a batch, while a scan wants every finding.
 */
import { type AppError, invalid } from "../../../platform/errors.js";
import { guardKinds } from "../clinical/index.js";
import { type FieldKind, guardRecord } from "../shared/phi-guard.js";
import {
  PHI_SCAN_EXAMPLES_PER_FIELD,
  type PhiScanExample,
  type PhiScanField,
  type PhiScanFormat,
  type PhiScanReport,
} from "./contracts/phi-scan.js";

export type PhiScanSource = {
  /** The file's name: `.csv` or `.json` says its format; otherwise its content type, then its content. */
  filename: string;
  contentType?: string | undefined;
  chunks: AsyncIterable<Uint8Array>;
};

export type PhiScanProgress = { rows: number; bytes: number };
export type PhiScanOptions = { onProgress?: (progress: PhiScanProgress) => void };

/** A CSV record or JSON element longer than this is refused: it is an unclosed quote, not a volunteer. */
const MAX_RECORD_CHARS = 1_000_000;
const MASK = "•";
/** Shorter values are masked whole: their first and last character would be most of them. */
const MIN_SHOWN_LENGTH = 5;
/** A long free text keeps its first and last character and at most this many •. */
const MOST_MASKED = 30;

const refuse = (message: string) => invalid({ file: message }, message);

// ---------------------------------------------------------------------------------------------------
// Masking and the fields' kinds
// ---------------------------------------------------------------------------------------------------

/** `jane.doe@gmail.com` becomes `j••••••••••••••••m`: enough to find the row, never the value. */
function maskValue(value: string): string {
  const characters = Array.from(value.trim());
  if (characters.length < MIN_SHOWN_LENGTH) return MASK.repeat(Math.max(characters.length, 1));
  const hidden = Math.min(characters.length - 2, MOST_MASKED);
  return `${characters[0]}${MASK.repeat(hidden)}${characters[characters.length - 1]}`;
}

/** `Mobile Phone`, `mobilePhone` and `contacts[0].mobile_phone` hold the words mobile and phone. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const KINDS_BY_WORD: readonly (readonly [FieldKind, ReadonlySet<string>])[] = [
  ["email", new Set(["email", "mail"])],
  ["phone", new Set(["phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "landline"])],
  ["postcode", new Set(["zip", "zipcode", "postcode", "postal", "plz"])],
  ["date", new Set(["dob", "date", "birthdate", "birthday"])],
  ["name", new Set(["name", "surname", "forename", "firstname", "lastname", "fullname", "givenname"])],
  ["identifier", new Set(["id", "uuid", "guid"])],
];

/** What the guard takes a field for: the volunteer API's own names as the form declares them, else by its words. */
function fieldKindOf(name: string): FieldKind {
  if (Object.hasOwn(guardKinds, name)) return guardKinds[name] as FieldKind;
  const words = wordsOf(name);
  for (const [kind, names] of KINDS_BY_WORD) if (words.some((word) => names.has(word))) return kind;
  return "free_text";
}

/**
 * The kinds as the guard reads them, nested paths included (it asks `kinds["contact.phone"]`): each
 * path is classified when first asked, array positions aside.
 */
function kindsByName(): Record<string, FieldKind> {
  const known = new Map<string, FieldKind>();
  return new Proxy({} as Record<string, FieldKind>, {
    get(_target, key) {
      if (typeof key !== "string") return undefined;
      const path = key.replace(/\[\d+\]/g, "[]");
      let kind = known.get(path);
      if (!kind) {
        kind = fieldKindOf(path);
        known.set(path, kind);
      }
      return kind;
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// The tally: counts and the first findings of each field
// ---------------------------------------------------------------------------------------------------

type FieldTally = { findings: number; categories: Map<string, number>; examples: PhiScanExample[] };

/** The value a finding's path names in the record (`contacts[0].phone`), or undefined when it cannot be told. */
function valueAt(record: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(record, path)) return record[path];
  let current: unknown = record;
  for (const [, key, index] of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key ?? index ?? ""];
  }
  return current;
}

class PhiTally {
  rows = 0;
  private findings = 0;
  /** Top-level fields in the order the file first names them. */
  private readonly fieldOrder = new Map<string, number>();
  private readonly byField = new Map<string, FieldTally>();
  private readonly kinds = kindsByName();

  addField(name: string): void {
    if (!this.fieldOrder.has(name)) this.fieldOrder.set(name, this.fieldOrder.size);
  }

  scan(record: Record<string, unknown>): void {
    this.rows++;
    for (const name of Object.keys(record)) this.addField(name);
    for (const found of guardRecord(record, this.kinds)) {
      this.findings++;
      // Every element of a list is one field of the export: `phones[]`, not `phones[0]` and `phones[1]`.
      const field = found.field.replace(/\[\d+\]/g, "[]");
      let tally = this.byField.get(field);
      if (!tally) {
        tally = { findings: 0, categories: new Map(), examples: [] };
        this.byField.set(field, tally);
      }
      tally.findings++;
      tally.categories.set(found.rule, (tally.categories.get(found.rule) ?? 0) + 1);
      if (tally.examples.length < PHI_SCAN_EXAMPLES_PER_FIELD) {
        const value = valueAt(record, found.field);
        tally.examples.push({
          row: this.rows,
          category: found.rule,
          masked: maskValue(value === undefined || value === null ? "" : String(value)),
        });
      }
    }
  }

  private position(field: string): number {
    return (
      this.fieldOrder.get(field) ??
      this.fieldOrder.get(field.split(/[.[]/, 1)[0] ?? "") ??
      this.fieldOrder.size
    );
  }

  report(format: PhiScanFormat): PhiScanReport {
    const fields: PhiScanField[] = [...this.byField.entries()]
      .sort(([a], [b]) => this.position(a) - this.position(b) || a.localeCompare(b))
      .map(([field, tally]) => ({
        field,
        findings: tally.findings,
        categories: [...tally.categories.entries()]
          .sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b))
          .map(([category, count]) => ({ category, count })),
        examples: tally.examples,
      }));
    return {
      format,
      rowsScanned: this.rows,
      fieldsScanned: this.fieldOrder.size,
      findings: this.findings,
      fields,
      clean: this.findings === 0,
    };
  }
}

// ---------------------------------------------------------------------------------------------------
// CSV, a chunk at a time (RFC 4180, as the volunteer import reads it)
// ---------------------------------------------------------------------------------------------------

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/** A cell of the first line that is a value, not a column's name: a number, a date, an address. */
const LOOKS_LIKE_DATA = /^[-+(]?\d[\d\s().,/:+-]*$|@/;

/**
 * RFC 4180 records from text that arrives in pieces: comma-separated, `"` quoting with `""` for a
 * quote, CRLF, LF or CR line ends, line breaks inside quoted values; empty lines are skipped. The same
 * reading as the volunteer import's `parseCsv`, except that a malformed record refuses the file: a
 * scan that skipped it could call a file clean without having read it.
 */
class CsvRecords {
  private cells: string[] = [];
  private cell = "";
  private state: "cell" | "unquoted" | "quoted" | "quote" | "cr" = "cell";
  private line = 1;
  private recordLine = 1;
  private recordChars = 0;

  constructor(private readonly onRecord: (cells: string[], line: number) => void) {}

  push(text: string): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case "cr":
          // CRLF is one line end; a lone CR is one too.
          if (text.charCodeAt(i) === LF) i++;
          this.state = "cell";
          break;
        case "cell":
          if (text.charCodeAt(i) === QUOTE) {
            this.state = "quoted";
            i++;
          } else this.state = "unquoted";
          break;
        case "unquoted": {
          let end = i;
          while (end < n) {
            const code = text.charCodeAt(end);
            if (code === COMMA || code === CR || code === LF) break;
            end++;
          }
          this.append(text.slice(i, end));
          i = end < n ? this.endCell(text.charCodeAt(end), end) : n;
          break;
        }
        case "quoted": {
          const quote = text.indexOf('"', i);
          const end = quote === -1 ? n : quote;
          const piece = text.slice(i, end);
          for (let at = piece.indexOf("\n"); at !== -1; at = piece.indexOf("\n", at + 1)) this.line++;
          this.append(piece);
          if (quote === -1) i = n;
          else {
            this.state = "quote";
            i = quote + 1;
          }
          break;
        }
        case "quote": {
          const code = text.charCodeAt(i);
          if (code === QUOTE) {
            this.append('"');
            this.state = "quoted";
            i++;
          } else if (code === COMMA || code === CR || code === LF) i = this.endCell(code, i);
          else
            throw refuse(
              `Line ${this.recordLine}: text follows a closing quote; a quote inside a quoted value is written "".`,
            );
          break;
        }
      }
    }
  }

  /** The text ended: the last record needs no line end, but a quoted value must be closed. */
  end(): void {
    if (this.state === "quoted")
      throw refuse(`Line ${this.recordLine}: a quoted value is not closed (a " without its closing ").`);
    if (this.state === "unquoted" || this.state === "quote" || this.cells.length > 0) this.endRecord();
  }

  private append(piece: string): void {
    this.recordChars += piece.length;
    if (this.recordChars > MAX_RECORD_CHARS)
      throw refuse(
        `Line ${this.recordLine}: the record is longer than a million characters; is a quote left open?`,
      );
    this.cell += piece;
  }

  /** At a comma or a line end (`code`, at `index`); answers where reading goes on. */
  private endCell(code: number, index: number): number {
    if (code === COMMA) {
      this.cells.push(this.cell);
      this.cell = "";
      this.state = "cell";
      return index + 1;
    }
    this.endRecord();
    this.line++;
    this.recordLine = this.line;
    this.state = code === CR ? "cr" : "cell";
    return index + 1;
  }

  private endRecord(): void {
    this.cells.push(this.cell);
    const cells = this.cells;
    this.cells = [];
    this.cell = "";
    this.recordChars = 0;
    if (cells.length === 1 && cells[0] === "") return;
    this.onRecord(cells, this.recordLine);
  }
}

/** Column names from the header row: blank ones by position, a repeated one with its position. */
function columnsOf(cells: readonly string[], line: number): string[] {
  if (line !== 1) throw refuse("The first line must be the header row, naming the columns; it is empty.");
  const names: string[] = [];
  cells.forEach((cell, index) => {
    const name = cell.trim();
    if (LOOKS_LIKE_DATA.test(name))
      throw refuse(
        `The first line must be the header row, naming the columns: column ${index + 1} of it holds a value (a number, a date or an address), not a name.`,
      );
    const named = name || `column ${index + 1}`;
    names.push(names.includes(named) ? `${named} (column ${index + 1})` : named);
  });
  return names;
}

// ---------------------------------------------------------------------------------------------------
// JSON, a record at a time
// ---------------------------------------------------------------------------------------------------

const NOT_RECORDS =
  'The JSON must be an array of records, or an object holding one (such as {"volunteers": [...]}).';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isWhitespace = (code: number) => code === 32 || code === LF || code === CR || code === 9;

/**
 * One JSON value's text, gathered across pieces until it is complete: a string to its closing quote,
 * an object or array to its closing bracket (strings inside counted out), a number or literal to the
 * next delimiter. The value itself is then read by JSON.parse.
 */
class JsonValueText {
  private readonly pieces: string[] = [];
  private length = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private readonly kind: "string" | "container" | "scalar";

  constructor(first: number) {
    this.kind = first === QUOTE ? "string" : first === 123 || first === 91 ? "container" : "scalar";
  }

  /** Reads from `start`; answers where the value ended in `text` (exclusive), or -1 when it goes on. */
  feed(text: string, start: number, tooLong: () => AppError): number {
    const n = text.length;
    let i = start;
    let end = -1;
    if (this.kind === "scalar") {
      while (i < n && !/[\s,\]}]/.test(text[i] ?? "")) i++;
      if (i < n) end = i;
    } else {
      for (; i < n; i++) {
        const code = text.charCodeAt(i);
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (code === 92) this.escaped = true;
          else if (code === QUOTE) {
            this.inString = false;
            if (this.kind === "string") {
              end = i + 1;
              break;
            }
          }
        } else if (code === QUOTE) this.inString = true;
        else if (code === 123 || code === 91) this.depth++;
        else if (code === 125 || code === 93) {
          this.depth--;
          if (this.depth === 0) {
            end = i + 1;
            break;
          }
        }
      }
    }
    const piece = text.slice(start, end === -1 ? n : end);
    this.length += piece.length;
    if (this.length > MAX_RECORD_CHARS) throw tooLong();
    this.pieces.push(piece);
    return end;
  }

  /** The value, or undefined when its text is not JSON. */
  value(): unknown {
    try {
      return JSON.parse(this.pieces.join(""));
    } catch {
      return undefined;
    }
  }
}

type JsonExpectation =
  | "document"
  | "element-or-end"
  | "element"
  | "comma-or-array-end"
  | "key-or-object-end"
  | "key"
  | "colon"
  | "member"
  | "comma-or-object-end"
  | "nothing";

/**
 * The records of a JSON document that arrives in pieces: the elements of a top-level array, or of the
 * one array of objects in a top-level object (`{"exportedAt": "…", "volunteers": [...]}`; its other
 * members, lists of plain values included, are read and passed over). Each element is parsed alone, so
 * the document is never held whole.
 */
class JsonRecords {
  private expect: JsonExpectation = "document";
  private inObject = false;
  private key = "";
  /** What the array being read holds: records, plain values (an object's other lists), or not yet known. */
  private arrayHolds: "records" | "values" | "unknown" = "records";
  private recordsKey: string | null = null;
  /** An empty list in the object: the records' array, with no records in it, when no other holds any. */
  private emptyArrayKey: string | null = null;
  private value: { text: JsonValueText; role: "element" | "key" | "member"; at: number } | null = null;
  private consumed = 0;
  records = 0;

  constructor(private readonly onRecord: (record: Record<string, unknown>) => void) {}

  push(text: string): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (this.value) {
        const end = this.value.text.feed(text, i, () =>
          refuse(`The JSON value at character ${this.value?.at} is longer than a million characters.`),
        );
        if (end === -1) break;
        i = end;
        this.completeValue();
        continue;
      }
      const code = text.charCodeAt(i);
      if (isWhitespace(code)) {
        i++;
        continue;
      }
      this.structure(code, this.consumed + i);
      // A value starts on its first character: the character is read again as the value's own.
      if (!this.value) i++;
    }
    this.consumed += n;
  }

  end(): void {
    if (this.expect !== "nothing") throw refuse("The JSON ends before it is complete: is the file cut off?");
    if (this.inObject && this.recordsKey === null)
      throw refuse(
        this.emptyArrayKey === null
          ? NOT_RECORDS
          : `The file holds no records: its array "${this.emptyArrayKey}" is empty.`,
      );
  }

  private malformed(at: number): AppError {
    return refuse(`The file is not valid JSON: unexpected text at character ${at + 1}.`);
  }

  private startValue(code: number, role: "element" | "key" | "member", at: number): void {
    this.value = { text: new JsonValueText(code), role, at: at + 1 };
  }

  /** A character between values: brackets, commas and colons, or the start of a value. */
  private structure(code: number, at: number): void {
    switch (this.expect) {
      case "document":
        if (code === 91) this.expect = "element-or-end";
        else if (code === 123) {
          this.inObject = true;
          this.expect = "key-or-object-end";
        } else throw refuse(NOT_RECORDS);
        break;
      case "element-or-end":
        if (code === 93) this.endArray();
        else this.startValue(code, "element", at);
        break;
      case "element":
        if (code === 93) throw this.malformed(at);
        this.startValue(code, "element", at);
        break;
      case "comma-or-array-end":
        if (code === 44) this.expect = "element";
        else if (code === 93) this.endArray();
        else throw this.malformed(at);
        break;
      case "key-or-object-end":
        if (code === 125) this.expect = "nothing";
        else if (code === QUOTE) this.startValue(code, "key", at);
        else throw this.malformed(at);
        break;
      case "key":
        if (code !== QUOTE) throw this.malformed(at);
        this.startValue(code, "key", at);
        break;
      case "colon":
        if (code !== 58) throw this.malformed(at);
        this.expect = "member";
        break;
      case "member":
        if (code === 91) {
          this.arrayHolds = "unknown";
          this.expect = "element-or-end";
        } else this.startValue(code, "member", at);
        break;
      case "comma-or-object-end":
        if (code === 44) this.expect = "key";
        else if (code === 125) this.expect = "nothing";
        else throw this.malformed(at);
        break;
      case "nothing":
        throw refuse(`The file holds more after the end of its JSON, at character ${at + 1}.`);
    }
  }

  private completeValue(): void {
    const value = this.value;
    if (!value) return;
    this.value = null;
    const parsed = value.text.value();
    if (parsed === undefined) {
      throw refuse(
        value.role === "element" && this.arrayHolds === "records"
          ? `Record ${this.records + 1} is not valid JSON.`
          : `The file is not valid JSON: the value at character ${value.at} cannot be read.`,
      );
    }
    if (value.role === "key") {
      this.key = String(parsed);
      this.expect = "colon";
      return;
    }
    if (value.role === "member") {
      this.expect = "comma-or-object-end";
      return;
    }
    if (this.arrayHolds === "unknown") {
      if (!isRecord(parsed)) this.arrayHolds = "values";
      else if (this.recordsKey !== null)
        throw refuse(
          `The JSON object holds more than one array of records ("${this.recordsKey}" and "${this.key}"): export one.`,
        );
      else {
        this.arrayHolds = "records";
        this.recordsKey = this.key;
      }
    }
    if (this.arrayHolds === "records") {
      if (!isRecord(parsed))
        throw refuse(`Record ${this.records + 1} is not an object of fields. ${NOT_RECORDS}`);
      this.records++;
      this.onRecord(parsed);
    }
    this.expect = "comma-or-array-end";
  }

  private endArray(): void {
    if (this.arrayHolds === "unknown") this.emptyArrayKey ??= this.key;
    this.expect = this.inObject ? "comma-or-object-end" : "nothing";
  }
}

// ---------------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------------

/** The format the name or content type says, or null when the content must say it. */
function declaredFormat({ filename, contentType }: PhiScanSource): PhiScanFormat | null {
  if (/\.csv$/i.test(filename)) return "csv";
  if (/\.json$/i.test(filename)) return "json";
  const type = contentType?.split(";", 1)[0]?.trim().toLowerCase();
  if (type === "text/csv") return "csv";
  if (type === "application/json") return "json";
  return null;
}

type RecordReader = { push: (text: string) => void; end: () => void };

const startsUtf16 = (chunk: Uint8Array) =>
  (chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff);

/** The file's bytes as text, handed to the reader of its format once the format is known. */
class ExportReader {
  bytes = 0;
  private format: PhiScanFormat | null;
  private records: RecordReader | null = null;
  /** Leading whitespace, kept until the first character says whether the content is JSON. */
  private pending = "";
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });

  constructor(
    source: PhiScanSource,
    private readonly tally: PhiTally,
  ) {
    this.format = declaredFormat(source);
  }

  push(chunk: Uint8Array): void {
    if (this.bytes === 0 && startsUtf16(chunk))
      throw refuse("The file is UTF-16 text; save the export as UTF-8.");
    if (chunk.includes(0)) throw refuse("This is not a CSV or JSON file: it holds binary data.");
    this.bytes += chunk.length;
    this.read(this.decode(chunk));
  }

  /** The file ended: answers its format, or refuses an empty file. */
  end(): PhiScanFormat {
    this.read(this.decode());
    if (!this.records || !this.format) throw refuse("The file is empty.");
    this.records.end();
    return this.format;
  }

  private read(text: string): void {
    if (!this.records) {
      this.pending += text;
      const start = this.pending.search(/\S/);
      if (start === -1) return;
      const opening = this.pending[start];
      this.format ??= opening === "[" || opening === "{" ? "json" : "csv";
      this.records = this.readerFor(this.format);
      text = this.pending;
      this.pending = "";
    }
    this.records.push(text);
  }

  private readerFor(format: PhiScanFormat): RecordReader {
    if (format === "json") return new JsonRecords((record) => this.tally.scan(record));
    let columns: string[] | null = null;
    return new CsvRecords((cells, line) => {
      if (!columns) {
        columns = columnsOf(cells, line);
        for (const column of columns) this.tally.addField(column);
        return;
      }
      // No prototype: a column named __proto__ is a field like any other, not the record's prototype.
      const record: Record<string, string> = Object.create(null);
      cells.forEach((cell, index) => {
        record[columns?.[index] ?? `column ${index + 1}`] = cell;
      });
      this.tally.scan(record);
    });
  }

  /** The chunk as text, or the end of the text; a byte sequence that is not UTF-8 refuses the file. */
  private decode(chunk?: Uint8Array): string {
    try {
      return chunk ? this.decoder.decode(chunk, { stream: true }) : this.decoder.decode();
    } catch {
      throw refuse("The file is not UTF-8 text; save the export as UTF-8 CSV or JSON.");
    }
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads a CSV (with a header row) or JSON export as it arrives and guards every record; answers the
 * report, with counts per field and category and the first findings of each field, masked. A file that
 * is empty, binary, not UTF-8, malformed, without a header row or without records is a 400 naming
 * `file`.
 */
export async function scanForPhi(
  source: PhiScanSource,
  options: PhiScanOptions = {},
): Promise<PhiScanReport> {
  const tally = new PhiTally();
  const reader = new ExportReader(source, tally);
  for await (const chunk of source.chunks) {
    reader.push(chunk);
    options.onProgress?.({ rows: tally.rows, bytes: reader.bytes });
    // Guarding is CPU work: let other requests through between chunks.
    await yieldToEventLoop();
  }
  const format = reader.end();
  if (tally.rows === 0)
    throw refuse(
      format === "csv"
        ? "The file has a header row but no records."
        : "The file holds no records: its array is empty.",
    );
  options.onProgress?.({ rows: tally.rows, bytes: reader.bytes });
  return tally.report(format);
}
