import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardKinds } from "../clinical/volunteers.js";
import { generateVolunteers } from "../data/synthetic.js";
import { type FieldKind, guardRecord } from "./phi-guard.js";
import { guardBatchHere, PhiGuardThreads } from "./phi-guard-thread.js";

/** One value per kind of rule, each of which the guard refuses (see phi-guard.test.ts for the corpus). */
const REFUSED: readonly [field: string, value: string][] = [
  ["email", "jane.doe@gmail.com"],
  ["phone", "+44 7911 123456"],
  ["medicalHistory", "Seasonal allergies; SSN 219-09-9999"],
  ["medicalHistory", "NI number QQ 12 34 56 C on file"],
  ["medicalHistory", "Card 4111 1111 1111 1111"],
  ["medicalHistory", "IBAN GB82 WEST 1234 5698 7654 32"],
  ["medicalHistory", "MRN 12345678"],
  ["region", "221B Baker Street"],
  ["medicalHistory", "DOB: 14/03/1961"],
  ["medicalHistory", "Wife Margaret drives her to visits"],
  ["medicalHistory", "see https://www.facebook.com/jane.doe"],
  ["medicalHistory", "aged 93"],
];

let thread: PhiGuardThreads;
const labels = { email: "E-mail", medicalHistory: "Medical history" };

beforeAll(() => {
  thread = new PhiGuardThreads(2);
});
afterAll(() => thread.close());

describe("the PHI guard on its own thread", () => {
  it("passes synthetic volunteers, as the guard does here", async () => {
    const batch = generateVolunteers({ count: 200, seed: 7 }) as unknown as Record<string, unknown>[];
    expect(batch.every((volunteer) => guardRecord(volunteer, guardKinds).length === 0)).toBe(true);
    expect((await thread.guard(batch, guardKinds)).refused).toBeNull();
  });

  it("refuses every value the guard refuses here, naming the same record, field and rule", async () => {
    const volunteers = generateVolunteers({ count: REFUSED.length * 3, seed: 11 });
    for (const [i, [field, value]] of REFUSED.entries()) {
      // The planted value sits at a different place in each batch, after volunteers that pass.
      const position = i * 2 + 1;
      const batch = volunteers.map((volunteer) => ({ ...volunteer })) as Record<string, unknown>[];
      batch[position] = { ...batch[position], [field]: value };
      const here = guardBatchHere(batch, guardKinds, labels);
      const there = await thread.guard(batch, guardKinds, labels);
      expect(here.refused, `${field}: ${value}`).not.toBeNull();
      expect(there.refused).toEqual(here.refused);
      expect(there.refused?.index).toBe(position);
      expect(there.refused?.findings).toEqual(guardRecord(batch[position] ?? {}, guardKinds, labels));
      expect(there.refused?.findings.map((finding) => finding.field)).toContain(field);
    }
  });

  it("reports only the first refused record of a batch, and every finding of it", async () => {
    const kinds: Record<string, FieldKind> = { email: "email", phone: "phone" };
    const batch = [
      { email: "ok@example.com", phone: "555-0123" },
      { email: "jane.doe@gmail.com", phone: "+44 7911 123456" },
      { email: "tom@hotmail.co.uk", phone: "555-0199" },
    ];
    const there = await thread.guard(batch, kinds);
    expect(there.refused?.index).toBe(1);
    expect(there.refused?.findings.map((finding) => [finding.field, finding.rule])).toEqual([
      ["email", "email-not-reserved"],
      ["phone", "phone-not-fictional"],
    ]);
    expect(there.refused).toEqual(guardBatchHere(batch, kinds).refused);
  });

  it("answers each batch with its own verdict, whichever thread guarded it", async () => {
    const verdicts = await Promise.all([
      thread.guard([{ note: "fine" }], {}),
      thread.guard([{ note: "fine" }, { note: "SSN 219-09-9999" }], {}),
      thread.guard([{ note: "also fine" }], {}),
    ]);
    expect(verdicts.map((verdict) => verdict.refused?.index ?? null)).toEqual([null, 1, null]);
  });
});
