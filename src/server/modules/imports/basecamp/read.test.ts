import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../../platform/errors.js";
import { acmeRecordings, NOTES_BYTES, writeBasecampFixture } from "../../../testing/basecamp-export.js";
import { writeZip } from "../../../testing/zip.js";
import { openZip, type ZipExport } from "../zip.js";
import { type ProjectPlan, planProject } from "./plan.js";
import {
  type BasecampExport,
  type BasecampRecording,
  distinctRecordings,
  type ProjectEntry,
  readBasecampExport,
  recordingsIn,
} from "./read.js";

let dir: string;
let zip: ZipExport;
let exported: BasecampExport;
let acme: ProjectEntry;
let website: ProjectEntry;
let acmePlan: ProjectPlan;

async function refusal(entries: Record<string, string>): Promise<AppError> {
  const file = await writeZip(path.join(dir, `refused-${Math.random().toString(36).slice(2)}.zip`), entries);
  const refused = await openZip(file, "Basecamp project export");
  try {
    await readBasecampExport(refused);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  } finally {
    refused.close();
  }
  throw new Error("the export was not refused");
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-basecamp-"));
  zip = await openZip(await writeBasecampFixture(path.join(dir, "export.zip")), "Basecamp project export");
  exported = await readBasecampExport(zip);
  const [first, second] = exported.projects;
  if (!first || !second) throw new Error("the fixture's projects were not found");
  [acme, website] = [first, second];
  const { recordings, unreadable } = await exported.recordings(acme);
  acmePlan = planProject(acme, recordings, (upload) => exported.hasBytes(acme, upload), unreadable);
});

