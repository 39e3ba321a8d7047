import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER } from "../../platform/auth/http.js";
import { actingAs } from "../../platform/context.js";
import { type Client, startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";
import { actorOf } from "../accounts/users.js";
import { listProjectActivity } from "./activity.js";
import { addParticipant, createProject } from "./projects.js";

type Folder = { id: string; name: string; visibility: string; children: Folder[] };
type ProjectFile = {
  id: string;
  name: string;
  folderId: string | null;
  visibility: string;
  version: number;
  isImage: boolean;
  url: string;
  versions: { version: number; size: number; url: string; uploadedBy: { name: string } }[];
};

// Small, so an over-limit upload is cheap to send.
const UPLOAD_LIMIT = 64 * 1024;
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

let community: TestCommunity;
let staff: Client;
let northwind: Client;
let contoso: Client;
let fabrikam: Client; // Fabrikam is not in the project
let projectId: string;

type Part =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; data: Buffer };

/** A multipart form with the file and any other fields, as the web's FormData sends it. */
function upload(client: Client, url: string, parts: Part[]): Promise<LightMyRequestResponse> {
  const boundary = `----convene${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    ...parts.flatMap((part) => [
      Buffer.from(
        "filename" in part
          ? `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.contentType}\r\n\r\n`
          : `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n`,
      ),
      "filename" in part ? part.data : Buffer.from(part.value),
      Buffer.from("\r\n"),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return community.app.inject({
    method: "POST",
    url,
    headers: {
      cookie: client.cookie ?? "",
      [CSRF_HEADER]: "1",
      origin: TEST_ORIGIN,
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
    payload,
  });
}

const filesUrl = () => `/api/projects/${projectId}/files`;
const text = (filename: string, content: string): Part => ({
  name: "file",
  filename,
  contentType: "text/plain",
  data: Buffer.from(content),
});

async function uploaded(client: Client, parts: Part[]): Promise<ProjectFile> {
  const response = await upload(client, filesUrl(), parts);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function folder(client: Client, body: object): Promise<Folder> {
  const response = await client.post(`/api/projects/${projectId}/folders`, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function listed(client: Client, folderId?: string): Promise<ProjectFile[]> {
  const response = await client.get(`${filesUrl()}${folderId ? `?folderId=${folderId}` : ""}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().files;
}

async function timelineItems(email: string): Promise<string[]> {
  const person = Object.values(community.demo.people).find((p) => p.email === email);
  if (!person) throw new Error(`no demo person ${email}`);
  const page = await listProjectActivity(actingAs(community.ctx, actorOf(person)), projectId, {});
  return page.activity.map((line) => line.itemId);
}

beforeAll(async () => {
  community = await startTestCommunity({ maxUploadBytes: UPLOAD_LIMIT });
  staff = await community.signIn("staff@vendor.example");
  northwind = await community.signIn("member@northwind.example");
  contoso = await community.signIn("member@contoso.example");
  fabrikam = await community.signIn("dev@fabrikam.example");
  const sam = actorOf(community.demo.people.staff);
  const ctx = actingAs(community.ctx, sam);
  const project = await createProject(ctx, {
    name: "Files under test",
    purpose: "",
    startsOn: "2025-01-01",
  });
  projectId = project.id;
  for (const organisation of [community.demo.organisations.northwind, community.demo.organisations.contoso])
    await addParticipant(ctx, projectId, { organisationId: organisation.id });
});
afterAll(() => community?.close());

describe("folders", () => {
  it("lists folders as a tree by name", async () => {
    const specs = await folder(northwind, { name: "Specs" });
    await folder(contoso, { name: "Screens", parentId: specs.id });
    await folder(contoso, { name: "Annexes", parentId: specs.id });
    const tree = (await contoso.get(`/api/projects/${projectId}/folders`)).json().folders as Folder[];
    const node = tree.find((f) => f.id === specs.id);
    expect(node?.children.map((child) => child.name)).toEqual(["Annexes", "Screens"]);
  });

  it("refuses a second folder of the same name in the same place with 409 naming name", async () => {
    await folder(northwind, { name: "Minutes" });
    const again = await northwind.post(`/api/projects/${projectId}/folders`, { name: "Minutes" });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.fields).toHaveProperty("name");
  });

  it("names the field of bad input: a slash in the name, a parent that is not a folder of the project", async () => {
    const slash = await northwind.post(`/api/projects/${projectId}/folders`, { name: "a/b" });
    expect(slash.statusCode).toBe(400);
    expect(slash.json().error.fields).toHaveProperty("name");
    const orphan = await northwind.post(`/api/projects/${projectId}/folders`, {
      name: "Lost",
      parentId: "0190a0a0-0000-7000-8000-000000000000",
    });
    expect(orphan.statusCode).toBe(400);
    expect(orphan.json().error.fields).toEqual({ parentId: "There is no such folder in this project." });
  });
});

