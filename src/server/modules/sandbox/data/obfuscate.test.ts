import { describe, expect, it } from "vitest";
import { checkValue, RESTRICTED_ZIP3 } from "../shared/phi-guard.js";
import { ageOn } from "../shared/volunteer-measures.js";
import {
  AGGREGATED_AGE,
  DROPPED_IDENTIFIER_COLUMNS,
  fictionalEmail,
  fictionalPhone,
  obfuscateIdentity,
  pseudonymFirstName,
  pseudonymLastName,
  readHeader,
  shiftDateOfBirth,
  zip3,
  zip3Region,
} from "./obfuscate.js";

const SECRET = "a-test-secret-of-at-least-thirty-two-characters";
const OTHER_SECRET = "another-test-secret-of-thirty-two-characters!";
const TODAY = "2026-03-15";

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe("pseudonyms", () => {
  it("gives the same pseudonym for the same name whatever its case and spacing", () => {
    expect(pseudonymFirstName(SECRET, "Margaret", "female")).toBe(
      pseudonymFirstName(SECRET, "  MARGARET ", "female"),
    );
    expect(pseudonymLastName(SECRET, "van der Berg")).toBe(pseudonymLastName(SECRET, "Van  der BERG"));
  });

  it("gives other pseudonyms under another secret", () => {
    const names = Array.from({ length: 50 }, (_, i) => `Surname${i}`);
    const under = (secret: string) => names.map((name) => pseudonymLastName(secret, name));
    const same = under(SECRET).filter((pseudonym, i) => pseudonym === under(OTHER_SECRET)[i]);
    // 473 last names: a few chance matches in 50, never most of them.
    expect(same.length).toBeLessThan(5);
  });

  it("never keeps the real name and spreads names over the list", () => {
    const pseudonyms = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const real = `Realname${i}`;
      const pseudonym = pseudonymLastName(SECRET, real);
      expect(pseudonym).not.toBe(real);
      pseudonyms.add(pseudonym);
    }
    expect(pseudonyms.size).toBeGreaterThan(250);
  });
});

describe("date of birth", () => {
  it("keeps the age on the import day within one year of the real age over many records", () => {
    let shiftedCount = 0;
    for (let i = 0; i < 5000; i++) {
      const real = addDays("1936-04-01", i * 4); // ages about 89 down to 35
      const shifted = shiftDateOfBirth(SECRET, `person ${i}|${real}`, real, TODAY);
      const realAge = ageOn(real, TODAY);
      if (realAge >= AGGREGATED_AGE) continue;
      expect(Math.abs(ageOn(shifted, TODAY) - realAge), `${real} -> ${shifted}`).toBeLessThanOrEqual(1);
      const days = Math.abs(Date.parse(shifted) - Date.parse(real)) / 86_400_000;
      expect(days).toBeGreaterThanOrEqual(1);
      expect(days).toBeLessThanOrEqual(180);
      shiftedCount++;
    }
    expect(shiftedCount).toBeGreaterThan(4000);
  });

  it("shifts the same person alike and under another secret differently", () => {
    const shifts = (secret: string) =>
      Array.from({ length: 20 }, (_, i) => shiftDateOfBirth(secret, `p${i}`, "1980-06-15", TODAY));
    expect(shifts(SECRET)).toEqual(shifts(SECRET));
    expect(shifts(SECRET)).not.toEqual(shifts(OTHER_SECRET));
  });

  it("never makes an adult younger than 18", () => {
    for (let i = 0; i < 400; i++) {
      const real = addDays("2008-03-15", -i); // 18 today, and up to a year older
      expect(ageOn(shiftDateOfBirth(SECRET, `adult ${i}`, real, TODAY), TODAY)).toBeGreaterThanOrEqual(18);
    }
  });

  it("stores anyone over 89 as exactly 90 on the import day", () => {
    for (const [i, real] of ["1936-03-15", "1930-01-01", "1905-12-31", "1936-02-29"].entries()) {
      const stored = shiftDateOfBirth(SECRET, `old ${i}`, real, TODAY);
      expect(ageOn(stored, TODAY), `${real} -> ${stored}`).toBe(90);
    }
    for (let i = 0; i < 1000; i++)
      expect(ageOn(shiftDateOfBirth(SECRET, `old ${i}`, "1920-07-01", TODAY), TODAY)).toBe(90);
  });
});

describe("ZIP codes", () => {
  it("keeps the first three digits of a ZIP, ZIP+4 or a ZIP that lost its leading zero", () => {
    expect(zip3("94110")).toBe("941");
    expect(zip3(" 94110-1234 ")).toBe("941");
    expect(zip3("2134")).toBe("021");
    expect(zip3("SW1A 2AA")).toBeNull();
    expect(zip3("941")).toBeNull();
  });

  it("records the restricted ZIP3 areas as 000", () => {
    for (const prefix of RESTRICTED_ZIP3) expect(zip3(`${prefix}42`)).toBe("000");
  });

  it("writes the ZIP3 into a region the PHI guard accepts", () => {
    for (const prefix of ["941", "000", "021"])
      expect(checkValue("region", zip3Region(prefix), "free_text")).toBeNull();
  });
});

