import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications } from "../../db/schema.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let staff: Client;
/** member@northwind.example */
let ned: Client;
/** admin@northwind.example */
let nora: Client;
let projectId: string;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
  nora = await community.signIn("admin@northwind.example");
  const created = await staff.post("/api/projects", {
    name: "Seen project",
    purpose: "",
    startsOn: "2026-04-01",
  });
  expect(created.statusCode, created.body).toBe(201);
  projectId = created.json().id;
  const added = await staff.post(`/api/projects/${projectId}/participants`, {
    organisationId: community.demo.organisations.northwind.id,
  });
  expect(added.statusCode, added.body).toBe(201);
});
afterAll(() => community?.close());

/** A person's notification about an item, straight from the table (its e-mail's due time included). */
async function rowOf(userId: string, itemId: string) {
  const rows = await community.db.select().from(notifications).where(eq(notifications.itemId, itemId));
  return rows.find((row) => row.userId === userId);
}

const unreadAndDue = { readAt: null, emailDueAt: expect.any(Date) };
const readWithNoEmailDue = { readAt: expect.any(Date), emailDueAt: null };

describe("project notifications once the item is opened", () => {
  it("marks a comment on a post read, with no e-mail left due, once its person opens the post", async () => {
    const created = await ned.post(`/api/projects/${projectId}/posts`, {
      category: "question",
      title: "Does anyone read this?",
      body: "Asking for a friend.",
    });
    expect(created.statusCode, created.body).toBe(201);
    const postId = created.json().id as string;
    const commented = await nora.post(`/api/projects/${projectId}/posts/${postId}/comments`, {
      body: "I do.",
    });
    expect(commented.statusCode, commented.body).toBe(201);
    const nedId = community.demo.people.northwindMember.id;
    expect(await rowOf(nedId, postId)).toMatchObject(unreadAndDue);

    const opened = await ned.get(`/api/projects/${projectId}/posts/${postId}`);
    expect(opened.statusCode, opened.body).toBe(200);
    expect(await rowOf(nedId, postId)).toMatchObject(readWithNoEmailDue);
  });

  it("marks a new feedback round read, with no e-mail left due, for whoever opens it and no one else", async () => {
    const created = await staff.post(`/api/projects/${projectId}/rounds`, {
      title: "First impressions",
      description: "Try the preview.",
      questions: [{ kind: "text", prompt: "What is missing?", required: false }],
      opensAt: new Date(Date.now() - 3_600_000).toISOString(),
      closesAt: new Date(Date.now() + 24 * 3_600_000).toISOString(),
      answerScope: "organisation",
    });
    expect(created.statusCode, created.body).toBe(201);
    const roundId = created.json().id as string;
    const { northwindMember, northwindAdmin } = community.demo.people;
    expect(await rowOf(northwindMember.id, roundId)).toMatchObject(unreadAndDue);

    const opened = await ned.get(`/api/projects/${projectId}/rounds/${roundId}`);
    expect(opened.statusCode, opened.body).toBe(200);
    expect(await rowOf(northwindMember.id, roundId)).toMatchObject(readWithNoEmailDue);
    expect(await rowOf(northwindAdmin.id, roundId)).toMatchObject(unreadAndDue);
  });
});
