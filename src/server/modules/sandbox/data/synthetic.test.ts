import { describe, expect, it } from "vitest";
import { studyPhases, studyStatuses } from "../clinical/contracts/studies.js";
import { recruitmentStatuses } from "../clinical/contracts/volunteers.js";
import {
  checkValue,
  type FieldKind,
  guardRecord,
  isAllowedEmailDomain,
  isFictionalPhone,
} from "../shared/phi-guard.js";
import { ageOn, computeBmi } from "../shared/volunteer-measures.js";
import {
  createSfc32Randomizer,
  DEFAULT_REFERENCE_DATE,
  EPOCH_TYPES,
  emailDomains,
  generateEnrolments,
  generateStudies,
  generateVolunteers,
  phoneTemplates,
  regionNames,
  type SyntheticVolunteer,
} from "./synthetic.js";

/** How a volunteer form would declare its fields to the guard; anything else is free text. */
const VOLUNTEER_KINDS: Record<string, FieldKind> = {
  displayId: "identifier",
  firstName: "name",
  lastName: "name",
  dateOfBirth: "date",
  email: "email",
  phone: "phone",
  region: "free_text",
  medicalHistory: "free_text",
};

/** Fixed ids shaped like the uuidv7 ids the database assigns. */
const ORGS = [
  "0193a1b2-7c3d-7e4f-8a5b-6c7d8e9fa0b1",
  "0193a1b2-7c3d-7e4f-9b6c-7d8e9fa0b1c2",
  "0193a1b2-7c3d-7e4f-ac7d-8e9fa0b1c2d3",
];

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function sample(n: number): SyntheticVolunteer[] {
  return generateVolunteers({ count: n, seed: 7 });
}

