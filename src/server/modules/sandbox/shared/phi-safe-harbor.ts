/**
 * The PHI guard's rules for the HIPAA Safe Harbor identifier categories beyond contact details and
 * account numbers (which phi-guard.ts covers): names and birth dates written into free text, ages over
 * 89, health-plan and insurance numbers, licence and passport numbers, vehicle and device identifiers,
 * web addresses and IP addresses.
 *
 * How false refusals are kept at zero: each rule fires on what only a person's record holds, never on
 * the shape of clinical text alone. An identifier is recognised either by a format that nothing in a
 * study's notes shares (a Medicare Beneficiary Identifier, a VIN outside an e-mail address, an IPv6 address,
 * an MRZ line), or by its label ("passport", "DL#", "member ID", "S/N") followed by a value with
 * digits in it. Dates and names are refused only in a personal context: a birth label before a full
 * date (visit dates pass), an honorific or a relationship word before a capitalised name ("Dr Patel"
 * alone is the clinician and passes; "Dr Patel, St Mary's Hospital" places the patient's care).
 * Every safe example in phi-guard.test.ts is run against every rule.
 */

/** A rule over text: the masked offending part, or null. */
export type Finder = (text: string) => string | null;

/**
 * Every match of a global pattern. `String.prototype.matchAll` copies the pattern at each call, which
 * costs ten times the search itself on the short values a bulk write guards by the hundred thousand;
 * this runs the pattern itself from the start and returns the matches as a list, so a rule may use the
 * same pattern again while it reads them.
 */
export function matchesOf(text: string, pattern: RegExp): RegExpExecArray[] {
  const matches: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    matches.push(match);
    // An empty match would be found again at the same place: step over one character (a whole one).
    if (match[0] === "") pattern.lastIndex += (text.codePointAt(match.index) ?? 0) > 0xffff ? 2 : 1;
  }
  pattern.lastIndex = 0;
  return matches;
}

