import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { createUser } from "../../accounts/users.js";
import type { EnrolmentView } from "./present.js";

type Study = { id: string; protocolNumber: string; cohorts: { id: string; name: string }[] };
type Entry = {
  action: string;
  recordType: string;
  recordId: string;
  studyId: string | null;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
  reason: string | null;
};

let community: TestCommunity;
let staff: Client;
let coordinator: Client; // Northwind's study coordinator (the org admin)
let investigator: Client; // Northwind investigator
let contoso: Client; // Contoso's study coordinator
let readOnly: Client; // Fabrikam, read-only
let pharmacist: Client; // a Northwind pharmacist
let notAccepted: Client; // a Northwind study coordinator who has not accepted the agreement

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

async function northwindSandboxUser(email: string, role: string): Promise<Client> {
  const user = await createUser(community.ctx, {
    email,
    name: "Nico Northwind",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.northwind.id,
  });
  const added = await staff.post("/api/sandbox/users", { userId: user.id, role });
  expect(added.statusCode, added.body).toBe(201);
  return community.signIn(email);
}

type Design = {
  cohorts?: { name: string; plannedSize: number }[];
  /** Start and end day of the treatment epoch; none when null. */
  treatment?: [number, number] | null;
  eventDays?: number[];
};

/** A Northwind study made active by its coordinator with the design given. */
async function activeStudy(protocolNumber: string, design: Design = {}): Promise<Study> {
  const created = await coordinator.post("/api/sandbox/studies", {
    protocolNumber,
    title: `Enrolment study ${protocolNumber}`,
    sponsor: "Northwind Therapeutics",
    phase: "I",
    plannedEnrolment: 16,
  });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id;
  const { cohorts = [{ name: "Cohort 1", plannedSize: 8 }], treatment = [1, 3], eventDays = [1, 7] } = design;
  const writes = [
    ...(treatment ? [["epochs", { kind: "treatment", startDay: treatment[0], endDay: treatment[1] }]] : []),
    ...cohorts.map((cohort) => ["cohorts", { ...cohort, dose: "10 mg" }]),
    ...eventDays.map((day) => ["events", { name: `Day ${day}`, dayOffset: day }]),
  ] as const;
  for (const [items, body] of writes) {
    const response = await coordinator.post(`/api/sandbox/studies/${id}/${items}`, body);
    expect(response.statusCode, response.body).toBe(201);
  }
  const activated = await coordinator.patch(`/api/sandbox/studies/${id}`, { status: "active" });
  expect(activated.statusCode, activated.body).toBe(200);
  return activated.json();
}

