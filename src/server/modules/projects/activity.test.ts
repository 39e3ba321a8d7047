import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

type Line = {
  id: number;
  projectId: string;
  projectName: string;
  verb: string;
  summary: string;
  itemId: string;
};
type Page = { activity: Line[]; nextBefore: number | null };

let community: TestCommunity;
let staff: Client;
/** member@northwind.example: in both projects here. */
let ned: Client;
/** member@contoso.example: in the first project only. */
let cora: Client;
let shared: string;
let northwindOnly: string;

async function newProject(name: string, organisations: string[]): Promise<string> {
  const id = (await staff.post("/api/projects", { name, purpose: "", startsOn: "2026-04-01" })).json()
    .id as string;
  for (const organisationId of organisations)
    await staff.post(`/api/projects/${id}/participants`, { organisationId });
  return id;
}

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
  cora = await community.signIn("member@contoso.example");
  const { northwind, contoso } = community.demo.organisations;
  shared = await newProject("Shared project", [northwind.id, contoso.id]);
  northwindOnly = await newProject("Northwind project", [northwind.id]);
  for (const title of ["First", "Second", "Third"]) {
    await ned.post(`/api/projects/${shared}/posts`, { category: "question", title, body: "?" });
  }
  await ned.post(`/api/projects/${northwindOnly}/posts`, {
    category: "fyi",
    title: "Northwind only",
    body: ".",
  });
  await staff.post(`/api/projects/${shared}/posts`, {
    category: "fyi",
    title: "Staff eyes only",
    body: ".",
    visibility: "staff",
  });
});
afterAll(() => community?.close());

describe("the activity timeline", () => {
  it("lists a project's lines newest first, one page at a time", async () => {
    const first = (await cora.get(`/api/projects/${shared}/activity?limit=2`)).json() as Page;
    expect(first.activity.map((line) => line.summary)).toEqual([
      "Ned Member posted a question “Third”.",
      "Ned Member posted a question “Second”.",
    ]);
    expect(first.nextBefore).not.toBeNull();
    const rest = (
      await cora.get(`/api/projects/${shared}/activity?before=${first.nextBefore}`)
    ).json() as Page;
    expect(rest.activity.map((line) => line.verb)).toEqual([
      "post_created",
      "participant_added",
      "participant_added",
      "project_created",
    ]);
    expect(rest.nextBefore).toBeNull();
  });

  it("leaves staff-only items off a customer's timeline but shows them to staff", async () => {
    const customer = (await cora.get(`/api/projects/${shared}/activity`)).json() as Page;
    expect(customer.activity.map((line) => line.summary).join("\n")).not.toContain("Staff eyes only");
    const product = (await staff.get(`/api/projects/${shared}/activity`)).json() as Page;
    expect(product.activity[0]?.summary).toBe("Sam Staff posted an FYI “Staff eyes only”.");
  });

  it("gathers the lines of every project the person takes part in, and only those", async () => {
    const mine = (await ned.get("/api/projects/activity")).json() as Page;
    const projects = new Set(mine.activity.map((line) => line.projectName));
    expect(projects).toContain("Northwind project");
    expect(projects).toContain("Shared project");
    const coras = (await cora.get("/api/projects/activity")).json() as Page;
    expect(coras.activity.map((line) => line.projectName)).not.toContain("Northwind project");
    expect(coras.activity.map((line) => line.summary).join("\n")).not.toContain("Staff eyes only");
  });

  it("answers 404 for the timeline of a project the person is not in", async () => {
    expect((await cora.get(`/api/projects/${northwindOnly}/activity`)).statusCode).toBe(404);
  });

  it("names a bad page size", async () => {
    const response = await ned.get("/api/projects/activity?limit=500");
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toHaveProperty("limit");
  });
});
