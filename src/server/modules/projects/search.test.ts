import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actingAs } from "../../platform/context.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { actorOf } from "../accounts/users.js";
import type { SearchHit } from "./contracts/search.js";
import { createDocument, updateDocument } from "./documents.js";
import { uploadFile } from "./files.js";
import { addComment, createPost } from "./posts.js";
import { addParticipant, createProject } from "./projects.js";

let community: TestCommunity;
let staff: Client;
let northwind: Client; // member@northwind.example: Northwind takes part in the project
let contoso: Client; // member@contoso.example: Contoso does not
let projectId: string;
let otherProjectId: string;

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
  await addComment(asStaff, projectId, post.id, { body: "Yes, quokka labels fit at 50 mm." });
  const document = await createDocument(asMember, projectId, {
    title: "Dispensing notes",
    body: "Wombat.",
  });
  await updateDocument(asMember, projectId, document.id, {
    title: "Dispensing notes",
    body: "Quokka dispensing starts in March.",
    baseVersion: 1,
  });
  await uploadFile(
    asMember,
    projectId,
    { filename: "quokka-plan.txt", contentType: "text/plain", data: Buffer.from("plan") },
    {},
  );

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
