import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxAudit, studyCohorts } from "../../../db/schema.js";
import { DEMO_PASSWORD } from "../../../demo/seed.js";
import { csvField } from "../../../platform/csv.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { createUser } from "../../accounts/users.js";

type Study = {
  id: string;
  protocolNumber: string;
  status: string;
  canEdit: boolean;
  organisation: { name: string };
  epochs: { id: string; kind: string }[];
  cohorts: { id: string; name: string; plannedSize: number }[];
  events: { id: string; name: string }[];
};
type Entry = {
  action: string;
  recordType: string;
  recordId: string;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
  reason: string | null;
  actor: { email: string };
};

let community: TestCommunity;
let staff: Client;
let coordinator: Client; // Northwind's study coordinator (the org admin)
let investigator: Client; // Northwind investigator
let contoso: Client; // Contoso's study coordinator
let readOnly: Client; // Fabrikam, read-only
let notAccepted: Client; // a Northwind sandbox user who has not accepted the agreement

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

const newStudy = (protocolNumber: string, extra: Record<string, unknown> = {}) => ({
  protocolNumber,
  title: "Relative bioavailability of NWX-9",
  sponsor: "Northwind Therapeutics",
  phase: "Ia",
  plannedEnrolment: 12,
  ...extra,
});

async function create(client: Client, protocolNumber: string): Promise<Study> {
  const response = await client.post("/api/sandbox/studies", newStudy(protocolNumber));
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** A Northwind study made active: one cohort, one event, then activated. */
async function activeStudy(protocolNumber: string): Promise<Study> {
  const study = await create(coordinator, protocolNumber);
  await coordinator.post(`/api/sandbox/studies/${study.id}/cohorts`, {
    name: "C1",
    plannedSize: 4,
    dose: "1 mg",
  });
  await coordinator.post(`/api/sandbox/studies/${study.id}/events`, { name: "Dosing", dayOffset: 1 });
  const response = await coordinator.patch(`/api/sandbox/studies/${study.id}`, { status: "active" });
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
  const late = await createUser(community.ctx, {
    email: "late@northwind.example",
    name: "Lee Late",
    password: DEMO_PASSWORD,
    organisationId: community.demo.organisations.northwind.id,
  });
  const added = await staff.post("/api/sandbox/users", { userId: late.id, role: "study_coordinator" });
  expect(added.statusCode, added.body).toBe(201);
  notAccepted = await community.signIn("late@northwind.example");
});
afterAll(() => community?.close());

describe("the demo studies", () => {
  it("has NW-101 active with its design and CT-204 in design, created through the service", async () => {
    const list = (await readOnly.get("/api/sandbox/studies")).json().studies as (Study & {
      cohortCount: number;
      eventCount: number;
    })[];
    const nw = list.find((s) => s.protocolNumber === "NW-101");
    const ct = list.find((s) => s.protocolNumber === "CT-204");
    expect(nw).toMatchObject({ status: "active", cohortCount: 2, eventCount: 5, phase: "I" });
    expect(ct).toMatchObject({ status: "design", cohortCount: 1, eventCount: 0, phase: "Ib" });
    const full = (await readOnly.get(`/api/sandbox/studies/${nw?.id}`)).json() as Study;
    expect(full.epochs.map((e) => e.kind)).toEqual(["screening", "treatment", "follow_up"]);
    expect(full.canEdit).toBe(false);
    const created = await trail(`recordType=study&recordId=${nw?.id}`);
    expect(created.find((e) => e.field === "protocolNumber")).toMatchObject({
      action: "create",
      newValue: "NW-101",
      actor: { email: "admin@northwind.example" },
    });
  });
});

