import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { count } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  files,
  mailOutbox,
  notifications,
  projectActivity,
  projectComments,
  projectDocuments,
  projectDocumentVersions,
  projectFiles,
  projectFileVersions,
  projectParticipants,
  projectPosts,
  projects,
  users,
} from "../../../db/schema.js";
import { actingAs } from "../../../platform/context.js";
import { NOTES_BYTES, writeBasecampFixture } from "../../../testing/basecamp-export.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../../testing/harness.js";
import { actorOf } from "../../accounts/index.js";
import type { ImportRun } from "../contracts/imports.js";
import { importExport } from "../pipeline.js";

type PostSummary = {
  id: string;
  title: string;
  visibility: string;
  createdAt: string;
  editedAt: string | null;
};
type Post = PostSummary & {
  body: string;
  comments: { body: string; createdAt: string; author: { name: string } }[];
};
type Project = {
  id: string;
  name: string;
  purpose: string;
  startsOn: string;
  status: string;
  participants: { kind: string; name: string }[];
};

let community: TestCommunity;
let dir: string;
let zipPath: string;
let staff: Client;
let northwind: Client; // member@northwind.example: in Acme Launch (a Basecamp client)
let contoso: Client; // member@contoso.example: only in Website refresh
let run: ImportRun;
let acmeId: string;
let mailBefore: number;
let notificationsBefore: number;

const rows = async (table: PgTable) => (await community.db.select({ n: count() }).from(table))[0]?.n ?? 0;
const staffCtx = () => actingAs(community.ctx, actorOf(community.demo.people.staff));

async function json<T>(client: Client, url: string): Promise<T> {
  const response = await client.get(url);
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  return response.json() as T;
}

async function postTitled(client: Client, title: string): Promise<Post> {
  const { posts } = await json<{ posts: PostSummary[] }>(client, `/api/projects/${acmeId}/posts`);
  const summary = posts.find((post) => post.title === title);
  if (!summary) throw new Error(`no post “${title}” among ${posts.map((post) => post.title).join(", ")}`);
  return json<Post>(client, `/api/projects/${acmeId}/posts/${summary.id}`);
}

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  northwind = await community.signIn("member@northwind.example");
  contoso = await community.signIn("member@contoso.example");
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "convene-basecamp-"));
  zipPath = await writeBasecampFixture(path.join(dir, "export.zip"));
  mailBefore = await rows(mailOutbox);
  notificationsBefore = await rows(notifications);
  run = await importExport(staffCtx(), "basecamp", zipPath, { unknownPeople: "placeholder" });
  const { projects: list } = await json<{ projects: { id: string; name: string }[] }>(staff, "/api/projects");
  acmeId = list.find((project) => project.name === "Acme Launch")?.id ?? "";
});

