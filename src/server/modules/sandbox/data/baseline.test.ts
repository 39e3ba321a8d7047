import { and, asc, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  enrolments,
  sandboxAudit,
  studies,
  studyCohorts,
  studyEpochs,
  studyEvents,
  volunteers,
} from "../../../db/schema.js";
import { type Actor, type ActorCtx, actingAs } from "../../../platform/context.js";
import { AppError } from "../../../platform/errors.js";
import { startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { actorOf } from "../../accounts/users.js";
import { asSeeder } from "../access/index.js";
import { guardKinds } from "../clinical/volunteers.js";
import { guardRecord } from "../shared/phi-guard.js";
import { type BaselineResult, seedSandboxBaseline, volunteerBatches } from "./baseline.js";
import { BULK_BATCH } from "./bulk-write.js";
import { generateStudies, generateVolunteers } from "./synthetic.js";

/** Lets one test make the generator produce a value the PHI guard must refuse. */
const generator = vi.hoisted(() => ({ plantIdentifier: false }));
vi.mock("./synthetic.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./synthetic.js")>();
  return {
    ...actual,
    generateVolunteers: (options: Parameters<typeof actual.generateVolunteers>[0]) => {
      const rows = actual.generateVolunteers(options);
      if (generator.plantIdentifier && rows[0])
        rows[0] = { ...rows[0], medicalHistory: "Seasonal allergies; SSN 219-09-9999" };
      return rows;
    },
  };
});

const SEED = 42;
const VOLUNTEERS = 600;
const STUDIES = 5;
const REASON = `Synthetic baseline (seed ${SEED})`;

let community: TestCommunity;
let staff: Actor;
let ctx: ActorCtx;
let first: BaselineResult;
const progress: { done: number; total: number; step: string }[] = [];

/** Everything the baseline writes, in a stable order, without the generated ids. */
async function snapshot() {
  const db = community.db;
  return {
    volunteers: await db
      .select({
        displayId: volunteers.displayId,
        firstName: volunteers.firstName,
        email: volunteers.email,
        bmi: volunteers.bmi,
        recruitmentStatus: volunteers.recruitmentStatus,
      })
      .from(volunteers)
      .orderBy(asc(volunteers.displayId)),
    studies: await db
      .select({ protocolNumber: studies.protocolNumber, status: studies.status })
      .from(studies)
      .orderBy(asc(studies.protocolNumber)),
    enrolments: await db
      .select({
        protocolNumber: studies.protocolNumber,
        displayId: volunteers.displayId,
        subjectNumber: enrolments.subjectNumber,
      })
      .from(enrolments)
      .innerJoin(studies, eq(studies.id, enrolments.studyId))
      .innerJoin(volunteers, eq(volunteers.id, enrolments.volunteerId))
      .orderBy(asc(studies.protocolNumber), asc(enrolments.subjectNumber)),
    auditRows: (await db.select({ n: sql<number>`count(*)::int` }).from(sandboxAudit))[0]?.n,
  };
}

beforeAll(async () => {
  community = await startTestCommunity();
  staff = asSeeder(actorOf(community.demo.people.staff));
  ctx = { ...community.ctx, actor: staff };
  first = await seedSandboxBaseline(
    ctx,
    { volunteers: VOLUNTEERS, studies: STUDIES, seed: SEED },
    (done, total, step) => progress.push({ done, total, step }),
  );
}, 120_000);

afterAll(async () => {
  await community?.close();
});

