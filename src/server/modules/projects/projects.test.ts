import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../demo/seed.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { createUser } from "../accounts/users.js";

type Participant = { id: string; kind: string; userId?: string; organisationId?: string; name: string };
type Project = {
  id: string;
  name: string;
  status: string;
  endsOn: string | null;
  participants: Participant[];
  canManage: boolean;
};

let community: TestCommunity;
let staff: Client;
/** member@northwind.example: takes part through Northwind in the projects made here. */
let northwind: Client;
/** member@contoso.example: Contoso is added to some projects only. */
let contoso: Client;
/** dev@fabrikam.example: never in a project. */
let outsider: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  northwind = await community.signIn("member@northwind.example");
  contoso = await community.signIn("member@contoso.example");
  outsider = await community.signIn("dev@fabrikam.example");
});
afterAll(() => community?.close());

let counter = 0;
async function newProject(withNorthwind = true): Promise<Project> {
  const response = await staff.post("/api/projects", {
    name: `Project ${++counter}`,
    purpose: "Try things **together**.",
    startsOn: "2026-04-01",
    endsOn: "2026-05-01",
  });
  expect(response.statusCode, response.body).toBe(201);
  const project = response.json() as Project;
  if (withNorthwind) {
    const added = await staff.post(`/api/projects/${project.id}/participants`, {
      organisationId: community.demo.organisations.northwind.id,
    });
    expect(added.statusCode, added.body).toBe(201);
  }
  return project;
}

describe("projects", () => {
  it("lets staff create a project and invite whole organisations, whose members then see it", async () => {
    const project = await newProject();
    await staff.post(`/api/projects/${project.id}/participants`, {
      organisationId: community.demo.organisations.contoso.id,
    });
    const detail = (await contoso.get(`/api/projects/${project.id}`)).json() as Project;
    expect(detail.participants.map((p) => [p.kind, p.name])).toEqual([
      ["organisation", "Northwind Research Unit"],
      ["organisation", "Contoso Clinical"],
    ]);
    expect(detail.canManage).toBe(false);
    const list = (await northwind.get("/api/projects")).json() as { projects: { id: string }[] };
    expect(list.projects.map((p) => p.id)).toContain(project.id);
  });

  it("shows the demo project to Northwind and Contoso but not to Fabrikam", async () => {
    const names = async (client: Client) =>
      ((await client.get("/api/projects")).json() as { projects: { name: string }[] }).projects.map(
        (p) => p.name,
      );
    expect(await names(northwind)).toContain("Pharmacy preview feedback");
    expect(await names(contoso)).toContain("Pharmacy preview feedback");
    expect(await names(outsider)).not.toContain("Pharmacy preview feedback");
  });

  it("answers 404 to someone outside the project, as if it did not exist", async () => {
    const project = await newProject();
    const response = await outsider.get(`/api/projects/${project.id}`);
    expect(response.statusCode).toBe(404);
    expect((await contoso.get(`/api/projects/${project.id}/posts`)).statusCode).toBe(404);
  });

  it("refuses a customer creating a project with 403", async () => {
    const response = await northwind.post("/api/projects", {
      name: "Mine",
      purpose: "",
      startsOn: "2026-04-01",
    });
    expect(response.statusCode).toBe(403);
  });

  it("refuses an end date before the start, naming endsOn, and writes nothing", async () => {
    const before = (await staff.get("/api/projects")).json().projects.length;
    const response = await staff.post("/api/projects", {
      name: "Backwards",
      purpose: "",
      startsOn: "2026-04-01",
      endsOn: "2026-03-01",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({ endsOn: "End on or after the start date." });
    expect((await staff.get("/api/projects")).json().projects).toHaveLength(before);
  });

  it("adds a person who takes part alone, but refuses an unknown or deactivated person naming userId", async () => {
    const project = await newProject(false);
    const added = await staff.post(`/api/projects/${project.id}/participants`, {
      userId: community.demo.people.contosoMember.id,
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({
      kind: "person",
      name: "Cora Member",
      organisationName: "Contoso Clinical",
    });
    expect((await contoso.get(`/api/projects/${project.id}`)).statusCode).toBe(200);

    const unknown = await staff.post(`/api/projects/${project.id}/participants`, {
      userId: "0190f0f0-0000-7000-8000-000000000000",
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields).toHaveProperty("userId");

    const leaver = await createUser(community.ctx, {
      email: "leaver@northwind.example",
      name: "Lee Leaver",
      password: DEMO_PASSWORD,
      organisationId: community.demo.organisations.northwind.id,
    });
    await staff.patch(`/api/admin/users/${leaver.id}`, { status: "deactivated" });
    const deactivated = await staff.post(`/api/projects/${project.id}/participants`, { userId: leaver.id });
    expect(deactivated.statusCode).toBe(400);
    expect(deactivated.json().error.fields).toHaveProperty("userId");
  });

  it("answers 409 when an organisation already takes part, and 400 when both or neither are given", async () => {
    const project = await newProject();
    const again = await staff.post(`/api/projects/${project.id}/participants`, {
      organisationId: community.demo.organisations.northwind.id,
    });
    expect(again.statusCode).toBe(409);
    const both = await staff.post(`/api/projects/${project.id}/participants`, {
      organisationId: community.demo.organisations.northwind.id,
      userId: community.demo.people.contosoMember.id,
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.fields).toHaveProperty("userId");
  });

  it("takes an organisation's members out when the organisation is removed", async () => {
    const project = await newProject();
    const participant = (await staff.get(`/api/projects/${project.id}`)).json()
      .participants[0] as Participant;
    const removed = await staff.delete(`/api/projects/${project.id}/participants/${participant.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await northwind.get(`/api/projects/${project.id}`)).statusCode).toBe(404);
    expect(
      (await staff.delete(`/api/projects/${project.id}/participants/${participant.id}`)).statusCode,
    ).toBe(404);
  });

  it("makes an archived project read-only (409 on writes) until staff restore it", async () => {
    const project = await newProject();
    const archived = await staff.post(`/api/projects/${project.id}/archive`);
    expect(archived.statusCode).toBe(200);
    expect(archived.json().status).toBe("archived");

    const post = await northwind.post(`/api/projects/${project.id}/posts`, {
      category: "question",
      title: "Still open?",
      body: "Is this project still open?",
    });
    expect(post.statusCode).toBe(409);
    expect((await staff.patch(`/api/projects/${project.id}`, { name: "Renamed" })).statusCode).toBe(409);
    expect((await staff.post(`/api/projects/${project.id}/archive`)).statusCode).toBe(409);
    // Reading goes on.
    expect((await northwind.get(`/api/projects/${project.id}/posts`)).statusCode).toBe(200);
    const archivedList = (await northwind.get("/api/projects?status=archived")).json();
    expect(archivedList.projects.map((p: { id: string }) => p.id)).toContain(project.id);

    expect((await staff.post(`/api/projects/${project.id}/restore`)).json().status).toBe("active");
    const again = await northwind.post(`/api/projects/${project.id}/posts`, {
      category: "question",
      title: "Open again",
      body: "Back to work.",
    });
    expect(again.statusCode).toBe(201);
  });

  it("changes a project's details and refuses an end before the (unchanged) start", async () => {
    const project = await newProject();
    const renamed = await staff.patch(`/api/projects/${project.id}`, {
      name: "Renamed project",
      endsOn: null,
    });
    expect(renamed.json()).toMatchObject({ name: "Renamed project", endsOn: null });
    const backwards = await staff.patch(`/api/projects/${project.id}`, { endsOn: "2026-01-01" });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error.fields).toHaveProperty("endsOn");
  });
});