afterAll(async () => {
  await community?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe("importing a Basecamp project export", () => {
  it("surveys the export and imports all of it, reporting what could not come over", () => {
    expect(run).toMatchObject({
      status: "imported",
      error: null,
      title: "Basecamp projects Acme Launch, Website refresh",
    });
    expect(run.report?.counts).toEqual({
      projects: 2,
      posts: 3,
      comments: 6,
      documents: 1,
      files: 2,
      todos: 2,
    });
    expect(run.report?.problems.map((problem) => problem.item)).toEqual([
      "“Acme Launch”: the file “diagram.png”",
      "“Acme Launch”: the comment 3006 of 2023-01-23",
      "“Acme Launch”: 1 Schedule::Entry recording",
      "“Acme Launch”: 1 recording in Basecamp's trash",
    ]);
    expect(run.report?.people).toMatchObject({ matched: 3, placeholders: 1, withoutAddress: 1 });
    expect(run.total).toBe(15);
    expect(run.done).toBe(15);
  });

  it("makes each Basecamp project a project, its people participants and its description the purpose", async () => {
    const { people } = community.demo;
    const acme = await json<Project>(staff, `/api/projects/${acmeId}`);
    expect(acme).toMatchObject({
      name: "Acme Launch",
      purpose: "Launch the **new** lab portal.",
      startsOn: "2023-01-10",
      status: "active",
    });
    expect(acme.participants.map((participant) => [participant.kind, participant.name]).sort()).toEqual(
      [
        ["person", people.staff.name],
        ["person", people.northwindMember.name],
        ["person", "Gus Ghost"],
      ].sort(),
    );
    const { projects: websites } = await json<{ projects: Project[] }>(contoso, "/api/projects");
    const named = websites.map((project) => [project.name, project.status]);
    expect(named).toContainEqual(["Website refresh", "archived"]);
    // Contoso's member was not among Acme Launch's people.
    expect(named.map(([name]) => name)).not.toContain("Acme Launch");
  });

  it("keeps what Basecamp hid from clients for staff: a customer in the project does not see it, staff do", async () => {
    const titles = async (client: Client) =>
      (await json<{ posts: PostSummary[] }>(client, `/api/projects/${acmeId}/posts`)).posts
        .map((post) => post.title)
        .sort();
    const everyone = [
      "Comments on “Lab portal spec”",
      "Kickoff quokka notes",
      "Launch checklist",
      "diagram.png",
    ];
    expect(await titles(northwind)).toEqual(everyone);
    expect(await titles(staff)).toEqual([...everyone, "Internal pricing wombat"].sort());
    const hidden = await postTitled(staff, "Internal pricing wombat");
    expect(hidden.visibility).toBe("staff");
    expect(hidden.comments.map((comment) => comment.body)).toEqual(["Agreed."]);
    expect((await northwind.get(`/api/projects/${acmeId}/posts/${hidden.id}`)).statusCode).toBe(404);
    const timeline = async (client: Client) =>
      (
        await json<{ activity: { summary: string }[] }>(client, `/api/projects/${acmeId}/activity`)
      ).activity.map((line) => line.summary);
    expect((await timeline(staff)).some((line) => line.includes("Internal pricing wombat"))).toBe(true);
    expect((await timeline(northwind)).some((line) => line.includes("Internal pricing wombat"))).toBe(false);
  });

  it("keeps Basecamp's dates: posts, edits, comments, documents, files and the timeline", async () => {
    const kickoff = await postTitled(northwind, "Kickoff quokka notes");
    expect(kickoff).toMatchObject({
      createdAt: "2023-01-11T09:00:00.000Z",
      editedAt: "2023-01-12T09:00:00.000Z",
    });
    expect(kickoff.body).toBe(
      "Welcome **all** & thanks.\nSee [the plan](https://example.com/plan).\n\n- one\n- two",
    );
    expect(kickoff.comments.map((comment) => [comment.author.name, comment.body, comment.createdAt])).toEqual(
      [
        [community.demo.people.northwindMember.name, "Sounds good to me.", "2023-01-11T10:00:00.000Z"],
        [community.demo.people.staff.name, "Agenda to follow.", "2023-01-11T11:00:00.000Z"],
      ],
    );
    const {
      documents: [document],
    } = await json<{ documents: { title: string; createdAt: string; updatedAt: string; version: number }[] }>(
      northwind,
      `/api/projects/${acmeId}/documents`,
    );
    expect(document).toMatchObject({
      title: "Lab portal spec",
      version: 1,
      createdAt: "2023-01-14T09:00:00.000Z",
      updatedAt: "2023-02-01T09:00:00.000Z",
    });
    const lines = (
      await json<{ activity: { summary: string; at: string }[] }>(
        staff,
        `/api/projects/${acmeId}/activity?limit=100`,
      )
    ).activity;
    expect(lines[0]?.summary).toBe(`${community.demo.people.staff.name} imported the project from Basecamp.`);
    expect(lines.at(-1)).toEqual(
      expect.objectContaining({
        summary: `${community.demo.people.staff.name} started the project Acme Launch.`,
        at: "2023-01-10T08:00:00.000Z",
      }),
    );
    const history = lines.slice(1).map((line) => line.at);
    expect(history).toEqual([...history].sort().reverse());
  });

  it("puts a document's comments on a post linking it, and a to-do list in one checklist post", async () => {
    const {
      documents: [document],
    } = await json<{ documents: { id: string }[] }>(northwind, `/api/projects/${acmeId}/documents`);
    const discussion = await postTitled(northwind, "Comments on “Lab portal spec”");
    expect(discussion.body).toBe(
      `Comments on the document [Lab portal spec](/projects/${acmeId}/documents?document=${document?.id}).`,
    );
    expect(discussion.comments.map((comment) => comment.body)).toEqual(["Reports first, please."]);
    const checklist = await postTitled(northwind, "Launch checklist");
    expect(checklist.body).toContain("- [x] Book the room — Sam Staff · due 2023-01-20 · done 2023-01-19");
    expect(checklist.body).toContain("- [ ] Send invitations — Nora Northwind, Sam Staff · due 2023-01-25");
    expect(checklist.comments.map((comment) => comment.body)).toEqual([
      "*On the to-do “Send invitations”:*\n\nDraft is ready.",
    ]);
  });

  it("makes an upload a file whose bytes download, and one the export lacks a post linking to Basecamp", async () => {
    const { files: list } = await json<{
      files: { name: string; url: string; folderId: string | null; updatedAt: string }[];
    }>(northwind, `/api/projects/${acmeId}/files`);
    expect(list.map((file) => [file.name, file.folderId, file.updatedAt])).toEqual([
      ["notes.txt", null, "2023-01-16T09:00:00.000Z"],
    ]);
    const download = await northwind.get(list[0]?.url ?? "");
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe(NOTES_BYTES);
    expect((await postTitled(northwind, "diagram.png")).body).toContain(
      "[diagram.png](https://3.basecampapi.com/1/buckets/1001/uploads/5002/download/diagram.png)",
    );
  });

  it("e-mails and notifies nobody", async () => {
    expect(await rows(mailOutbox)).toBe(mailBefore);
    expect(await rows(notifications)).toBe(notificationsBefore);
  });

  it("lets a participant find an imported post through the one search, and nobody else", async () => {
    type Group = { kind: string; hits: { title: { text: string } }[] };
    const found = async (client: Client, q: string) =>
      (await json<{ groups: Group[] }>(client, `/api/search?q=${encodeURIComponent(q)}`)).groups
        .filter((group) => group.kind === "post")
        .flatMap((group) => group.hits.map((hit) => hit.title.text));
    expect(await found(northwind, "quokka")).toEqual(["Kickoff quokka notes"]);
    expect(await found(contoso, "quokka")).toEqual([]);
    expect(await found(northwind, "wombat")).toEqual([]);
    expect(await found(staff, "wombat")).toEqual(["Internal pricing wombat"]);
  });

  it("writes nothing new when the same export is imported again", async () => {
    const tables = [
      projects,
      projectParticipants,
      projectPosts,
      projectComments,
      projectDocuments,
      projectDocumentVersions,
      projectFiles,
      projectFileVersions,
      projectActivity,
      files,
      users,
      mailOutbox,
      notifications,
    ];
    const before = await Promise.all(tables.map(rows));
    const again = await importExport(staffCtx(), "basecamp", zipPath, { unknownPeople: "placeholder" });
    expect(again).toMatchObject({ status: "imported", error: null });
    expect(await Promise.all(tables.map(rows))).toEqual(before);
  });
});