afterAll(async () => {
  zip.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe("reading a Basecamp project export", () => {
  it("finds every project.json in the zip, whatever folder it is in", () => {
    expect(exported.projects.map((entry) => [entry.folder, entry.project.name])).toEqual([
      ["acme-launch/", "Acme Launch"],
      ["exports/website/", "Website refresh"],
    ]);
  });

  it("names everyone once: the projects' people, creators and assignees, addresses in lower case, integrations as bots", () => {
    expect(exported.people).toEqual(
      expect.arrayContaining([
        { externalId: "1", email: "staff@vendor.example", name: "Sam Staff" },
        { externalId: "2", email: "member@northwind.example", name: "Nora Northwind" },
        { externalId: "3", email: "gus@elsewhere.example", name: "Gus Ghost" },
        { externalId: "4", email: "member@contoso.example", name: "Cora Contoso" },
        { externalId: "5", email: null, name: "Zapier", isBot: true },
      ]),
    );
    expect(exported.people).toHaveLength(5);
  });

  it("reads recordings from recordings/ and recordings.json, each once, oldest first", async () => {
    const { recordings, unreadable } = await exported.recordings(acme);
    expect(unreadable).toEqual([]);
    const ids = recordings.map((recording) => recording.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(Object.keys(acmeRecordings).length);
    const times = recordings.map((recording) => Date.parse(recording.created_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect((await exported.recordings(website)).recordings.map((recording) => recording.id)).toEqual([
      2101, 3101,
    ]);
  });

  it("opens an upload's bytes from files/<id>/, and says when the export does not hold them", async () => {
    const notes = acmeRecordings.notes as unknown as BasecampRecording;
    const diagram = acmeRecordings.diagram as unknown as BasecampRecording;
    expect(exported.hasBytes(acme, notes)).toBe(true);
    expect(exported.hasBytes(acme, diagram)).toBe(false);
    const file = exported.fileOf(acme, notes);
    expect(file).toMatchObject({ externalId: "file:5001", name: "notes.txt", contentType: "text/plain" });
    const chunks: Buffer[] = [];
    for await (const chunk of await (file.open?.() ?? Promise.reject(new Error("no bytes"))))
      chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(NOTES_BYTES);
    const missing = exported.fileOf(acme, diagram);
    expect(missing.open).toBeUndefined();
    expect(missing.url).toBe(acmeRecordings.diagram.download_url);
  });

  it("refuses a zip without project.json, naming the file field", async () => {
    const error = await refusal({ "messages.json": "[]" });
    expect(error.code).toBe("validation");
    expect(error.fields).toEqual({
      file: "This zip is not a Basecamp project export: it holds no project.json.",
    });
  });

  it("refuses a project.json that names no project, and the same project twice", async () => {
    expect((await refusal({ "a/project.json": JSON.stringify({ id: 1 }) })).fields?.file).toBe(
      "a/project.json in the Basecamp export names no project (an id and a name).",
    );
    const twice = { id: 7, name: "Twice" };
    expect(
      (await refusal({ "a/project.json": JSON.stringify(twice), "b/project.json": JSON.stringify(twice) }))
        .fields?.file,
    ).toMatch(/holds project 7 twice/);
  });

  it("names what is not a recording instead of failing on it", () => {
    const found = recordingsIn(
      [
        { id: 1, type: "Message", created_at: "2023-01-01T00:00:00Z" },
        { type: "Message" },
        { id: 2, type: "Comment" },
      ],
      "p/recordings.json",
    );
    expect(found.recordings.map((recording) => recording.id)).toEqual([1]);
    expect(found.unreadable).toEqual([
      { entry: "p/recordings.json #2", reason: "It has no id." },
      { entry: "p/recordings.json #3", reason: "It has no creation date (created_at)." },
    ]);
  });

  it("keeps the latest update of a recording found twice", () => {
    const older = {
      id: 1,
      type: "Message",
      created_at: "2023-01-01T00:00:00Z",
      updated_at: "2023-01-01T00:00:00Z",
      subject: "old",
    };
    const newer = { ...older, updated_at: "2023-02-01T00:00:00Z", subject: "new" };
    expect(distinctRecordings([newer, older]).map((recording) => recording.subject)).toEqual(["new"]);
  });
});

describe("planning a Basecamp project", () => {
  const post = (externalId: string) =>
    acmePlan.posts.find((candidate) => candidate.externalId === externalId);

  it("makes the project from project.json: name, description as Markdown purpose, people, dates", () => {
    expect(acmePlan.project).toEqual({
      externalId: "project:1001",
      name: "Acme Launch",
      purpose: "Launch the **new** lab portal.",
      createdAt: new Date("2023-01-10T08:00:00.000Z"),
      updatedAt: new Date("2023-03-01T08:00:00.000Z"),
      archived: false,
      creator: "1",
      people: ["1", "2", "3"],
    });
  });

  it("makes a message a post in Markdown, its type as category, edited when updated later", () => {
    expect(post("recording:2001")).toEqual({
      externalId: "recording:2001",
      category: "announcement",
      title: "Kickoff quokka notes",
      body: "Welcome **all** & thanks.\nSee [the plan](https://example.com/plan).\n\n- one\n- two",
      visibility: "project",
      author: "1",
      createdAt: new Date("2023-01-11T09:00:00.000Z"),
      editedAt: new Date("2023-01-12T09:00:00.000Z"),
      recordings: 1,
    });
  });

  it("keeps a message hidden from clients for staff only, with its comments", () => {
    expect(post("recording:2002")).toMatchObject({ visibility: "staff", category: "fyi", editedAt: null });
    expect(acmePlan.comments.find((comment) => comment.externalId === "recording:3003")?.postExternalId).toBe(
      "recording:2002",
    );
  });

  it("puts comments on the post of what they comment on, a document's on a post made for them", () => {
    expect(
      acmePlan.comments.map((comment) => [comment.externalId, comment.postExternalId, comment.author]),
    ).toEqual([
      ["recording:3001", "recording:2001", "2"],
      ["recording:3002", "recording:2001", "1"],
      ["recording:3003", "recording:2002", "1"],
      ["recording:3004", "recording:4001:discussion", "2"],
      ["recording:3005", "recording:6001", "2"],
    ]);
    expect(post("recording:4001:discussion")).toMatchObject({
      title: "Comments on “Lab portal spec”",
      visibility: "project",
      about: { kind: "document", externalId: "recording:4001", label: "Lab portal spec" },
    });
    // A minute's processing after the upload is not an edit.
    expect(acmePlan.comments.find((comment) => comment.externalId === "recording:3002")?.editedAt).toBeNull();
  });

  it("makes a document with its text in Markdown, created and updated when Basecamp says", () => {
    expect(acmePlan.documents).toEqual([
      {
        externalId: "recording:4001",
        title: "Lab portal spec",
        body: "# Scope\n\nSign-in, *results* and reports.",
        visibility: "project",
        author: "1",
        createdAt: new Date("2023-01-14T09:00:00.000Z"),
        updatedAt: new Date("2023-02-01T09:00:00.000Z"),
      },
    ]);
  });

  it("makes an upload with its bytes a file, and one without them a post linking to Basecamp", () => {
    expect(acmePlan.files.map((file) => [file.externalId, file.name, file.visibility, file.author])).toEqual([
      ["recording:5001", "notes.txt", "project", "2"],
    ]);
    expect(post("recording:5002:notice")).toMatchObject({
      title: "diagram.png",
      body: `The file [diagram.png](${acmeRecordings.diagram.download_url}) (image/png, 2 KB) was shared in Basecamp; the export did not hold it.`,
    });
  });

  it("makes a to-do list one post with a Markdown checklist: done or not, assignees, due dates, notes", () => {
    expect(post("recording:6001")).toMatchObject({
      title: "Launch checklist",
      body: [
        "Before the launch.",
        "",
        "- [x] Book the room — Sam Staff · due 2023-01-20 · done 2023-01-19",
        "- [ ] Send invitations — Nora Northwind, Sam Staff · due 2023-01-25",
        "  Use the \\*new\\* list.",
      ].join("\n"),
      editedAt: new Date("2023-01-19T12:00:00.000Z"),
      recordings: 3,
    });
    expect(acmePlan.comments.find((comment) => comment.externalId === "recording:3005")?.body).toBe(
      "*On the to-do “Send invitations”:*\n\nDraft is ready.",
    );
  });

  it("counts what the export holds and names what cannot come over", () => {
    expect(acmePlan.counts).toEqual({ projects: 1, posts: 2, comments: 5, documents: 1, files: 2, todos: 2 });
    expect(acmePlan.recordings).toBe(13);
    expect(acmePlan.problems).toEqual([
      {
        item: "“Acme Launch”: the file “diagram.png”",
        reason: "The export does not hold its bytes: a post names it and links to it in Basecamp.",
      },
      {
        item: "“Acme Launch”: the comment 3006 of 2023-01-23",
        reason: "What it comments on (Message 9999) is not in the export: not imported.",
      },
      {
        item: "“Acme Launch”: 1 Schedule::Entry recording",
        reason: "Convene has no place for Basecamp's Schedule::Entry recordings: not imported.",
      },
      {
        item: "“Acme Launch”: 1 recording in Basecamp's trash",
        reason: "What is in the trash is not imported.",
      },
    ]);
  });

  it("makes an archived project archived", async () => {
    const { recordings } = await exported.recordings(website);
    expect(planProject(website, recordings, () => false).project).toMatchObject({
      archived: true,
      creator: null,
    });
  });

  it("keeps what Basecamp hid from clients inside something they saw in a staff-only post beside it", () => {
    const at = "2023-06-01T00:00:00.000Z";
    const base = { created_at: at, updated_at: at, status: "active" };
    const recordings = [
      {
        ...base,
        id: 1,
        type: "Message",
        subject: "Open",
        content: "<div>For all</div>",
        visible_to_clients: true,
      },
      {
        ...base,
        id: 2,
        type: "Comment",
        content: "<div>Between us</div>",
        parent: { id: 1 },
        visible_to_clients: false,
      },
      { ...base, id: 3, type: "Todolist", title: "List", visible_to_clients: true },
      { ...base, id: 4, type: "Todo", content: "Shown", parent: { id: 3 }, visible_to_clients: true },
      { ...base, id: 5, type: "Todo", content: "Hidden", parent: { id: 3 }, visible_to_clients: false },
      { ...base, id: 6, type: "Message", subject: "Unsaid", content: "<div>?</div>" },
    ] as BasecampRecording[];
    const plan = planProject({ folder: "", project: { id: 9, name: "Mixed" } }, recordings, () => false);
    const byId = new Map(plan.posts.map((planned) => [planned.externalId, planned]));
    expect(plan.comments.map((comment) => comment.postExternalId)).toEqual(["recording:1:staff-notes"]);
    expect(byId.get("recording:1:staff-notes")).toMatchObject({
      visibility: "staff",
      title: "Staff notes on “Open”",
    });
    expect(byId.get("recording:3")?.body).toBe("- [ ] Shown");
    expect(byId.get("recording:3:staff-todos")).toMatchObject({ visibility: "staff", body: "- [ ] Hidden" });
    // A recording that does not say whether clients saw it is kept from them.
    expect(byId.get("recording:6")?.visibility).toBe("staff");
  });
});
