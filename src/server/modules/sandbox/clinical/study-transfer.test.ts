import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxAudit, studies } from "../../../db/schema.js";
import { actingAs } from "../../../platform/context.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { actorOf } from "../../accounts/users.js";
import { DEMO_STUDY_CONTOSO, DEMO_STUDY_NORTHWIND } from "../demo.js";
import { STUDY_EXPORT_FORMAT, type StudyExport } from "./present.js";
import { importStudies } from "./study-transfer.js";

let community: TestCommunity;
let staff: Client;
let coordinator: Client; // Northwind's org admin, a study coordinator
let investigator: Client; // Northwind member, an investigator
let otherOrg: Client; // Contoso's study coordinator
let readOnly: Client; // Fabrikam, read-only

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

async function exportOf(client: Client, query = ""): Promise<StudyExport> {
  const response = await client.get(`/api/sandbox/studies/export${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** An export with its protocol numbers renamed, so it can be imported next to the originals. */
const renamed = (exported: StudyExport, suffix: string): StudyExport => ({
  ...exported,
  studies: exported.studies.map((study) => ({
    ...study,
    protocolNumber: `${study.protocolNumber}-${suffix}`,
  })),
});

const studyCount = async () => (await community.db.select().from(studies)).length;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  coordinator = await community.signIn("admin@northwind.example");
  investigator = await community.signIn("member@northwind.example");
  otherOrg = await community.signIn("member@contoso.example");
  readOnly = await community.signIn("dev@fabrikam.example");
  for (const client of [staff, coordinator, investigator, otherOrg, readOnly]) await accept(client);
});
afterAll(() => community?.close());

describe("exporting an organisation's studies", () => {
  it("exports the coordinator's own organisation's design as a JSON attachment, without subjects", async () => {
    const response = await coordinator.get("/api/sandbox/studies/export");
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["content-disposition"]).toMatch(
      /^attachment; filename="studies-northwind[a-z-]*-\d{4}-\d\d-\d\d\.json"$/,
    );
    const exported: StudyExport = response.json();
    expect(exported).toMatchObject({
      format: STUDY_EXPORT_FORMAT,
      organisation: { id: community.demo.organisations.northwind.id },
    });
    expect(exported.studies.map((s) => s.protocolNumber)).toEqual([DEMO_STUDY_NORTHWIND]);
    expect(exported.studies[0]).toEqual({
      protocolNumber: DEMO_STUDY_NORTHWIND,
      title: "First-in-human single ascending dose of NWX-12",
      sponsor: "Northwind Therapeutics",
      phase: "I",
      plannedEnrolment: 16,
      epochs: [
        { kind: "screening", startDay: -28, endDay: -1 },
        { kind: "treatment", startDay: 1, endDay: 3 },
        { kind: "follow_up", startDay: 4, endDay: 14 },
      ],
      cohorts: [
        { name: "Cohort 1", plannedSize: 8, dose: "10 mg NWX-12 oral" },
        { name: "Cohort 2", plannedSize: 8, dose: "30 mg NWX-12 oral" },
      ],
      events: [
        { name: "Screening visit", dayOffset: -21, windowDays: 7 },
        { name: "Dosing", dayOffset: 1, windowDays: 0 },
        { name: "PK sampling", dayOffset: 2, windowDays: 0 },
        { name: "Safety follow-up", dayOffset: 7, windowDays: 1 },
        { name: "End of study visit", dayOffset: 14, windowDays: 2 },
      ],
    });
  });

  it("lets staff export any organisation, and refuses another organisation's coordinator and other roles", async () => {
    const contosoId = community.demo.organisations.contoso.id;
    const contoso = await exportOf(staff, `?organisationId=${contosoId}`);
    expect(contoso.studies.map((s) => s.protocolNumber)).toEqual([DEMO_STUDY_CONTOSO]);
    const northwindId = community.demo.organisations.northwind.id;
    const refused = await otherOrg.get(`/api/sandbox/studies/export?organisationId=${northwindId}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.fields).toEqual({ organisationId: "Choose your own organisation." });
    expect((await investigator.get("/api/sandbox/studies/export")).statusCode).toBe(403);
    expect((await readOnly.get("/api/sandbox/studies/export")).statusCode).toBe(403);
  });
});