/** An e-mail address; its domain is the first group. The e-mail rules own it, so no other rule reads inside one. */
export const EMAIL_ADDRESS =
  /(?<![\p{L}\p{N}._%+'’-])[\p{L}\p{N}._%+'’-]+@((?:[\p{L}\p{N}-]+\.)*[\p{L}\p{N}-]+)/gu;

const BOUNDARY_BEFORE = String.raw`(?<![\p{L}\p{N}])`;
const BOUNDARY_AFTER = String.raw`(?![\p{L}\p{N}])`;
const SEPARATOR = String.raw`\s*(?:[:#=.-]|no\.?|number|num|id)?\s*[:#=.-]?\s*`;

/** Letters and digits become "*" except the first and, for eight or more, the last two. */
export function mask(text: string): string {
  const total = (text.match(/[\p{L}\p{N}]/gu) ?? []).length;
  const keepEnd = total >= 8 ? 2 : 0;
  let seen = 0;
  return text.replace(/[\p{L}\p{N}]/gu, (ch) => {
    seen += 1;
    return seen === 1 || seen > total - keepEnd ? ch : "*";
  });
}

const hasDigits = (value: string, count: number) => (value.match(/\d/g) ?? []).length >= count;

/**
 * A labelled identifier: the label, then a value of letters and digits (with spaces or dashes inside)
 * holding at least `minDigits` digits. The value stops at the first word without a digit.
 */
function labelled(labels: string, minDigits: number): Finder {
  const pattern = new RegExp(
    `${BOUNDARY_BEFORE}(?:${labels})(?:\\s+(?:${labels}))*(?![\\p{L}])${SEPARATOR}([A-Z0-9][A-Z0-9-]*(?:\\s[A-Z0-9-]*\\d[A-Z0-9-]*)*)${BOUNDARY_AFTER}`,
    "giu",
  );
  return (text) => {
    for (const match of matchesOf(text, pattern)) {
      const value = match[1] ?? "";
      if (hasDigits(value, minDigits)) return mask(match[0].trim());
    }
    return null;
  };
}

const firstOf =
  (...finders: Finder[]): Finder =>
  (text) => {
    for (const find of finders) {
      const found = find(text);
      if (found !== null) return found;
    }
    return null;
  };

// --- health plan beneficiary numbers (category 9) ---

/**
 * A Medicare Beneficiary Identifier (CMS format: 11 characters, positions fixed as digit or letter,
 * never S, L, O, I, B or Z), written whole or in the 4-3-4 groups on the card.
 */
const MBI_LETTER = "[AC-HJKMNP-RT-Y]";
const MBI_EITHER = "[AC-HJKMNP-RT-Y0-9]";
const MBI = new RegExp(
  `${BOUNDARY_BEFORE}[1-9]${MBI_LETTER}${MBI_EITHER}\\d-?${MBI_LETTER}${MBI_EITHER}\\d-?${MBI_LETTER}{2}\\d{2}${BOUNDARY_AFTER}`,
  "gu",
);
const medicareNumber: Finder = (text) => {
  const match = text.toUpperCase().match(MBI);
  return match?.[0] ? mask(match[0]) : null;
};

export const healthPlanNumber = firstOf(
  medicareNumber,
  labelled(
    String.raw`medicare|medicaid|medi-cal|hicn|mbi|(?:health\s*)?insurance|insurer|insured|policy\s*(?:number|no\.?|#)|policyholder|member(?:ship)?|subscriber|beneficiary|health\s*plan|group\s+(?:number|no\.?|#)|krankenversicherungs?(?:nummer)?|versichertennummer|carte\s+vitale|ehic|ahcccs`,
    4,
  ),
);

// --- certificate and licence numbers (category 11) ---

/** The machine-readable line of a passport or identity card: "P<GBR…", "I<FRA…", 30+ characters. */
const MRZ = /(?<![A-Z0-9<])[PIAC][A-Z<][A-Z<]{3}[A-Z0-9<]{25,}/g;

export const licenceNumber = firstOf(
  (text) => {
    const line = text.toUpperCase().match(MRZ)?.[0];
    return line?.includes("<<") ? mask(line) : null;
  },
  labelled(
    String.raw`passport|passeport|reisepass|pasaporte|driver'?s?\s*licen[cs]e|driving\s*licen[cs]e|licen[cs]e(?!\s*plate)|dl\s*#|dl\s*no\.?|d\.l\.|f[uü]hrerschein|permis\s+de\s+conduire|carnet\s+de\s+conducir|national\s+id(?:entity)?\s*card|identity\s*card|id\s*card|personalausweis|dni|birth\s+certificate|npi|dea\s*(?:number|no\.?|#)|state\s+id`,
    3,
  ),
);

// --- vehicle identifiers and licence plates (category 12) ---

/** ISO 3779: 17 characters without I, O and Q, mixing letters and digits. */
const VIN = /(?<![A-Z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Z0-9])/g;
/** A current British registration: two letters, two digits, three letters ("AB12 CDE"). */
const UK_PLATE = /(?<![\p{L}\p{N}])[A-HJ-PR-Y]{2}\d{2}\s?[A-HJ-PR-Z]{3}(?![\p{L}\p{N}])/gu;

/** A synthetic address such as "bbeahanlynch10176@…" has a VIN's shape and is no vehicle. */
function withoutEmailAddresses(text: string): string {
  // Both vehicle rules ask for the same text, one after the other.
  if (text !== lastWithoutEmail.text) lastWithoutEmail = { text, stripped: text.replace(EMAIL_ADDRESS, " ") };
  return lastWithoutEmail.stripped;
}

let lastWithoutEmail = { text: "", stripped: "" };

export const vehicleIdentifier = firstOf(
  (text) => {
    for (const match of matchesOf(withoutEmailAddresses(text).toUpperCase(), VIN)) {
      const value = match[0];
      if (/\d/.test(value) && /[A-Z]/.test(value) && hasDigits(value, 5)) return mask(value);
    }
    return null;
  },
  (text) => {
    const match = withoutEmailAddresses(text).match(UK_PLATE);
    return match?.[0] ? mask(match[0]) : null;
  },
  labelled(
    String.raw`vin|vehicle(?:\s+identification)?|(?:licen[cs]e|number|registration)\s*plate|car\s+reg(?:istration)?|vehicle\s+reg(?:istration)?|kennzeichen|immatriculation|matr[ií]cula`,
    2,
  ),
);

// --- device identifiers and serial numbers (category 13) ---

export const deviceIdentifier = labelled(
  String.raw`serial|s\/n|sn|imei|meid|udi|device\s+id|device\s+serial|implant\s+id|mac\s+address|seriennummer|n[º°o]\s+de\s+s[ée]rie`,
  3,
);

// --- web addresses and IP addresses (categories 14 and 15) ---

/** Reserved for documentation (RFC 2606): links there name nobody. */
const RESERVED_HOST = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)$/i;
const URL_PATTERN =
  /(?<![\p{L}\p{N}@.])(?:https?:\/\/|www\.)([\p{L}\p{N}.-]+\.[\p{L}]{2,})(?::\d+)?(?:\/[^\s<>"')]*)?/giu;
const SOCIAL_NETWORK =
  "twitter|instagram|tiktok|facebook|linkedin|snapchat|telegram|threads|mastodon|bluesky|reddit|youtube";
/** "Instagram: @jdoe_87", "twitter @jdoe", "TikTok handle: jdoe87". */
const SOCIAL_HANDLE = new RegExp(
  `${BOUNDARY_BEFORE}(?:${SOCIAL_NETWORK})(?![\\p{L}])\\s*(?:handle|username|user|account|profile)?\\s*(?:[:=]\\s*@?|@)[\\p{L}\\p{N}_.]{2,}`,
  "giu",
);
const BARE_SOCIAL_URL =
  /(?<![\p{L}\p{N}.])(?:facebook|instagram|twitter|x|linkedin|tiktok|youtube|reddit|pinterest|snapchat|github)\.com\/[^\s<>"')]+/giu;

export const webAddress: Finder = (text) => {
  for (const match of matchesOf(text, URL_PATTERN)) {
    const host = (match[1] ?? "").toLowerCase();
    if (!RESERVED_HOST.test(host)) return mask(match[0]);
  }
  const bare = text.match(BARE_SOCIAL_URL);
  if (bare?.[0]) return mask(bare[0]);
  const handle = text.match(SOCIAL_HANDLE);
  return handle?.[0] ? mask(handle[0]) : null;
};

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`(?<![\\d.])${OCTET}(?:\\.${OCTET}){3}(?![\\d.])`, "g");
/** Eight hex groups, or fewer around "::"; a clock time ("10:15:30") has neither enough groups nor "::". */
const IPV6 = /(?<![\p{L}\p{N}:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![\p{L}\p{N}:])/giu;

export const ipAddress: Finder = (text) => {
  const v4 = text.match(IPV4);
  if (v4?.[0]) return mask(v4[0]);
  for (const match of matchesOf(text, IPV6)) {
    const value = match[0];
    const groups = value.split(":").filter(Boolean);
    const compressed = value.includes("::") && !value.includes(":::");
    const hexLetters = /[a-f]/i.test(value);
    if ((compressed && (hexLetters || groups.length >= 2)) || groups.length === 8) return mask(value);
  }
  return null;
};

// --- dates of birth and ages over 89 (category 3) ---

const MONTHS =
  "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre";
const NUMERIC_DATE = String.raw`\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}`;
const SPELLED_DATE = String.raw`\d{1,2}(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(?:${MONTHS})\.?,?\s+\d{2,4}|(?:${MONTHS})\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{2,4}`;
const BIRTHDAY_ONLY = String.raw`\d{1,2}(?:st|nd|rd|th|\.)?\s+(?:of\s+)?(?:${MONTHS})|(?:${MONTHS})\.?\s+\d{1,2}(?:st|nd|rd|th)?`;
const BIRTH_LABEL = String.raw`d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?|b\.|geboren(?:\s+am)?|geb\.|n[ée]e?\s+le|fecha\s+de\s+nacimiento|nacid[oa]\s+el`;
const BIRTH_DATE = new RegExp(
  `${BOUNDARY_BEFORE}(?:${BIRTH_LABEL})\\s*[:=-]?\\s*(?:${NUMERIC_DATE}|${SPELLED_DATE})(?![\\p{N}])`,
  "giu",
);
const BIRTHDAY = new RegExp(
  `${BOUNDARY_BEFORE}birthday\\s*(?:is|on|:)?\\s*(?:${BIRTHDAY_ONLY})${BOUNDARY_AFTER}`,
  "giu",
);

/** Safe Harbor keeps ages above 89 as "90 or older": a 93-year-old is nearly unique in a cohort. */
const AGE_OVER_89 =
  /(?<![\p{L}\p{N}])(?:(?:age[ds]?|aged)\s*[:=]?\s*(?:9\d|1[0-2]\d)(?![\p{N}.])|(?:9\d|1[0-2]\d)\s*(?:-|\s)?(?:years?[\s-]old|y\.?\s?o\.?|y\/o|yrs?\s+old|jährig|ans))(?![\p{L}\p{N}])/giu;

export const birthDate: Finder = (text) => {
  const match = text.match(BIRTH_DATE) ?? text.match(BIRTHDAY);
  return match?.[0] ? mask(match[0]) : null;
};

export const ageOver89: Finder = (text) => {
  const match = text.match(AGE_OVER_89);
  return match?.[0] ? mask(match[0]) : null;
};

// --- names in free text (category 1) ---

const NAME = String.raw`\p{Lu}[\p{Ll}'’-]+`;
/** Capitalised words that follow "patient" or "volunteer" in clinical text without being a name. */
const NOT_A_NAME = new Set(
  [
    "reported",
    "outcome",
    "outcomes",
    "information",
    "leaflet",
    "diary",
    "card",
    "database",
    "portal",
    "consent",
    "number",
    "id",
    "group",
    "cohort",
    "day",
    "visit",
    "identification",
    "initials",
    "record",
    "records",
    "safety",
    "recruitment",
    "screening",
    "status",
    "questionnaire",
    "panel",
    "pool",
    "list",
    "registry",
    "register",
    "notes",
    "note",
    "withdrew",
    "completed",
    "declined",
    "agreed",
    "reports",
    "was",
    "is",
    "has",
    "had",
    "and",
    "the",
  ].map((word) => word.toLowerCase()),
);
const isName = (word: string) => !NOT_A_NAME.has(word.toLowerCase());

/** Honorifics are matched as written (case-sensitive): "ms" is also milliseconds. */
const HONORIFIC_NAME = new RegExp(
  `${BOUNDARY_BEFORE}(?:Mr|Mrs|Ms|Miss|Mx|Mister|Madam|Herr|Frau|Mme|Mlle|Monsieur|Madame|Sr|Sra|Srta|Señor|Señora)\\.?\\s+(${NAME}(?:\\s+${NAME})?)`,
  "gu",
);
/** Words after which a capitalised word is a person's name: relatives, and "named" or "my name is". */
const ALWAYS_BEFORE_A_NAME =
  "named|called|name\\s*(?:is|:)|wife|husband|spouse|partner|mother|father|mum|mom|dad|son|daughter|brother|sister|carer|caregiver|next\\s+of\\s+kin|nok|guardian|emergency\\s+contact";
/** Words a name may follow, though a capitalised word after them may also be a title ("Patient Diary"). */
const SOMETIMES_BEFORE_A_NAME = "patient|pt\\.?|volunteer|subject|participant|client|resident";
const CONTEXT_NAME = new RegExp(
  `${BOUNDARY_BEFORE}(${ALWAYS_BEFORE_A_NAME}|${SOMETIMES_BEFORE_A_NAME})\\s*[:(,-]?\\s*(${NAME}(?:\\s+${NAME})?)`,
  "giu",
);
const ALWAYS = new RegExp(`^(?:${ALWAYS_BEFORE_A_NAME})$`, "iu");

/** The leading words of `candidate` that are written as a name: capitalised, and not a common title word. */
function nameWords(candidate: string): string[] {
  const words: string[] = [];
  for (const word of candidate.split(/\s+/)) {
    if (!/^\p{Lu}\p{Ll}/u.test(word) || !isName(word)) break;
    words.push(word);
  }
  return words;
}

/** A clinician's name with the place of care: it names where this person was treated. */
const CLINICIAN_AT_PLACE = new RegExp(
  `${BOUNDARY_BEFORE}(?:dr|doctor|prof|professor|nurse)\\.?\\s+${NAME}(?:\\s+${NAME})?\\s*(?:,|at|of|from)\\s+(?:[\\p{Lu}][\\p{L}'’.-]*\\s+){0,4}(?:hospital|clinic|medical\\s+cent(?:er|re)|infirmary|health\\s+cent(?:er|re)|surgery|practice|klinikum|krankenhaus|hôpital|hospital|cl[ií]nica|praxis)${BOUNDARY_AFTER}`,
  "giu",
);

/**
 * After a relative or "named", one capitalised word is a name. After "patient" or "volunteer", a first
 * and last name are, or one capitalised word mid-sentence ("the patient Smith"); "Patient Diary" at
 * the start of a sentence is a title.
 */
export const personName: Finder = (text) => {
  const clinician = text.match(CLINICIAN_AT_PLACE);
  if (clinician?.[0]) return mask(clinician[0]);
  for (const match of matchesOf(text, HONORIFIC_NAME)) {
    if (nameWords(match[1] ?? "").length > 0) return mask(match[0]);
  }
  for (const match of matchesOf(text, CONTEXT_NAME)) {
    const label = match[1] ?? "";
    const words = nameWords(match[2] ?? "");
    const midSentence = /^\p{Ll}/u.test(label);
    if (words.length >= 2 || (words.length === 1 && (ALWAYS.test(label.trim()) || midSentence))) {
      return mask(match[0]);
    }
  }
  return null;
};
// --- fields named for an identifier ---

/**
 * Fields named for one of these identifiers refuse any value with two or more digits (a web or IP
 * address field refuses any value at all that is not empty): a sandbox record never needs them.
 */
export const IDENTIFIER_FIELDS: readonly { pattern: RegExp; what: string; minDigits: number }[] = [
  {
    pattern:
      /_(?:passport|passport_(?:number|no)|driver_?s?_licen[cs]e|driving_licen[cs]e|licen[cs]e_(?:number|no)|dl_(?:number|no)|id_card|national_id_card|certificate_(?:number|no))_/,
    what: "a passport, licence or certificate number, in a field named for one",
    minDigits: 2,
  },
  {
    pattern:
      /_(?:medicare|medicaid|mbi|hicn|insurance(?:_(?:id|number|no))?|policy_(?:number|no|id)|member_(?:id|number|no)|subscriber_(?:id|number|no)|beneficiary_(?:id|number|no)|health_plan(?:_(?:id|number|no))?|group_(?:number|no))_/,
    what: "a health plan or insurance number, in a field named for one",
    minDigits: 2,
  },
  {
    pattern:
      /_(?:vin|vehicle(?:_id)?|licen[cs]e_plate|number_plate|plate(?:_number)?|car_registration|registration_plate)_/,
    what: "a vehicle identifier, in a field named for one",
    minDigits: 2,
  },
  {
    pattern: /_(?:serial|serial_(?:number|no)|sn|imei|udi|device_(?:id|serial)|mac_address)_/,
    what: "a device identifier, in a field named for one",
    minDigits: 2,
  },
  {
    pattern:
      /_(?:url|website|web_?site|homepage|profile(?:_url)?|social(?:_media)?|twitter|instagram|facebook|linkedin|tiktok|ip|ip_address|ipv4|ipv6)_/,
    what: "a web or IP address, in a field named for one",
    minDigits: 0,
  },
];
