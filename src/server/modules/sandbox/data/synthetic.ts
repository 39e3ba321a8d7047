/**
 * Synthetic data for the sandbox baseline: studies, volunteers and enrolments,
 * generated rather than copied, so the community development environment never holds a real person.
 *
 * Design:
 * - Pure: no database, no clock, no I/O. Dates are computed against a fixed reference date
 *   ({@link DEFAULT_REFERENCE_DATE} unless given), so the same options give the same output on any
 *   day and on any machine.
 * - One random stream per record. Every volunteer and every study gets its own seed, derived from
 *   `(seed, kind, index)`, so record n is the same whether it is generated alone, in a batch starting
 *   at n, or as part of one big call. That is what lets `convene sandbox seed --volunteers 100000`
 *   stream in batches behind a progress bar and still match a single call.
 * - Faker, with a cheap-to-seed randomizer. Faker's default Mersenne Twister takes ~40 µs to seed
 *   (it builds and twists a 624-word state); reseeding it per record cost ~4 s per 100,000 volunteers.
 *   The seeded {@link Faker} instance here uses faker's documented `randomizer` option with sfc32 (a
 *   small, well-tested generator whose seeding is a few integer mixes) and keeps faker for everything
 *   else: names, element picks, integers, shuffles.
 * - Safe by construction, checked by tests: e-mail domains come from the PHI guard's reserved lists,
 *   phone numbers only from the fictional ranges the guard accepts (North America 555-0100..0199,
 *   Ofcom drama numbers, the ACMA list), and medical history from a fixed phrase bank with no names,
 *   places or numbers other than a year. `synthetic.test.ts` runs thousands of records through
 *   `guardRecord`.
 * - Names are faker's English first and last names: they look like real names because they are
 *   meant to, and are synthetic because nothing ties them to a person (see the guard's known limits).
 */
import type { Faker, Randomizer, SexType } from "@faker-js/faker";
import type { RecruitmentStatus, Sex, StudyPhase, StudyStatus } from "../clinical/index.js";
import { ALLOWED_EMAIL_DOMAINS, ALLOWED_EMAIL_TLDS, AU_FICTIONAL_MOBILES } from "../shared/phi-guard.js";
import { computeBmi } from "../shared/volunteer-measures.js";
import { fakerLibrary } from "./faker.js";

// ---------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------

export const EPOCH_TYPES = ["screening", "treatment", "follow-up"] as const;
export type EpochType = (typeof EPOCH_TYPES)[number];

export interface SyntheticEpoch {
  type: EpochType;
  name: string;
  /** First study day of the epoch (Day 1 is the first dose; there is no Day 0). */
  startDay: number;
  endDay: number;
}

export interface SyntheticCohort {
  name: string;
  plannedSize: number;
  /** Free text as a protocol writes it: "10 mg", "3 mg once daily", "0.3 mg/kg IV". */
  dose: string;
}

export interface SyntheticStudyEvent {
  name: string;
  /** Study day of the event; negative before the first dose, Day 1 is the first dose. */
  dayOffset: number;
  /** Allowed deviation either side of `dayOffset`, in days (0 = on the day). */
  windowDays: number;
}

export interface SyntheticStudy {
  /** Unique across one generated set (the study's sequence number is part of it). */
  protocolNumber: string;
  title: string;
  sponsor: string;
  phase: StudyPhase;
  status: StudyStatus;
  organisationId: string;
  plannedEnrolment: number;
  epochs: SyntheticEpoch[];
  /** Empty only for some studies in design; an active or closed study has at least one. */
  cohorts: SyntheticCohort[];
  /** Empty only for some studies in design; an active or closed study has at least one. */
  events: SyntheticStudyEvent[];
}

export interface SyntheticVolunteer {
  /** `V` and the 1-based record number, six digits or more: `V000123`. */
  displayId: string;
  firstName: string;
  lastName: string;
  sex: Sex;
  /** ISO `YYYY-MM-DD`. */
  dateOfBirth: string;
  email: string;
  phone: string;
  /** State, county or region and country code, never finer: "Texas, US", "Greater London, UK". */
  region: string;
  heightCm: number;
  /** Kilograms, one decimal. */
  weightKg: number;
  /** weightKg / (heightCm / 100)², one decimal. */
  bmi: number;
  smoker: boolean;
  recruitmentStatus: RecruitmentStatus;
  /** Phrases from a fixed bank joined by "; ", or "No relevant medical history". */
  medicalHistory: string;
}

export interface SyntheticEnrolment {
  protocolNumber: string;
  cohortName: string;
  volunteerDisplayId: string;
  /** Study-unique: `S` + (100 + cohort number) + `-` + sequence in the cohort, e.g. `S101-001`. */
  subjectNumber: string;
  /** ISO `YYYY-MM-DD`, before the reference date. */
  screeningDate: string;
  status: "enrolled";
}