describe("importing studies", () => {
  it("recreates each study in design for the importer's organisation, audited, all the design included", async () => {
    const file = renamed(await exportOf(coordinator), "COPY");
    const response = await coordinator.post("/api/sandbox/studies/import", file);
    expect(response.statusCode, response.body).toBe(201);
    const { imported, skipped } = response.json();
    expect(skipped).toEqual([]);
    expect(imported).toEqual([{ id: expect.any(String), protocolNumber: `${DEMO_STUDY_NORTHWIND}-COPY` }]);

    const study = (await coordinator.get(`/api/sandbox/studies/${imported[0].id}`)).json();
    expect(study).toMatchObject({
      status: "design",
      organisation: { id: community.demo.organisations.northwind.id },
      title: "First-in-human single ascending dose of NWX-12",
    });
    expect(study.epochs).toHaveLength(3);
    expect(study.cohorts.map((c: { name: string }) => c.name)).toEqual(["Cohort 1", "Cohort 2"]);
    expect(study.events).toHaveLength(5);
    const audit = await community.db
      .select()
      .from(sandboxAudit)
      .where(and(eq(sandboxAudit.studyId, imported[0].id), eq(sandboxAudit.action, "create")));
    expect(new Set(audit.map((row) => row.recordType))).toEqual(
      new Set(["study", "study_epoch", "study_cohort", "study_event"]),
    );
    expect(audit.every((row) => row.actorEmail === "admin@northwind.example")).toBe(true);
    // Exported again, it is the same design under the new protocol number.
    const again = (await exportOf(coordinator)).studies.find(
      (s) => s.protocolNumber === `${DEMO_STUDY_NORTHWIND}-COPY`,
    );
    expect(again).toEqual({ ...file.studies[0] });
  });

  it("refuses a protocol number that exists (409 naming it) and writes nothing, or skips it when asked", async () => {
    const exported = await exportOf(coordinator);
    const demo = exported.studies.find((study) => study.protocolNumber === DEMO_STUDY_NORTHWIND);
    if (!demo) throw new Error(`the export has no ${DEMO_STUDY_NORTHWIND}`);
    const file: StudyExport = { ...exported, studies: [{ ...demo, protocolNumber: "NW-NEW-1" }, demo] };
    const before = await studyCount();
    const refused = await coordinator.post("/api/sandbox/studies/import", file);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.fields).toEqual({
      "studies.1.protocolNumber": `Protocol number ${DEMO_STUDY_NORTHWIND} is already used.`,
    });
    expect(await studyCount()).toBe(before);

    const skipping = await coordinator.post("/api/sandbox/studies/import?skipExisting=true", file);
    expect(skipping.statusCode, skipping.body).toBe(201);
    expect(skipping.json()).toMatchObject({
      imported: [{ protocolNumber: "NW-NEW-1" }],
      skipped: [DEMO_STUDY_NORTHWIND],
    });
  });

  it("refuses a bad shape with 400 naming the path, and writes nothing", async () => {
    const exported = renamed(await exportOf(coordinator), "BAD");
    const cohort = exported.studies[0]?.cohorts[0];
    if (!cohort) throw new Error("the export has no cohort");
    const twoStudies = {
      ...exported,
      studies: [
        exported.studies[0],
        { ...exported.studies[0], protocolNumber: "NW-BAD-2", cohorts: [{ ...cohort, plannedSize: 0 }] },
      ],
    };
    const before = await studyCount();
    const response = await coordinator.post("/api/sandbox/studies/import", twoStudies);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({
      "studies.1.cohorts.0.plannedSize": "Plan at least 1 participant (a whole number).",
    });
    const wrongFormat = await coordinator.post("/api/sandbox/studies/import", { ...exported, format: "csv" });
    expect(wrongFormat.statusCode).toBe(400);
    expect(Object.keys(wrongFormat.json().error.fields)).toEqual(["format"]);
    expect(await studyCount()).toBe(before);
  });

  it("refuses a protocol number twice in one file (400), and rolls back a file that fails midway", async () => {
    const exported = renamed(await exportOf(coordinator), "TWICE");
    const twice = { ...exported, studies: [exported.studies[0], exported.studies[0]] };
    const duplicate = await coordinator.post("/api/sandbox/studies/import", twice);
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json().error.fields).toHaveProperty(["studies.1.protocolNumber"]);

    // The second study breaks only in the database, after the first study and its design were written.
    const before = await studyCount();
    const actor = actorOf(community.demo.people.northwindAdmin);
    const [first] = exported.studies;
    if (!first) throw new Error("the export has no study");
    const broken = {
      ...first,
      protocolNumber: "NW-BROKEN-2",
      epochs: [{ kind: "treatment" as const, startDay: 1.5, endDay: 3 }],
    };
    await expect(importStudies(actingAs(community.ctx, actor), [first, broken])).rejects.toThrow();
    expect(await studyCount()).toBe(before);
  });

  it("lets staff import for any organisation, and refuses investigators and other organisations' targets", async () => {
    const file = renamed(await exportOf(otherOrg), "STAFF");
    const contosoId = community.demo.organisations.contoso.id;
    const response = await staff.post(`/api/sandbox/studies/import?organisationId=${contosoId}`, file);
    expect(response.statusCode, response.body).toBe(201);
    const [created] = await community.db
      .select()
      .from(studies)
      .where(eq(studies.protocolNumber, `${DEMO_STUDY_CONTOSO}-STAFF`));
    expect(created?.organisationId).toBe(contosoId);

    const other = renamed(file, "X");
    expect((await investigator.post("/api/sandbox/studies/import", other)).statusCode).toBe(403);
    expect((await readOnly.post("/api/sandbox/studies/import", other)).statusCode).toBe(403);
    const northwindId = community.demo.organisations.northwind.id;
    const elsewhere = await otherOrg.post(`/api/sandbox/studies/import?organisationId=${northwindId}`, other);
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json().error.fields).toEqual({ organisationId: "Choose your own organisation." });
  });
});
