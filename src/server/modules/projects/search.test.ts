import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Highlighted, SearchGroup } from "../../../shared/contracts/search.js";
import type { SearchKind } from "../../../shared/search-query.js";
import { actingAs } from "../../platform/context.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { actorOf } from "../accounts/users.js";
import type { SearchHit } from "./contracts/search.js";
import { createDocument, updateDocument } from "./documents.js";
import { uploadFile } from "./files.js";
import { addComment, createPost } from "./posts.js";
import { addParticipant, createProject } from "./projects.js";
import { projectPosts } from "./schema.js";

let community: TestCommunity;
let staff: Client;
let northwind: Client; // member@northwind.example: Northwind takes part in the project
let contoso: Client; // member@contoso.example: Contoso does not
let projectId: string;
let otherProjectId: string;
let observatoryId: string;
let postId: string;
let commentId: string;
let documentId: string;
let fileId: string;

type Person = (typeof community.demo.people)[keyof typeof community.demo.people];
const as = (person: Person) => actingAs(community.ctx, actorOf(person));

async function search(client: Client, query: Record<string, string>) {
  const response = await client.get(`/api/projects/search?${new URLSearchParams(query)}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().hits as SearchHit[];
}
const kindsAndTitles = (hits: SearchHit[]) => hits.map((hit) => `${hit.kind}: ${hit.title}`).sort();

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  northwind = await community.signIn("member@northwind.example");
  contoso = await community.signIn("member@contoso.example");
  const { people, organisations } = community.demo;
  const asStaff = as(people.staff);
  const asMember = as(people.northwindMember);

  const project = await createProject(asStaff, {
    name: "Search under test",
    purpose: "",
    startsOn: "2025-01-01",
  });
  projectId = project.id;
  await addParticipant(asStaff, projectId, { organisationId: organisations.northwind.id });
  const other = await createProject(asStaff, {
    name: "Contoso only",
    purpose: "",
    startsOn: "2025-01-01",
  });
  otherProjectId = other.id;
  await addParticipant(asStaff, otherProjectId, { organisationId: organisations.contoso.id });

  // Seen by everyone in the project.
  const post = await createPost(asMember, projectId, {
    category: "question",
    title: "Quokka labels",
    body: "Do the quokka labels print on the small printer?",
  });
  postId = post.id;
  commentId = (await addComment(asStaff, projectId, post.id, { body: "Yes, quokka labels fit at 50 mm." }))
    .id;
  const document = await createDocument(asMember, projectId, {
    title: "Dispensing notes",
    body: "Wombat.",
  });
  await updateDocument(asMember, projectId, document.id, {
    title: "Dispensing notes",
    body: "Quokka dispensing starts in March.",
    baseVersion: 1,
  });
  documentId = document.id;
  const file = await uploadFile(
    asMember,
    projectId,
    { filename: "quokka-plan.txt", contentType: "text/plain", data: Buffer.from("plan") },
    {},
  );
  fileId = file.id;
  // Removed: found by no one.
  const withdrawn = await createPost(asStaff, projectId, {
    category: "fyi",
    title: "Quokka withdrawn",
    body: "Withdrawn quokka news.",
  });
  await community.db
    .update(projectPosts)
    .set({ removedAt: new Date() })
    .where(eq(projectPosts.id, withdrawn.id));
  // A project found by its name.
  const observatory = await createProject(asStaff, {
    name: "Quokka observatory",
    purpose: "Where we watch **quokkas** at dawn.",
    startsOn: "2025-02-01",
  });
  observatoryId = observatory.id;
  await addParticipant(asStaff, observatoryId, { organisationId: organisations.northwind.id });

  // For the product team only.
  const secret = await createPost(asStaff, projectId, {
    category: "fyi",
    title: "Quokka pricing",
    body: "Internal quokka pricing.",
    visibility: "staff",
  });
  await addComment(asStaff, projectId, secret.id, { body: "Quokka margin is thin." });
  await createDocument(asStaff, projectId, {
    title: "Quokka roadmap",
    body: "Staff-only quokka plans.",
    visibility: "staff",
  });
  await uploadFile(
    asStaff,
    projectId,
    { filename: "quokka-costs.txt", contentType: "text/plain", data: Buffer.from("costs") },
    { visibility: "staff" },
  );

  // In a project Northwind is not in.
  await createPost(as(people.contosoMember), otherProjectId, {
    category: "question",
    title: "Quokka at Contoso",
    body: "Ours.",
  });
});
afterAll(() => community?.close());

describe("GET /api/projects/search", () => {
  it("finds posts, comments, current documents and file names in a participant's projects, linked to the item", async () => {
    const hits = await search(northwind, { q: "quokka" });
    expect(kindsAndTitles(hits)).toEqual([
      "comment: Quokka labels",
      "document: Dispensing notes",
      "file: quokka-plan.txt",
      "post: Quokka labels",
    ]);
    const comment = hits.find((hit) => hit.kind === "comment");
    const post = hits.find((hit) => hit.kind === "post");
    // A comment opens as its post.
    expect(comment?.itemId).toBe(post?.itemId);
    expect(comment).toMatchObject({ projectId, projectName: "Search under test" });
    expect(comment?.snippet).toBe("Yes, quokka labels fit at 50 mm.");
  });

  it("never shows a customer a staff-only post, its comments, a staff-only document or file", async () => {
    const customerHits = await search(northwind, { q: "quokka", projectId });
    for (const hit of customerHits) expect(hit.visibility).toBe("project");
    expect(JSON.stringify(customerHits)).not.toMatch(/pricing|margin|roadmap|costs/i);

    const staffHits = await search(staff, { q: "quokka", projectId });
    expect(kindsAndTitles(staffHits)).toEqual([
      "comment: Quokka labels",
      "comment: Quokka pricing",
      "document: Dispensing notes",
      "document: Quokka roadmap",
      "file: quokka-costs.txt",
      "file: quokka-plan.txt",
      "post: Quokka labels",
      "post: Quokka pricing",
    ]);
  });

  it("searches only a document's current version", async () => {
    expect(await search(northwind, { q: "wombat" })).toEqual([]);
  });

  it("leaves out projects the person is not in, and answers 404 for one named explicitly", async () => {
    expect(kindsAndTitles(await search(contoso, { q: "quokka" }))).toEqual(["post: Quokka at Contoso"]);
    const response = await contoso.get(`/api/projects/search?q=quokka&projectId=${projectId}`);
    expect(response.statusCode).toBe(404);
  });

  it("reaches every project for staff, or one when named", async () => {
    const everywhere = await search(staff, { q: "quokka contoso" });
    expect(kindsAndTitles(everywhere)).toEqual(["post: Quokka at Contoso"]);
    expect(await search(staff, { q: "quokka contoso", projectId })).toEqual([]);
  });

  it("refuses a query without words (% and _ are not words, nor wildcards), naming q", async () => {
    for (const q of ["%%", "__"]) {
      const response = await staff.get(`/api/projects/search?${new URLSearchParams({ q })}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields.q).toMatch(/Type words/);
    }
  });

  it("refuses a search under 2 characters, naming q", async () => {
    const response = await northwind.get("/api/projects/search?q=%20a%20");
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({ q: "Enter at least 2 characters." });
  });

  it("refuses a project id that is not an id, naming projectId", async () => {
    const response = await northwind.get("/api/projects/search?q=quokka&projectId=nope");
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual({ projectId: "Not a valid id." });
  });
});

