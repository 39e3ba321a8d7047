/**
 * PHI guard for the sandbox: refuses volunteer data that looks like it belongs to a real person.
 *
 * The community development environment is a shared instance that must never hold production,
 * sensitive or PHI data: a shared instance is seen by every customer. Every write of volunteer data (form, API, CSV import)
 * passes {@link guardRecord}; the synthetic data generator uses {@link ALLOWED_EMAIL_DOMAINS} and
 * {@link isFictionalPhone} to produce values that always pass.
 *
 * Design:
 * - Pure and dependency-free: no I/O, no clock, no state. Every rule below is named (the `rule` of a
 *   {@link PhiFinding}) and commented with why it exists.
 * - Zero false accepts first, few false rejects second. Where a value is ambiguous (a bare 10-digit
 *   number shaped like a North American phone number, a Luhn-valid 16-digit number) it is refused:
 *   a refused synthetic value costs a retype, an accepted real one is a privacy incident.
 * - Shapes, not registries: an SSN-shaped value is refused even when the Social Security
 *   Administration never issues that area (000, 666, 9xx), a National Insurance number even with an
 *   unallocated prefix. A sandbox has no use for either, and nobody can tell from the value alone.
 * - Reasons name the field and mask the offending value (`1**-**-**89`), so the message can be shown,
 *   logged and put in the import report without copying the identifier it is refusing.
 * - Free text is scanned for every rule, so a visit note that quotes an SSN, an e-mail address or a
 *   home address is refused like the dedicated field would be.
 *
 * - The HIPAA Safe Harbor categories beyond contact details and account numbers (names and birth
 *   dates in free text, ages over 89, health plan, licence, vehicle and device numbers, web and IP
 *   addresses) have their rules in phi-safe-harbor.ts, which says how they avoid false refusals.
 *
 * Known limits (by design, documented for reviewers):
 * - A name in a name field cannot be told apart: a real name and a faker-generated one look the same.
 *   Free text is refused for names only where the context says a person is named (an honorific, a
 *   relative, "patient Jane Doe"); the obfuscating import replaces names with pseudonyms.
 * - A date in a date field is not judged (a real date of birth looks like a synthetic one); the import
 *   shifts dates. In free text, a full date after a birth label is refused; visit dates pass.
 * - Biometric identifiers and photographs are not text: the volunteer record has no field for them.
 * - A deliberately disguised identifier ("four one five…", digits split by letters) gets through:
 *   the guard stops accidents, it is not an adversarial filter.
 */

import {
  ageOver89,
  birthDate,
  deviceIdentifier,
  EMAIL_ADDRESS,
  healthPlanNumber,
  IDENTIFIER_FIELDS,
  ipAddress,
  licenceNumber,
  mask,
  matchesOf,
  personName,
  vehicleIdentifier,
  webAddress,
} from "./phi-safe-harbor.js";

export type FieldKind = "email" | "phone" | "name" | "date" | "postcode" | "free_text" | "identifier";

export interface PhiFinding {
  /** The field (or nested path, e.g. `contacts[0].phone`) the value was found in. */
  field: string;
  /** A human sentence naming the field (by its label when the caller gave labels) and what was found, with the value masked. */
  reason: string;
  /** The name of the rule that fired, e.g. `us-ssn`. */
  rule: PhiRule;
}

export type PhiRule =
  | "email-not-reserved"
  | "email-spelled-out"
  | "phone-not-fictional"
  | "us-ssn"
  | "national-id-field"
  | "uk-nino"
  | "payment-card"
  | "iban"
  | "medical-record-number"
  | "medical-record-field"
  | "street-address"
  | "po-box"
  | "postcode-in-text"
  | "postcode-too-precise"
  | "zip3-restricted"
  | "health-plan-number"
  | "licence-number"
  | "vehicle-identifier"
  | "device-identifier"
  | "web-address"
  | "ip-address"
  | "birth-date"
  | "age-over-89"
  | "person-name"
  | "identifier-field";

// ---------------------------------------------------------------------------------------------------
// Reserved values the synthetic generator may use
// ---------------------------------------------------------------------------------------------------

/**
 * Second-level domains reserved for documentation by RFC 2606 / RFC 6761; their subdomains
 * (`mail.example.com`) are reserved with them.
 */
export const ALLOWED_EMAIL_DOMAINS: readonly string[] = ["example.com", "example.net", "example.org"];

/** Top-level domains reserved by RFC 2606 / RFC 6761 that can never resolve to a real mailbox. */
export const ALLOWED_EMAIL_TLDS: readonly string[] = ["example", "test", "invalid", "localhost"];

/** Human-readable summary used in reasons. */
const ALLOWED_EMAIL_SUMMARY =
  "only example.com/.net/.org, *.example, *.test, *.invalid and *.localhost are allowed";

/** True when an e-mail domain is reserved for documentation or testing (see the two lists above). */
export function isAllowedEmailDomain(domain: string): boolean {
  const d = domain.toLowerCase().replace(/\.+$/, "");
  if (d === "localhost") return true;
  if (ALLOWED_EMAIL_DOMAINS.some((allowed) => d === allowed || d.endsWith(`.${allowed}`))) return true;
  const tld = d.slice(d.lastIndexOf(".") + 1);
  return d.includes(".") && ALLOWED_EMAIL_TLDS.includes(tld);
}

/**
 * The 30 mobile numbers the ACMA (Australia) reserves for creative works. They are a list, not a
 * range: 0491 570 007 to 0491 570 155 are ordinary numbers that can reach a real person.
 */
export const AU_FICTIONAL_MOBILES: readonly string[] = [
  "0491570006",
  "0491570156",
  "0491570157",
  "0491570158",
  "0491570159",
  "0491570110",
  "0491570313",
  "0491570737",
  "0491571266",
  "0491571491",
  "0491571804",
  "0491572549",
  "0491572665",
  "0491572983",
  "0491573770",
  "0491573087",
  "0491574118",
  "0491574632",
  "0491575254",
  "0491575789",
  "0491576398",
  "0491576801",
  "0491577426",
  "0491577644",
  "0491578957",
  "0491578148",
  "0491578888",
  "0491579212",
  "0491579760",
  "0491579455",
];

/** ACMA freephone (1800) and local-rate (1300) numbers reserved for creative works. */
const AU_FICTIONAL_SERVICE = new Set([
  "1800160401",
  "1800975707",
  "1800975708",
  "1800975709",
  "1800975710",
  "1800975711",
  "1300975707",
  "1300975708",
  "1300975709",
  "1300975710",
  "1300975711",
]);

/**
 * Ofcom "numbers for drama" (UK), national format with the leading 0. Each block is 1,000 numbers
 * that will not be allocated to a provider.
 */