describe("determinism", () => {
  it("gives the same volunteers for the same seed", () => {
    const a = generateVolunteers({ count: 1000, seed: 1 });
    const b = generateVolunteers({ count: 1000, seed: 1 });
    expect(a).toEqual(b);
    expect(a).toHaveLength(1000);
  });

  it("gives different volunteers for a different seed", () => {
    const a = generateVolunteers({ count: 50, seed: 1 });
    const b = generateVolunteers({ count: 50, seed: 2 });
    const same = a.filter((v, i) => v.firstName === b[i]?.firstName && v.dateOfBirth === b[i]?.dateOfBirth);
    expect(same.length).toBeLessThan(3);
  });

  it("uses the default seed when none is given", () => {
    expect(generateVolunteers({ count: 20 })).toEqual(generateVolunteers({ count: 20 }));
  });

  it("gives the same studies for the same seed", () => {
    const a = generateStudies({ count: 100, seed: 3, organisationIds: ORGS });
    const b = generateStudies({ count: 100, seed: 3, organisationIds: ORGS });
    expect(a).toEqual(b);
  });

  it("gives the same enrolments for the same inputs", () => {
    const studies = generateStudies({ count: 40, seed: 1, organisationIds: ORGS });
    expect(generateEnrolments({ studies, volunteers: 2000, seed: 1 })).toEqual(
      generateEnrolments({ studies, volunteers: 2000, seed: 1 }),
    );
  });

  it("seeds the randomizer from every element of a seed array", () => {
    const r = createSfc32Randomizer();
    const draw = (seed: number[]): number[] => {
      r.seed(seed);
      return [r.next(), r.next(), r.next()];
    };
    expect(draw([1, 2, 3])).toEqual(draw([1, 2, 3]));
    expect(draw([1, 2, 3])).not.toEqual(draw([1, 2, 4]));
    expect(draw([1, 2, 3])).not.toEqual(draw([3, 2, 1]));
    expect(draw([2 ** 40])).not.toEqual(draw([0]));
    for (const x of draw([9, 9])) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe("chunked generation", () => {
  it("generates the same volunteers in batches as in one call", () => {
    const whole = generateVolunteers({ count: 1000, seed: 5 });
    const chunks = [
      [0, 137],
      [137, 500],
      [500, 501],
      [501, 1000],
    ].flatMap(([from, to]) =>
      generateVolunteers({ count: (to as number) - (from as number), seed: 5, startIndex: from }),
    );
    expect(chunks).toEqual(whole);
    expect(generateVolunteers({ count: 1, seed: 5, startIndex: 777 })[0]).toEqual(whole[777]);
  });

  it("generates the same enrolled volunteers in batches as in one call, changing nothing but their status", () => {
    const enrolled = new Set(["V000003", "V000138", "V000501", "V000778"]);
    const whole = generateVolunteers({ count: 1000, seed: 5, enrolled });
    const chunks = [
      [0, 137],
      [137, 500],
      [500, 1000],
    ].flatMap(([from, to]) =>
      generateVolunteers({ count: (to as number) - (from as number), seed: 5, startIndex: from, enrolled }),
    );
    expect(chunks).toEqual(whole);
    const plain = generateVolunteers({ count: 1000, seed: 5 });
    whole.forEach((volunteer, i) => {
      const expected = enrolled.has(volunteer.displayId)
        ? { ...plain[i], recruitmentStatus: "enrolled" }
        : plain[i];
      expect(volunteer).toEqual(expected);
    });
  });

  it("generates the same studies in batches as in one call", () => {
    const whole = generateStudies({ count: 60, seed: 5, organisationIds: ORGS });
    const parts = [
      ...generateStudies({ count: 25, seed: 5, organisationIds: ORGS }),
      ...generateStudies({ count: 35, seed: 5, organisationIds: ORGS, startIndex: 25 }),
    ];
    expect(parts).toEqual(whole);
  });

  it("handles an empty batch", () => {
    expect(generateVolunteers({ count: 0, seed: 1, startIndex: 10 })).toEqual([]);
    expect(generateStudies({ count: 0, organisationIds: [] })).toEqual([]);
  });

  it("refuses a negative or fractional count and an empty organisation list", () => {
    expect(() => generateVolunteers({ count: -1 })).toThrow(RangeError);
    expect(() => generateVolunteers({ count: 1.5 })).toThrow(RangeError);
    expect(() => generateVolunteers({ count: 1, startIndex: -1 })).toThrow(RangeError);
    expect(() => generateVolunteers({ count: 1, referenceDate: "2026-02-30" })).toThrow(RangeError);
    expect(() => generateStudies({ count: 1, organisationIds: [] })).toThrow(RangeError);
  });
});

describe("PHI guard", () => {
  it("accepts every phone template at both ends of its digit range", () => {
    const templates = phoneTemplates();
    expect(templates.length).toBeGreaterThan(30);
    for (const template of templates) {
      for (const digit of ["0", "9"]) {
        const phone = template.replaceAll("#", digit);
        expect(isFictionalPhone(phone), phone).toBe(true);
        expect(checkValue("phone", phone, "phone"), phone).toBeNull();
        expect(checkValue("notes", `Prefers texts: ${phone}`, "free_text"), phone).toBeNull();
      }
    }
  });

  it("uses only reserved e-mail domains", () => {
    for (const domain of emailDomains()) expect(isAllowedEmailDomain(domain), domain).toBe(true);
  });

  it("accepts 5,000 generated volunteers, field by field and as free text", () => {
    const volunteers = generateVolunteers({ count: 5000, seed: 11 });
    const allFreeText: Record<string, FieldKind> = {};
    const refused = volunteers.flatMap((v) => [
      ...guardRecord({ ...v }, VOLUNTEER_KINDS),
      ...guardRecord({ ...v }, allFreeText),
    ]);
    expect(refused).toEqual([]);
  });

  it("accepts every volunteer of a large baseline (the default seed's first 20,000)", () => {
    const refused = generateVolunteers({ count: 20_000 }).flatMap((v) =>
      guardRecord({ ...v }, VOLUNTEER_KINDS),
    );
    expect(refused).toEqual([]);
  });

  it("accepts 200 generated studies, nested cohorts, epochs and events included", () => {
    const studies = generateStudies({ count: 200, seed: 11, organisationIds: ORGS });
    const refused = studies.flatMap((s) => guardRecord({ ...s }, {}));
    expect(refused).toEqual([]);
  });

  it("accepts the generated enrolments", () => {
    const studies = generateStudies({ count: 60, seed: 11, organisationIds: ORGS });
    const enrolments = generateEnrolments({ studies, volunteers: 3000, seed: 11 });
    expect(enrolments.length).toBeGreaterThan(0);
    expect(enrolments.flatMap((e) => guardRecord({ ...e }, {}))).toEqual([]);
  });
});

describe("volunteers", () => {
  const volunteers = sample(5000);

  it("numbers display ids from the record index", () => {
    expect(volunteers[0]?.displayId).toBe("V000001");
    expect(volunteers[122]?.displayId).toBe("V000123");
    for (const v of volunteers) expect(v.displayId).toMatch(/^V\d{6,}$/);
    expect(generateVolunteers({ count: 1, startIndex: 1_234_566 })[0]?.displayId).toBe("V1234567");
  });

  it("computes BMI from height and weight, one decimal", () => {
    for (const v of volunteers) {
      const m = v.heightCm / 100;
      expect(v.bmi).toBe(Math.round((v.weightKg / (m * m)) * 10) / 10);
      expect(v.bmi).toBe(computeBmi(v.heightCm, v.weightKg));
      expect(Math.round(v.weightKg * 10) / 10).toBe(v.weightKg);
      expect(Number.isInteger(v.heightCm)).toBe(true);
    }
    expect(computeBmi(180, 81)).toBe(25);
    expect(computeBmi(165, 60.5)).toBe(22.2);
  });

  it("keeps heights, weights and BMI in plausible ranges", () => {
    for (const v of volunteers) {
      expect(v.heightCm).toBeGreaterThanOrEqual(145);
      expect(v.heightCm).toBeLessThanOrEqual(205);
      expect(v.weightKg).toBeGreaterThanOrEqual(40);
      expect(v.weightKg).toBeLessThanOrEqual(160);
      expect(v.bmi).toBeGreaterThanOrEqual(15);
      expect(v.bmi).toBeLessThanOrEqual(42);
    }
    const men = volunteers.filter((v) => v.sex === "male");
    const women = volunteers.filter((v) => v.sex === "female");
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(men.map((v) => v.heightCm))).toBeGreaterThan(mean(women.map((v) => v.heightCm)) + 8);
    expect(mean(volunteers.map((v) => v.bmi))).toBeGreaterThan(23);
    expect(mean(volunteers.map((v) => v.bmi))).toBeLessThan(28);
  });

  it("generates adults, mostly 18-65, a few older, none born after the reference date", () => {
    const ages = volunteers.map((v) => ageOn(v.dateOfBirth, DEFAULT_REFERENCE_DATE));
    for (const v of volunteers) expect(v.dateOfBirth).toMatch(ISO_DATE);
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages)).toBeLessThanOrEqual(80);
    const older = ages.filter((a) => a > 65).length / ages.length;
    expect(older).toBeGreaterThan(0.01);
    expect(older).toBeLessThan(0.1);
    expect(ages.filter((a) => a === 18).length).toBeGreaterThan(0);
  });

  it("computes ages against the reference date it is given", () => {
    const [v] = generateVolunteers({ count: 1, seed: 1, referenceDate: "2030-06-15" });
    const age = ageOn(v?.dateOfBirth ?? "", "2030-06-15");
    expect(age).toBeGreaterThanOrEqual(18);
    expect(age).toBeLessThanOrEqual(80);
  });

  it("uses only the allowed sexes, statuses and regions, and all of them but enrolled", () => {
    const regions = new Set(regionNames());
    const generatedStatuses = recruitmentStatuses.filter((status) => status !== "enrolled");
    for (const v of volunteers) {
      expect(["female", "male"]).toContain(v.sex);
      expect(generatedStatuses).toContain(v.recruitmentStatus);
      expect(regions.has(v.region)).toBe(true);
      expect(typeof v.smoker).toBe("boolean");
    }
    expect(new Set(volunteers.map((v) => v.recruitmentStatus)).size).toBe(generatedStatuses.length);
    expect(new Set(volunteers.map((v) => v.sex)).size).toBe(2);
    const smokers = volunteers.filter((v) => v.smoker).length / volunteers.length;
    expect(smokers).toBeGreaterThan(0.1);
    expect(smokers).toBeLessThan(0.3);
  });

  it("gives every volunteer a unique reserved-domain e-mail and a fictional phone number", () => {
    expect(new Set(volunteers.map((v) => v.email)).size).toBe(volunteers.length);
    for (const v of volunteers) {
      expect(v.email).toMatch(/^[a-z._]+\d+@[a-z.]+$/);
      expect(isAllowedEmailDomain(v.email.slice(v.email.indexOf("@") + 1))).toBe(true);
      expect(isFictionalPhone(v.phone), v.phone).toBe(true);
      expect(v.firstName).toMatch(/^\p{L}[\p{L}' -]*$/u);
      expect(v.lastName).toMatch(/^\p{L}[\p{L}' -]*$/u);
    }
  });

  it("writes medical history from the phrase bank, with years between age five and the reference year", () => {
    const none = volunteers.filter((v) => v.medicalHistory === "No relevant medical history").length;
    expect(none / volunteers.length).toBeGreaterThan(0.3);
    for (const v of volunteers) {
      expect(v.medicalHistory.length).toBeGreaterThan(0);
      const birthYear = Number(v.dateOfBirth.slice(0, 4));
      for (const year of v.medicalHistory.match(/\d{4}/g) ?? []) {
        expect(Number(year)).toBeGreaterThanOrEqual(birthYear + 5);
        expect(Number(year)).toBeLessThan(2026);
      }
      const phrases = v.medicalHistory.split("; ");
      expect(new Set(phrases).size).toBe(phrases.length);
    }
  });
});

describe("studies", () => {
  const studies = generateStudies({ count: 500, seed: 9, organisationIds: ORGS });

  it("gives every study a unique protocol number", () => {
    expect(new Set(studies.map((s) => s.protocolNumber)).size).toBe(500);
    for (const s of studies) expect(s.protocolNumber).toMatch(/^[A-Z]{3}-\d{4}-\d{3,}$/);
  });

  it("uses only the allowed phases and statuses, and all of them", () => {
    for (const s of studies) {
      expect(studyPhases).toContain(s.phase);
      expect(studyStatuses).toContain(s.status);
      expect(s.title).toContain(`Phase ${s.phase},`);
      expect(s.sponsor.length).toBeGreaterThan(0);
    }
    expect(new Set(studies.map((s) => s.phase)).size).toBe(studyPhases.length);
    expect(new Set(studies.map((s) => s.status)).size).toBe(studyStatuses.length);
  });

  it("assigns the organisations in turn", () => {
    studies.forEach((s, i) => {
      expect(s.organisationId).toBe(ORGS[i % ORGS.length]);
    });
  });

  it("gives active and closed studies at least one cohort and one event", () => {
    for (const s of studies.filter((x) => x.status !== "design")) {
      expect(s.cohorts.length).toBeGreaterThan(0);
      expect(s.events.length).toBeGreaterThan(0);
    }
    expect(studies.some((s) => s.status === "design" && s.cohorts.length === 0)).toBe(true);
  });

  it("plans enrolment as the sum of the cohorts", () => {
    for (const s of studies) {
      expect(s.plannedEnrolment).toBeGreaterThan(0);
      if (s.cohorts.length > 0) {
        expect(s.plannedEnrolment).toBe(s.cohorts.reduce((sum, c) => sum + c.plannedSize, 0));
      }
      for (const c of s.cohorts) {
        expect(c.plannedSize).toBeGreaterThan(0);
        expect(c.dose.length).toBeGreaterThan(0);
      }
      expect(new Set(s.cohorts.map((c) => c.name)).size).toBe(s.cohorts.length);
    }
  });

  it("has screening, treatment and follow-up epochs and a schedule in day order", () => {
    for (const s of studies) {
      expect(s.epochs.map((e) => e.type)).toEqual([...EPOCH_TYPES]);
      s.epochs.forEach((e, i) => {
        expect(e.endDay).toBeGreaterThanOrEqual(e.startDay);
        if (i > 0) expect(e.startDay).toBeGreaterThan(s.epochs[i - 1]?.endDay ?? -Infinity);
      });
      s.events.forEach((e, i) => {
        expect(e.dayOffset).not.toBe(0);
        expect(e.windowDays).toBeGreaterThanOrEqual(0);
        if (i > 0) expect(e.dayOffset).toBeGreaterThan(s.events[i - 1]?.dayOffset ?? -Infinity);
      });
    }
  });
});

describe("enrolments", () => {
  const studies = generateStudies({ count: 200, seed: 4, organisationIds: ORGS });
  const enrolments = generateEnrolments({ studies, volunteers: 20_000, seed: 4 });
  const enrolled = new Set(enrolments.map((e) => e.volunteerDisplayId));
  const volunteers = generateVolunteers({ count: 20_000, seed: 4, enrolled });
  const byProtocol = new Map(studies.map((s) => [s.protocolNumber, s]));

  it("assigns volunteers of the generated range to cohorts of active studies, each volunteer once", () => {
    expect(enrolments.length).toBeGreaterThan(100);
    expect(enrolled.size).toBe(enrolments.length);
    for (const e of enrolments) {
      expect(e.volunteerDisplayId).toMatch(/^V\d{6}$/);
      expect(Number(e.volunteerDisplayId.slice(1))).toBeGreaterThanOrEqual(1);
      expect(Number(e.volunteerDisplayId.slice(1))).toBeLessThanOrEqual(20_000);
      const study = byProtocol.get(e.protocolNumber);
      expect(study?.status).toBe("active");
      expect(study?.cohorts.map((c) => c.name)).toContain(e.cohortName);
      expect(e.screeningDate).toMatch(ISO_DATE);
      expect(e.screeningDate < DEFAULT_REFERENCE_DATE).toBe(true);
    }
  });

  it("gives study-unique subject numbers and respects planned cohort sizes", () => {
    const seen = new Set<string>();
    const perCohort = new Map<string, number>();
    for (const e of enrolments) {
      expect(e.subjectNumber).toMatch(/^S\d{3}-\d{3}$/);
      const key = `${e.protocolNumber}/${e.subjectNumber}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      const cohortKey = `${e.protocolNumber}/${e.cohortName}`;
      perCohort.set(cohortKey, (perCohort.get(cohortKey) ?? 0) + 1);
    }
    for (const [key, n] of perCohort) {
      const [protocol, name] = key.split("/");
      const cohort = byProtocol.get(protocol ?? "")?.cohorts.find((c) => c.name === name);
      expect(n).toBeLessThanOrEqual(cohort?.plannedSize ?? 0);
    }
    expect(enrolments.some((e) => e.subjectNumber === "S101-001")).toBe(true);
  });

  it("gives every volunteer generated as enrolled exactly one enrolment, and no one else any", () => {
    const enrolmentsOf = new Map<string, number>();
    for (const e of enrolments)
      enrolmentsOf.set(e.volunteerDisplayId, (enrolmentsOf.get(e.volunteerDisplayId) ?? 0) + 1);
    const enrolledVolunteers = volunteers.filter((v) => v.recruitmentStatus === "enrolled");
    expect(enrolledVolunteers.length).toBeGreaterThan(100);
    for (const v of enrolledVolunteers) expect(enrolmentsOf.get(v.displayId), v.displayId).toBe(1);
    expect(enrolledVolunteers).toHaveLength(enrolments.length);
  });

  it("stops when the volunteers run out, using each of them once", () => {
    const result = generateEnrolments({ studies, volunteers: 100, seed: 4 });
    expect(result).toHaveLength(100);
    expect(new Set(result.map((e) => e.volunteerDisplayId)).size).toBe(100);
    expect(generateEnrolments({ studies, volunteers: 0, seed: 4 })).toEqual([]);
  });
});

describe("speed", () => {
  it("generates 100,000 volunteers (timing printed, not asserted)", () => {
    const started = performance.now();
    const volunteers = generateVolunteers({ count: 100_000, seed: 1 });
    const ms = performance.now() - started;
    const studiesStarted = performance.now();
    generateStudies({ count: 500, seed: 1, organisationIds: ORGS });
    const studiesMs = performance.now() - studiesStarted;
    console.log(
      `synthetic: 100,000 volunteers in ${ms.toFixed(0)} ms (${Math.round(100_000 / (ms / 1000)).toLocaleString("en")} per second); 500 studies in ${studiesMs.toFixed(0)} ms`,
    );
    expect(volunteers).toHaveLength(100_000);
  });
});