describe("GET /api/search: project items", () => {
  const projectKinds: SearchKind[] = ["post", "comment", "document", "file", "project"];

  async function searchAll(client: Client, q: string, kind?: SearchKind) {
    const response = await client.get(`/api/search?${new URLSearchParams({ q, ...(kind ? { kind } : {}) })}`);
    expect(response.statusCode, response.body).toBe(200);
    return (response.json().groups as SearchGroup[]).filter((group) => projectKinds.includes(group.kind));
  }
  const hitsOf = (groups: SearchGroup[], kind: SearchKind) =>
    groups.find((group) => group.kind === kind)?.hits ?? [];
  const titles = (groups: SearchGroup[]) =>
    groups.flatMap((group) => group.hits.map((hit) => `${group.kind}: ${hit.title.text}`)).sort();
  const marked = (text: Highlighted | null) =>
    text?.marks.map(({ start, end }) => text.text.slice(start, end)) ?? [];

  it("finds a post, a comment, a document, a file and a project, each linked to its page, the match marked", async () => {
    const groups = await searchAll(northwind, "quokka");
    expect(groups.map((group) => group.kind).sort()).toEqual([
      "comment",
      "document",
      "file",
      "post",
      "project",
    ]);

    const [post] = hitsOf(groups, "post");
    expect(post).toMatchObject({
      id: postId,
      context: "Search under test",
      path: `/projects/${projectId}/board?post=${postId}`,
    });
    expect(marked(post?.title ?? null)).toEqual(["Quokka"]);
    expect(post?.snippet?.text).toBe("Do the quokka labels print on the small printer?");
    expect(marked(post?.snippet ?? null)).toEqual(["quokka"]);

    const [comment] = hitsOf(groups, "comment");
    expect(comment).toMatchObject({
      id: commentId,
      title: { text: "Quokka labels", marks: [] },
      path: `/projects/${projectId}/board?post=${postId}&comment=${commentId}`,
    });
    expect(comment?.snippet?.text).toBe("Yes, quokka labels fit at 50 mm.");
    expect(marked(comment?.snippet ?? null)).toEqual(["quokka"]);

    const [document] = hitsOf(groups, "document");
    expect(document).toMatchObject({
      id: documentId,
      title: { text: "Dispensing notes" },
      path: `/projects/${projectId}/documents?document=${documentId}`,
    });
    expect(marked(document?.snippet ?? null)).toEqual(["Quokka"]);

    const [file] = hitsOf(groups, "file");
    expect(file).toMatchObject({
      id: fileId,
      snippet: null,
      path: `/projects/${projectId}/files?file=${fileId}`,
    });
    expect(marked(file?.title ?? null)).toEqual(["quokka"]);

    const [project] = hitsOf(groups, "project");
    expect(project).toMatchObject({ id: observatoryId, path: `/projects/${observatoryId}` });
    expect(marked(project?.title ?? null)).toEqual(["Quokka"]);
    // The purpose as plain text, as the project list shows it.
    expect(project?.snippet?.text).toBe("Where we watch quokkas at dawn.");
  });

  it("never shows a customer a staff-only post, its comments, a staff-only document or file, nor a removed post", async () => {
    const customer = JSON.stringify(await searchAll(northwind, "quokka"));
    expect(customer).not.toMatch(/pricing|margin|roadmap|costs|withdrawn/i);
    // The same search finds them for the product team; a removed post for no one.
    expect(titles(await searchAll(staff, "quokka"))).toEqual([
      "comment: Quokka labels",
      "comment: Quokka pricing",
      "document: Dispensing notes",
      "document: Quokka roadmap",
      "file: quokka-costs.txt",
      "file: quokka-plan.txt",
      "post: Quokka at Contoso",
      "post: Quokka labels",
      "post: Quokka pricing",
      "project: Quokka observatory",
    ]);
  });

  it("never shows anything of a project the person does not take part in, not even its name", async () => {
    expect(JSON.stringify(await searchAll(northwind, "quokka"))).not.toContain("Contoso");
    expect(await searchAll(northwind, "contoso", "project")).toEqual([]);
    expect(titles(await searchAll(contoso, "contoso", "project"))).toEqual(["project: Contoso only"]);
    expect(titles(await searchAll(contoso, "quokka"))).toEqual(["post: Quokka at Contoso"]);
  });

  it("narrows to a project with in:, its name with hyphens or a part of it", async () => {
    const inProject = await searchAll(staff, "quokka in:search-under-test");
    expect(inProject.flatMap((group) => group.hits.map((hit) => hit.context))).toEqual(
      Array(8).fill("Search under test"),
    );
    expect(titles(await searchAll(staff, "quokka in:contoso"))).toEqual(["post: Quokka at Contoso"]);
    // A project the person is not in stays out of reach by name, too.
    expect(await searchAll(northwind, "quokka in:contoso-only")).toEqual([]);
    // A name no project has finds nothing, with words or without.
    expect(await searchAll(staff, "quokka in:no-such-project")).toEqual([]);
    expect(await searchAll(staff, "in:no-such-project")).toEqual([]);
  });

  it("narrows to an author with from:", async () => {
    expect(titles(await searchAll(northwind, "quokka from:staff@vendor.example"))).toEqual([
      "comment: Quokka labels",
    ]);
    expect(titles(await searchAll(northwind, "quokka from:member@northwind.example"))).toEqual([
      "document: Dispensing notes",
      "file: quokka-plan.txt",
      "post: Quokka labels",
    ]);
  });

  it("lists by filters alone, without words", async () => {
    expect(titles(await searchAll(northwind, "from:member@northwind.example in:search-under-test"))).toEqual([
      "document: Dispensing notes",
      "file: quokka-plan.txt",
      "post: Quokka labels",
    ]);
    expect(titles(await searchAll(staff, "in:contoso-only"))).toEqual(["post: Quokka at Contoso"]);
  });
});

describe("GET /api/projects/search in the one search's syntax", () => {
  it("matches words as prefixes and by their stem", async () => {
    expect(kindsAndTitles(await search(northwind, { q: "quok label" }))).toEqual([
      "comment: Quokka labels",
      "post: Quokka labels",
    ]);
  });

  it("takes in:, from: and -exclusions", async () => {
    expect(kindsAndTitles(await search(northwind, { q: "quokka from:staff@vendor.example" }))).toEqual([
      "comment: Quokka labels",
    ]);
    expect(kindsAndTitles(await search(staff, { q: "quokka in:contoso-only" }))).toEqual([
      "post: Quokka at Contoso",
    ]);
    expect(kindsAndTitles(await search(northwind, { q: "quokka -labels" }))).toEqual([
      "document: Dispensing notes",
      "file: quokka-plan.txt",
    ]);
  });

  it("names a mistake in the query", async () => {
    const response = await northwind.get(
      `/api/projects/search?${new URLSearchParams({ q: "quokka after:soon" })}`,
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields.q).toBe("after: needs a day like 2026-11-01.");
  });
});