const UK_DRAMA_RANGES: readonly RegExp[] = [
  /^011[3-8]4960\d{3}$/, // Leeds, Sheffield, Nottingham, Leicester, Bristol, Reading: 011x 496 0xxx
  /^01[2-6]14960\d{3}$/, // Birmingham, Edinburgh, Glasgow, Liverpool, Manchester: 01x1 496 0xxx
  /^01914980\d{3}$/, // Tyneside, Durham, Sunderland: 0191 498 0xxx
  /^02079460\d{3}$/, // London: 020 7946 0xxx
  /^02896496\d{3}$/, // Northern Ireland: 028 9649 6xxx
  /^02920180\d{3}$/, // Cardiff: 029 2018 0xxx
  /^01632960\d{3}$/, // no area: 01632 960xxx
  /^07700900\d{3}$/, // mobile: 07700 900xxx
  /^08081570\d{3}$/, // freephone: 08081 570xxx
  /^09098790\d{3}$/, // premium rate: 0909 879 0xxx
  /^03069990\d{3}$/, // UK-wide: 03069 990xxx
];

/** North America (NANPA): 555-0100 to 555-0199 is reserved for fiction in every area code. */
function isFictionalNanp(tenDigits: string): boolean {
  return /^\d{3}55501\d{2}$/.test(tenDigits);
}

/** ACMA (Australia), national format: the mobile list, and (0x) 5550 xxxx / (0x) 7010 xxxx landlines. */
function isFictionalAu(national: string): boolean {
  return (
    AU_FICTIONAL_MOBILES.includes(national) ||
    /^0[2378](?:5550|7010)\d{4}$/.test(national) ||
    AU_FICTIONAL_SERVICE.has(national)
  );
}

function isFictionalUk(national: string): boolean {
  return UK_DRAMA_RANGES.some((range) => range.test(national));
}

/**
 * True when the whole value is one phone number from a range reserved for fiction: North America
 * 555-0100..555-0199 (any formatting, with or without +1 and an area code), the Ofcom drama ranges,
 * the ACMA numbers. Anything else, including an empty value, is false.
 */
export function isFictionalPhone(value: string): boolean {
  const v = normalise(value)
    .trim()
    .replace(/\s*(?:ext\.?|extension|x)\s*\d{1,5}$/i, "");
  if (!/^\+?[\d\s().-]+$/.test(v)) return false;
  const digits = v.replace(/\(0\)/g, "").replace(/\D/g, "");
  const international = v.startsWith("+") ? digits : digits.startsWith("00") ? digits.slice(2) : null;
  if (international !== null) {
    if (international.startsWith("1"))
      return international.length === 11 && isFictionalNanp(international.slice(1));
    if (international.startsWith("44")) return isFictionalUk(`0${international.slice(2).replace(/^0/, "")}`);
    if (international.startsWith("61")) return isFictionalAu(`0${international.slice(2).replace(/^0/, "")}`);
    return false;
  }
  if (digits.length === 7) return /^55501\d{2}$/.test(digits);
  if (AU_FICTIONAL_SERVICE.has(digits)) return true;
  if (digits.length === 10 && !digits.startsWith("0")) return isFictionalNanp(digits);
  if (digits.length === 11 && digits.startsWith("1")) return isFictionalNanp(digits.slice(1));
  if (digits.startsWith("0")) return isFictionalUk(digits) || isFictionalAu(digits);
  return false;
}

/**
 * Three-digit ZIP prefixes whose area has 20,000 people or fewer (HHS Safe Harbor guidance, 2000
 * census): Safe Harbor requires them to be recorded as 000.
 */
export const RESTRICTED_ZIP3: readonly string[] = [
  "036",
  "059",
  "063",
  "102",
  "203",
  "556",
  "692",
  "790",
  "821",
  "823",
  "830",
  "831",
  "878",
  "879",
  "884",
  "890",
  "893",
];

// ---------------------------------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------------------------------

/**
 * NFKC folds full-width digits and non-breaking spaces into plain ones; zero-width characters and
 * soft hyphens are dropped; every dash becomes "-". Without this, "４１５ 555 2671" or a number with a
 * zero-width space pasted from a web page would slip past the digit rules.
 */
function normalise(value: string): string {
  return value
    .normalize("NFKC")
    .replace(/[\u200B-\u200D\u2060\uFEFF\u00AD]/g, "")
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(UUID, " uuid ");
}

/**
 * Record ids (UUIDs) are ours, not a person's: their hex digit runs would otherwise pass for a card
 * number or a phone number about once in a thousand ids.
 */
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/** `jane.doe@gmail.com` becomes `j***@g***.com`: the kind of address stays visible, not the person. */
function maskEmail(address: string): string {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  const maskedDomain = dot > 0 ? `${domain[0]}***${domain.slice(dot)}` : `${domain[0] ?? ""}***`;
  return `${local[0] ?? ""}***@${maskedDomain}`;
}

function digitsOf(text: string): string {
  return text.replace(/\D/g, "");
}

/** Luhn (mod 10) check used by every payment card scheme. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let n = digits.charCodeAt(i) - 48;
    if (double) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

/** ISO 13616 check: move the first four characters to the end, letters to 10..35, mod 97 must be 1. */
function ibanValid(candidate: string): boolean {
  const s = candidate.replace(/[\s-]/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= "A" && ch <= "Z" ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/**
 * Replaces calendar dates and clock times with a neutral mark before the digit-run rules (phone,
 * card) look at the text, so "2026-03-14 10 mg" is not read as the phone number 202-603-1410.
 * Dates are only masked when they are valid (day 1-31, month 1-12) and not part of a longer dotted or
 * dashed run: "06.12.34.56.78" is a French phone number, not the 6th of December 2034.
 */
function withoutDatesAndTimes(text: string): string {
  // The card and phone rules both ask for the same text, one after the other.
  if (text === lastDated.text) return lastDated.masked;
  const masked = maskDatesAndTimes(text);
  lastDated = { text, masked };
  return masked;
}

let lastDated = { text: "", masked: "" };

function maskDatesAndTimes(text: string): string {
  return text
    .replace(
      /(?<![\d./-])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![./-]?\d)/g,
      " § ",
    )
    .replace(/(?<![\d./-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![./-]?\d)/g, (whole, a, _sep, b) => {
      const x = Number(a);
      const y = Number(b);
      const dayMonth = x >= 1 && x <= 31 && y >= 1 && y <= 12;
      const monthDay = x >= 1 && x <= 12 && y >= 1 && y <= 31;
      return dayMonth || monthDay ? " § " : whole;
    })
    .replace(/(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])/g, " § ");
}

// ---------------------------------------------------------------------------------------------------
// Rules on free text (applied to every kind of field)
// ---------------------------------------------------------------------------------------------------

interface TextRule {
  readonly rule: PhiRule;
  /** Completes "contains what looks like …". */
  readonly what: string;
  /** Appended after the masked value: what is allowed instead, or why. */
  readonly advice: string;
  /**
   * What a text must hold for the rule to be able to fire, read off the rule's own patterns (its
   * fewest digits, a letter for any label or name, a character its pattern cannot do without). Most
   * values hold too few digits or no letter for most rules: checking this first skips them cheaply.
   */
  readonly possible: (shape: TextShape) => boolean;
  /** Returns the masked offending text, or null. */
  readonly find: (text: string) => string | null;
}

/** The cheap facts about a text the rules' preconditions ask about, counted once per value. */
export interface TextShape {
  readonly text: string;
  /** ASCII digits: after NFKC they are every digit the rules' `\d` can match. */
  readonly digits: number;
  readonly letters: boolean;
}

export function shapeOf(text: string): TextShape {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) digits++;
  }
  return { text, digits, letters: ANY_LETTER.test(text) };
}