describe("studies", () => {
  it("are created in design, listed with filters and read by every sandbox user", async () => {
    const study = await create(coordinator, "nw-201");
    expect(study).toMatchObject({
      protocolNumber: "NW-201",
      status: "design",
      canEdit: true,
      organisation: { name: "Northwind Research Unit" },
    });
    const filtered = (await investigator.get("/api/sandbox/studies?status=design&phase=Ia&q=nw-2")).json();
    expect(filtered.studies.map((s: Study) => s.protocolNumber)).toEqual(["NW-201"]);
    const byOrg = (
      await readOnly.get(`/api/sandbox/studies?organisationId=${community.demo.organisations.contoso.id}`)
    ).json();
    expect(byOrg.studies.map((s: Study) => s.protocolNumber)).toEqual(["CT-204"]);
    const read = await contoso.get(`/api/sandbox/studies/${study.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().canEdit).toBe(false);
  });

  it("refuse a protocol number already used, naming the field", async () => {
    const response = await contoso.post("/api/sandbox/studies", newStudy("NW-101"));
    expect(response.statusCode).toBe(409);
    expect(response.json().error.fields.protocolNumber).toMatch(/already used/);
  });

  it("name every bad field", async () => {
    const response = await coordinator.post("/api/sandbox/studies", {
      protocolNumber: "",
      title: " ",
      sponsor: "S",
      phase: "III",
      plannedEnrolment: 0,
    });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields).sort()).toEqual([
      "phase",
      "plannedEnrolment",
      "protocolNumber",
      "title",
    ]);
    const study = await create(coordinator, "NW-202");
    const epoch = await coordinator.post(`/api/sandbox/studies/${study.id}/epochs`, {
      kind: "treatment",
      startDay: 5,
      endDay: 2,
    });
    expect(epoch.statusCode).toBe(400);
    expect(epoch.json().error.fields.endDay).toBeDefined();
    const cohort = await coordinator.post(`/api/sandbox/studies/${study.id}/cohorts`, {
      name: "C",
      plannedSize: 0,
      dose: "",
    });
    expect(Object.keys(cohort.json().error.fields).sort()).toEqual(["dose", "plannedSize"]);
    const event = await coordinator.post(`/api/sandbox/studies/${study.id}/events`, {
      name: "V",
      dayOffset: 1.5,
      windowDays: -1,
    });
    expect(Object.keys(event.json().error.fields).sort()).toEqual(["dayOffset", "windowDays"]);
    // A change that makes the epoch's days run backwards is refused too, and nothing is written.
    const added = (
      await coordinator.post(`/api/sandbox/studies/${study.id}/epochs`, {
        kind: "treatment",
        startDay: 1,
        endDay: 3,
      })
    ).json() as Study;
    const epochId = added.epochs[0]?.id;
    const backwards = await coordinator.patch(`/api/sandbox/studies/${study.id}/epochs/${epochId}`, {
      startDay: 9,
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.fields.endDay).toBeDefined();
    expect((await trail(`recordId=${epochId}`)).filter((e) => e.action === "update")).toEqual([]);
  });
});

describe("the status", () => {
  it("becomes active only with a cohort and an event, then closed, and a closed study is not changed", async () => {
    const study = await create(coordinator, "NW-301");
    const early = await coordinator.patch(`/api/sandbox/studies/${study.id}`, { status: "active" });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.fields.status).toMatch(/cohort and one event/);
    await coordinator.post(`/api/sandbox/studies/${study.id}/cohorts`, {
      name: "C1",
      plannedSize: 4,
      dose: "1 mg",
    });
    expect(
      (await coordinator.patch(`/api/sandbox/studies/${study.id}`, { status: "active" })).statusCode,
    ).toBe(400);
    const event = (
      await coordinator.post(`/api/sandbox/studies/${study.id}/events`, { name: "Dosing", dayOffset: 1 })
    ).json() as Study;
    // A removed event does not count.
    await coordinator.delete(`/api/sandbox/studies/${study.id}/events/${event.events[0]?.id}`);
    expect(
      (await coordinator.patch(`/api/sandbox/studies/${study.id}`, { status: "active" })).statusCode,
    ).toBe(400);
    await coordinator.post(`/api/sandbox/studies/${study.id}/events`, { name: "Dosing", dayOffset: 1 });
    const active = await coordinator.patch(`/api/sandbox/studies/${study.id}`, { status: "active" });
    expect(active.statusCode, active.body).toBe(200);
    expect(active.json().status).toBe("active");
    const back = await coordinator.patch(`/api/sandbox/studies/${study.id}`, {
      status: "design",
      reason: "Oops",
    });
    expect(back.statusCode).toBe(400);
    const closed = await coordinator.patch(`/api/sandbox/studies/${study.id}`, {
      status: "closed",
      reason: "Last subject out",
    });
    expect(closed.statusCode).toBe(200);
    expect(closed.json().canEdit).toBe(false);
    const change = await coordinator.patch(`/api/sandbox/studies/${study.id}`, {
      title: "New",
      reason: "Typo",
    });
    expect(change.statusCode).toBe(409);
    const cohort = await staff.post(`/api/sandbox/studies/${study.id}/cohorts`, {
      name: "C2",
      plannedSize: 4,
      dose: "2 mg",
      reason: "Late addition",
    });
    expect(cohort.statusCode).toBe(409);
  });

  it("an active study needs a reason for every change, recorded in the trail", async () => {
    const study = await activeStudy("NW-302");
    const bare = await coordinator.patch(`/api/sandbox/studies/${study.id}`, { plannedEnrolment: 20 });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().error.fields.reason).toBeDefined();
    const blank = await coordinator.post(`/api/sandbox/studies/${study.id}/events`, {
      name: "Follow-up",
      dayOffset: 7,
      reason: "   ",
    });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.fields.reason).toBeDefined();
    const cohortId = study.cohorts[0]?.id;
    const noReasonRemoval = await coordinator.delete(`/api/sandbox/studies/${study.id}/cohorts/${cohortId}`);
    expect(noReasonRemoval.statusCode).toBe(400);
    const ok = await coordinator.patch(`/api/sandbox/studies/${study.id}`, {
      plannedEnrolment: 20,
      reason: "Protocol amendment 2",
    });
    expect(ok.statusCode).toBe(200);
    const updates = (await trail(`studyId=${study.id}&recordType=study`)).filter(
      (e) => e.action === "update",
    );
    expect(updates.at(-1)).toMatchObject({
      field: "plannedEnrolment",
      oldValue: "12",
      newValue: "20",
      reason: "Protocol amendment 2",
      actor: { email: "admin@northwind.example" },
    });
    // An active study keeps its last cohort.
    const last = await coordinator.delete(
      `/api/sandbox/studies/${study.id}/cohorts/${cohortId}?reason=${encodeURIComponent("Dropped")}`,
    );
    expect(last.statusCode).toBe(409);
  });
});

describe("removal", () => {
  it("is soft: the row stays with removedAt, the study no longer lists it, the trail has one row", async () => {
    const study = await create(coordinator, "NW-401");
    const withCohorts = (
      await coordinator.post(`/api/sandbox/studies/${study.id}/cohorts`, {
        name: "C1",
        plannedSize: 4,
        dose: "1 mg",
      })
    ).json() as Study;
    const cohortId = withCohorts.cohorts[0]?.id ?? "";
    const removed = await coordinator.delete(
      `/api/sandbox/studies/${study.id}/cohorts/${cohortId}?reason=${encodeURIComponent("Merged into C2")}`,
    );
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().cohorts).toEqual([]);
    const [row] = await community.db.select().from(studyCohorts).where(eq(studyCohorts.id, cohortId));
    expect(row?.removedAt).toBeInstanceOf(Date);
    const entries = await trail(`recordType=study_cohort&recordId=${cohortId}`);
    expect(entries.map((e) => [e.action, e.field, e.oldValue, e.newValue])).toEqual([
      ["create", "name", null, "C1"],
      ["create", "plannedSize", null, "4"],
      ["create", "dose", null, "1 mg"],
      ["remove", null, null, null],
    ]);
    expect(entries.at(-1)?.reason).toBe("Merged into C2");
    expect(
      (await coordinator.delete(`/api/sandbox/studies/${study.id}/cohorts/${cohortId}`)).statusCode,
    ).toBe(404);
    expect(
      (await coordinator.patch(`/api/sandbox/studies/${study.id}/cohorts/${cohortId}`, { name: "X" }))
        .statusCode,
    ).toBe(404);
  });
});

describe("who may change a study", () => {
  it("refuses the read-only user, the investigator and another organisation's coordinator, with a reason", async () => {
    const study = await create(coordinator, "NW-501");
    for (const client of [readOnly, investigator]) {
      const response = await client.patch(`/api/sandbox/studies/${study.id}`, { title: "Mine now" });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.message).toMatch(/only read studies/);
      expect((await client.post("/api/sandbox/studies", newStudy("XX-1"))).statusCode).toBe(403);
    }
    const other = await contoso.post(`/api/sandbox/studies/${study.id}/events`, { name: "V", dayOffset: 1 });
    expect(other.statusCode).toBe(403);
    expect(other.json().error.message).toMatch(/belongs to Northwind Research Unit/);
    expect(await trail(`studyId=${study.id}&recordType=study_event`)).toEqual([]);
  });

  it("lets a coordinator add only their own organisation's studies, and staff anyone's", async () => {
    const refused = await contoso.post(
      "/api/sandbox/studies",
      newStudy("CT-900", { organisationId: community.demo.organisations.northwind.id }),
    );
    expect(refused.statusCode).toBe(403);
    const byStaff = await staff.post(
      "/api/sandbox/studies",
      newStudy("CT-901", { organisationId: community.demo.organisations.contoso.id }),
    );
    expect(byStaff.statusCode).toBe(201);
    expect(byStaff.json().organisation.name).toBe("Contoso Clinical");
    const changed = await staff.patch(`/api/sandbox/studies/${byStaff.json().id}`, {
      sponsor: "Staff Pharma",
    });
    expect(changed.statusCode).toBe(200);
    const own = await contoso.patch(`/api/sandbox/studies/${byStaff.json().id}`, { title: "Contoso's own" });
    expect(own.statusCode).toBe(200);
  });

  it("asks a user who has not accepted the agreement to accept it first, on every study route", async () => {
    const study = await create(coordinator, "NW-601");
    const calls = [
      notAccepted.get("/api/sandbox/studies"),
      notAccepted.get(`/api/sandbox/studies/${study.id}`),
      notAccepted.post("/api/sandbox/studies", newStudy("NW-602")),
      notAccepted.patch(`/api/sandbox/studies/${study.id}`, { title: "T" }),
      notAccepted.post(`/api/sandbox/studies/${study.id}/events`, { name: "V", dayOffset: 1 }),
      notAccepted.get(`/api/sandbox/audit?studyId=${study.id}`),
      notAccepted.get(`/api/sandbox/audit.csv?studyId=${study.id}`),
    ];
    for (const response of await Promise.all(calls)) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe("agreement_required");
    }
  });
});

describe("the audit trail", () => {
  it("records creation field by field and changes with old and new values, for any sandbox user to read", async () => {
    const study = await create(coordinator, "NW-701");
    await coordinator.patch(`/api/sandbox/studies/${study.id}`, {
      title: 'Title, with "quotes"',
      sponsor: "Northwind Therapeutics",
    });
    const response = await readOnly.get(`/api/sandbox/audit?studyId=${study.id}`);
    expect(response.statusCode).toBe(200);
    const entries = response.json().entries as Entry[];
    expect(entries.filter((e) => e.action === "create").map((e) => e.field)).toEqual([
      "protocolNumber",
      "title",
      "sponsor",
      "phase",
      "status",
      "organisationId",
      "plannedEnrolment",
    ]);
    // The sponsor did not change, so only the title is recorded.
    expect(entries.filter((e) => e.action === "update")).toEqual([
      expect.objectContaining({
        field: "title",
        oldValue: "Relative bioavailability of NWX-9",
        newValue: 'Title, with "quotes"',
        reason: null,
      }),
    ]);
    expect((await readOnly.get("/api/sandbox/audit")).statusCode).toBe(400);
  });

  it("shows the trail with people's names, the forms' field labels and referenced records by name, the stored values kept", async () => {
    const study = await create(coordinator, "NW-704");
    const trail = (await investigator.get(`/api/sandbox/audit?studyId=${study.id}`)).json().entries as {
      actor: { name: string; email: string };
      field: string | null;
      fieldLabel: string | null;
      newValue: string | null;
      newDisplay: string | null;
    }[];
    const organisation = trail.find((entry) => entry.field === "organisationId");
    expect(organisation).toMatchObject({
      fieldLabel: "Organisation",
      newValue: community.demo.organisations.northwind.id,
      newDisplay: "Northwind Research Unit",
    });
    expect(organisation?.actor.name).not.toContain("@");
    expect(trail.find((entry) => entry.field === "plannedEnrolment")).toMatchObject({
      fieldLabel: "Planned enrolment",
    });
  });

  it("exports a value a spreadsheet would run as a formula as text, behind an apostrophe", async () => {
    const study = await create(coordinator, "NW-703");
    await coordinator.patch(`/api/sandbox/studies/${study.id}`, { title: "=SUM(1+1) bioavailability" });
    const response = await investigator.get(`/api/sandbox/audit.csv?studyId=${study.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(
      ",title,Relative bioavailability of NWX-9,'=SUM(1+1) bioavailability,\r\n",
    );
  });

  it("exports as properly quoted CSV", async () => {
    const study = await create(coordinator, "NW-702");
    await coordinator.patch(`/api/sandbox/studies/${study.id}`, { title: 'Line one, "two"\nthree' });
    const response = await investigator.get(`/api/sandbox/audit.csv?studyId=${study.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/csv/);
    expect(response.headers["content-disposition"]).toMatch(/attachment/);
    expect(response.body.split("\r\n")[0]).toBe(
      "id,at,actor_email,action,record_type,record_id,study_id,field,old_value,new_value,reason",
    );
    expect(response.body).toContain(
      ',title,Relative bioavailability of NWX-9,"Line one, ""two""\nthree",\r\n',
    );
    const rows = await community.db.select().from(sandboxAudit).where(eq(sandboxAudit.studyId, study.id));
    // Header, one line per row, and the final CRLF.
    expect(response.body.split("\r\n")).toHaveLength(rows.length + 2);
    expect(csvField(" padded")).toBe('" padded"');
    expect(csvField(null)).toBe("");
  });
});
