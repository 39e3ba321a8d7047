/**
 * HIPAA Safe Harbor obfuscation for the sandbox's CSV import: what an imported
 * volunteer record becomes before anything is stored.
 *
 * Design:
 * - Pure: no I/O and no clock; the instance secret and "today" are arguments, so a test (or a second
 *   import of the same file) gets the same output from the same input.
 * - Keyed, not random: every replacement is drawn from HMAC-SHA256(secret, label + input). The same
 *   person imported twice gets the same pseudonym and the same date shift, so records still line up;
 *   without the secret nobody can recompute the mapping from a list of likely names.
 * - Direct identifiers are dropped at the header: a column in {@link DROPPED_IDENTIFIER_COLUMNS}
 *   is never read. A column that is neither accepted nor dropped refuses the whole file, so nothing
 *   unexpected is silently kept.
 */
import { createHmac } from "node:crypto";
import type { Sex } from "../clinical/index.js";
import { RESTRICTED_ZIP3 } from "../shared/phi-guard.js";
import { ageOn } from "../shared/volunteer-measures.js";
import { fakerLibrary } from "./faker.js";

/** The columns an import reads (after trimming, lower-casing and turning spaces and dashes into `_`). */
export const IMPORT_COLUMNS = [
  "first_name",
  "last_name",
  "sex",
  "date_of_birth",
  "email",
  "phone",
  "zip",
  "region",
  "height_cm",
  "weight_kg",
  "smoker",
  "recruitment_status",
  "medical_history",
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Other names for an accepted column. */
const COLUMN_ALIASES: Readonly<Record<string, ImportColumn>> = { postcode: "zip" };

/** A file must have these; the region may come from `region` or from `zip`. */
export const REQUIRED_COLUMNS: readonly ImportColumn[] = [
  "first_name",
  "last_name",
  "sex",
  "date_of_birth",
  "height_cm",
  "weight_kg",
];

/**
 * Direct identifiers (Safe Harbor's list: names, street addresses, record and account numbers,
 * national ids, licence and device numbers, web and network addresses, fax numbers) that a source
 * export may carry: accepted in the header so such a file can be imported, and never read.
 */
export const DROPPED_IDENTIFIER_COLUMNS: readonly string[] = [
  "full_name",
  "name",
  "middle_name",
  "maiden_name",
  "ssn",
  "social_security_number",
  "national_insurance",
  "national_insurance_number",
  "nino",
  "insurance_number",
  "health_plan_number",
  "member_id",
  "mrn",
  "medical_record_number",
  "patient_id",
  "account_number",
  "address",
  "address_line_1",
  "address_line_2",
  "street",
  "street_address",
  "city",
  "county",
  "fax",
  "licence_number",
  "license_number",
  "drivers_license",
  "passport_number",
  "vehicle_id",
  "device_id",
  "ip_address",
  "url",
];

export type HeaderLayout = {
  /** For each position in the file, the column it fills, or null when it is dropped. */
  columns: (ImportColumn | null)[];
  /** Identifier columns present and dropped, as written in the file. */
  dropped: string[];
  /** Columns neither accepted nor dropped, as written in the file. */
  unknown: string[];
  /** Required columns not present (and `region or zip` when both are missing). */
  missing: string[];
  /** Columns present twice, as normalised. */
  duplicated: string[];
};

const normaliseColumnName = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

/** Which column each header cell fills, and what is wrong with the header as a whole. */
export function readHeader(cells: readonly string[]): HeaderLayout {
  const layout: HeaderLayout = { columns: [], dropped: [], unknown: [], missing: [], duplicated: [] };
  const seen = new Set<string>();
  for (const cell of cells) {
    const name = normaliseColumnName(cell);
    const column = COLUMN_ALIASES[name] ?? (IMPORT_COLUMNS as readonly string[]).find((c) => c === name);
    if (seen.has(column ?? name)) layout.duplicated.push(column ?? name);
    seen.add(column ?? name);
    if (column) layout.columns.push(column as ImportColumn);
    else {
      layout.columns.push(null);
      if (DROPPED_IDENTIFIER_COLUMNS.includes(name)) layout.dropped.push(cell.trim());
      else layout.unknown.push(cell.trim());
    }
  }
  layout.missing = REQUIRED_COLUMNS.filter((column) => !layout.columns.includes(column));
  if (!layout.columns.includes("region") && !layout.columns.includes("zip"))
    layout.missing.push("region or zip");
  return layout;
}

// ---------------------------------------------------------------------------------------------------
// Keyed choices
// ---------------------------------------------------------------------------------------------------

/** A version in every label, so a future change of scheme cannot collide with today's mapping. */
const SCHEME = "convene-sandbox-obfuscation/v1";

/** A 48-bit number from HMAC-SHA256(secret, scheme, label, parts): uniform enough to pick from lists. */
function keyed(secret: string, label: string, ...parts: string[]): number {
  const digest = createHmac("sha256", secret)
    .update([SCHEME, label, ...parts].join("\u0000"))
    .digest();
  return digest.readUIntBE(0, 6);
}

/** Case, spacing and Unicode form do not make a different person: "  ADA  lovelace" is "Ada Lovelace". */
export const normaliseIdentity = (value: string) =>
  value.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();

let names: { first: Record<Sex, readonly string[]>; last: readonly string[] } | undefined;

/** Faker's English name lists, read at the first pseudonym. */
function nameLists(): { first: Record<Sex, readonly string[]>; last: readonly string[] } {
  if (!names) {
    const { person } = fakerLibrary().en;
    names = {
      first: { female: person?.first_name?.female ?? [], male: person?.first_name?.male ?? [] },
      last: person?.last_name?.generic ?? [],
    };
  }
  return names;
}

function pick(list: readonly string[], n: number): string {
  const value = list[n % list.length];
  if (value === undefined) throw new Error("faker's English name lists are empty");
  return value;
}

/** A consistent first-name pseudonym from faker's English list for the volunteer's sex. */
export const pseudonymFirstName = (secret: string, firstName: string, sex: Sex): string =>
  pick(nameLists().first[sex], keyed(secret, "first_name", sex, normaliseIdentity(firstName)));

/** A consistent last-name pseudonym from faker's English list. */
export const pseudonymLastName = (secret: string, lastName: string): string =>
  pick(nameLists().last, keyed(secret, "last_name", normaliseIdentity(lastName)));

/** `first.last` + two keyed digits at example.com or example.net: reserved domains, never a mailbox. */
export function fictionalEmail(
  secret: string,
  originalEmail: string,
  pseudonym: { firstName: string; lastName: string },
): string {
  const n = keyed(secret, "email", normaliseIdentity(originalEmail));
  const ascii = (name: string) =>
    name
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "");
  const domain = n % 2 === 0 ? "example.com" : "example.net";
  const suffix = String(Math.floor(n / 2) % 100).padStart(2, "0");
  return `${ascii(pseudonym.firstName)}.${ascii(pseudonym.lastName)}${suffix}@${domain}`;
}

