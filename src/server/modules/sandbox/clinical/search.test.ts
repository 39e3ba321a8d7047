import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SearchGroup, SearchHit } from "../../../../shared/contracts/search.js";
import { DEMO_PASSWORD } from "../../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { createUser } from "../../accounts/users.js";
import type { VolunteerDisplay } from "./contracts/volunteers.js";

/**
 * Every reader's default display shows names today (staff the full record, customers the year of
 * birth); one test gives customers the id-only display to show that search then hides names too.
 */
const privacy = vi.hoisted(() => ({ customerDisplay: null as VolunteerDisplay | null }));
vi.mock("./policy.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./policy.js")>();
  return {
    ...actual,
    defaultVolunteerDisplay: (actor: Parameters<typeof actual.defaultVolunteerDisplay>[0]) =>
      (!actor.isStaff && privacy.customerDisplay) || actual.defaultVolunteerDisplay(actor),
  };
});

type Volunteer = { id: string; displayId: string; yearOfBirth: number };

let community: TestCommunity;
let staff: Client;
let ned: Client; // Northwind investigator, accepts the agreement
let fay: Client; // Fabrikam, read-only sandbox user, accepts only in one test
let volunteer: Volunteer;
let nw101: string;

async function accept(client: Client) {
  const agreement = (await client.get("/api/sandbox/agreement")).json();
  const response = await client.post("/api/sandbox/agreement/accept", { agreementId: agreement.id });
  expect(response.statusCode, response.body).toBe(200);
}