describe("files", () => {
  it("uploads into a folder, and the same name there again becomes version 2 of the same file", async () => {
    const drafts = await folder(northwind, { name: "Drafts" });
    const first = await uploaded(northwind, [
      { name: "folderId", value: drafts.id },
      text("plan.txt", "first draft"),
    ]);
    expect(first).toMatchObject({ name: "plan.txt", folderId: drafts.id, version: 1, visibility: "project" });
    // The file before the folder field: the form's order does not matter.
    const second = await uploaded(contoso, [
      text("plan.txt", "second draft"),
      { name: "folderId", value: drafts.id },
    ]);
    expect(second.id).toBe(first.id);
    expect(second.version).toBe(2);
    expect(second.versions.map((v) => [v.version, v.uploadedBy.name])).toEqual([
      [2, "Cora Member"],
      [1, "Ned Member"],
    ]);
    expect((await listed(northwind, drafts.id)).map((f) => [f.name, f.version])).toEqual([["plan.txt", 2]]);
    // The same name at the top level is another file.
    const top = await uploaded(northwind, [text("plan.txt", "elsewhere")]);
    expect(top.id).not.toBe(first.id);
    expect((await listed(northwind)).map((f) => f.id)).toContain(top.id);
    const current = await northwind.get(second.url);
    expect(current.body).toBe("second draft");
    const old = await northwind.get(`${filesUrl()}/${first.id}/download?version=1`);
    expect(old.body).toBe("first draft");
    expect(old.headers["content-disposition"]).toBe("attachment; filename*=UTF-8''plan.txt");
    expect(old.headers["content-type"]).toContain("text/plain");
    expect(old.headers["x-content-type-options"]).toBe("nosniff");
    expect((await northwind.get(`${filesUrl()}/${first.id}/download?version=7`)).statusCode).toBe(404);
    expect(await timelineItems("member@contoso.example")).toContain(first.id);
  });

  it("serves images inline with their stored type, so the page can preview them", async () => {
    const image = await uploaded(contoso, [
      { name: "file", filename: "label.png", contentType: "image/png", data: PNG },
    ]);
    expect(image.isImage).toBe(true);
    const response = await northwind.get(image.url);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("image/png");
    expect(response.headers["content-disposition"]).toBe("inline; filename*=UTF-8''label.png");
    expect(response.rawPayload.equals(PNG)).toBe(true);
  });

  it("refuses an upload over the configured limit with 413, writing nothing", async () => {
    const response = await upload(northwind, filesUrl(), [text("big.txt", "x".repeat(UPLOAD_LIMIT + 1))]);
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe("payload_too_large");
    expect((await listed(northwind)).map((f) => f.name)).not.toContain("big.txt");
  });

  it("refuses a disallowed type naming file, writing nothing", async () => {
    const response = await upload(northwind, filesUrl(), [
      {
        name: "file",
        filename: "setup.exe",
        contentType: "application/x-msdownload",
        data: Buffer.from("MZ"),
      },
    ]);
    expect(response.statusCode).toBe(415);
    expect(response.json().error.fields).toHaveProperty("file");
    expect((await listed(northwind)).map((f) => f.name)).not.toContain("setup.exe");
  });

  it("names the field of bad input: no file, a folder that is not the project's, a bad visibility", async () => {
    const noFile = await upload(northwind, filesUrl(), [{ name: "visibility", value: "project" }]);
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().error.fields).toEqual({ file: "Choose a file." });
    const badFolder = await upload(northwind, filesUrl(), [
      { name: "folderId", value: "0190a0a0-0000-7000-8000-000000000000" },
      text("a.txt", "a"),
    ]);
    expect(badFolder.statusCode).toBe(400);
    expect(badFolder.json().error.fields).toHaveProperty("folderId");
    const badVisibility = await upload(northwind, filesUrl(), [
      { name: "visibility", value: "public" },
      text("a.txt", "a"),
    ]);
    expect(badVisibility.statusCode).toBe(400);
    expect(badVisibility.json().error.fields).toHaveProperty("visibility");
  });

  it("refuses a control character in a form field or a file name as the JSON guard does, naming the field and writing nothing", async () => {
    const before = (await northwind.get(filesUrl())).json().files.length;
    const nulField = await upload(northwind, filesUrl(), [
      { name: "visibility", value: "pro\u0000ject" },
      text("a.txt", "a"),
    ]);
    expect(nulField.statusCode).toBe(400);
    expect(nulField.json().error.fields).toHaveProperty("visibility");
    const nulName = await upload(northwind, filesUrl(), [text("a\u0001b.txt", "a")]);
    expect(nulName.statusCode).toBe(400);
    expect(nulName.json().error.fields).toHaveProperty("file");
    expect((await northwind.get(filesUrl())).json().files).toHaveLength(before);
  });

  it("keeps a staff-only folder and everything in it from customers: tree, lists, detail, download, timeline", async () => {
    const internal = await folder(staff, { name: "Product team only", visibility: "staff" });
    const inside = await folder(staff, { name: "Pricing", parentId: internal.id });
    expect(inside.visibility).toBe("staff");
    const file = await uploaded(staff, [
      { name: "folderId", value: internal.id },
      text("costs.txt", "internal"),
    ]);
    expect(file.visibility).toBe("staff");
    const loose = await uploaded(staff, [
      { name: "visibility", value: "staff" },
      text("notes.txt", "internal"),
    ]);

    const tree = (await northwind.get(`/api/projects/${projectId}/folders`)).json().folders as Folder[];
    expect(tree.map((f) => f.id)).not.toContain(internal.id);
    expect((await listed(northwind)).map((f) => f.id)).not.toContain(loose.id);
    expect((await listed(staff)).map((f) => f.id)).toContain(loose.id);
    expect((await northwind.get(`${filesUrl()}?folderId=${internal.id}`)).statusCode).toBe(400);
    for (const id of [file.id, loose.id]) {
      expect((await northwind.get(`${filesUrl()}/${id}`)).statusCode).toBe(404);
      expect((await northwind.get(`${filesUrl()}/${id}/download`)).statusCode).toBe(404);
    }
    const customerTimeline = await timelineItems("member@northwind.example");
    expect(customerTimeline).not.toContain(file.id);
    expect(customerTimeline).not.toContain(internal.id);
    expect(await timelineItems("staff@vendor.example")).toContain(file.id);

    const intoHidden = await upload(northwind, filesUrl(), [
      { name: "folderId", value: internal.id },
      text("x.txt", "x"),
    ]);
    expect(intoHidden.statusCode).toBe(400);
    const customerStaffOnly = await upload(northwind, filesUrl(), [
      { name: "visibility", value: "staff" },
      text("x.txt", "x"),
    ]);
    expect(customerStaffOnly.statusCode).toBe(400);
    expect(customerStaffOnly.json().error.fields).toHaveProperty("visibility");
    const openedUp = await staff.post(`/api/projects/${projectId}/folders`, {
      name: "Shared",
      parentId: internal.id,
      visibility: "project",
    });
    expect(openedUp.statusCode).toBe(400);
    expect(openedUp.json().error.fields).toHaveProperty("visibility");
  });

  it("keeps a customer's upload of a name staff use privately apart from the staff-only file", async () => {
    const privateFile = await uploaded(staff, [
      { name: "visibility", value: "staff" },
      text("agenda.txt", "staff"),
    ]);
    const shared = await uploaded(northwind, [text("agenda.txt", "everyone")]);
    expect(shared.id).not.toBe(privateFile.id);
    expect(shared.version).toBe(1);
  });

  it("answers 404 to someone whose organisation is not in the project", async () => {
    const file = await uploaded(northwind, [text("hello.txt", "hello")]);
    expect((await fabrikam.get(filesUrl())).statusCode).toBe(404);
    expect((await fabrikam.get(`${filesUrl()}/${file.id}`)).statusCode).toBe(404);
    expect((await fabrikam.get(`${filesUrl()}/${file.id}/download`)).statusCode).toBe(404);
    expect((await fabrikam.get(`/api/projects/${projectId}/folders`)).statusCode).toBe(404);
    expect((await upload(fabrikam, filesUrl(), [text("x.txt", "x")])).statusCode).toBe(404);
  });
});