/** Ages and dates are computed against this day unless an option says otherwise. */
export const DEFAULT_REFERENCE_DATE = "2026-01-01";

/** The seed used when none is given: the sandbox baseline. */
export const DEFAULT_SEED = 20260101;

// ---------------------------------------------------------------------------------------------------
// A seeded Faker with a cheap-to-seed randomizer
// ---------------------------------------------------------------------------------------------------

/** Stream tags, so volunteer n and study n never share a random stream. */
const STREAM_VOLUNTEER = 0x766f6c; // "vol"
const STREAM_STUDY = 0x737479; // "sty"
const STREAM_ENROLMENT = 0x656e72; // "enr"
const STREAM_ENROLLED = 0x70636b; // "pck": who is picked for the enrolments

/** murmur3's 32-bit finaliser: spreads every input bit over the whole word. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from PractRand): 128-bit state, passes
 * PractRand and BigCrush, and seeding is a handful of integer operations instead of the Mersenne
 * Twister's 624-word initialisation. `next()` returns 53-bit floats in [0, 1) like faker's default.
 */
export function createSfc32Randomizer(seed: number | number[] = DEFAULT_SEED): Randomizer {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;

  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };

  const seedWith = (value: number | number[]): void => {
    const parts = Array.isArray(value) ? value : [value];
    // Fold every part (both 32-bit halves of integers up to 2^53, sign included) into four words.
    let h = 0x9e3779b9 ^ parts.length;
    let h2 = 0x85ebca6b;
    for (const part of parts) {
      const n = Math.trunc(Number(part)) || 0;
      const lo = n >>> 0;
      const hi = Math.floor(n / 0x100000000) >>> 0;
      h = fmix32(h ^ lo);
      h = fmix32((h + 0x9e3779b9) ^ hi);
      h2 = fmix32(h2 + h);
    }
    a = h;
    b = h2;
    c = fmix32(h ^ 0x27d4eb2f);
    d = 1;
    // The recommended warm-up: twelve rounds mix the seed through the whole state.
    for (let i = 0; i < 12; i++) nextU32();
  };

  seedWith(seed);
  return {
    next: () => ((nextU32() >>> 5) * 67108864 + (nextU32() >>> 6)) / 9007199254740992,
    seed: seedWith,
  };
}

/** A Faker instance (English names, sfc32 randomizer); callers seed it per record. */
function createFaker(): Faker {
  const { Faker, en, base } = fakerLibrary();
  return new Faker({ locale: [en, base], randomizer: createSfc32Randomizer() });
}

// ---------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

function parseIsoDate(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`referenceDate must be YYYY-MM-DD, got "${iso}"`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== iso) throw new RangeError(`Not a calendar date: "${iso}"`);
  return ms;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The same calendar day `years` earlier (29 February falls back to 28 February). */