async function search(client: Client, q: string): Promise<SearchGroup[]> {
  const response = await client.get(`/api/search?q=${encodeURIComponent(q)}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().groups;
}

const hitsOf = async (client: Client, q: string, kind: "study" | "volunteer"): Promise<SearchHit[]> =>
  (await search(client, q)).find((group) => group.kind === kind)?.hits ?? [];

const sandboxKinds = async (client: Client, q: string) =>
  (await search(client, q))
    .map((group) => group.kind)
    .filter((kind) => kind === "study" || kind === "volunteer");

const marked = (text: { text: string; marks: { start: number; end: number }[] } | undefined) =>
  (text?.marks ?? []).map((mark) => text?.text.slice(mark.start, mark.end).toLowerCase());

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
  fay = await community.signIn("dev@fabrikam.example");
  await accept(staff);
  await accept(ned);
  const created = await staff.post("/api/sandbox/volunteers?display=full", {
    firstName: "Testa",
    lastName: "Synthetica",
    sex: "female",
    dateOfBirth: "1994-03-10",
    email: "testa.synthetica@example.com",
    phone: "+1 512-555-0142",
    region: "Texas, US",
    heightCm: 170,
    weightKg: 65,
    medicalHistory: "Seasonal allergies.",
  });
  expect(created.statusCode, created.body).toBe(201);
  volunteer = created.json();
  const { studies } = (await staff.get("/api/sandbox/studies?q=NW-101")).json();
  nw101 = studies.find((study: { protocolNumber: string }) => study.protocolNumber === "NW-101").id;
  const screened = await staff.post(`/api/sandbox/studies/${nw101}/enrolments`, {
    volunteerId: volunteer.id,
    screeningDate: "2025-01-06",
  });
  expect(screened.statusCode, screened.body).toBe(201);
});
afterAll(() => community?.close());
afterEach(() => {
  privacy.customerDisplay = null;
});

describe("studies in the one search", () => {
  it("finds a study by protocol number or title, highlighted, linking to its page", async () => {
    const [byCode] = await hitsOf(ned, "NW-101", "study");
    expect(byCode).toMatchObject({
      kind: "study",
      id: nw101,
      path: `/sandbox/studies/${nw101}`,
      snippet: null,
    });
    expect(byCode?.title.text).toBe("NW-101: First-in-human single ascending dose of NWX-12");
    expect(marked(byCode?.title)).toEqual(["nw", "101", "nw"]);
    const byTitle = await hitsOf(ned, "ascending dose type:study", "study");
    expect(byTitle.length).toBeGreaterThan(0);
    expect(byTitle.every((hit) => marked(hit.title).join(" ") === "ascending dose")).toBe(true);
  });
});

describe("volunteers in the one search", () => {
  it("finds a volunteer by display id and by name where the display shows names, highlighted", async () => {
    const [byId, ...others] = await hitsOf(ned, volunteer.displayId, "volunteer");
    expect(others).toEqual([]);
    expect(byId).toMatchObject({
      kind: "volunteer",
      id: volunteer.id,
      path: `/sandbox/volunteers/${volunteer.id}`,
      snippet: null,
      title: { text: `${volunteer.displayId} · Testa Synthetica` },
    });
    expect(marked(byId?.title)).toEqual([volunteer.displayId.toLowerCase()]);
    const [byName] = await hitsOf(ned, "synthetica", "volunteer");
    expect(byName?.id).toBe(volunteer.id);
    expect(marked(byName?.title)).toEqual(["synthetica"]);
  });

  it("never matches or shows a date of birth, contact details, region or medical history", async () => {
    for (const q of [
      "allergies",
      "texas",
      "example.com",
      "0142",
      String(volunteer.yearOfBirth),
      "1994-03-10",
    ]) {
      const hits = await hitsOf(staff, q, "volunteer");
      expect(
        hits.map((hit) => hit.id),
        q,
      ).not.toContain(volunteer.id);
    }
    const [hit] = await hitsOf(staff, volunteer.displayId, "volunteer");
    expect(JSON.stringify(hit)).not.toMatch(/allergies|texas|example\.com|0142|1994/i);
  });

  it("hides names from a reader whose display leaves them out: not matched, not shown", async () => {
    privacy.customerDisplay = "id";
    expect(await hitsOf(ned, "synthetica", "volunteer")).toEqual([]);
    expect(await hitsOf(ned, `testa ${volunteer.displayId}`, "volunteer")).toEqual([]);
    const [byId] = await hitsOf(ned, volunteer.displayId, "volunteer");
    expect(byId?.title.text).toBe(volunteer.displayId);
    expect(JSON.stringify(byId)).not.toMatch(/testa|synthetica/i);
    // Staff's full display still shows the name.
    expect((await hitsOf(staff, "synthetica", "volunteer")).map((hit) => hit.id)).toEqual([volunteer.id]);
  });

  it("narrows to the volunteers screened for a study with in:", async () => {
    expect((await hitsOf(ned, "in:nw-101", "volunteer")).map((hit) => hit.id)).toContain(volunteer.id);
    expect((await hitsOf(ned, "synthetica in:NW-101", "volunteer")).map((hit) => hit.id)).toEqual([
      volunteer.id,
    ]);
    expect(await hitsOf(ned, "synthetica in:ct-204", "volunteer")).toEqual([]);
    expect(await hitsOf(ned, "synthetica from:ned", "volunteer")).toEqual([]);
  });
});

describe("who gets sandbox hits", () => {
  it("gives someone who may not enter the development environment none, and no error", async () => {
    const outsider = await createUser(community.ctx, {
      email: "outsider@northwind.example",
      name: "Otto Outsider",
      password: DEMO_PASSWORD,
      organisationId: community.demo.organisations.northwind.id,
    });
    const notASandboxUser = await community.signIn(outsider.email);
    expect(await sandboxKinds(notASandboxUser, "synthetica")).toEqual([]);
    expect(await sandboxKinds(notASandboxUser, "NW-101")).toEqual([]);
    expect(await search(notASandboxUser, `${volunteer.displayId} type:volunteer`)).toEqual([]);
    // A sandbox user who has not accepted the agreement gets none either, until they accept it.
    expect(await sandboxKinds(fay, "synthetica")).toEqual([]);
    expect(await sandboxKinds(fay, "NW-101")).toEqual([]);
    await accept(fay);
    expect(await sandboxKinds(fay, "synthetica")).toEqual(["volunteer"]);
    expect(await sandboxKinds(fay, "NW-101")).toContain("study");
  });
});