let volunteerCount = 0;
/** A fresh prospect volunteer, added by staff. */
async function volunteer(): Promise<{ id: string; displayId: string }> {
  volunteerCount += 1;
  const response = await staff.post("/api/sandbox/volunteers", {
    firstName: "Enya",
    lastName: `Enrolment${"abcdefghijklmnopqrstuvwxyz"[volunteerCount % 26]}`,
    sex: "female",
    dateOfBirth: "1991-04-12",
    region: "Texas, US",
    heightCm: 168,
    weightKg: 62,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function volunteerStatus(id: string): Promise<string> {
  return (await staff.get(`/api/sandbox/volunteers/${id}`)).json().recruitmentStatus;
}

async function screen(
  study: Study,
  volunteerId: string,
  screeningDate = "2025-01-06",
  client = coordinator,
): Promise<EnrolmentView> {
  const response = await client.post(`/api/sandbox/studies/${study.id}/enrolments`, {
    volunteerId,
    screeningDate,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function eligible(enrolment: EnrolmentView): Promise<EnrolmentView> {
  const response = await coordinator.post(`/api/sandbox/enrolments/${enrolment.id}/eligibility`, {
    eligible: true,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

const assign = (enrolment: EnrolmentView, cohortId: string, dosingStart = "2025-02-03") =>
  coordinator.post(`/api/sandbox/enrolments/${enrolment.id}/assign`, { cohortId, dosingStart });

/** A volunteer screened, found eligible and assigned: the enrolled subject. */
async function enrolled(study: Study, dosingStart: string, volunteerId?: string): Promise<EnrolmentView> {
  const who = volunteerId ?? (await volunteer()).id;
  const ready = await eligible(await screen(study, who));
  const response = await assign(ready, study.cohorts[0]?.id ?? "", dosingStart);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

const trail = async (query: string): Promise<Entry[]> => {
  const response = await staff.get(`/api/sandbox/audit?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().entries;
};

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  coordinator = await community.signIn("admin@northwind.example");
  investigator = await community.signIn("member@northwind.example");
  contoso = await community.signIn("member@contoso.example");
  readOnly = await community.signIn("dev@fabrikam.example");
  for (const client of [staff, coordinator, investigator, contoso, readOnly]) await accept(client);
  pharmacist = await northwindSandboxUser("pharma@northwind.example", "pharmacist");
  await accept(pharmacist);
  notAccepted = await northwindSandboxUser("late@northwind.example", "study_coordinator");
});
afterAll(() => community?.close());

describe("enrolment", () => {
  it("screens, finds eligible, assigns S101-001 onwards and completes, keeping the volunteer's status in step", async () => {
    const study = await activeStudy("EN-100");
    const first = await volunteer();
    const screened = await screen(study, first.id, "2025-01-06");
    expect(screened).toMatchObject({
      status: "screening",
      protocolNumber: "EN-100",
      studyTitle: "Enrolment study EN-100",
      volunteerDisplayId: first.displayId,
      screeningDate: "2025-01-06",
      subjectNumber: null,
      cohortId: null,
    });
    expect(await volunteerStatus(first.id)).toBe("screening");

    const found = await eligible(screened);
    expect(found.status).toBe("eligible");
    expect(await volunteerStatus(first.id)).toBe("eligible");

    const assigned = await assign(found, study.cohorts[0]?.id ?? "", "2025-02-03");
    expect(assigned.statusCode, assigned.body).toBe(200);
    // The treatment epoch runs from day 1 to day 3: three dosing days from the first dose.
    expect(assigned.json()).toMatchObject({
      status: "enrolled",
      subjectNumber: "S101-001",
      cohortName: "Cohort 1",
      dosingStart: "2025-02-03",
      dosingEnd: "2025-02-05",
    });
    expect(await volunteerStatus(first.id)).toBe("enrolled");

    const second = await enrolled(study, "2025-02-10");
    expect(second.subjectNumber).toBe("S101-002");

    const completed = await coordinator.post(`/api/sandbox/enrolments/${screened.id}/complete`, {
      reason: "Completed the end of study visit.",
    });
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json()).toMatchObject({
      status: "completed",
      statusReason: "Completed the end of study visit.",
      subjectNumber: "S101-001",
    });
    expect(await volunteerStatus(first.id)).toBe("prospect");

    const list = (await readOnly.get(`/api/sandbox/studies/${study.id}/enrolments`)).json().enrolments;
    expect(list.map((e: EnrolmentView) => e.subjectNumber)).toEqual(["S101-001", "S101-002"]);
  });

  it("numbers subjects by cohort position and takes the dosing period from the schedule without a treatment epoch", async () => {
    const study = await activeStudy("EN-110", {
      cohorts: [
        { name: "Cohort 1", plannedSize: 4 },
        { name: "Cohort 2", plannedSize: 4 },
      ],
      treatment: null,
      eventDays: [1, 5],
    });
    const ready = await eligible(await screen(study, (await volunteer()).id));
    const response = await assign(ready, study.cohorts[1]?.id ?? "", "2025-03-01");
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      subjectNumber: "S102-001",
      cohortName: "Cohort 2",
      dosingStart: "2025-03-01",
      dosingEnd: "2025-03-05",
    });
  });

  it("refuses ineligibility without a reason, naming reason, and records it with one", async () => {
    const study = await activeStudy("EN-120");
    const person = await volunteer();
    const screened = await screen(study, person.id);
    const bare = await coordinator.post(`/api/sandbox/enrolments/${screened.id}/eligibility`, {
      eligible: false,
      reason: "  ",
    });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.fields.reason).toMatch(/reason/i);
    expect(
      (await staff.get(`/api/sandbox/volunteers/${person.id}/enrolments`)).json().enrolments[0].status,
    ).toBe("screening");

    const refused = await coordinator.post(`/api/sandbox/enrolments/${screened.id}/eligibility`, {
      eligible: false,
      reason: "QTc above the protocol limit.",
    });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({
      status: "ineligible",
      statusReason: "QTc above the protocol limit.",
    });
    expect(await volunteerStatus(person.id)).toBe("ineligible");
    const again = await coordinator.post(`/api/sandbox/enrolments/${screened.id}/eligibility`, {
      eligible: true,
    });
    expect(again.statusCode).toBe(409);
  });

  it("refuses screening into a study in design or closed with 409 naming the study", async () => {
    const studies = (await coordinator.get("/api/sandbox/studies")).json().studies as Study[];
    const design = studies.find((s) => s.protocolNumber === "CT-204");
    const person = await volunteer();
    const intoDesign = await contoso.post(`/api/sandbox/studies/${design?.id}/enrolments`, {
      volunteerId: person.id,
      screeningDate: "2025-01-06",
    });
    expect(intoDesign.statusCode).toBe(409);
    expect(intoDesign.json().error.message).toMatch(/^CT-204 is in design: /);

    const study = await activeStudy("EN-130");
    const closing = await coordinator.patch(`/api/sandbox/studies/${study.id}`, {
      status: "closed",
      reason: "Last subject completed.",
    });
    expect(closing.statusCode, closing.body).toBe(200);
    const intoClosed = await coordinator.post(`/api/sandbox/studies/${study.id}/enrolments`, {
      volunteerId: person.id,
      screeningDate: "2025-01-06",
    });
    expect(intoClosed.statusCode).toBe(409);
    expect(intoClosed.json().error.message).toMatch(/^EN-130 is closed/);
    expect(await volunteerStatus(person.id)).toBe("prospect");
  });

  it("refuses bad screening and assignment input, naming the field, and writes nothing", async () => {
    const study = await activeStudy("EN-140");
    const other = await activeStudy("EN-141");
    const person = await volunteer();
    const future = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const tomorrow = await coordinator.post(`/api/sandbox/studies/${study.id}/enrolments`, {
      volunteerId: person.id,
      screeningDate: future,
    });
    expect(tomorrow.statusCode).toBe(400);
    expect(tomorrow.json().error.fields.screeningDate).toMatch(/future/);
    const malformed = await coordinator.post(`/api/sandbox/studies/${study.id}/enrolments`, {
      volunteerId: person.id,
      screeningDate: "06/01/2025",
    });
    expect(malformed.json().error.fields.screeningDate).toMatch(/YYYY-MM-DD/);
    const nobody = await coordinator.post(`/api/sandbox/studies/${study.id}/enrolments`, {
      volunteerId: "0190a0b0-0000-7000-8000-000000000000",
      screeningDate: "2025-01-06",
    });
    expect(nobody.statusCode).toBe(404);
    expect((await staff.get(`/api/sandbox/volunteers/${person.id}/enrolments`)).json().enrolments).toEqual(
      [],
    );

    const screened = await screen(study, person.id, "2025-01-06");
    const twice = await coordinator.post(`/api/sandbox/studies/${study.id}/enrolments`, {
      volunteerId: person.id,
      screeningDate: "2025-01-07",
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toMatch(/already has an open enrolment in EN-140/);

    const notYet = await assign(screened, study.cohorts[0]?.id ?? "");
    expect(notYet.statusCode).toBe(409);
    const ready = await eligible(screened);
    const early = await assign(ready, study.cohorts[0]?.id ?? "", "2025-01-05");
    expect(early.statusCode).toBe(400);
    expect(early.json().error.fields.dosingStart).toMatch(/screening date/);
    const elsewhere = await assign(ready, other.cohorts[0]?.id ?? "");
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error.fields.cohortId).toMatch(/EN-140/);
    expect(
      (await staff.get(`/api/sandbox/volunteers/${person.id}/enrolments`)).json().enrolments,
    ).toMatchObject([{ status: "eligible", subjectNumber: null }]);
  });

  it("refuses a cohort over its planned size with 409 naming the cohort", async () => {
    const study = await activeStudy("EN-150", { cohorts: [{ name: "Sentinel", plannedSize: 1 }] });
    await enrolled(study, "2025-02-03");
    const ready = await eligible(await screen(study, (await volunteer()).id));
    const full = await assign(ready, study.cohorts[0]?.id ?? "");
    expect(full.statusCode).toBe(409);
    expect(full.json().error.message).toMatch(/Sentinel is full/);
    expect(full.json().error.fields.cohortId).toMatch(/Sentinel/);
  });

  it("never overfills a cohort or gives a number twice under concurrent assignment", async () => {
    const study = await activeStudy("EN-160", { cohorts: [{ name: "Cohort 1", plannedSize: 3 }] });
    const ready: EnrolmentView[] = [];
    for (let i = 0; i < 6; i++) ready.push(await eligible(await screen(study, (await volunteer()).id)));
    const responses = await Promise.all(ready.map((e) => assign(e, study.cohorts[0]?.id ?? "")));
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 409, 409, 409]);
    const numbers = responses.filter((r) => r.statusCode === 200).map((r) => r.json().subjectNumber);
    expect(numbers.sort()).toEqual(["S101-001", "S101-002", "S101-003"]);
  });

  it("refuses over-volunteering, naming the overlapping study and its dates, and allows periods that do not overlap", async () => {
    const first = await activeStudy("EN-170");
    const second = await activeStudy("EN-171");
    const person = await volunteer();
    await enrolled(first, "2025-02-03", person.id); // doses 2025-02-03 to 2025-02-05

    const ready = await eligible(await screen(second, person.id));
    const overlapping = await assign(ready, second.cohorts[0]?.id ?? "", "2025-02-05");
    expect(overlapping.statusCode).toBe(409);
    expect(overlapping.json().error.message).toMatch(
      /enrolled in EN-170 with dosing from 2025-02-03 to 2025-02-05/,
    );
    expect(await volunteerStatus(person.id)).toBe("enrolled");

    const later = await assign(ready, second.cohorts[0]?.id ?? "", "2025-02-06");
    expect(later.statusCode, later.body).toBe(200);
    expect(later.json()).toMatchObject({ dosingStart: "2025-02-06", dosingEnd: "2025-02-08" });
  });

  it("withdraws with a reason from screening, eligible or enrolled, and not once ended", async () => {
    const study = await activeStudy("EN-180");
    const subject = await enrolled(study, "2025-02-03");
    const bare = await coordinator.post(`/api/sandbox/enrolments/${subject.id}/withdraw`, {});
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.fields.reason).toBeDefined();
    const withdrawn = await investigator.post(`/api/sandbox/enrolments/${subject.id}/withdraw`, {
      reason: "Withdrew consent.",
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: "withdrawn", statusReason: "Withdrew consent." });
    expect(await volunteerStatus(subject.volunteerId)).toBe("withdrawn");
    const again = await coordinator.post(`/api/sandbox/enrolments/${subject.id}/withdraw`, {
      reason: "Again.",
    });
    expect(again.statusCode).toBe(409);
    const complete = await coordinator.post(`/api/sandbox/enrolments/${subject.id}/complete`, {
      reason: "Done.",
    });
    expect(complete.statusCode).toBe(409);
  });

  it("records every change in the audit trail with its reason, the volunteer's status too", async () => {
    const study = await activeStudy("EN-190");
    const subject = await enrolled(study, "2025-02-03");
    await coordinator.post(`/api/sandbox/enrolments/${subject.id}/withdraw`, { reason: "Adverse event." });
    const entries = await trail(`recordType=enrolment&recordId=${subject.id}`);
    expect(entries.every((e) => e.studyId === study.id)).toBe(true);
    expect(entries.filter((e) => e.action === "create").map((e) => [e.field, e.newValue])).toEqual(
      expect.arrayContaining([
        ["status", "screening"],
        ["screeningDate", "2025-01-06"],
        ["volunteerId", subject.volunteerId],
      ]),
    );
    const updates = entries.filter((e) => e.action === "update");
    expect(updates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: "status", oldValue: "screening", newValue: "eligible" }),
        expect.objectContaining({ field: "subjectNumber", oldValue: null, newValue: "S101-001" }),
        expect.objectContaining({ field: "dosingEnd", newValue: "2025-02-05" }),
        expect.objectContaining({
          field: "status",
          oldValue: "enrolled",
          newValue: "withdrawn",
          reason: "Adverse event.",
        }),
        expect.objectContaining({
          field: "statusReason",
          newValue: "Adverse event.",
          reason: "Adverse event.",
        }),
      ]),
    );
    const volunteerTrail = await trail(`recordType=volunteer&recordId=${subject.volunteerId}`);
    expect(volunteerTrail.filter((e) => e.field === "recruitmentStatus" && e.action === "update")).toEqual([
      expect.objectContaining({ oldValue: "prospect", newValue: "screening", studyId: study.id }),
      expect.objectContaining({ oldValue: "screening", newValue: "eligible" }),
      expect.objectContaining({ oldValue: "eligible", newValue: "enrolled" }),
      expect.objectContaining({ oldValue: "enrolled", newValue: "withdrawn", reason: "Adverse event." }),
    ]);
  });
});

describe("who may enrol", () => {
  it("refuses read-only users, pharmacists and another organisation's coordinator, and lets them read", async () => {
    const study = await activeStudy("EN-200");
    const person = await volunteer();
    const body = { volunteerId: person.id, screeningDate: "2025-01-06" };
    for (const client of [readOnly, pharmacist]) {
      const refused = await client.post(`/api/sandbox/studies/${study.id}/enrolments`, body);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.message).toMatch(/can only read enrolments/);
    }
    const otherOrg = await contoso.post(`/api/sandbox/studies/${study.id}/enrolments`, body);
    expect(otherOrg.statusCode).toBe(403);
    expect(otherOrg.json().error.message).toMatch(/belongs to Northwind Research Unit/);

    const screened = await screen(study, person.id, "2025-01-06", investigator);
    for (const client of [readOnly, pharmacist, contoso]) {
      const decided = await client.post(`/api/sandbox/enrolments/${screened.id}/eligibility`, {
        eligible: true,
      });
      expect(decided.statusCode).toBe(403);
      const read = await client.get(`/api/sandbox/studies/${study.id}/enrolments`);
      expect(read.statusCode).toBe(200);
      expect(read.json().enrolments).toHaveLength(1);
    }
    expect(await volunteerStatus(person.id)).toBe("screening");
  });

  it("refuses every enrolment route with agreement_required until the agreement is accepted", async () => {
    const study = await activeStudy("EN-210");
    const screened = await screen(study, (await volunteer()).id);
    const responses = [
      await notAccepted.get(`/api/sandbox/studies/${study.id}/enrolments`),
      await notAccepted.post(`/api/sandbox/studies/${study.id}/enrolments`, {
        volunteerId: screened.volunteerId,
        screeningDate: "2025-01-06",
      }),
      await notAccepted.post(`/api/sandbox/enrolments/${screened.id}/eligibility`, { eligible: true }),
      await notAccepted.post(`/api/sandbox/enrolments/${screened.id}/assign`, {
        cohortId: study.cohorts[0]?.id,
        dosingStart: "2025-02-03",
      }),
      await notAccepted.post(`/api/sandbox/enrolments/${screened.id}/withdraw`, { reason: "No." }),
      await notAccepted.post(`/api/sandbox/enrolments/${screened.id}/complete`, { reason: "No." }),
      await notAccepted.get(`/api/sandbox/volunteers/${screened.volunteerId}/enrolments`),
    ];
    for (const response of responses) {
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().error.code).toBe("agreement_required");
    }
  });
});

describe("volunteers and their studies", () => {
  it("filters volunteers by study and lists a volunteer's participation newest first", async () => {
    const early = await activeStudy("EN-300");
    const late = await activeStudy("EN-301");
    const person = await volunteer();
    const bystander = await volunteer();
    await screen(late, bystander.id);
    const first = await screen(early, person.id, "2024-11-04");
    await coordinator.post(`/api/sandbox/enrolments/${first.id}/withdraw`, { reason: "Moved away." });
    await screen(late, person.id, "2025-01-13");

    const inEarly = (await readOnly.get(`/api/sandbox/volunteers?studyId=${early.id}`)).json();
    expect(inEarly.total).toBe(1);
    expect(inEarly.volunteers.map((v: { id: string }) => v.id)).toEqual([person.id]);
    const inLate = (await readOnly.get(`/api/sandbox/volunteers?studyId=${late.id}&limit=10`)).json();
    expect(inLate.volunteers.map((v: { id: string }) => v.id).sort()).toEqual(
      [person.id, bystander.id].sort(),
    );
    const badFilter = await readOnly.get("/api/sandbox/volunteers?studyId=nope");
    expect(badFilter.statusCode).toBe(400);
    expect(badFilter.json().error.fields.studyId).toBeDefined();

    const history = (await readOnly.get(`/api/sandbox/volunteers/${person.id}/enrolments`)).json().enrolments;
    expect(history.map((e: EnrolmentView) => [e.protocolNumber, e.status, e.screeningDate])).toEqual([
      ["EN-301", "screening", "2025-01-13"],
      ["EN-300", "withdrawn", "2024-11-04"],
    ]);
  });
});