const ANY_LETTER = /\p{L}/u;
/** A label or a name is letters: a rule with a label needs a letter and its value's fewest digits. */
const labelledWith =
  (digits: number) =>
  (shape: TextShape): boolean =>
    shape.letters && shape.digits >= digits;

/**
 * rule email-spelled-out: "jdoe [at] gmail [dot] com", "jdoe at gmail dot com". With brackets the
 * dot may be a real "."; with bare words both "at" and "dot" must be words, so "seen at St. Mary's" is
 * not an address.
 */
const EMAIL_BRACKETED =
  /(?<![\p{L}\p{N}._%+-])([\p{L}\p{N}._%+-]+)\s*[[({<]\s*at\s*[\])}>]\s*([\p{L}\p{N}-]+(?:\s*(?:[[({<]\s*dot\s*[\])}>]|\.)\s*[\p{L}\p{N}-]+)+)/giu;
const EMAIL_WORDS =
  /(?<![\p{L}\p{N}._%+-])([\p{L}\p{N}._%+-]+)\s+at\s+([\p{L}\p{N}-]+(?:\s+dot\s+[\p{L}\p{N}-]+)+)/giu;

function spelledOutEmail(text: string): string | null {
  for (const re of [EMAIL_BRACKETED, EMAIL_WORDS]) {
    for (const m of matchesOf(text, re)) {
      const local = m[1] ?? "";
      const domain = (m[2] ?? "")
        .replace(/\s*(?:[[({<]\s*dot\s*[\])}>]|\sdot\s|\.)\s*/gi, ".")
        .replace(/\s+/g, "");
      const tld = domain.slice(domain.lastIndexOf(".") + 1);
      if (!/^\p{L}{2,}$/u.test(tld)) continue;
      if (!isAllowedEmailDomain(domain)) return maskEmail(`${local}@${domain}`);
    }
  }
  return null;
}

/**
 * rule us-ssn: ddd-dd-dddd (also with spaces or dots, the same separator twice) anywhere, and a
 * labelled 9-digit number ("SSN 123456789", "social security no. 123 45 6789").
 */
