import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER } from "../../platform/auth/http.js";
import { actingAs } from "../../platform/context.js";
import { type Client, startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import { actorOf } from "../accounts/users.js";
import { listProjectActivity } from "./activity.js";
import { addParticipant, createProject, setArchived } from "./projects.js";

type Person = { id: string; name: string };
type Doc = {
  id: string;
  title: string;
  visibility: string;
  version: number;
  body: string;
  bodyHtml: string;
  updatedBy: Person;
};
type Version = { version: number; title: string; author: Person; restoredFrom: number | null };

let community: TestCommunity;
let staff: Client;
let northwind: Client; // member@northwind.example: Northwind takes part
let contoso: Client; // member@contoso.example: Contoso takes part
let fabrikam: Client; // dev@fabrikam.example: Fabrikam is not in the project
let projectId: string;

const staffActor = () => actorOf(community.demo.people.staff);

/** The harness has no PUT; this one sends the same session and CSRF headers as its POST. */
const put = (client: Client, url: string, body: object): Promise<LightMyRequestResponse> =>
  community.app.inject({
    method: "PUT",
    url,
    headers: { cookie: client.cookie ?? "", [CSRF_HEADER]: "1", origin: TEST_ORIGIN },
    payload: body,
  });

const documents = () => `/api/projects/${projectId}/documents`;

async function create(client: Client, input: Record<string, unknown>): Promise<Doc> {
  const response = await client.post(documents(), input);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function save(client: Client, doc: { id: string }, input: object): Promise<LightMyRequestResponse> {
  return put(client, `${documents()}/${doc.id}`, input);
}

async function versions(client: Client, doc: { id: string }): Promise<Version[]> {
  const response = await client.get(`${documents()}/${doc.id}/versions`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().versions;
}

async function timeline(email: string) {
  const person = Object.values(community.demo.people).find((p) => p.email === email);
  if (!person) throw new Error(`no demo person ${email}`);
  const page = await listProjectActivity(actingAs(community.ctx, actorOf(person)), projectId, {});
  return page.activity;
}

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  northwind = await community.signIn("member@northwind.example");
  contoso = await community.signIn("member@contoso.example");
  fabrikam = await community.signIn("dev@fabrikam.example");
  const ctx = actingAs(community.ctx, staffActor());
  const project = await createProject(ctx, {
    name: "Documents under test",
    purpose: "Versioned documents",
    startsOn: "2025-01-01",
  });
  projectId = project.id;
  for (const organisation of [community.demo.organisations.northwind, community.demo.organisations.contoso])
    await addParticipant(ctx, projectId, { organisationId: organisation.id });
});
afterAll(() => community?.close());

describe("documents", () => {
  it("creates a document at version 1 with its Markdown rendered safely, and puts it on the timeline", async () => {
    const doc = await create(northwind, {
      title: "Dispensing notes",
      body: "# Notes\n\n**bold**\n\n<script>alert(1)</script>",
    });
    expect(doc).toMatchObject({ title: "Dispensing notes", version: 1, visibility: "project" });
    expect(doc.updatedBy.name).toBe("Ned Member");
    expect(doc.bodyHtml).toContain("<strong>bold</strong>");
    expect(doc.bodyHtml).not.toContain("<script");
    const lines = await timeline("member@contoso.example");
    expect(lines.find((line) => line.itemId === doc.id)).toMatchObject({
      verb: "document_created",
      itemType: "document",
    });
    const listed = (await contoso.get(documents())).json().documents as Doc[];
    expect(listed.map((d) => d.id)).toContain(doc.id);
  });

  it("keeps every version with its author and time, newest first", async () => {
    const doc = await create(northwind, { title: "Plan", body: "one" });
    const edited = await save(contoso, doc, { title: "Plan v2", body: "one\ntwo", baseVersion: 1 });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, title: "Plan v2", body: "one\ntwo" });
    expect(edited.json().updatedBy.name).toBe("Cora Member");
    const history = await versions(staff, doc);
    expect(history.map((v) => [v.version, v.title, v.author.name])).toEqual([
      [2, "Plan v2", "Cora Member"],
      [1, "Plan", "Ned Member"],
    ]);
    const first = await staff.get(`${documents()}/${doc.id}/versions/1`);
    expect(first.json()).toMatchObject({ version: 1, body: "one", title: "Plan" });
    const lines = await timeline("staff@vendor.example");
    expect(
      lines.find((line) => line.itemId === doc.id && line.verb === "document_edited")?.summary,
    ).toContain("version 2");
  });

  it("refuses a save from a stale version with 409 edit_conflict, their version and the line diff, writing nothing", async () => {
    const doc = await create(northwind, { title: "Shared", body: "intro\nsame\nend" });
    expect(
      (await save(northwind, doc, { title: "Shared", body: "intro\nNed's line\nend", baseVersion: 1 }))
        .statusCode,
    ).toBe(200);
    const stale = await save(contoso, doc, {
      title: "Shared",
      body: "intro\nCora's line\nend",
      baseVersion: 1,
    });
    expect(stale.statusCode, stale.body).toBe(409);
    const error = stale.json().error;
    expect(error.code).toBe("edit_conflict");
    expect(error.message).toContain("Ned Member saved version 2");
    expect(error.details).toMatchObject({
      currentVersion: 2,
      theirs: { title: "Shared", body: "intro\nNed's line\nend", author: { name: "Ned Member" } },
      diff: [
        { op: "equal", text: "intro" },
        { op: "delete", text: "Cora's line" },
        { op: "insert", text: "Ned's line" },
        { op: "equal", text: "end" },
      ],
    });
    expect((await versions(staff, doc)).map((v) => v.version)).toEqual([2, 1]);
    const retried = await save(contoso, doc, {
      title: "Shared",
      body: "intro\nboth lines\nend",
      baseVersion: 2,
    });
    expect(retried.json()).toMatchObject({ version: 3 });
  });

  it("lets exactly one of two concurrent saves from the same version through; the other gets the conflict", async () => {
    const doc = await create(northwind, { title: "Race", body: "start" });
    const answers = await Promise.all([
      save(northwind, doc, { title: "Race", body: "Ned wins", baseVersion: 1 }),
      save(contoso, doc, { title: "Race", body: "Cora wins", baseVersion: 1 }),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.statusCode === 200)?.json();
    const loser = answers.find((a) => a.statusCode === 409)?.json();
    expect(loser.error.details.theirs.body).toBe(winner.body);
    expect((await versions(staff, doc)).map((v) => v.version)).toEqual([2, 1]);
  });

  it("writes no version for a save that changes nothing", async () => {
    const doc = await create(northwind, { title: "Quiet", body: "text" });
    const same = await save(northwind, doc, { title: "Quiet", body: "text", baseVersion: 1 });
    expect(same.json()).toMatchObject({ version: 1 });
    expect(await versions(northwind, doc)).toHaveLength(1);
  });

  it("diffs any two versions line by line, and names a version that does not exist", async () => {
    const doc = await create(northwind, { title: "Diffed", body: "a\nb\nc" });
    await save(northwind, doc, { title: "Diffed", body: "a\nc", baseVersion: 1 });
    await save(northwind, doc, { title: "Diffed", body: "a\nc\nd", baseVersion: 2 });
    const diff = await contoso.get(`${documents()}/${doc.id}/diff?from=1&to=3`);
    expect(diff.statusCode, diff.body).toBe(200);
    expect(diff.json().diff).toEqual([
      { op: "equal", text: "a" },
      { op: "delete", text: "b" },
      { op: "equal", text: "c" },
      { op: "insert", text: "d" },
    ]);
    const missing = await contoso.get(`${documents()}/${doc.id}/diff?from=1&to=9`);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.fields).toEqual({ to: "There is no version 9." });
    const notANumber = await contoso.get(`${documents()}/${doc.id}/diff?from=one&to=2`);
    expect(notANumber.statusCode).toBe(400);
    expect(notANumber.json().error.fields).toHaveProperty("from");
  });

  it("restores an old version as a new version that says where it came from", async () => {
    const doc = await create(northwind, { title: "Restorable", body: "original" });
    await save(contoso, doc, { title: "Restorable (changed)", body: "changed", baseVersion: 1 });
    const restored = await contoso.post(`${documents()}/${doc.id}/restore`, { version: 1 });
    expect(restored.statusCode, restored.body).toBe(201);
    expect(restored.json()).toMatchObject({ version: 3, title: "Restorable", body: "original" });
    const history = await versions(northwind, doc);
    expect(history[0]).toMatchObject({ version: 3, restoredFrom: 1 });
    expect(history.map((v) => v.version)).toEqual([3, 2, 1]);
    const lines = await timeline("member@northwind.example");
    expect(lines.find((line) => line.itemId === doc.id)?.verb).toBe("document_restored");
    const current = await contoso.post(`${documents()}/${doc.id}/restore`, { version: 3 });
    expect(current.statusCode).toBe(400);
    expect(current.json().error.fields.version).toContain("already the current version");
    const stale = await contoso.post(`${documents()}/${doc.id}/restore`, { version: 2, baseVersion: 2 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe("edit_conflict");
  });

  it("hides a staff-only document from customers in the list, the detail, its history and the timeline", async () => {
    const doc = await create(staff, { title: "Pricing thoughts", body: "internal", visibility: "staff" });
    expect(doc.visibility).toBe("staff");
    const customerList = (await northwind.get(documents())).json().documents as Doc[];
    expect(customerList.map((d) => d.id)).not.toContain(doc.id);
    const staffList = (await staff.get(documents())).json().documents as Doc[];
    expect(staffList.map((d) => d.id)).toContain(doc.id);
    for (const path of ["", "/versions", "/versions/1", "/diff?from=1&to=1"]) {
      const response = await northwind.get(`${documents()}/${doc.id}${path}`);
      expect(response.statusCode, path).toBe(404);
    }
    expect((await save(northwind, doc, { title: "x", body: "y", baseVersion: 1 })).statusCode).toBe(404);
    expect((await timeline("member@northwind.example")).map((line) => line.itemId)).not.toContain(doc.id);
    expect((await timeline("staff@vendor.example")).map((line) => line.itemId)).toContain(doc.id);
  });

  it("refuses a customer making a document staff-only, naming visibility", async () => {
    const response = await northwind.post(documents(), { title: "Secret", body: "", visibility: "staff" });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toHaveProperty("visibility");
  });

  it("names the field of bad input: an empty title, a missing base version", async () => {
    const noTitle = await northwind.post(documents(), { title: "  ", body: "text" });
    expect(noTitle.statusCode).toBe(400);
    expect(noTitle.json().error.fields).toEqual({ title: "Enter a title." });
    const doc = await create(northwind, { title: "Checked", body: "" });
    const noBase = await save(northwind, doc, { title: "Checked", body: "more" });
    expect(noBase.statusCode).toBe(400);
    expect(noBase.json().error.fields).toHaveProperty("baseVersion");
    const future = await save(northwind, doc, { title: "Checked", body: "more", baseVersion: 5 });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.fields.baseVersion).toBe("The newest version is 1.");
  });

  it("answers 404 to someone whose organisation is not in the project", async () => {
    const doc = await create(northwind, { title: "Not for Fabrikam", body: "" });
    expect((await fabrikam.get(documents())).statusCode).toBe(404);
    expect((await fabrikam.get(`${documents()}/${doc.id}`)).statusCode).toBe(404);
    expect((await fabrikam.post(documents(), { title: "Hello", body: "" })).statusCode).toBe(404);
  });

  it("keeps an archived project's documents readable but refuses edits with 409", async () => {
    const ctx = actingAs(community.ctx, staffActor());
    const other = await createProject(ctx, {
      name: "Archived docs",
      purpose: "",
      startsOn: "2025-01-01",
    });
    await addParticipant(ctx, other.id, {
      organisationId: community.demo.organisations.northwind.id,
    });
    const created = await northwind.post(`/api/projects/${other.id}/documents`, {
      title: "Before",
      body: "",
    });
    await setArchived(ctx, other.id, true);
    const url = `/api/projects/${other.id}/documents/${created.json().id}`;
    expect((await northwind.get(url)).statusCode).toBe(200);
    const edit = await put(northwind, url, { title: "After", body: "", baseVersion: 1 });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.code).toBe("conflict");
  });
});

