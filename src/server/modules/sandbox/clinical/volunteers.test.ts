import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxAudit, volunteers } from "../../../db/schema.js";
import { DEMO_PASSWORD } from "../../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { createUser } from "../../accounts/users.js";
import { ageOn } from "../shared/volunteer-measures.js";
import { volunteerFieldLabels } from "./contracts/volunteers.js";

type Volunteer = {
  id: string;
  displayId: string;
  display: string;
  sex: string;
  ageBand: string;
  recruitmentStatus: string;
  firstName?: string;
  lastName?: string;
  dateOfBirth?: string;
  yearOfBirth?: number;
  age?: number;
  email?: string | null;
  bmi?: number;
};
type Entry = { action: string; field: string | null; newValue: string | null; reason: string | null };

let community: TestCommunity;
let staff: Client;
let coordinator: Client; // Northwind study coordinator
let investigator: Client; // Northwind investigator
let readOnly: Client; // Fabrikam, read-only
let recruiter: Client; // a Northwind recruiter
let notAccepted: Client; // a Northwind coordinator who has not accepted the agreement

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

async function sandboxPerson(email: string, role: string): Promise<Client> {
  const user = await createUser(community.ctx, {
    email,
    name: "Vera Volunteer-Desk",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.northwind.id,
  });
  const added = await staff.post("/api/sandbox/users", { userId: user.id, role });
  expect(added.statusCode, added.body).toBe(201);
  return community.signIn(email);
}

/** A date of birth `years` (and a few days) before today. */
const bornYearsAgo = (years: number) => {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() - years);
  date.setUTCDate(date.getUTCDate() - 10);
  return date.toISOString().slice(0, 10);
};

const newVolunteer = (extra: Record<string, unknown> = {}) => ({
  firstName: "Testa",
  lastName: "Synthetica",
  sex: "female",
  dateOfBirth: bornYearsAgo(30),
  email: "testa.synthetica@example.com",
  phone: "+1 512-555-0142",
  region: "Texas, US",
  heightCm: 170,
  weightKg: 65,
  medicalHistory: "Seasonal allergies.",
  ...extra,
});