describe("contact details", () => {
  it("replaces e-mails and phones with fictional ones the PHI guard accepts", () => {
    for (let i = 0; i < 500; i++) {
      const firstName = pseudonymFirstName(SECRET, `First${i}`, i % 2 ? "female" : "male");
      const lastName = pseudonymLastName(SECRET, `Last${i}`);
      const email = fictionalEmail(SECRET, `real.person${i}@gmail.com`, { firstName, lastName });
      const phone = fictionalPhone(SECRET, `+1 415 867 ${String(1000 + i)}`);
      expect(email).toMatch(/^[a-z0-9]+\.[a-z0-9]+\d{2}@example\.(com|net)$/);
      expect(checkValue("email", email, "email")).toBeNull();
      expect(phone).toMatch(/^\(\d{3}\) 555-01\d{2}$/);
      expect(checkValue("phone", phone, "phone")).toBeNull();
    }
  });
});

describe("a whole record", () => {
  const source = {
    firstName: "Eleanor",
    lastName: "Whitcombe",
    sex: "female" as const,
    dateOfBirth: "1975-08-09",
    email: "eleanor.whitcombe@outlook.com",
    phone: "415-867-5309",
    zip: "94110",
    region: "",
  };

  it("replaces every identifying field and puts the ZIP3 in the region", () => {
    const result = obfuscateIdentity(SECRET, source, TODAY);
    if (!("fields" in result)) throw new Error("refused");
    const { fields } = result;
    expect(fields.firstName).not.toBe("Eleanor");
    expect(fields.lastName).not.toBe("Whitcombe");
    expect(fields.dateOfBirth).not.toBe("1975-08-09");
    expect(fields.email).toMatch(/@example\.(com|net)$/);
    expect(fields.phone).toMatch(/555-01/);
    expect(fields.region).toBe("ZIP3 941");
    expect(JSON.stringify(fields)).not.toMatch(/Eleanor|Whitcombe|outlook|8675309|94110/);
  });

  it("keeps a region as given and leaves missing contact details empty", () => {
    const result = obfuscateIdentity(SECRET, { ...source, region: "Ohio, US", email: "", phone: "" }, TODAY);
    expect(result).toMatchObject({ fields: { region: "Ohio, US", email: null, phone: null } });
  });

  it("refuses a minor, a future date of birth and a record with no place, naming the column", () => {
    expect(obfuscateIdentity(SECRET, { ...source, dateOfBirth: "2010-01-01" }, TODAY)).toEqual({
      problems: [{ column: "date_of_birth", reason: "Volunteers are at least 18 years old." }],
    });
    expect(obfuscateIdentity(SECRET, { ...source, dateOfBirth: "2027-01-01" }, TODAY)).toMatchObject({
      problems: [{ column: "date_of_birth" }],
    });
    expect(obfuscateIdentity(SECRET, { ...source, zip: "" }, TODAY)).toMatchObject({
      problems: [{ column: "region" }],
    });
    expect(obfuscateIdentity(SECRET, { ...source, zip: "SW1A 2AA" }, TODAY)).toMatchObject({
      problems: [{ column: "zip" }],
    });
  });
});

describe("the header", () => {
  const required = ["first_name", "last_name", "sex", "date_of_birth", "height_cm", "weight_kg", "zip"];

  it("drops direct identifier columns without reading them", () => {
    const layout = readHeader([
      ...required,
      "SSN",
      "MRN",
      "Street Address",
      "national-insurance",
      "full_name",
    ]);
    expect(layout.unknown).toEqual([]);
    expect(layout.dropped).toEqual(["SSN", "MRN", "Street Address", "national-insurance", "full_name"]);
    expect(layout.columns.slice(required.length)).toEqual([null, null, null, null, null]);
    expect(DROPPED_IDENTIFIER_COLUMNS).toContain("ssn");
  });

  it("reads columns case-insensitively, trimmed, with postcode for zip", () => {
    const layout = readHeader([
      " First Name ",
      "LAST_NAME",
      "Sex",
      "date-of-birth",
      "height_cm",
      "weight_kg",
      "Postcode",
    ]);
    expect(layout.columns).toEqual(required);
    expect(layout.missing).toEqual([]);
  });

  it("names unknown, missing and repeated columns", () => {
    const layout = readHeader(["first_name", "sex", "favourite_colour", "sex"]);
    expect(layout.unknown).toEqual(["favourite_colour"]);
    expect(layout.duplicated).toEqual(["sex"]);
    expect(layout.missing).toEqual(["last_name", "date_of_birth", "height_cm", "weight_kg", "region or zip"]);
  });
});