function yearsBefore(ms: number, years: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear() - years;
  const m = d.getUTCMonth();
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Standard normal deviate (Box-Muller) from the faker's random stream. */
function gaussian(f: Faker): number {
  const u = 1 - f.number.float(); // (0, 1]: log(0) is never taken
  const v = f.number.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function weighted<const T>(f: Faker, table: ReadonlyArray<readonly [T, number]>): T {
  return f.helpers.weightedArrayElement(table.map(([value, weight]) => ({ value, weight })));
}

/** The display id of volunteer `index` (0-based): `V` and the record number, six digits or more. */
export function displayIdAt(index: number): string {
  return `V${pad(index + 1, 6)}`;
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0`);
}

// ---------------------------------------------------------------------------------------------------
// Volunteers
// ---------------------------------------------------------------------------------------------------

/**
 * E-mail domains: the reserved second-level domains as they are, and a few realistic-looking names
 * under the reserved `.example` and `.test` top-level domains (never `.invalid`/`.localhost`, which
 * read as broken data in a demo).
 */
const EMAIL_DOMAINS: readonly string[] = [
  ...ALLOWED_EMAIL_DOMAINS,
  ...ALLOWED_EMAIL_DOMAINS.map((d) => `mail.${d}`),
  ...ALLOWED_EMAIL_TLDS.filter((tld) => tld === "example" || tld === "test").flatMap((tld) => [
    `volunteers.${tld}`,
    `inbox.${tld}`,
  ]),
];

type Country = "US" | "UK" | "AU";

interface Region {
  readonly name: string;
  readonly country: Country;
  /**
   * Phone templates in fictional ranges only; `#` is a random digit. Checked against the guard's
   * `isFictionalPhone` in synthetic.test.ts.
   */
  readonly phones: readonly string[];
  readonly weight: number;
}

/** North America: any area code with 555-0100..555-0199 (NANPA reserves these for fiction). */
function nanp(...areaCodes: string[]): string[] {
  return areaCodes.flatMap((ac) => [`(${ac}) 555-01##`, `${ac}-555-01##`, `+1 ${ac} 555 01##`]);
}

/** Ofcom drama numbers: the UK-wide mobile block plus the region's geographic block. */
function ofcom(...geographic: string[]): string[] {
  return [...geographic, "07700 900###", "+44 7700 900###"];
}

/** ACMA: the (0x) 5550 xxxx and (0x) 7010 xxxx landline blocks for a state's area code. */
function acma(areaCode: string): string[] {
  return [`(${areaCode}) 5550 ####`, `(${areaCode}) 7010 ####`, "AU-MOBILE"];
}

const REGIONS: readonly Region[] = [
  { name: "Texas, US", country: "US", phones: nanp("512", "713", "214"), weight: 9 },
  { name: "Kansas, US", country: "US", phones: nanp("913", "316"), weight: 5 },
  { name: "Maryland, US", country: "US", phones: nanp("410", "301"), weight: 6 },
  { name: "Florida, US", country: "US", phones: nanp("305", "407"), weight: 7 },
  { name: "California, US", country: "US", phones: nanp("619", "415", "949"), weight: 8 },
  { name: "Wisconsin, US", country: "US", phones: nanp("608", "414"), weight: 4 },
  { name: "Nebraska, US", country: "US", phones: nanp("402"), weight: 3 },
  { name: "Utah, US", country: "US", phones: nanp("801"), weight: 3 },
  { name: "New Jersey, US", country: "US", phones: nanp("201", "973"), weight: 5 },
  { name: "Greater London, UK", country: "UK", phones: ofcom("020 7946 0###"), weight: 9 },
  { name: "Greater Manchester, UK", country: "UK", phones: ofcom("0161 496 0###"), weight: 4 },
  { name: "West Yorkshire, UK", country: "UK", phones: ofcom("0113 496 0###"), weight: 3 },
  { name: "South Yorkshire, UK", country: "UK", phones: ofcom("0114 496 0###"), weight: 2 },
  { name: "Nottinghamshire, UK", country: "UK", phones: ofcom("0115 496 0###"), weight: 2 },
  { name: "Leicestershire, UK", country: "UK", phones: ofcom("0116 496 0###"), weight: 2 },
  { name: "Bristol, UK", country: "UK", phones: ofcom("0117 496 0###"), weight: 2 },
  { name: "Berkshire, UK", country: "UK", phones: ofcom("0118 496 0###"), weight: 2 },
  { name: "West Midlands, UK", country: "UK", phones: ofcom("0121 496 0###"), weight: 3 },
  { name: "Merseyside, UK", country: "UK", phones: ofcom("0151 496 0###"), weight: 2 },
  { name: "Tyne and Wear, UK", country: "UK", phones: ofcom("0191 498 0###"), weight: 2 },
  { name: "Lothian, UK", country: "UK", phones: ofcom("0131 496 0###"), weight: 2 },
  { name: "Glasgow City, UK", country: "UK", phones: ofcom("0141 496 0###"), weight: 2 },
  { name: "Cardiff, UK", country: "UK", phones: ofcom("029 2018 0###"), weight: 2 },
  { name: "Belfast, UK", country: "UK", phones: ofcom("028 9649 6###"), weight: 1 },
  { name: "New South Wales, AU", country: "AU", phones: acma("02"), weight: 6 },
  { name: "Victoria, AU", country: "AU", phones: acma("03"), weight: 5 },
  { name: "Queensland, AU", country: "AU", phones: acma("07"), weight: 4 },
  { name: "South Australia, AU", country: "AU", phones: acma("08"), weight: 3 },
  { name: "Western Australia, AU", country: "AU", phones: acma("08"), weight: 2 },
];

const REGION_TABLE = REGIONS.map((r) => [r, r.weight] as const);

/** ACMA mobile numbers in the way Australians write them: 0491 570 156. */
const AU_MOBILES_FORMATTED = AU_FICTIONAL_MOBILES.map(
  (n) => `${n.slice(0, 4)} ${n.slice(4, 7)} ${n.slice(7)}`,
);

/** Every phone template the generator can use, for tests (AU mobiles expanded). */
export function phoneTemplates(): string[] {
  return [...new Set(REGIONS.flatMap((r) => r.phones))].flatMap((t) =>
    t === "AU-MOBILE" ? AU_MOBILES_FORMATTED : [t],
  );
}

/** Every e-mail domain the generator can use, for tests. */
export function emailDomains(): string[] {
  return [...EMAIL_DOMAINS];
}

/** Every region the generator can use, for tests and filters. */
export function regionNames(): string[] {
  return REGIONS.map((r) => r.name);
}

function fillDigits(f: Faker, template: string): string {
  let out = "";
  for (const ch of template) out += ch === "#" ? String(f.number.int(9)) : ch;
  return out;
}

function phoneFor(f: Faker, region: Region): string {
  const template = f.helpers.arrayElement(region.phones);
  return template === "AU-MOBILE" ? f.helpers.arrayElement(AU_MOBILES_FORMATTED) : fillDigits(f, template);
}

/**
 * The statuses a volunteer is generated with. Never `enrolled`: a volunteer's status follows their
 * enrolments, so only {@link generateEnrolments} makes a volunteer enrolled (see `enrolled` below).
 */
const RECRUITMENT_TABLE: ReadonlyArray<readonly [RecruitmentStatus, number]> = [
  ["prospect", 38],
  ["screening", 10],
  ["eligible", 28],
  ["ineligible", 16],
  ["withdrawn", 8],
];

/** Age bands on the reference date: mostly 18-55, some 56-65, a few older. */
const AGE_BANDS: ReadonlyArray<readonly [readonly [number, number], number]> = [
  [[18, 55], 85],
  [[56, 65], 11],
  [[66, 80], 4],
];

const NO_HISTORY = "No relevant medical history";

/** Phrases a Phase 1 unit records at screening. No names, places, numbers or identifiers. */
const HISTORY_PLAIN: readonly string[] = [
  "Seasonal allergic rhinitis",
  "Hay fever, antihistamines as needed",
  "Mild intermittent asthma in childhood, resolved",
  "Eczema in childhood",
  "Migraine without aura, infrequent",
  "Occasional tension-type headache",
  "Penicillin allergy (rash)",
  "Lactose intolerance",
  "Gastro-oesophageal reflux, occasional antacids",
  "Irritable bowel syndrome, mild",
  "Acne, topical treatment",
  "Myopia, wears glasses",
  "Varicella in childhood",
  "Tonsillectomy in childhood",
  "Hypercholesterolaemia, diet-controlled",
  "Mild plaque psoriasis, topical treatment",
  "Iron-deficiency anaemia, resolved",
  "Vasovagal episode with venepuncture",
  "Gilbert's syndrome",
  "Mechanical low back pain, physiotherapy",
  "Oral allergy syndrome (birch pollen)",
  "Recurrent cold sores",
];

/** Phrases with a year (filled in after the volunteer's fifth birthday, before the reference date). */
const HISTORY_DATED: readonly string[] = [
  "Appendectomy {year}",
  "Fractured left wrist {year}",
  "Fractured right ankle {year}",
  "Knee arthroscopy {year}",
  "Cholecystectomy {year}",
  "Inguinal hernia repair {year}",
  "Wisdom teeth extraction {year}",
  "Glandular fever {year}, full recovery",
  "Concussion (sports injury) {year}, no sequelae",
  "Previous Phase 1 study participation {year}",
];

function medicalHistory(f: Faker, birthYear: number, referenceYear: number): string {
  if (f.number.float() < 0.4) return NO_HISTORY;
  const count = weighted(f, [
    [1, 60],
    [2, 30],
    [3, 10],
  ]);
  const phrases: string[] = [];
  const firstYear = birthYear + 5;
  const lastYear = referenceYear - 1;
  while (phrases.length < count) {
    const dated = firstYear <= lastYear && f.number.float() < 0.35;
    const phrase = dated
      ? f.helpers
          .arrayElement(HISTORY_DATED)
          .replace("{year}", String(f.number.int({ min: firstYear, max: lastYear })))
      : f.helpers.arrayElement(HISTORY_PLAIN);
    const stem = phrase.replace(/\s*\d{4}.*$/, "");
    if (!phrases.some((p) => p.startsWith(stem))) phrases.push(phrase);
  }
  return phrases.join("; ");
}

/** Letters only, lower case: the part of a name an e-mail local part can carry. */
function emailWord(name: string): string {
  return name.toLowerCase().replace(/[^a-z]/g, "");
}

export interface GenerateVolunteersOptions {
  count: number;
  /** Defaults to {@link DEFAULT_SEED}. */
  seed?: number;
  /** 0-based index of the first record: volunteer i is the same whichever call generates it. */
  startIndex?: number;
  /** ISO date ages are computed against; defaults to {@link DEFAULT_REFERENCE_DATE}. */
  referenceDate?: string;
  /**
   * Display ids of the volunteers {@link generateEnrolments} assigned: these, and only these, are
   * `enrolled`. Their other values are the same as without it.
   */
  enrolled?: ReadonlySet<string>;
}

/**
 * Generates volunteers `startIndex` .. `startIndex + count - 1`. Deterministic: the same seed,
 * reference date and enrolled set give the same records, whether generated in one call or in batches.
 *
 * Distributions (roughly): 58 % male; ages 18-55 for 85 %, 56-65 for 11 %, 66-80 for 4 %; height
 * normal by sex (men 177 ± 7 cm, women 163 ± 6.5 cm); BMI normal 25.5 ± 3.8 clamped to 17-40;
 * 18 % smokers; 40 % with no relevant medical history; regions US 45 %, UK 36 %, AU 18 %; statuses
 * prospect 38 %, screening 10 %, eligible 28 %, ineligible 16 %, withdrawn 8 %, then `enrolled` for
 * the volunteers in `enrolled`.
 */
export function generateVolunteers(options: GenerateVolunteersOptions): SyntheticVolunteer[] {
  const {
    count,
    seed = DEFAULT_SEED,
    startIndex = 0,
    referenceDate = DEFAULT_REFERENCE_DATE,
    enrolled = new Set<string>(),
  } = options;
  checkCount("count", count);
  checkCount("startIndex", startIndex);
  const refMs = parseIsoDate(referenceDate);
  const refYear = new Date(refMs).getUTCFullYear();
  const f = createFaker();
  const out: SyntheticVolunteer[] = new Array(count);

  for (let i = 0; i < count; i++) {
    const index = startIndex + i;
    f.seed([seed, STREAM_VOLUNTEER, index]);

    const sex: Sex = f.number.float() < 0.58 ? "male" : "female";
    const firstName = f.person.firstName(sex satisfies SexType);
    const lastName = f.person.lastName();

    // Age in whole years on the reference date, then a uniform day within that year of life.
    const [minAge, maxAge] = weighted(f, AGE_BANDS);
    const age = f.number.int({ min: minAge, max: maxAge });
    const latest = yearsBefore(refMs, age);
    const earliest = yearsBefore(refMs, age + 1) + DAY_MS;
    const dobMs = earliest + f.number.int((latest - earliest) / DAY_MS) * DAY_MS;
    const dateOfBirth = isoDate(dobMs);

    const heightCm =
      sex === "male"
        ? Math.round(clamp(177 + 7 * gaussian(f), 150, 205))
        : Math.round(clamp(163 + 6.5 * gaussian(f), 145, 190));
    const targetBmi = clamp(25.5 + 3.8 * gaussian(f), 17, 40);
    const weightKg = round1(clamp(targetBmi * (heightCm / 100) ** 2, 40, 160));
    const bmi = computeBmi(heightCm, weightKg);

    const region = weighted(f, REGION_TABLE);
    const phone = phoneFor(f, region);
    const domain = f.helpers.arrayElement(EMAIL_DOMAINS);
    const first = emailWord(firstName) || "volunteer";
    const last = emailWord(lastName) || "sandbox";
    const local = f.helpers.arrayElement([`${first}.${last}`, `${first[0]}${last}`, `${first}_${last}`]);
    // The record number makes every address unique (the local part has no other digits).
    const email = `${local}${index + 1}@${domain}`;
    const displayId = displayIdAt(index);
    const smoker = f.number.float() < 0.18;
    // Drawn for every volunteer, so the draws after it do not depend on who is enrolled.
    const drawnStatus = weighted(f, RECRUITMENT_TABLE);

    out[i] = {
      displayId,
      firstName,
      lastName,
      sex,
      dateOfBirth,
      email,
      phone,
      region: region.name,
      heightCm,
      weightKg,
      bmi,
      smoker,
      recruitmentStatus: enrolled.has(displayId) ? "enrolled" : drawnStatus,
      medicalHistory: medicalHistory(f, Number(dateOfBirth.slice(0, 4)), refYear),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Studies
// ---------------------------------------------------------------------------------------------------

/** Invented sponsor names: a place-like word and a company form. */
const SPONSOR_STEMS: readonly string[] = [
  "Aldermoor",
  "Brackenfield",
  "Calderwick",
  "Dunmere",
  "Elmbridge",
  "Fernhollow",
  "Greystane",
  "Harrowgate",
  "Ivywell",
  "Juniperlea",
  "Kestrelmoor",
  "Larkhaven",
  "Merrowdale",
  "Northwyck",
  "Oakhollow",
  "Pellridge",
  "Quillmere",
  "Rowanford",
  "Silverbeck",
  "Thornwick",
  "Umberlea",
  "Vantmoor",
  "Westerholm",
  "Yarrowby",
  "Zephyrvale",
];
const SPONSOR_FORMS: readonly string[] = [
  "Therapeutics",
  "Biosciences",
  "Pharmaceuticals",
  "Biologics",
  "Bio",
  "Pharma",
];

const INDICATIONS: readonly string[] = [
  "Moderate Plaque Psoriasis",
  "Type 2 Diabetes Mellitus",
  "Mild to Moderate Asthma",
  "Episodic Migraine",
  "Non-Alcoholic Steatohepatitis",
  "Atopic Dermatitis",
  "Osteoarthritis of the Knee",
  "Chronic Kidney Disease",
  "Ulcerative Colitis",
  "Hypertriglyceridaemia",
  "Generalised Anxiety Disorder",
  "Obesity",
];

type StudyDesign = "sad" | "mad" | "food-effect" | "ddi" | "sad-mad" | "expansion" | "proof-of-concept";

const DESIGNS_BY_PHASE: Readonly<Record<StudyPhase, readonly StudyDesign[]>> = {
  I: ["sad", "mad", "food-effect", "ddi", "sad-mad"],
  Ia: ["sad"],
  Ib: ["mad"],
  "I/II": ["expansion"],
  IIa: ["proof-of-concept"],
};

/** A modified-Fibonacci style escalation ladder. */
const DOSE_LADDER: readonly number[] = [0.1, 0.3, 1, 3, 10, 25, 50, 100, 200, 400, 800, 1200];

function title(phase: StudyPhase, design: StudyDesign, compound: string, indication: string): string {
  const p = `A Phase ${phase}`;
  switch (design) {
    case "sad":
      return `${p}, Randomised, Double-Blind, Placebo-Controlled, Single Ascending Dose Study to Assess the Safety, Tolerability and Pharmacokinetics of ${compound} in Healthy Adult Volunteers`;
    case "mad":
      return `${p}, Randomised, Double-Blind, Placebo-Controlled, Multiple Ascending Dose Study of ${compound} in Healthy Adult Volunteers`;
    case "sad-mad":
      return `${p}, First-in-Human, Two-Part Single and Multiple Ascending Dose Study of ${compound} in Healthy Volunteers`;
    case "food-effect":
      return `${p}, Open-Label, Randomised, Two-Period Crossover Study of the Effect of Food on the Pharmacokinetics of ${compound} in Healthy Volunteers`;
    case "ddi":
      return `${p}, Open-Label, Fixed-Sequence Drug-Drug Interaction Study of ${compound} and Itraconazole in Healthy Volunteers`;
    case "expansion":
      return `${p}, Open-Label, Dose-Escalation and Cohort Expansion Study of ${compound} in Adults with ${indication}`;
    case "proof-of-concept":
      return `${p}, Randomised, Double-Blind, Placebo-Controlled Proof-of-Concept Study of ${compound} in Adults with ${indication}`;
  }
}

function formatDose(mg: number): string {
  return `${mg} mg`;
}

function cohortsFor(f: Faker, design: StudyDesign): SyntheticCohort[] {
  const size = (): number =>
    weighted(f, [
      [8, 70],
      [6, 10],
      [10, 10],
      [12, 10],
    ]);
  const ladder = (n: number, suffix = ""): string[] => {
    const start = f.number.int(Math.max(0, DOSE_LADDER.length - n));
    return DOSE_LADDER.slice(start, start + n).map((mg) => `${formatDose(mg)}${suffix}`);
  };
  switch (design) {
    case "sad":
      return ladder(f.number.int({ min: 3, max: 7 })).map((dose, i) => ({
        name: `Cohort ${i + 1}`,
        plannedSize: size(),
        dose,
      }));
    case "mad":
      return ladder(f.number.int({ min: 2, max: 5 }), " once daily").map((dose, i) => ({
        name: `Cohort ${i + 1}`,
        plannedSize: size(),
        dose,
      }));
    case "sad-mad": {
      const sad = ladder(f.number.int({ min: 3, max: 5 })).map((dose, i) => ({
        name: `Part A Cohort ${i + 1}`,
        plannedSize: size(),
        dose,
      }));
      const mad = ladder(f.number.int({ min: 2, max: 3 }), " once daily").map((dose, i) => ({
        name: `Part B Cohort ${i + 1}`,
        plannedSize: size(),
        dose,
      }));
      return [...sad, ...mad];
    }
    case "food-effect": {
      const dose = formatDose(f.helpers.arrayElement(DOSE_LADDER.slice(4, 9)));
      const n = f.helpers.arrayElement([12, 14, 16]);
      return [
        { name: "Sequence AB (fasted then fed)", plannedSize: n, dose },
        { name: "Sequence BA (fed then fasted)", plannedSize: n, dose },
      ];
    }
    case "ddi":
      return [
        {
          name: "Cohort 1",
          plannedSize: f.helpers.arrayElement([14, 16, 18, 20]),
          dose: `${formatDose(f.helpers.arrayElement(DOSE_LADDER.slice(4, 9)))}, with and without itraconazole 200 mg`,
        },
      ];
    case "expansion": {
      const escalation = ladder(f.number.int({ min: 2, max: 4 }), " once daily").map((dose, i) => ({
        name: `Escalation Cohort ${i + 1}`,
        plannedSize: f.helpers.arrayElement([3, 6]),
        dose,
      }));
      const last = escalation[escalation.length - 1]?.dose ?? "100 mg once daily";
      return [
        ...escalation,
        { name: "Expansion Cohort", plannedSize: f.number.int({ min: 12, max: 24 }), dose: last },
      ];
    }
    case "proof-of-concept": {
      const [low, high] = ladder(2, " twice daily");
      return [
        {
          name: "Low Dose",
          plannedSize: f.number.int({ min: 16, max: 30 }),
          dose: low ?? "50 mg twice daily",
        },
        {
          name: "High Dose",
          plannedSize: f.number.int({ min: 16, max: 30 }),
          dose: high ?? "100 mg twice daily",
        },
        {
          name: "Placebo",
          plannedSize: f.number.int({ min: 8, max: 15 }),
          dose: "Matching placebo twice daily",
        },
      ];
    }
  }
}

/** Dosing days and length of follow-up, by design. */
function schedule(
  f: Faker,
  design: StudyDesign,
): { dosingDays: number; residencyDays: number; followUpDays: number } {
  switch (design) {
    case "sad":
      return { dosingDays: 1, residencyDays: f.number.int({ min: 2, max: 4 }), followUpDays: 14 };
    case "mad":
    case "sad-mad":
      return {
        dosingDays: f.helpers.arrayElement([7, 10, 14]),
        residencyDays: f.number.int({ min: 1, max: 3 }),
        followUpDays: 14,
      };
    case "food-effect":
      return { dosingDays: 8, residencyDays: 3, followUpDays: 10 };
    case "ddi":
      return { dosingDays: 12, residencyDays: 2, followUpDays: 10 };
    case "expansion":
      return { dosingDays: 28, residencyDays: 0, followUpDays: 28 };
    case "proof-of-concept":
      return { dosingDays: f.helpers.arrayElement([28, 42, 56]), residencyDays: 0, followUpDays: 28 };
  }
}

function epochsAndEvents(
  f: Faker,
  design: StudyDesign,
): { epochs: SyntheticEpoch[]; events: SyntheticStudyEvent[] } {
  const { dosingDays, residencyDays, followUpDays } = schedule(f, design);
  const lastDose = dosingDays;
  const discharge = lastDose + residencyDays;
  const endOfStudy = lastDose + followUpDays;
  const inpatient = residencyDays > 0;
  const epochs: SyntheticEpoch[] = [
    { type: "screening", name: "Screening", startDay: -28, endDay: -2 },
    {
      type: "treatment",
      name: "Treatment",
      startDay: inpatient ? -1 : 1,
      endDay: Math.max(lastDose, discharge),
    },
    { type: "follow-up", name: "Follow-up", startDay: Math.max(lastDose, discharge) + 1, endDay: endOfStudy },
  ];
  const events: SyntheticStudyEvent[] = [{ name: "Screening", dayOffset: -15, windowDays: 13 }];
  if (inpatient) events.push({ name: "Admission", dayOffset: -1, windowDays: 0 });
  events.push({ name: dosingDays === 1 ? "Dosing" : "First dose", dayOffset: 1, windowDays: 0 });
  if (dosingDays === 1) {
    events.push({ name: "Day 2 PK and safety", dayOffset: 2, windowDays: 0 });
  } else {
    for (let day = 8; day < lastDose; day += 7) {
      events.push({ name: `Day ${day} PK and safety`, dayOffset: day, windowDays: inpatient ? 0 : 1 });
    }
    events.push({ name: "Last dose", dayOffset: lastDose, windowDays: inpatient ? 0 : 1 });
  }
  if (inpatient) events.push({ name: "Discharge", dayOffset: discharge, windowDays: 0 });
  const followUp = lastDose + 7;
  if (followUp < endOfStudy) events.push({ name: "Follow-up visit", dayOffset: followUp, windowDays: 1 });
  events.push({ name: "End of study", dayOffset: endOfStudy, windowDays: f.number.int({ min: 2, max: 3 }) });
  return { epochs, events };
}

export interface GenerateStudiesOptions {
  count: number;
  /** Defaults to {@link DEFAULT_SEED}. */
  seed?: number;
  /** Owning organisations, assigned in turn (study i belongs to `organisationIds[i % n]`). */
  organisationIds: string[];
  /** 0-based index of the first study, for batches; protocol numbers stay unique across batches. */
  startIndex?: number;
}

/**
 * Generates studies `startIndex` .. `startIndex + count - 1`. Protocol numbers end in the study's
 * sequence number (101, 102, …) and are therefore unique. Phases I 35 %, Ia 15 %, Ib 20 %, I/II
 * 15 %, IIa 15 %; statuses design 20 %, active 55 %, closed 25 %. Active and closed studies always
 * have at least one cohort and one event; half of the studies in design have neither yet.
 * Planned enrolment is the sum of the cohorts' planned sizes (a round target when there are none).
 */
export function generateStudies(options: GenerateStudiesOptions): SyntheticStudy[] {
  const { count, seed = DEFAULT_SEED, organisationIds, startIndex = 0 } = options;
  checkCount("count", count);
  checkCount("startIndex", startIndex);
  if (count > 0 && organisationIds.length === 0) throw new RangeError("organisationIds must not be empty");
  const f = createFaker();
  const out: SyntheticStudy[] = new Array(count);

  for (let i = 0; i < count; i++) {
    const index = startIndex + i;
    f.seed([seed, STREAM_STUDY, index]);

    const stem = f.helpers.arrayElement(SPONSOR_STEMS);
    const sponsor = `${stem} ${f.helpers.arrayElement(SPONSOR_FORMS)}`;
    const code = stem.slice(0, 3).toUpperCase();
    const compound = `${code}-${f.number.int({ min: 1000, max: 9999 })}`;
    const phase = weighted(f, [
      ["I", 35],
      ["Ia", 15],
      ["Ib", 20],
      ["I/II", 15],
      ["IIa", 15],
    ] as const);
    const status = weighted(f, [
      ["design", 20],
      ["active", 55],
      ["closed", 25],
    ] as const);
    const design = f.helpers.arrayElement(DESIGNS_BY_PHASE[phase]);
    const indication = f.helpers.arrayElement(INDICATIONS);

    const { epochs, events } = epochsAndEvents(f, design);
    const cohorts = cohortsFor(f, design);
    const bare = status === "design" && f.number.float() < 0.5;
    const plannedEnrolment = bare
      ? f.helpers.arrayElement([24, 32, 40, 48, 64])
      : cohorts.reduce((sum, c) => sum + c.plannedSize, 0);

    out[i] = {
      protocolNumber: `${compound}-${101 + index}`,
      title: title(phase, design, compound, indication),
      sponsor,
      phase,
      status,
      organisationId: organisationIds[index % organisationIds.length] as string,
      plannedEnrolment,
      epochs,
      cohorts: bare ? [] : cohorts,
      events: bare ? [] : events,
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Enrolments
// ---------------------------------------------------------------------------------------------------

export interface GenerateEnrolmentsOptions {
  studies: readonly Pick<SyntheticStudy, "protocolNumber" | "status" | "cohorts">[];
  /** How many volunteers {@link generateVolunteers} makes (V000001 onwards); any of them may be picked. */
  volunteers: number;
  /** Defaults to {@link DEFAULT_SEED}. */
  seed?: number;
  /** Screening dates fall before this day; defaults to {@link DEFAULT_REFERENCE_DATE}. */
  referenceDate?: string;
}

/**
 * The numbers 0 .. n - 1 in random order, drawn one at a time: a Fisher-Yates shuffle that keeps only
 * the positions it has swapped, so taking k of a million costs k steps, not a million.
 */
function* shuffledIndices(f: Faker, n: number): Generator<number> {
  const swapped = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const j = f.number.int({ min: i, max: n - 1 });
    const picked = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    yield picked;
  }
}

/**
 * Assigns volunteers, picked at random from the first `volunteers`, to cohorts of active studies, each
 * volunteer at most once (so no one is in two overlapping dosing periods). Each active study is
 * part-way through its escalation: its first cohorts are full, the current one partly filled, later
 * ones empty. No cohort goes over its planned size. Stops when the volunteers run out, so some active
 * studies may have fewer subjects than that.
 *
 * Needs no volunteer record, only their number, so the baseline plans the enrolments before it
 * generates a volunteer and passes the assigned display ids to {@link generateVolunteers} as
 * `enrolled`: every enrolled volunteer then has exactly one enrolment, and the volunteers are still
 * generated in independent batches.
 */
export function generateEnrolments(options: GenerateEnrolmentsOptions): SyntheticEnrolment[] {
  const { studies, volunteers, seed = DEFAULT_SEED, referenceDate = DEFAULT_REFERENCE_DATE } = options;
  checkCount("volunteers", volunteers);
  const refMs = parseIsoDate(referenceDate);
  const f = createFaker();
  f.seed([seed, STREAM_ENROLMENT]);
  // A stream of its own for the picks, so the cohorts' draws do not depend on the number of volunteers.
  const picker = createFaker();
  picker.seed([seed, STREAM_ENROLLED]);
  const pool = shuffledIndices(picker, volunteers);
  let picked = 0;
  const out: SyntheticEnrolment[] = [];

  for (const study of studies) {
    if (study.status !== "active" || study.cohorts.length === 0) continue;
    const current = f.number.int(study.cohorts.length - 1);
    for (let c = 0; c <= current; c++) {
      const cohort = study.cohorts[c] as SyntheticCohort;
      const filled = c < current ? cohort.plannedSize : f.number.int({ min: 1, max: cohort.plannedSize });
      // Earlier cohorts were screened earlier: two weeks per cohort, plus a few days' spread.
      const cohortScreening = refMs - ((current - c) * 14 + 2) * DAY_MS;
      for (let s = 0; s < filled && picked < volunteers; s++, picked++) {
        out.push({
          protocolNumber: study.protocolNumber,
          cohortName: cohort.name,
          volunteerDisplayId: displayIdAt(pool.next().value as number),
          subjectNumber: `S${101 + c}-${pad(s + 1, 3)}`,
          screeningDate: isoDate(cohortScreening - f.number.int(26) * DAY_MS),
          status: "enrolled",
        });
      }
      if (picked >= volunteers) return out;
    }
  }
  return out;
}