async function create(client: Client, extra: Record<string, unknown> = {}): Promise<Volunteer> {
  const response = await client.post("/api/sandbox/volunteers?display=full", newVolunteer(extra));
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/**
 * A new volunteer made enrolled the only way there is: Northwind's coordinator screens them for
 * NW-101, finds them eligible and assigns Cohort 1.
 */
async function enrolledVolunteer(): Promise<Volunteer> {
  const volunteer = await create(coordinator);
  const { studies } = (await coordinator.get("/api/sandbox/studies?q=NW-101")).json();
  const study = studies.find((s: { protocolNumber: string }) => s.protocolNumber === "NW-101");
  const { cohorts } = (await coordinator.get(`/api/sandbox/studies/${study.id}`)).json();
  const cohort1 = cohorts.find((c: { name: string }) => c.name === "Cohort 1");
  const screened = await coordinator.post(`/api/sandbox/studies/${study.id}/enrolments`, {
    volunteerId: volunteer.id,
    screeningDate: "2025-01-06",
  });
  expect(screened.statusCode, screened.body).toBe(201);
  const enrolment = `/api/sandbox/enrolments/${screened.json().id}`;
  const eligible = await coordinator.post(`${enrolment}/eligibility`, { eligible: true });
  expect(eligible.statusCode, eligible.body).toBe(200);
  const assigned = await coordinator.post(`${enrolment}/assign`, {
    cohortId: cohort1.id,
    dosingStart: "2025-02-03",
  });
  expect(assigned.statusCode, assigned.body).toBe(200);
  const enrolled = (await coordinator.get(`/api/sandbox/volunteers/${volunteer.id}?display=full`)).json();
  expect(enrolled.recruitmentStatus).toBe("enrolled");
  return enrolled;
}

const trail = async (id: string): Promise<Entry[]> => {
  const response = await staff.get(`/api/sandbox/audit?recordType=volunteer&recordId=${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().entries;
};

const volunteerCount = async () => (await community.db.select({ id: volunteers.id }).from(volunteers)).length;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  coordinator = await community.signIn("admin@northwind.example");
  investigator = await community.signIn("member@northwind.example");
  readOnly = await community.signIn("dev@fabrikam.example");
  for (const client of [staff, coordinator, investigator, readOnly]) await accept(client);
  recruiter = await sandboxPerson("recruiter@northwind.example", "recruiter");
  await accept(recruiter);
  notAccepted = await sandboxPerson("late@northwind.example", "study_coordinator");
});
afterAll(() => community?.close());

describe("the demo volunteers", () => {
  it("are 200 synthetic volunteers of the baseline, each with its creation in the audit trail", async () => {
    const page = (await staff.get("/api/sandbox/volunteers?limit=200")).json();
    expect(page.total).toBe(200);
    expect(page.volunteers).toHaveLength(200);
    const [first] = page.volunteers as Volunteer[];
    const entries = await trail(first?.id ?? "");
    // The demo's volunteers are its baseline (so a wipe brings them back): one creation row each,
    // field `*`, with the record's values as JSON.
    const creations = entries.filter((e) => e.action === "create");
    expect(creations.map((e) => [e.field, e.reason])).toEqual([["*", "Synthetic baseline (seed 26)"]]);
    expect(JSON.parse(creations[0]?.newValue ?? "{}")).toMatchObject({
      displayId: first?.displayId,
      bmi: expect.any(Number),
    });
  });
});

describe("creating a volunteer", () => {
  it("computes BMI, generates a display id and audits every field", async () => {
    const volunteer = await create(coordinator, { heightCm: 180, weightKg: 81 });
    expect(volunteer).toMatchObject({ bmi: 25, display: "full", recruitmentStatus: "prospect" });
    expect(volunteer.displayId).toMatch(/^V\d{6}$/);
    const again = await create(recruiter);
    expect(Number(again.displayId.slice(1))).toBe(Number(volunteer.displayId.slice(1)) + 1);
    const odd = await create(staff, { heightCm: 163, weightKg: 58.4 });
    expect(odd.bmi).toBe(22);
    const entries = await trail(volunteer.id);
    expect(entries.every((e) => e.action === "create")).toBe(true);
    expect(Object.fromEntries(entries.map((e) => [e.field, e.newValue]))).toMatchObject({
      displayId: volunteer.displayId,
      firstName: "Testa",
      heightCm: "180",
      weightKg: "81",
      bmi: "25",
      recruitmentStatus: "prospect",
    });
    const [row] = await community.db
      .select({ studyId: sandboxAudit.studyId })
      .from(sandboxAudit)
      .where(and(eq(sandboxAudit.recordType, "volunteer"), eq(sandboxAudit.recordId, volunteer.id)));
    expect(row?.studyId).toBeNull();
  });

  it("refuses a display id already used (409 naming displayId)", async () => {
    const volunteer = await create(coordinator);
    const response = await coordinator.post(
      "/api/sandbox/volunteers",
      newVolunteer({ displayId: volunteer.displayId }),
    );
    expect(response.statusCode).toBe(409);
    expect(response.json().error.fields.displayId).toMatch(/already used/);
  });

  it.each([
    ["email", { email: "jane.doe@gmail.com" }],
    ["phone", { phone: "+1 415-867-5309" }],
    ["medicalHistory", { medicalHistory: "Contact jane.doe@gmail.com about her results." }],
    ["medicalHistory", { medicalHistory: "Call 415-867-5309 after dosing." }],
    ["medicalHistory", { medicalHistory: "SSN 123-45-6789 on file." }],
  ])("refuses real-looking personal data in %s, naming the field, writing nothing", async (field, extra) => {
    const before = await volunteerCount();
    const response = await coordinator.post("/api/sandbox/volunteers", newVolunteer(extra));
    expect(response.statusCode, response.body).toBe(400);
    const fields = response.json().error.fields as Record<string, string>;
    expect(Object.keys(fields)).toEqual([field]);
    // Named as the form names it: "Medical history notes", not the key medicalHistory.
    const label = volunteerFieldLabels[field as keyof typeof volunteerFieldLabels];
    expect(fields[field]).toMatch(new RegExp(`^${label.replace(/[()]/g, "\\$&")} contains what looks like`));
    expect(fields[field]).not.toMatch(/6789|5309|jane\.doe@gmail/);
    expect(await volunteerCount()).toBe(before);
  });

  it("refuses a future date of birth, an age outside 18-100, weight 0 and a height out of range", async () => {
    const before = await volunteerCount();
    const tomorrow = new Date(Date.now() + 86_400_000 * 2).toISOString().slice(0, 10);
    const future = await coordinator.post("/api/sandbox/volunteers", newVolunteer({ dateOfBirth: tomorrow }));
    expect(future.statusCode).toBe(400);
    expect(future.json().error.fields.dateOfBirth).toMatch(/future/);
    const young = await coordinator.post(
      "/api/sandbox/volunteers",
      newVolunteer({ dateOfBirth: bornYearsAgo(17) }),
    );
    expect(young.json().error.fields.dateOfBirth).toMatch(/18 to 100/);
    const old = await coordinator.post(
      "/api/sandbox/volunteers",
      newVolunteer({ dateOfBirth: bornYearsAgo(101) }),
    );
    expect(old.json().error.fields.dateOfBirth).toMatch(/18 to 100/);
    const weightless = await coordinator.post("/api/sandbox/volunteers", newVolunteer({ weightKg: 0 }));
    expect(weightless.statusCode).toBe(400);
    expect(Object.keys(weightless.json().error.fields)).toEqual(["weightKg"]);
    const heavy = await coordinator.post("/api/sandbox/volunteers", newVolunteer({ weightKg: 401 }));
    expect(Object.keys(heavy.json().error.fields)).toEqual(["weightKg"]);
    const short = await coordinator.post("/api/sandbox/volunteers", newVolunteer({ heightCm: 99 }));
    expect(Object.keys(short.json().error.fields)).toEqual(["heightCm"]);
    const status = await coordinator.post(
      "/api/sandbox/volunteers",
      newVolunteer({ recruitmentStatus: "retired" }),
    );
    expect(status.statusCode).toBe(400);
    expect(Object.keys(status.json().error.fields)).toEqual(["recruitmentStatus"]);
    expect(await volunteerCount()).toBe(before);
  });

  it("refuses enrolled as a status set by hand, on adding and on changing, saying enrolment sets it", async () => {
    const before = await volunteerCount();
    const added = await coordinator.post(
      "/api/sandbox/volunteers",
      newVolunteer({ recruitmentStatus: "enrolled" }),
    );
    expect(added.statusCode, added.body).toBe(400);
    expect(added.json().error.fields).toEqual({
      recruitmentStatus:
        "A volunteer becomes enrolled by being assigned to a study cohort (Studies → Subjects).",
    });
    expect(await volunteerCount()).toBe(before);

    const volunteer = await create(coordinator, { recruitmentStatus: "eligible" });
    const changed = await coordinator.patch(`/api/sandbox/volunteers/${volunteer.id}`, {
      recruitmentStatus: "enrolled",
    });
    expect(changed.statusCode, changed.body).toBe(400);
    expect(changed.json().error.fields.recruitmentStatus).toMatch(/assigned to a study cohort/);
    const others = await coordinator.patch(`/api/sandbox/volunteers/${volunteer.id}?display=full`, {
      recruitmentStatus: "ineligible",
    });
    expect(others.statusCode, others.body).toBe(200);
    expect(others.json().recruitmentStatus).toBe("ineligible");
  });
});

describe("searching volunteers", () => {
  it("filters by status, sex, age range, BMI range and name prefix, newest first", async () => {
    const tag = "Zyxfilter";
    const a = await create(coordinator, { lastName: tag, sex: "male", dateOfBirth: bornYearsAgo(25) });
    const b = await create(coordinator, {
      lastName: tag,
      sex: "female",
      dateOfBirth: bornYearsAgo(45),
      heightCm: 160,
      weightKg: 90,
      recruitmentStatus: "screening",
    });
    const c = await create(coordinator, { lastName: tag, sex: "female", dateOfBirth: bornYearsAgo(60) });
    const ids = async (query: string) => {
      const response = await investigator.get(`/api/sandbox/volunteers?q=${tag}&${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return (response.json().volunteers as Volunteer[]).map((v) => v.id);
    };
    expect(await ids("")).toEqual([c.id, b.id, a.id]);
    expect(await ids("status=screening")).toEqual([b.id]);
    expect(await ids("sex=female")).toEqual([c.id, b.id]);
    expect(await ids("ageMin=40&ageMax=59")).toEqual([b.id]);
    expect(await ids("ageMin=25&ageMax=25")).toEqual([a.id]);
    expect(await ids("bmiMin=30")).toEqual([b.id]);
    expect(await ids("bmiMax=25")).toEqual([c.id, a.id]);
    expect(await ids("sex=female&bmiMax=25&ageMin=50")).toEqual([c.id]);
    const byDisplayId = (await readOnly.get(`/api/sandbox/volunteers?q=${a.displayId}`)).json();
    expect(byDisplayId.volunteers.map((v: Volunteer) => v.id)).toEqual([a.id]);
  });

  it("checks the age filters against the demo volunteers' real ages", async () => {
    const all = (await staff.get("/api/sandbox/volunteers?limit=200&q=&status=eligible")).json()
      .volunteers as Volunteer[];
    const today = new Date().toISOString().slice(0, 10);
    const inRange = all.filter((v) => {
      const age = ageOn(v.dateOfBirth ?? "", today);
      return age >= 30 && age <= 40;
    });
    const filtered = (
      await staff.get("/api/sandbox/volunteers?limit=200&status=eligible&ageMin=30&ageMax=40")
    ).json().volunteers as Volunteer[];
    expect(filtered.map((v) => v.id).sort()).toEqual(inRange.map((v) => v.id).sort());
  });

  it("pages by offset and by cursor, at most 200 at a time", async () => {
    const first = (await readOnly.get("/api/sandbox/volunteers?limit=30")).json();
    const second = (await readOnly.get(`/api/sandbox/volunteers?limit=30&cursor=${first.nextCursor}`)).json();
    const offset = (await readOnly.get("/api/sandbox/volunteers?limit=30&offset=30")).json();
    expect(second.volunteers.map((v: Volunteer) => v.id)).toEqual(
      offset.volunteers.map((v: Volunteer) => v.id),
    );
    const seen = new Set([...first.volunteers, ...second.volunteers].map((v: Volunteer) => v.id));
    expect(seen.size).toBe(60);
    let cursor: string | null = null;
    let walked = 0;
    do {
      const url: string = `/api/sandbox/volunteers?limit=97${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await readOnly.get(url)).json();
      walked += page.volunteers.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).toBe(first.total);
    expect((await readOnly.get("/api/sandbox/volunteers?limit=201")).statusCode).toBe(400);
    expect(
      (await readOnly.get("/api/sandbox/volunteers?cursor=nonsense")).json().error.fields.cursor,
    ).toBeDefined();
  });
});

describe("the privacy display", () => {
  it("shows the year of birth to customers, everything to staff, and only the id when asked", async () => {
    const volunteer = await create(coordinator);
    const customer = (await readOnly.get(`/api/sandbox/volunteers/${volunteer.id}`)).json() as Volunteer;
    expect(customer.display).toBe("year");
    expect(customer.dateOfBirth).toBeUndefined();
    expect(customer.yearOfBirth).toBe(Number(volunteer.dateOfBirth?.slice(0, 4)));
    expect(customer.firstName).toBe("Testa");
    const full = (await staff.get(`/api/sandbox/volunteers/${volunteer.id}`)).json() as Volunteer;
    expect(full).toMatchObject({ display: "full", dateOfBirth: volunteer.dateOfBirth });
    const asked = (await readOnly.get(`/api/sandbox/volunteers/${volunteer.id}?display=full`)).json();
    expect(asked.dateOfBirth).toBe(volunteer.dateOfBirth);
    const idOnly = (await staff.get(`/api/sandbox/volunteers/${volunteer.id}?display=id`)).json();
    expect(Object.keys(idOnly).sort()).toEqual(
      ["ageBand", "display", "displayId", "id", "recruitmentStatus", "sex"].sort(),
    );
    expect(idOnly.ageBand).toBe("25-34");
    const listed = (await readOnly.get(`/api/sandbox/volunteers?q=${volunteer.displayId}&display=id`)).json();
    expect(listed.volunteers[0].firstName).toBeUndefined();
    expect(listed.volunteers[0].email).toBeUndefined();
    expect((await readOnly.get(`/api/sandbox/volunteers/${volunteer.id}?display=all`)).statusCode).toBe(400);
  });
});

describe("who may write", () => {
  it("lets coordinators, recruiters and staff write; read-only users and investigators get 403", async () => {
    const volunteer = await create(coordinator);
    for (const client of [readOnly, investigator]) {
      expect((await client.post("/api/sandbox/volunteers", newVolunteer())).statusCode).toBe(403);
      expect(
        (await client.patch(`/api/sandbox/volunteers/${volunteer.id}`, { region: "Ohio, US" })).statusCode,
      ).toBe(403);
      expect((await client.delete(`/api/sandbox/volunteers/${volunteer.id}`)).statusCode).toBe(403);
      expect((await client.get(`/api/sandbox/volunteers/${volunteer.id}`)).statusCode).toBe(200);
    }
    for (const client of [coordinator, recruiter, staff]) {
      const response = await client.patch(`/api/sandbox/volunteers/${volunteer.id}`, {
        smoker: client !== staff,
      });
      expect(response.statusCode, response.body).toBe(200);
    }
  });

  it("refuses someone who has not accepted the agreement with agreement_required", async () => {
    const volunteer = await create(coordinator);
    for (const response of [
      await notAccepted.get("/api/sandbox/volunteers"),
      await notAccepted.get(`/api/sandbox/volunteers/${volunteer.id}`),
      await notAccepted.post("/api/sandbox/volunteers", newVolunteer()),
      await notAccepted.patch(`/api/sandbox/volunteers/${volunteer.id}`, { region: "Ohio, US" }),
      await notAccepted.delete(`/api/sandbox/volunteers/${volunteer.id}`),
    ]) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe("agreement_required");
    }
  });
});

describe("changing and removing a volunteer", () => {
  it("recomputes BMI, audits the changed fields, and guards the change", async () => {
    const volunteer = await create(coordinator, { heightCm: 200, weightKg: 80 });
    const changed = await recruiter.patch(`/api/sandbox/volunteers/${volunteer.id}?display=full`, {
      weightKg: 100,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().bmi).toBe(25);
    const updates = (await trail(volunteer.id)).filter((e) => e.action === "update");
    expect(updates.map((e) => [e.field, e.newValue])).toEqual([
      ["weightKg", "100"],
      ["bmi", "25"],
    ]);
    const leak = await recruiter.patch(`/api/sandbox/volunteers/${volunteer.id}`, {
      medicalHistory: "NI number AB 12 34 56 C.",
    });
    expect(leak.statusCode).toBe(400);
    expect(leak.json().error.fields.medicalHistory).toBeDefined();
    const zero = await recruiter.patch(`/api/sandbox/volunteers/${volunteer.id}`, { weightKg: 0 });
    expect(Object.keys(zero.json().error.fields)).toEqual(["weightKg"]);
    expect((await trail(volunteer.id)).filter((e) => e.action === "update")).toHaveLength(2);
  });

  it("needs a reason for changes to an enrolled volunteer", async () => {
    const volunteer = await enrolledVolunteer();
    const bare = await coordinator.patch(`/api/sandbox/volunteers/${volunteer.id}`, { region: "Ohio, US" });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.fields.reason).toMatch(/reason/);
    const reasoned = await coordinator.patch(`/api/sandbox/volunteers/${volunteer.id}`, {
      region: "Ohio, US",
      reason: "Moved",
    });
    expect(reasoned.statusCode, reasoned.body).toBe(200);
    expect(
      (await trail(volunteer.id)).find((e) => e.field === "region" && e.action === "update"),
    ).toMatchObject({
      newValue: "Ohio, US",
      reason: "Moved",
    });
    expect((await coordinator.delete(`/api/sandbox/volunteers/${volunteer.id}`)).statusCode).toBe(400);
  });

  it("refuses to change an enrolled volunteer's status by hand, even with a reason, pointing to the enrolment", async () => {
    const volunteer = await enrolledVolunteer();
    const withdrawn = await coordinator.patch(`/api/sandbox/volunteers/${volunteer.id}`, {
      recruitmentStatus: "withdrawn",
      reason: "Left the study",
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(400);
    expect(Object.keys(withdrawn.json().error.fields)).toEqual(["recruitmentStatus"]);
    expect(withdrawn.json().error.fields.recruitmentStatus).toMatch(
      /withdraw or complete the enrolment instead/,
    );
    expect((await coordinator.get(`/api/sandbox/volunteers/${volunteer.id}`)).json().recruitmentStatus).toBe(
      "enrolled",
    );
    expect((await trail(volunteer.id)).filter((e) => e.field === "recruitmentStatus").at(-1)).toMatchObject({
      action: "update",
      newValue: "enrolled",
    });
  });

  it("removes softly: the row stays, reads answer 404, the trail records the removal", async () => {
    const volunteer = await create(coordinator);
    const removed = await recruiter.delete(`/api/sandbox/volunteers/${volunteer.id}?reason=Duplicate`);
    expect(removed.statusCode, removed.body).toBe(204);
    expect((await staff.get(`/api/sandbox/volunteers/${volunteer.id}`)).statusCode).toBe(404);
    const listed = (await staff.get(`/api/sandbox/volunteers?q=${volunteer.displayId}`)).json();
    expect(listed.volunteers).toEqual([]);
    const [row] = await community.db.select().from(volunteers).where(eq(volunteers.id, volunteer.id));
    expect(row?.removedAt).not.toBeNull();
    expect((await trail(volunteer.id)).at(-1)).toMatchObject({
      action: "remove",
      field: null,
      reason: "Duplicate",
    });
    expect((await recruiter.delete(`/api/sandbox/volunteers/${volunteer.id}`)).statusCode).toBe(404);
  });
});