/** `(NXX) 555-01YY`: the North American range reserved for fiction, area code and line keyed. */
export function fictionalPhone(secret: string, originalPhone: string): string {
  const n = keyed(secret, "phone", originalPhone.replace(/\D/g, ""));
  const area = 201 + (n % 799);
  const line = String(Math.floor(n / 799) % 100).padStart(2, "0");
  return `(${area}) 555-01${line}`;
}

// ---------------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------------

/** Safe Harbor: ages over 89 are reported as one group, "90 or older". */
export const AGGREGATED_AGE = 90;
/** The largest date shift, in days: under half a year, so an age moves by one year at most. */
export const MAX_SHIFT_DAYS = 180;
const MIN_VOLUNTEER_AGE = 18;
const DAY_MS = 86_400_000;

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The day `years` before `today` (29 February becomes the 28th in a common year). */
function yearsBefore(today: string, years: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  const month = date.getUTCMonth();
  date.setUTCFullYear(date.getUTCFullYear() - years);
  if (date.getUTCMonth() !== month) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

/** True for an existing calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/**
 * The stored date of birth. Age 90 or more on `today`: a keyed day in the year that makes the age
 * exactly 90 (the volunteers table has no "90+" column, so 90 stands for the group). Otherwise the
 * real date moved by a keyed 1 to 180 days, earlier or later: the age on `today` stays within one
 * year of the real one, and a shift that would make an adult younger than 18 goes the other way.
 * `identity` names the person (normalised names and the real date), so a re-import shifts alike.
 */
export function shiftDateOfBirth(
  secret: string,
  identity: string,
  dateOfBirth: string,
  today: string,
): string {
  const n = keyed(secret, "date_of_birth", normaliseIdentity(identity));
  const realAge = ageOn(dateOfBirth, today);
  if (realAge >= AGGREGATED_AGE) return addDays(yearsBefore(today, AGGREGATED_AGE), -(n % 365));
  const days = 1 + (n % MAX_SHIFT_DAYS);
  const later = Math.floor(n / MAX_SHIFT_DAYS) % 2 === 0;
  const shifted = addDays(dateOfBirth, later ? days : -days);
  const turnsMinor = realAge >= MIN_VOLUNTEER_AGE && ageOn(shifted, today) < MIN_VOLUNTEER_AGE;
  return turnsMinor ? addDays(dateOfBirth, -days) : shifted;
}

// ---------------------------------------------------------------------------------------------------
// Places
// ---------------------------------------------------------------------------------------------------

/**
 * The first three digits of a US ZIP code (5 digits or ZIP+4; 4 digits are taken as a ZIP whose
 * leading zero a spreadsheet dropped), "000" for the sparsely populated ZIP3 areas Safe Harbor
 * restricts, null when the value is not a US ZIP code.
 */
export function zip3(zip: string): string | null {
  const value = zip.trim();
  const match = /^(\d{4,5})(?:-\d{4})?$/.exec(value);
  if (!match?.[1]) return null;
  const prefix = match[1].padStart(5, "0").slice(0, 3);
  return RESTRICTED_ZIP3.includes(prefix) ? "000" : prefix;
}

/** How a ZIP3 is written in the volunteers' `region` when the file gives no region. */
export const zip3Region = (prefix: string) => `ZIP3 ${prefix}`;

// ---------------------------------------------------------------------------------------------------
// One record
// ---------------------------------------------------------------------------------------------------

/** The identifying fields of one source record, read from the file but not yet obfuscated. */
export type IdentifyingFields = {
  firstName: string;
  lastName: string;
  sex: Sex;
  /** YYYY-MM-DD, an existing date. */
  dateOfBirth: string;
  email: string;
  phone: string;
  zip: string;
  region: string;
};

export type ObfuscatedFields = {
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  email: string | null;
  phone: string | null;
  region: string;
};

export type ObfuscationProblem = { column: ImportColumn; reason: string };

/**
 * The Safe Harbor version of a record's identifying fields, or why it cannot be made: a date in the
 * future or a person under 18 (refused before shifting, so a shift cannot let a minor in), a ZIP
 * that is not a US ZIP, or neither a region nor a ZIP. Empty e-mails and phones stay empty.
 */
export function obfuscateIdentity(
  secret: string,
  source: IdentifyingFields,
  today: string,
): { fields: ObfuscatedFields } | { problems: ObfuscationProblem[] } {
  const problems: ObfuscationProblem[] = [];
  if (source.dateOfBirth > today)
    problems.push({ column: "date_of_birth", reason: "The date of birth cannot be in the future." });
  else if (ageOn(source.dateOfBirth, today) < MIN_VOLUNTEER_AGE)
    problems.push({ column: "date_of_birth", reason: "Volunteers are at least 18 years old." });
  // The region as given wins; the ZIP is only read (and only its ZIP3 kept) when there is none.
  const prefix = source.region.trim() || !source.zip.trim() ? null : zip3(source.zip);
  const region = source.region.trim() || (prefix === null ? "" : zip3Region(prefix));
  if (!region)
    problems.push(
      source.zip.trim()
        ? { column: "zip", reason: "Give a US ZIP code (5 digits or ZIP+4), or a region." }
        : { column: "region", reason: "Give a region or a ZIP code." },
    );
  if (problems.length > 0) return { problems };

  const firstName = pseudonymFirstName(secret, source.firstName, source.sex);
  const lastName = pseudonymLastName(secret, source.lastName);
  const identity = [source.firstName, source.lastName, source.dateOfBirth].map(normaliseIdentity).join("|");
  return {
    fields: {
      firstName,
      lastName,
      dateOfBirth: shiftDateOfBirth(secret, identity, source.dateOfBirth, today),
      email: source.email.trim() ? fictionalEmail(secret, source.email, { firstName, lastName }) : null,
      phone: source.phone.trim() ? fictionalPhone(secret, source.phone) : null,
      region,
    },
  };
}