describe("the sandbox baseline", () => {
  it("writes the generator's volunteers and studies, keeping the demo's volunteers with the same display ids", async () => {
    // The demo seeds V000001..V000200 with its own seed; the baseline leaves them as they are.
    expect(first.volunteers).toEqual({ generated: VOLUNTEERS, inserted: VOLUNTEERS - 200 });
    expect(first.studies).toEqual({ generated: STUDIES, inserted: STUDIES });
    const generated = generateVolunteers({ count: VOLUNTEERS, seed: SEED });
    const [demoFirst] = await community.db
      .select()
      .from(volunteers)
      .where(eq(volunteers.displayId, "V000001"));
    expect(demoFirst?.firstName).not.toBe(generated[0]?.firstName);
    const stored = await community.db.select().from(volunteers).where(eq(volunteers.displayId, "V000450"));
    const expected = generated[449];
    const [enrolment] = await community.db
      .select()
      .from(enrolments)
      .where(eq(enrolments.volunteerId, stored[0]?.id as string));
    expect(stored[0]).toMatchObject({
      firstName: expected?.firstName,
      lastName: expected?.lastName,
      dateOfBirth: expected?.dateOfBirth,
      email: expected?.email,
      phone: expected?.phone,
      heightCm: expected?.heightCm,
      weightKg: expected?.weightKg,
      bmi: expected?.bmi,
      recruitmentStatus: enrolment ? "enrolled" : expected?.recruitmentStatus,
      createdBy: staff.id,
    });
  });

  it("gives the studies to the customer and partner organisations in turn, by name, with their design", async () => {
    const owners = [
      community.demo.organisations.contoso,
      community.demo.organisations.fabrikam,
      community.demo.organisations.northwind,
    ]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((org) => org.id);
    const generated = generateStudies({ count: STUDIES, seed: SEED, organisationIds: owners });
    for (const study of generated) {
      const [row] = await community.db
        .select()
        .from(studies)
        .where(eq(studies.protocolNumber, study.protocolNumber));
      expect(row?.organisationId).toBe(study.organisationId);
      const cohorts = await community.db
        .select()
        .from(studyCohorts)
        .where(eq(studyCohorts.studyId, row?.id as string))
        .orderBy(asc(studyCohorts.position));
      expect(cohorts.map((c) => [c.name, c.plannedSize, c.position])).toEqual(
        study.cohorts.map((c, i) => [c.name, c.plannedSize, i + 1]),
      );
      const epochs = await community.db
        .select()
        .from(studyEpochs)
        .where(eq(studyEpochs.studyId, row?.id as string));
      expect(epochs.map((e) => e.kind).sort()).toEqual(
        study.epochs.map((e) => e.type.replace("-", "_")).sort(),
      );
      const events = await community.db
        .select()
        .from(studyEvents)
        .where(eq(studyEvents.studyId, row?.id as string));
      expect(events).toHaveLength(study.events.length);
    }
  });

  it("writes nothing new when run again with the same seed", async () => {
    const before = await snapshot();
    const again = await seedSandboxBaseline(ctx, {
      volunteers: VOLUNTEERS,
      studies: STUDIES,
      seed: SEED,
    });
    expect(again).toMatchObject({
      volunteers: { inserted: 0 },
      studies: { inserted: 0 },
      designRecords: 0,
      enrolments: 0,
      auditRows: 0,
    });
    expect(await snapshot()).toEqual(before);
    const [duplicates] = await community.db
      .execute(sql`select count(*)::int - count(distinct display_id)::int as n from volunteers`)
      .then((result) => (result as unknown as { rows: { n: number }[] }).rows);
    expect(duplicates?.n).toBe(0);
  }, 60_000);

  it("writes only volunteers that pass the PHI guard", async () => {
    const rows = await community.db.select().from(volunteers);
    expect(rows.length).toBeGreaterThanOrEqual(VOLUNTEERS);
    for (const row of rows) {
      const {
        displayId,
        firstName,
        lastName,
        sex,
        dateOfBirth,
        email,
        phone,
        region,
        heightCm,
        weightKg,
        bmi,
      } = row;
      const findings = guardRecord(
        {
          displayId,
          firstName,
          lastName,
          sex,
          dateOfBirth,
          email,
          phone,
          region,
          heightCm,
          weightKg,
          bmi,
          medicalHistory: row.medicalHistory,
        },
        guardKinds,
      );
      expect(findings, displayId).toEqual([]);
    }
  });

  it("enrols volunteers into cohorts no further than their planned size, with subject numbers unique per study", async () => {
    expect(first.enrolments).toBeGreaterThan(0);
    const rows = await community.db
      .select({
        studyId: enrolments.studyId,
        cohortId: enrolments.cohortId,
        status: enrolments.status,
        subjectNumber: enrolments.subjectNumber,
        screeningDate: enrolments.screeningDate,
        dosingStart: enrolments.dosingStart,
        dosingEnd: enrolments.dosingEnd,
        position: studyCohorts.position,
        plannedSize: studyCohorts.plannedSize,
        recruitmentStatus: volunteers.recruitmentStatus,
        studyStatus: studies.status,
      })
      .from(enrolments)
      .innerJoin(studyCohorts, eq(studyCohorts.id, enrolments.cohortId))
      .innerJoin(volunteers, eq(volunteers.id, enrolments.volunteerId))
      .innerJoin(studies, eq(studies.id, enrolments.studyId));
    expect(rows).toHaveLength(first.enrolments);
    const perCohort = new Map<string, number>();
    const subjectNumbers = new Set<string>();
    for (const row of rows) {
      expect(row).toMatchObject({ status: "enrolled", recruitmentStatus: "enrolled", studyStatus: "active" });
      expect(row.subjectNumber).toMatch(new RegExp(`^S${100 + row.position}-\\d{3}$`));
      subjectNumbers.add(`${row.studyId} ${row.subjectNumber}`);
      perCohort.set(row.cohortId as string, (perCohort.get(row.cohortId as string) ?? 0) + 1);
      expect(perCohort.get(row.cohortId as string)).toBeLessThanOrEqual(row.plannedSize);
      // Day 1 two weeks after screening; the period ends no earlier than it starts.
      const start = new Date(`${row.screeningDate}T00:00:00Z`);
      start.setUTCDate(start.getUTCDate() + 14);
      expect(row.dosingStart).toBe(start.toISOString().slice(0, 10));
      expect((row.dosingEnd as string) >= (row.dosingStart as string)).toBe(true);
    }
    expect(subjectNumbers.size).toBe(rows.length);
  });

  it("gives every volunteer with status enrolled exactly one enrolled enrolment", async () => {
    const perVolunteer = await community.db
      .select({ displayId: volunteers.displayId, enrolments: count(enrolments.id) })
      .from(volunteers)
      .leftJoin(enrolments, and(eq(enrolments.volunteerId, volunteers.id), eq(enrolments.status, "enrolled")))
      .where(eq(volunteers.recruitmentStatus, "enrolled"))
      .groupBy(volunteers.id, volunteers.displayId);
    expect(perVolunteer).toHaveLength(first.enrolments);
    for (const row of perVolunteer) expect(row.enrolments, row.displayId).toBe(1);
  });

  it("records one audit row per created record, naming the staff member and the seed", async () => {
    const counts = await community.db
      .select({ recordType: sandboxAudit.recordType, n: sql<number>`count(*)::int` })
      .from(sandboxAudit)
      .where(eq(sandboxAudit.reason, REASON))
      .groupBy(sandboxAudit.recordType);
    const byType = Object.fromEntries(counts.map((c) => [c.recordType, c.n]));
    expect(byType.volunteer).toBe(first.volunteers.inserted);
    expect(byType.study).toBe(first.studies.inserted);
    expect(byType.enrolment).toBe(first.enrolments);
    expect((byType.study_epoch ?? 0) + (byType.study_cohort ?? 0) + (byType.study_event ?? 0)).toBe(
      first.designRecords,
    );

    const [volunteer] = await community.db
      .select()
      .from(volunteers)
      .where(eq(volunteers.displayId, "V000300"));
    const trail = await community.db
      .select()
      .from(sandboxAudit)
      .where(eq(sandboxAudit.recordId, volunteer?.id as string));
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ action: "create", field: "*", actorEmail: staff.email, reason: REASON });
    expect(JSON.parse(trail[0]?.newValue as string)).toMatchObject({
      displayId: "V000300",
      firstName: volunteer?.firstName,
      dateOfBirth: volunteer?.dateOfBirth,
      bmi: volunteer?.bmi,
      smoker: volunteer?.smoker,
    });
  });

  it("reports progress up to the total, never backwards", () => {
    expect(progress.length).toBeGreaterThan(2);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]?.done).toBeGreaterThanOrEqual(progress[i - 1]?.done as number);
    const last = progress.at(-1);
    expect(last?.done).toBe(last?.total);
    expect(last?.total).toBe(VOLUNTEERS + STUDIES + first.enrolments);
  });

  it("refuses counts out of range, naming the option, and writes nothing", async () => {
    const before = await snapshot();
    const refusal = await seedSandboxBaseline(ctx, { volunteers: -1, studies: 1.5, seed: SEED }).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).fields).toMatchObject({
      volunteers: expect.any(String),
      studies: expect.any(String),
    });
    expect(await snapshot()).toEqual(before);
  });

  it("writes nothing when a generated volunteer fails the PHI guard, naming the record and field", async () => {
    const before = await snapshot();
    generator.plantIdentifier = true;
    const refusal = await seedSandboxBaseline(ctx, {
      volunteers: VOLUNTEERS + 50,
      studies: STUDIES + 1,
      seed: SEED,
    })
      .catch((error: unknown) => error)
      .finally(() => {
        generator.plantIdentifier = false;
      });
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).fields).toHaveProperty(["V000001.medicalHistory"]);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses anyone but the product team", async () => {
    const coordinator = asSeeder(actorOf(community.demo.people.northwindAdmin));
    const refusal = await seedSandboxBaseline(actingAs(community.ctx, coordinator), {
      volunteers: 10,
      studies: 1,
      seed: 7,
    }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe("forbidden");
  });
});

describe("the baseline's volunteer batches", () => {
  it("cover every volunteer once, in order, starting small and doubling up to the bulk batch", () => {
    for (const total of [0, 1, 1_250, 1_251, 30_000, 100_000, 123_457]) {
      const batches = volunteerBatches(total);
      let next = 0;
      for (const batch of batches) {
        expect(batch.start).toBe(next);
        expect(batch.count).toBeGreaterThan(0);
        expect(batch.count).toBeLessThanOrEqual(BULK_BATCH);
        next += batch.count;
      }
      expect(next).toBe(total);
    }
    expect(
      volunteerBatches(100_000)
        .map((batch) => batch.count)
        .slice(0, 5),
    ).toEqual([1_250, 2_500, 5_000, BULK_BATCH, BULK_BATCH]);
  });
});