const SSN_SHAPED = /(?<!\p{N})\d{3}([-. ])\d{2}\1\d{4}(?!\p{N})/gu;
const SSN_LABELLED =
  /(?<![\p{L}\p{N}])(?:ssn|ss#|ss\s?no\.?|social\s+security(?:\s+(?:number|no\.?|num|#))?|soc(?:ial)?\.?\s*sec(?:urity)?\.?(?:\s*(?:number|no\.?|num|#))?)\s*[:#=-]?\s*\d{3}[-. ]?\d{2}[-. ]?\d{4}(?!\p{N})/giu;

/**
 * rule uk-nino: two letters, six digits, a suffix A-D, optionally spaced ("AB 12 34 56 C").
 * Unallocated prefixes are refused too (see the design note at the top).
 */
const NINO = /(?<![\p{L}\p{N}])[A-Z]{2}[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[A-D](?![\p{L}\p{N}])/giu;

/**
 * rule payment-card: 13 to 19 digits, optionally grouped by single spaces or dashes, passing the
 * Luhn check. A run of groups ("ref 12 4111 1111 1111 1111") is checked window by window along the
 * group boundaries, so a card number next to another number is still found. Luhn-invalid numbers
 * (most lab and kit ids) pass.
 */
const DIGIT_RUN = /(?<!\p{N})\d(?:[ -]?\d)*/gu;

function paymentCard(text: string): string | null {
  for (const m of matchesOf(withoutDatesAndTimes(text), DIGIT_RUN)) {
    const groups = m[0].split(/[ -]/);
    if (digitsOf(m[0]).length < 13) continue;
    for (let start = 0; start < groups.length; start++) {
      let digits = "";
      for (let end = start; end < groups.length; end++) {
        digits += groups[end];
        if (digits.length > 19) break;
        // No card number starts with 0 (ISO/IEC 7812 major industry identifier 0 is not issued).
        if (digits.length >= 13 && !digits.startsWith("0") && luhnValid(digits)) {
          return mask(groups.slice(start, end + 1).join(" "));
        }
      }
    }
  }
  return null;
}

/**
 * rule iban: country code, two check digits and a BBAN, compact or in groups of four, with a valid
 * mod-97 checksum. Spaced candidates are retried without their trailing groups, so a word after the
 * number ("… 7034 from") does not hide it. An invalid checksum passes (made-up test values).
 */
const IBAN_COMPACT = /(?<![\p{L}\p{N}])[A-Z]{2}\d{2}[A-Z0-9]{11,30}(?![\p{L}\p{N}])/giu;
const IBAN_SPACED = /(?<![\p{L}\p{N}])[A-Z]{2}\d{2}(?:[ -][A-Z0-9]{1,4}){3,8}(?![\p{L}\p{N}])/giu;

function iban(text: string): string | null {
  for (const m of matchesOf(text, IBAN_COMPACT)) if (ibanValid(m[0])) return mask(m[0]);
  for (const m of matchesOf(text, IBAN_SPACED)) {
    const parts = m[0].split(/[ -]/);
    for (let n = parts.length; n >= 4; n--) {
      const candidate = parts.slice(0, n).join(" ");
      if (ibanValid(candidate)) return mask(candidate);
    }
  }
  return null;
}

/**
 * rule medical-record-number: an identifier introduced by a medical-record label. "MRN", "MR#",
 * "medical record", "NHS number", "CHI", "UR number" need 4+ digits after them; the looser labels
 * ("patient no.", "hospital number", "case #", "chart #", "record no.") need 6+ digits, so study
 * numbering such as "patient no. 12" still passes.
 */
const MRN_LABELLED =
  /(?<![\p{L}\p{N}])(mrn|mr\s?#|mr\s?(?:no|num)\.?|medical\s+record(?:\s+(?:number|no\.?|num|#))?|nhs\s*(?:number|no\.?|#)?|chi\s*(?:number|no\.?|#)|ur\s*(?:number|no\.?|#)|urn|hospital\s+(?:number|no\.?|num|#|id)|hosp\.?\s*(?:no|num|#)\.?|patient\s+(?:number|no\.?|num|#|id)|pt\.?\s*(?:no\.?|#)|case\s+(?:number|no\.?|#)|chart\s*(?:number|no\.?|#)|record\s+(?:number|no\.?|#))\s*[:#=.-]?\s*([a-z]{0,3}[\s-]?\d[\d\s-]*\d)/giu;

function medicalRecordNumber(text: string): string | null {
  for (const m of matchesOf(text, MRN_LABELLED)) {
    const label = (m[1] ?? "").trim();
    // A bare "NHS" is also the service's name ("NHS 2026 guidance"): only a full 10-digit NHS number counts.
    const needed = /^nhs$/i.test(label) ? 10 : /^(?:mr|medical|nhs|chi|ur)/i.test(label) ? 4 : 6;
    if (digitsOf(m[2] ?? "").length >= needed) return `${label} ${mask(m[2] ?? "")}`;
  }
  return null;
}

/**
 * rule phone-not-fictional: a run of digits that a person would read as a phone number and that is
 * not in a fictional range. Plausible means one of:
 * - "+" or "00", then a country code and 8-15 digits (exactly 11 for country code 1), or the
 *   same without the "+" for the UK, Australia, Germany and France ("447911123456");
 * - a national number with trunk prefix 0 (UK, Australia, Germany, France…), 9-12 digits;
 * - North America: 10 digits NXX-NXX-XXXX or 11 starting with 1, unseparated or grouped 3-3-4
 *   (1-3-3-4, 3-7, 1-3-7); 7 digits written NXX-XXXX.
 * - after a phone label ("Ph.", "mobile:", "call"), any run of six or more digits (see labelledPhone).
 * Grouped runs are read from every group boundary, taking the longest plausible number from each
 * ("07911 123456 12 times", "room 12 07911 123456").
 * Single-digit groups only open a number (country or trunk code), so lists like "0.5 1 2 4 8" are
 * not phone numbers. Dates and clock times are masked first.
 */
const PHONE_RUN = /(?<![\p{L}\p{N}_/-])(?<!\d\.)(?:\+\s?)?\(?\d[\d ().-]*\d/gu;

const MAX_PHONE_GROUPS = 8;
const DIGIT_GROUP = /\d+/g;

interface Group {
  digits: string;
  start: number;
  end: number;
}

function plausiblePhone(groups: readonly Group[], plus: boolean): boolean {
  const digits = groups.map((g) => g.digits).join("");
  const lengths = groups.map((g) => g.digits.length);
  const singleAllowedUpTo = plus ? 1 : 0;
  if (lengths.some((len, i) => len === 1 && i > singleAllowedUpTo)) return false;
  const international = plus ? digits : digits.startsWith("00") ? digits.slice(2) : null;
  if (international !== null) {
    if (international.startsWith("0")) return false;
    // Country code 1 is North America: exactly ten digits follow it.
    if (international.startsWith("1")) return international.length === 11;
    return international.length >= 8 && international.length <= 15;
  }
  // International format that lost its "+" (a spreadsheet ate it): UK, Australia, Germany, France.
  if (/^(?:44[1-37]\d{8,9}|61[2-478]\d{8}|49[1-9]\d{7,11}|33[1-9]\d{8})$/.test(digits)) return true;
  if (digits.startsWith("0")) return digits.length >= 9 && digits.length <= 12;
  const shape = lengths.join("-");
  if (digits.length === 10 && /^[2-9]\d\d[2-9]\d{6}$/.test(digits))
    return ["10", "3-3-4", "3-7"].includes(shape);
  if (digits.length === 11 && /^1[2-9]\d\d[2-9]\d{6}$/.test(digits)) {
    return ["11", "1-3-3-4", "1-3-7", "1-10"].includes(shape);
  }
  if (digits.length === 7 && /^[2-9]/.test(digits)) return shape === "3-4";
  return false;
}

/**
 * A number right after a phone label ("Ph. 9876 5432", "mobile: 4997111") is a phone number even in
 * a shape the run rule does not know (a local number without its area code), once it has six digits.
 */
const PHONE_LABELLED =
  /(?<![\p{L}\p{N}])(?:tel|telephone|phone|ph|mob|mobile|cell|cellphone|landline|fax|whatsapp|call|ring|text|sms)\.?\s*(?:no\.?|number|#)?\s*[:#=.-]?\s*(\+?\(?\d[\d ().-]*\d)/giu;

function labelledPhone(clean: string): string | null {
  for (const m of matchesOf(clean, PHONE_LABELLED)) {
    const run = m[1] ?? "";
    if (digitsOf(run).length < 6) continue;
    // "call 555-0123 2 times": a fictional number followed by another number is still fictional.
    const ends = matchesOf(run, DIGIT_GROUP).map((g) => (g.index ?? 0) + g[0].length);
    if (ends.some((end) => isFictionalPhone(run.slice(0, end)))) continue;
    return mask(run);
  }
  return null;
}

/**
 * A run of digits that names a thing of the study, not a person: one labelled as a kit, lot, sample or
 * accession number ("Kit 0417-2026-1180"), or one that a unit follows ("100 200 400 800 1600 mg").
 */
const STUDY_ITEM_LABEL =
  /(?:kit|lot|batch|sample|specimen|accession|barcode|container|tube|aliquot|box|plate|well)\s*(?:no\.?|number|#|id)?\s*[:#]?\s*$/i;
const UNIT_AFTER =
  /^\s*(?:mg|mcg|µg|ug|g|kg|ml|l|dl|mmol|µmol|umol|nmol|ng|pg|iu|units?|h|hrs?|hours?|min|mins|s|ms|bpm|mmhg|%|x|times|cells|copies)(?![\p{L}\p{N}])/iu;

function studyItemNumber(text: string, start: number, end: number): boolean {
  return (
    STUDY_ITEM_LABEL.test(text.slice(Math.max(0, start - 30), start)) || UNIT_AFTER.test(text.slice(end))
  );
}

function realPhone(text: string): string | null {
  const clean = withoutDatesAndTimes(text);
  const labelled = labelledPhone(clean);
  if (labelled) return labelled;
  for (const m of matchesOf(clean, PHONE_RUN)) {
    const run = m[0];
    if (studyItemNumber(clean, m.index ?? 0, (m.index ?? 0) + run.length)) continue;
    const groups: Group[] = [];
    for (const g of matchesOf(run.replace(/\(0\)/g, "   "), DIGIT_GROUP)) {
      groups.push({ digits: g[0], start: g.index ?? 0, end: (g.index ?? 0) + g[0].length });
    }
    const plus = run.startsWith("+");
    // Groups up to this index belong to a fictional number already read; a window inside it ("496
    // 0555" in "0113 496 0555") is part of that number, not a number of its own.
    let fictionalUntil = -1;
    for (let start = 0; start < groups.length; start++) {
      // The longest plausible number from each group: "+61 491 570 159" is one fictional number, not
      // the real-looking "+61 491 570" followed by 159.
      // No phone number has more than eight groups: this also bounds the work on a long list of numbers.
      for (let end = Math.min(groups.length, start + MAX_PHONE_GROUPS) - 1; end >= start; end--) {
        const window = groups.slice(start, end + 1);
        if (!plausiblePhone(window, plus && start === 0)) continue;
        if (end <= fictionalUntil) break;
        const from = start === 0 ? 0 : (window[0]?.start ?? 0);
        const candidate = run.slice(from, window[window.length - 1]?.end ?? run.length);
        if (!isFictionalPhone(candidate)) return mask(candidate);
        fictionalUntil = end;
        break;
      }
    }
  }
  return null;
}

/**
 * rule street-address: a street address with a house number, in the common European and North
 * American forms:
 * - number first, street type last ("221B Baker Street", "1600 Pennsylvania Ave NW", "5 The
 *   Crescent"): full street words match in any case; words that are also ordinary English ("Way",
 *   "Close", "Drive", "Court"…) only when capitalised, abbreviations ("St", "Dr", "Ave") when
 *   capitalised or ending the phrase; lowercase filler ("3 visits on the main road") is not a name;
 * - number first, French street type next ("12 rue de la Paix", "3 boulevard Haussmann");
 * - street type first, number last ("Calle Mayor 5", "Via Roma 12", "Rua Augusta 100");
 * - the type fused into the name, number after ("Hauptstraße 5", "Goethestr. 10a", "Kerkstraat 12");
 * - German prepositional names ("Am Markt 3", "Unter den Linden 77").
 */
const HOUSE_NUMBER = String.raw`(?<![\p{L}\p{N}/.-])\d{1,5}[a-zA-Z]?(?:[-/]\d{1,5}[a-zA-Z]?)?`;
const NAME_WORD = String.raw`[\p{L}][\p{L}'’.-]*`;
const EN_FULL = [
  "street",
  "road",
  "avenue",
  "lane",
  "boulevard",
  "terrace",
  "crescent",
  "parkway",
  "highway",
];
const EN_CAPITALISED = [
  "Drive",
  "Way",
  "Place",
  "Court",
  "Close",
  "Square",
  "Walk",
  "Row",
  "Hill",
  "Grove",
  "Gardens",
  "Mews",
  "Circle",
  "Trail",
  "Parade",
  "Loop",
  "Green",
  "Park",
  "Rise",
  "Plaza",
  "Alley",
  "Esplanade",
  "Quay",
  "Wharf",
  "Broadway",
];
/** "Ct", "Av" and "Ter" are left out: "head CT", "AV block" and French "bis/ter" are far more common. */
const EN_ABBREVIATED = ["st", "rd", "ave", "blvd", "ln", "dr", "pl", "sq", "pkwy", "hwy", "cres", "cir"];
const EN_ADDRESS = new RegExp(
  `${HOUSE_NUMBER},?\\s+((?:${NAME_WORD}\\s+){0,3}${NAME_WORD})\\s+(${[...EN_FULL, ...EN_CAPITALISED, ...EN_ABBREVIATED].join("|")})(?![\\p{L}\\p{N}])(\\.?)`,
  "giu",
);
/** Lowercase words that are never part of a street name in the number-first English form. */
const NOT_A_STREET_NAME = new Set(
  (
    "a an the of on in at to by for from with and or per via into onto near off over under down up along " +
    "across through around past this that these those his her their its my our your is was are were " +
    "mg g kg ml l mmol h hr hrs hour hours min mins minute minutes day days week weeks month months year years " +
    "times x cups units tablets doses visits subjects volunteers patients samples"
  ).split(" "),
);
const COMPASS = /^\s*(?:N|S|E|W|NE|NW|SE|SW)\b/;

function englishAddress(text: string): string | null {
  for (const m of matchesOf(text, EN_ADDRESS)) {
    const words = (m[1] ?? "").split(/\s+/);
    const type = m[2] ?? "";
    if (words.some((w) => w === w.toLowerCase() && NOT_A_STREET_NAME.has(w.replace(/[.'’]/g, "")))) continue;
    const capitalised = /^\p{Lu}/u.test(words[0] ?? "") && /^\p{Lu}/u.test(type);
    const lower = type.toLowerCase();
    let ok: boolean;
    if (EN_FULL.includes(lower)) ok = true;
    else if (EN_ABBREVIATED.includes(lower)) {
      const after = text.slice((m.index ?? 0) + m[0].length);
      ok = capitalised || /^\s*(?:$|[,;:)\n])/.test(after) || COMPASS.test(after);
    } else ok = capitalised && EN_CAPITALISED.includes(type);
    if (ok) return mask(m[0]);
  }
  return null;
}

/** Both capitalisations (and all caps) of a street-type word, for regexes that must stay case-sensitive. */
function anyCase(word: string): string {
  const first = word[0] ?? "";
  return `(?:[${first.toUpperCase()}${first.toLowerCase()}]${word.slice(1).replace(/\./g, "\\.")}|${word.toUpperCase().replace(/\./g, "\\.")})`;
}

const FR_TYPES = [
  "rue",
  "avenue",
  "av.",
  "boulevard",
  "bd",
  "place",
  "allée",
  "allee",
  "impasse",
  "chemin",
  "quai",
  "cours",
  "route",
  "passage",
  "square",
  "voie",
];
const FR_ADDRESS = new RegExp(
  `${HOUSE_NUMBER}(?:\\s?(?:bis|ter))?,?\\s+(?:${FR_TYPES.map(anyCase).join("|")})\\s+(\\p{Lu}\\p{Ll}|(?:de|du|des|la|le|les|saint|sainte)\\s|[dl]['’])`,
  "gu",
);

const TYPE_FIRST = [
  "calle",
  "avenida",
  "avda.",
  "paseo",
  "plaza",
  "carrer",
  "carretera",
  "camino",
  "ronda",
  "via",
  "viale",
  "vicolo",
  "corso",
  "piazza",
  "piazzale",
  "largo",
  "rua",
  "praça",
  "travessa",
  "estrada",
  "alameda",
  "ulica",
  "ul.",
  "c/",
];
const CONNECTOR = "(?:de|del|della|delle|dei|di|da|do|dos|das|la|las|los|el|e|y)";
const CAPITALISED_WORD = String.raw`\p{Lu}\p{Ll}[\p{L}'’.-]*`;
const TYPE_FIRST_ADDRESS = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${TYPE_FIRST.map(anyCase).join("|")})(?:\\s+|(?<=/)\\s*)(?:${CONNECTOR}\\s+)*${CAPITALISED_WORD}(?:\\s+(?:${CONNECTOR}|${CAPITALISED_WORD})){0,4},?\\s*(?:n[º°o]\\.?\\s*)?\\d{1,4}[a-zA-Z]?(?![\\p{L}\\p{N}])(?!\\s*(?:x|times?|mg|ml|kg|h|hrs?|hours?|min|mins|days?|weeks?|months?|years?|%))`,
  "gu",
);

/** Street types fused into the name. "ring", "gade" and "kade" are left out: "during 3", "brigade 2". */
const FUSED_ADDRESS =
  /(?<![\p{L}\p{N}-])[\p{L}-]*?(?:straße|strasse|str\.|gasse|allee|platz|weg|damm|ufer|chaussee|straat|laan|gracht|plein|steeg|vej|vägen|gatan|veien|utca|ulica)\s*\d{1,4}\s?[a-z]?(?![\p{L}\p{N}])/giu;

const GERMAN_PREPOSITION_ADDRESS =
  /(?<![\p{L}\p{N}])(?:Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Unter den|Hinter der)\s+\p{Lu}\p{Ll}[\p{L}-]*\s+\d{1,4}[a-z]?(?![\p{L}\p{N}])/gu;

function streetAddress(text: string): string | null {
  const english = englishAddress(text);
  if (english) return english;
  for (const re of [FR_ADDRESS, TYPE_FIRST_ADDRESS, FUSED_ADDRESS, GERMAN_PREPOSITION_ADDRESS]) {
    const m = text.match(re);
    if (m?.[0]) return mask(m[0]);
  }
  return null;
}

/** rule po-box: a post-office box is a mailing address as identifying as a street address. */
const PO_BOX =
  /(?<![\p{L}\p{N}])(?:p\.?\s?o\.?\s?box|post\s+office\s+box|postfach|boîte\s+postale|apartado(?:\s+de\s+correos)?)\s*\d+/giu;

/**
 * rule postcode-in-text: a full UK postcode ("SW1A 2AA"), a full Canadian postal code ("K1A 0B1"),
 * a US state followed by a ZIP ("IL 62704"), or a labelled ZIP/postcode ("ZIP 94110", "PLZ 10117").
 * Safe Harbor allows only the first three ZIP digits; a full postcode narrows a person to a street.
 */
const UK_POSTCODE = /(?<![\p{L}\p{N}])[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}(?![\p{L}\p{N}])/u;
const CA_POSTCODE =
  /(?<![\p{L}\p{N}])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d(?![\p{L}\p{N}])/u;
const US_STATES =
  "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR";
/** After a comma ("Springfield, IL 62704"): without one, "volunteer ID 12345" would read as Idaho. */
const US_STATE_ZIP = new RegExp(`,\\s*(?:${US_STATES})\\s+\\d{5}(?:-\\d{4})?(?![\\p{L}\\p{N}])`, "u");
const LABELLED_ZIP =
  /(?<![\p{L}\p{N}])(?:zip(?:\s*code)?|postal\s*code|post\s*code|postcode|plz)\s*[:#]?\s*\d{4,5}(?:-\d{4})?(?![\p{L}\p{N}])/iu;

function postcodeInText(text: string): string | null {
  for (const re of [UK_POSTCODE, CA_POSTCODE, US_STATE_ZIP, LABELLED_ZIP]) {
    const m = text.match(re);
    if (m?.[0]) return mask(m[0]);
  }
  return null;
}

const SPELLED_AT = /at/iu;
const UPPERCASE = /\p{Lu}/u;
const CLINICIAN_TITLE = /dr|doctor|prof|nurse/iu;
const WEB_PUNCTUATION = /[.:=@]/;

const PHONE_ADVICE =
  "only fictional numbers are allowed (North America 555-0100 to 555-0199, Ofcom drama ranges such as 07700 900xxx or 020 7946 0xxx, the ACMA list such as 0491 570 156)";

/**
 * The text rules, most specific first: the first one that fires is reported. Identifiers (SSN, IBAN,
 * card, record numbers) come before the phone rule so that a labelled NHS number is reported as a
 * record number rather than as a phone number, and the IBAN rule before the card rule because the
 * digits of an IBAN can happen to pass the Luhn check.
 */
export const TEXT_RULES: readonly TextRule[] = [
  {
    rule: "email-not-reserved",
    possible: ({ text }) => text.includes("@"),
    what: "a real e-mail address",
    advice: ALLOWED_EMAIL_SUMMARY,
    find: (text) => {
      for (const m of matchesOf(text, EMAIL_ADDRESS))
        if (!isAllowedEmailDomain(m[1] ?? "")) return maskEmail(m[0]);
      return null;
    },
  },
  {
    rule: "email-spelled-out",
    possible: ({ text }) => SPELLED_AT.test(text),
    what: "a real e-mail address written out in words",
    advice: ALLOWED_EMAIL_SUMMARY,
    find: spelledOutEmail,
  },
  {
    rule: "us-ssn",
    possible: ({ digits }) => digits >= 9,
    what: "a US Social Security number",
    advice: "a sandbox has no use for SSN-shaped values, real or not",
    find: (text) => {
      const m = text.match(SSN_LABELLED) ?? text.match(SSN_SHAPED);
      return m?.[0] ? mask(m[0]) : null;
    },
  },
  {
    rule: "uk-nino",
    possible: labelledWith(6),
    what: "a UK National Insurance number",
    advice: "a sandbox has no use for National Insurance numbers",
    find: (text) => {
      const m = text.match(NINO);
      return m?.[0] ? mask(m[0]) : null;
    },
  },
  {
    rule: "health-plan-number",
    possible: labelledWith(4),
    what: "a Medicare, Medicaid or insurance member number",
    advice: "volunteer records never hold health plan numbers",
    find: healthPlanNumber,
  },
  {
    rule: "licence-number",
    // A machine-readable passport line may hold no digit, but never lacks its "<" fillers.
    possible: (shape) => shape.letters && (shape.digits >= 3 || shape.text.includes("<")),
    what: "a passport, driver licence or certificate number",
    advice: "volunteer records never hold licence or passport numbers",
    find: licenceNumber,
  },
  {
    rule: "vehicle-identifier",
    possible: labelledWith(2),
    what: "a vehicle identification number or licence plate",
    advice: "volunteer records never hold vehicle identifiers",
    find: vehicleIdentifier,
  },
  {
    rule: "device-identifier",
    possible: labelledWith(3),
    what: "a device serial number",
    advice: "record the device type, not its serial number",
    find: deviceIdentifier,
  },
  {
    rule: "iban",
    possible: labelledWith(2),
    what: "an IBAN bank account number with a valid checksum",
    advice: "volunteer records never hold bank details",
    find: iban,
  },
  {
    rule: "payment-card",
    possible: ({ digits }) => digits >= 13,
    what: "a payment card number that passes the Luhn check",
    advice: "volunteer records never hold card numbers",
    find: paymentCard,
  },
  {
    rule: "medical-record-number",
    possible: labelledWith(4),
    what: "a medical record or hospital number",
    advice: "use the sandbox display id (e.g. VOL-000123) instead",
    find: medicalRecordNumber,
  },
  {
    rule: "web-address",
    // "://", "www.", ".com/" or a handle's ":", "=" or "@".
    possible: ({ text, letters }) => letters && WEB_PUNCTUATION.test(text),
    what: "a web address or social-media profile",
    advice: "only addresses at the reserved example domains are allowed",
    find: webAddress,
  },
  {
    rule: "ip-address",
    // IPv4 has four digits; IPv6 may be all hex letters, never without its colons.
    possible: ({ text, digits }) => digits >= 4 || text.includes(":"),
    what: "an IP address",
    advice: "volunteer records never hold network addresses",
    find: ipAddress,
  },
  {
    rule: "phone-not-fictional",
    what: "a real phone number",
    advice: PHONE_ADVICE,
    // Six digits after a phone label; a run without a label needs seven.
    possible: ({ digits }) => digits >= 6,
    find: realPhone,
  },
  {
    rule: "street-address",
    possible: labelledWith(1),
    what: "a street address with a house number",
    advice: "record a region or a ZIP3 instead",
    find: streetAddress,
  },
  {
    rule: "po-box",
    possible: labelledWith(1),
    what: "a post-office box address",
    advice: "record a region or a ZIP3 instead",
    find: (text) => {
      const m = text.match(PO_BOX);
      return m?.[0] ? mask(m[0]) : null;
    },
  },
  {
    rule: "postcode-in-text",
    possible: labelledWith(1),
    what: "a full postcode",
    advice: "only the first three ZIP digits, a UK outward code or a Canadian FSA are allowed",
    find: postcodeInText,
  },
  {
    rule: "birth-date",
    possible: labelledWith(1),
    what: "a date of birth",
    advice: "the date of birth belongs in its own field, where the privacy display applies",
    find: birthDate,
  },
  {
    rule: "age-over-89",
    possible: labelledWith(2),
    what: "an age over 89",
    advice: "HIPAA Safe Harbor records these as 90 or older",
    find: ageOver89,
  },
  {
    rule: "person-name",
    // A name is capitalised; only a clinician's title before a place of care is matched in any case.
    possible: ({ text }) => UPPERCASE.test(text) || CLINICIAN_TITLE.test(text),
    what: "a person's name",
    advice: "refer to the volunteer by display id or subject number, and to others by role",
    find: personName,
  },
];

// ---------------------------------------------------------------------------------------------------
// Rules that depend on the field
// ---------------------------------------------------------------------------------------------------

/** `patientMRN`, `patient_mrn`, `Patient MRN` all become `patient_mrn`. */
function fieldTokens(field: string): string {
  return `_${field
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")}_`;
}

/**
 * rule national-id-field: a field named for a national identifier (SSN, ITIN, SIN, National
 * Insurance, tax id) refuses any value with four or more digits: even the last four of an SSN are an
 * identifier, and a sandbox never needs one.
 */
const NATIONAL_ID_FIELD =
  /_(?:ssn|ssn_last4|social_security(?:_number|_no)?|soc_sec|itin|sin|tin|tax_id|taxpayer_id|nino|ni_number|ni_no|national_insurance(?:_number|_no)?|national_id)_/;

/**
 * rule medical-record-field: a field named for a medical record, hospital, chart or NHS number
 * refuses any value with four or more digits: that is what those fields hold in a real system.
 */
const MEDICAL_RECORD_FIELD =
  /_(?:mrn|medical_record(?:_number|_no|_id)?|hospital_(?:number|no|num|id)|hosp_(?:no|num)|patient_(?:number|no|num)|chart_(?:number|no)|nhs(?:_number|_no)?|chi(?:_number)?|ur_(?:number|no)|urn|record_(?:number|no))_/;

/** What a field's name says it holds: the identifier-field, national-id and medical-record rules it falls under. */
type FieldIdentity = {
  identifiers: readonly { what: string; minDigits: number }[];
  nationalId: boolean;
  medicalRecord: boolean;
};

/**
 * A bulk write checks the same dozen field names hundreds of thousands of times: what a name says is
 * worked out once. Bounded like the verdicts below, since nested paths carry array indexes.
 */
const fieldIdentities = new Map<string, FieldIdentity>();

function identityOf(field: string): FieldIdentity {
  const known = fieldIdentities.get(field);
  if (known) return known;
  const tokens = fieldTokens(field);
  const identity = {
    identifiers: IDENTIFIER_FIELDS.filter((identifier) => identifier.pattern.test(tokens)),
    nationalId: NATIONAL_ID_FIELD.test(tokens),
    medicalRecord: MEDICAL_RECORD_FIELD.test(tokens),
  };
  if (fieldIdentities.size >= MEMO_CAPACITY) fieldIdentities.clear();
  fieldIdentities.set(field, identity);
  return identity;
}

function fieldRule(field: string, text: string): { rule: PhiRule; what: string; advice: string } | null {
  const { identifiers, nationalId, medicalRecord } = identityOf(field);
  if (identifiers.length === 0 && !nationalId && !medicalRecord) return null;
  const digits = digitsOf(text).length;
  for (const identifier of identifiers) {
    if (digits >= identifier.minDigits) {
      return { rule: "identifier-field", what: identifier.what, advice: "a sandbox record never needs one" };
    }
  }
  if (digits < 4) return null;
  if (nationalId) {
    return {
      rule: "national-id-field",
      what: "a national identifier, in a field named for one",
      advice: "a sandbox has no use for SSNs, tax or insurance numbers",
    };
  }
  if (medicalRecord) {
    return {
      rule: "medical-record-field",
      what: "a medical record number, in a field named for one",
      advice: "use the sandbox display id (e.g. VOL-000123) instead",
    };
  }
  return null;
}

/**
 * Postcode fields (rules postcode-too-precise and zip3-restricted). Allowed: a ZIP3 ("941", "941**"),
 * a one- or two-digit region, a UK outward code ("SW1A"), a Canadian FSA ("K1A"). Refused: four or
 * more digits (ZIP5, ZIP+4, German, Australian, Dutch postcodes), a full UK or Canadian postcode, and
 * the ZIP3 areas of 20,000 people or fewer that Safe Harbor requires to be 000.
 */
function postcodeField(text: string): { rule: PhiRule; what: string; advice: string; masked: string } | null {
  const v = text.trim().toUpperCase();
  const zip3 = v.match(/^(\d{3})(?:\*\*|XX)?$/);
  if (zip3?.[1]) {
    if (RESTRICTED_ZIP3.includes(zip3[1]) && zip3[1] !== "000") {
      return {
        rule: "zip3-restricted",
        what: "a ZIP3 area of 20,000 people or fewer",
        advice: "HIPAA Safe Harbor requires these to be recorded as 000",
        masked: zip3[1],
      };
    }
    return null;
  }
  const tooPrecise = {
    rule: "postcode-too-precise" as const,
    what: "a full postcode",
    advice: "only the first three ZIP digits, a UK outward code or a Canadian FSA are allowed",
    masked: mask(text.trim()),
  };
  if (/\d{4}/.test(v.replace(/[\s-]/g, ""))) return tooPrecise;
  if (/^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$/.test(v)) return tooPrecise;
  if (/^[A-Z]\d[A-Z]\s*\d[A-Z]\d$/.test(v)) return tooPrecise;
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------------

const FIELD_PREFIX = (field: string) => `Field "${field}"`;

function finding(field: string, rule: PhiRule, what: string, masked: string, advice: string): PhiFinding {
  return {
    field,
    rule,
    reason: `${FIELD_PREFIX(field)} contains what looks like ${what} (${masked}): ${advice}.`,
  };
}

/** The finding as people read it: the field called by its label (a nested path by its top field's). */
function labelled(found: PhiFinding, labels: Readonly<Record<string, string>>): PhiFinding {
  const label = labels[found.field] ?? labels[found.field.split(/[.[]/, 1)[0] ?? ""];
  if (!label) return found;
  return { ...found, reason: `${label}${found.reason.slice(FIELD_PREFIX(found.field).length)}` };
}

/**
 * Checks one value. Returns the first rule that fires, or null when the value may be stored.
 * Empty and whitespace-only values always pass.
 */
export function checkValue(field: string, value: string, kind: FieldKind): PhiFinding | null {
  if (value.length > MEMO_MAX_VALUE_LENGTH || ONE_PERSONS_KINDS.has(kind))
    return evaluate(field, value, kind);
  const ofField = verdictsOf(kind, field);
  const known = ofField.get(value);
  if (known !== undefined) return known && { ...known };
  const verdict = evaluate(field, value, kind);
  if (rememberedVerdicts >= MEMO_CAPACITY) forgetVerdicts();
  ofField.set(value, verdict);
  rememberedVerdicts++;
  return verdict && { ...verdict };
}

/**
 * Bulk writes (a 100,000-volunteer baseline, a 50,000-row import) repeat most values — sexes, names,
 * regions, statuses, history phrases — and the rules are pure, so each verdict is remembered, by kind,
 * field and value (nested, so a lookup hashes the value alone and builds no key). Bounded (forgotten
 * when full) and limited to short values, so unique long text never fills it.
 */
/**
 * Kinds whose values belong to one person each (an address, a number, a record's identifier): they
 * almost never repeat, so remembering them would fill the memory with values never asked for again
 * and push out the ones that are.
 */
const ONE_PERSONS_KINDS: ReadonlySet<FieldKind> = new Set(["email", "phone", "identifier"]);

const verdicts = new Map<FieldKind, Map<string, Map<string, PhiFinding | null>>>();
let rememberedVerdicts = 0;
const MEMO_CAPACITY = 100_000;
const MEMO_MAX_VALUE_LENGTH = 200;

function verdictsOf(kind: FieldKind, field: string): Map<string, PhiFinding | null> {
  let ofKind = verdicts.get(kind);
  if (!ofKind) {
    ofKind = new Map();
    verdicts.set(kind, ofKind);
  }
  let ofField = ofKind.get(field);
  if (!ofField) {
    ofField = new Map();
    ofKind.set(field, ofField);
  }
  return ofField;
}

function forgetVerdicts(): void {
  verdicts.clear();
  rememberedVerdicts = 0;
}

function evaluate(field: string, value: string, kind: FieldKind): PhiFinding | null {
  const text = normalise(value);
  if (text.trim() === "") return null;

  const byField = fieldRule(field, text);
  if (byField) return finding(field, byField.rule, byField.what, mask(text.trim()), byField.advice);

  if (kind === "phone") {
    // A phone field holds phone numbers only: every part with seven or more digits must be fictional,
    // whatever its formatting (the text rule below only sees runs a reader would take for a number).
    const parts = text.split(/[,;]|\s\/\s|\bor\b|\n/i);
    for (const part of parts) {
      const p = part.trim();
      if (digitsOf(p).length >= 7 && !isFictionalPhone(p)) {
        return finding(field, "phone-not-fictional", "a real phone number", mask(p), PHONE_ADVICE);
      }
    }
  }
  if (kind === "postcode") {
    const pc = postcodeField(text);
    if (pc) return finding(field, pc.rule, pc.what, pc.masked, pc.advice);
  }

  const shape = shapeOf(text);
  for (const rule of TEXT_RULES) {
    if (!rule.possible(shape)) continue;
    const masked = rule.find(text);
    if (masked !== null) {
      return finding(field, rule.rule, rule.what, masked.replace(/^[\s,;]+|\s+$/g, ""), rule.advice);
    }
  }
  return null;
}

/**
 * Checks every field of a record (as received from a form, the API or a CSV row) and returns one
 * finding per refused field; an empty list means the record may be written.
 *
 * Fields missing from `kinds` are checked as free text, so a field added later is never unguarded.
 * Numbers are checked as their decimal text (a phone number typed into a numeric column is still a
 * phone number); booleans, null, undefined and Date objects carry no text and pass. Arrays and nested
 * objects are walked, reported as `field[0]` and `field.key`; a nested path takes its kind from
 * `kinds["field.key"]` when present.
 */
export function guardRecord(
  record: Record<string, unknown>,
  kinds: Record<string, FieldKind>,
  labels: Readonly<Record<string, string>> = {},
): PhiFinding[] {
  const findings: PhiFinding[] = [];
  const seen = new WeakSet<object>();

  const visit = (path: string, value: unknown, kind: FieldKind): void => {
    if (value === null || value === undefined || typeof value === "boolean" || value instanceof Date) return;
    if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") {
      const found = checkValue(path, String(value), kind);
      if (found) findings.push(labelled(found, labels));
      return;
    }
    if (typeof value !== "object") return;
    if (seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        visit(`${path}[${i}]`, item, kind);
      });
      return;
    }
    for (const [key, nested] of Object.entries(value)) {
      const nestedPath = `${path}.${key}`;
      visit(nestedPath, nested, kinds[nestedPath] ?? "free_text");
    }
  };

  for (const [field, value] of Object.entries(record)) visit(field, value, kinds[field] ?? "free_text");
  return findings;
}