describe("the demo project", () => {
  it("has the dispensing notes in three versions by three people, and a folder with a checklist", async () => {
    const projects = (await northwind.get("/api/projects")).json().projects as { id: string; name: string }[];
    const demo = projects.find((p) => p.name === "Pharmacy preview feedback");
    if (!demo) throw new Error("the demo project is missing");
    const listed = (await northwind.get(`/api/projects/${demo.id}/documents`)).json().documents as Doc[];
    const notes = listed.find((d) => d.title === "Pharmacy preview: dispensing workflow notes");
    expect(notes?.version).toBe(3);
    const history = (await northwind.get(`/api/projects/${demo.id}/documents/${notes?.id}/versions`)).json()
      .versions as Version[];
    expect(history.map((v) => v.author.name)).toEqual(["Cora Member", "Nora Admin", "Sam Staff"]);
    const folders = (await northwind.get(`/api/projects/${demo.id}/folders`)).json().folders as {
      id: string;
      name: string;
    }[];
    const checklists = folders.find((f) => f.name === "Site checklists");
    const files = (await northwind.get(`/api/projects/${demo.id}/files?folderId=${checklists?.id}`)).json()
      .files;
    expect(files.map((f: { name: string }) => f.name)).toEqual(["dispensing-checklist.txt"]);
  });
});
