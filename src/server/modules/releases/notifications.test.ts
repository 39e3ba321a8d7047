import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications } from "../../db/schema.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let staff: Client;
/** member@northwind.example */
let member: Client;
/** Someone not signed in. */
let visitor: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  staff = await community.signIn("staff@vendor.example");
  member = await community.signIn("member@northwind.example");
  visitor = community.anonymous();
});
afterAll(() => community?.close());

describe("release notifications once the release is opened", () => {
  it("marks a published release read, with no e-mail left due, for the signed-in person who opens it and no one else", async () => {
    const draft = await staff.post("/api/admin/releases", {
      version: "31.1",
      title: "Seen release",
      releaseDate: "2026-04-30",
      notes: "Read all about it.",
      features: [],
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const release = draft.json() as { id: string; version: string };
    const published = await staff.post(`/api/admin/releases/${release.id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    const rowOf = async (userId: string) =>
      (await community.db.select().from(notifications).where(eq(notifications.itemId, release.id))).find(
        (row) => row.userId === userId,
      );
    const { northwindMember, northwindAdmin } = community.demo.people;
    expect(await rowOf(northwindMember.id)).toMatchObject({ readAt: null });

    expect((await visitor.get(`/api/releases/${release.version}`)).statusCode).toBe(200);
    expect(await rowOf(northwindMember.id)).toMatchObject({ readAt: null });
    const opened = await member.get(`/api/releases/${release.version}`);
    expect(opened.statusCode, opened.body).toBe(200);
    expect(await rowOf(northwindMember.id)).toMatchObject({ readAt: expect.any(Date), emailDueAt: null });
    expect(await rowOf(northwindAdmin.id)).toMatchObject({ readAt: null });
  });
});
