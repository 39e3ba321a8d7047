import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications } from "../../db/schema.js";
import { CSRF_HEADER } from "../../platform/auth/http.js";
import { type Client, startTestCommunity, TEST_ORIGIN, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
/** member@northwind.example owns each group, member@contoso.example moderates, admin@northwind.example is a member. */
let owner: Client;
let moderator: Client;
let member: Client;
/** dev@fabrikam.example is in no group here. */
let outsider: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  owner = await community.signIn("member@northwind.example");
  moderator = await community.signIn("member@contoso.example");
  member = await community.signIn("admin@northwind.example");
  outsider = await community.signIn("dev@fabrikam.example");
});
afterAll(() => community?.close());

async function freshGroup(handle: string, settings: Record<string, unknown> = {}) {
  expect((await owner.post("/api/groups", { handle, name: `Group ${handle}`, ...settings })).statusCode).toBe(
    201,
  );
  await moderator.post(`/api/groups/${handle}/join`);
  await member.post(`/api/groups/${handle}/join`);
  await owner.patch(`/api/groups/${handle}/members/${community.demo.people.contosoMember.id}`, {
    role: "moderator",
  });
}

const put = (client: Client, url: string, body: object) =>
  community.app.inject({
    method: "PUT",
    url,
    headers: { cookie: client.cookie ?? "", [CSRF_HEADER]: "1", origin: TEST_ORIGIN },
    payload: body,
  });

type Entry = { item: { id: string; url: string }; notifications: { kind: string }[] };

async function kindsIn(client: Client, itemId: string): Promise<string[]> {
  const inbox = (await client.get("/api/notifications")).json() as { entries: Entry[] };
  return inbox.entries.find((entry) => entry.item.id === itemId)?.notifications.map((n) => n.kind) ?? [];
}

const rowsAbout = (itemId: string) =>
  community.db.select().from(notifications).where(eq(notifications.itemId, itemId));

describe("group notifications", () => {
  it("tells the topic's starter and writers of a reply, in the app only for those who get every message by e-mail", async () => {
    await freshGroup("replies");
    const started = (
      await owner.post("/api/groups/replies/topics", { subject: "Kits", body: "Who has kits?" })
    ).json();
    const topicId = started.message.topicId;
    const digest = await put(moderator, "/api/groups/replies/membership", { delivery: "digest" });
    expect(digest.statusCode, digest.body).toBe(200);
    for (const client of [owner, moderator])
      await client.patch("/api/notifications/preferences", { kinds: { "groups.reply": "email_now" } });
    await moderator.post(`/api/groups/replies/topics/${topicId}/messages`, { body: "We do." });
    const reply = (
      await member.post(`/api/groups/replies/topics/${topicId}/messages`, { body: "Me too." })
    ).json();

    expect(await kindsIn(owner, topicId)).toEqual(["groups.reply", "groups.reply"]);
    expect(await kindsIn(moderator, topicId)).toEqual(["groups.reply"]);
    expect(await kindsIn(member, topicId)).toEqual([]);
    expect(await kindsIn(outsider, topicId)).toEqual([]);
    const inbox = (await owner.get("/api/notifications")).json() as { entries: Entry[] };
    expect(inbox.entries.find((e) => e.item.id === topicId)?.item.url).toBe(
      `/groups/replies/topics/${topicId}?message=${reply.message.id}`,
    );
    const rows = await community.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.itemId, topicId), eq(notifications.kind, "groups.reply")));
    // The owner takes every message by group e-mail: no second e-mail; the moderator takes a digest.
    const dueFor = (userId: string) =>
      rows.filter((r) => r.userId === userId).map((r) => r.emailDueAt !== null);
    expect(dueFor(community.demo.people.northwindMember.id)).toEqual([false, false]);
    expect(dueFor(community.demo.people.contosoMember.id)).toEqual([true]);
  });

  it("tells nobody who muted the topic", async () => {
    await freshGroup("muting");
    const topicId = (await owner.post("/api/groups/muting/topics", { subject: "Quiet", body: "x" })).json()
      .message.topicId;
    expect(
      (await put(owner, `/api/notifications/follows/group_topic/${topicId}`, { level: "mute" })).statusCode,
    ).toBe(200);
    await member.post(`/api/groups/muting/topics/${topicId}/messages`, { body: "y" });
    expect(await kindsIn(owner, topicId)).toEqual([]);
  });

  it("tells the moderators of a post waiting for them, and its author of the approval or rejection", async () => {
    await freshGroup("queued", { postingPolicy: "moderated" });
    const group = (await owner.get("/api/groups/queued")).json();
    const first = (
      await member.post("/api/groups/queued/topics", { subject: "Please", body: "Let me in" })
    ).json();
    expect(first.status).toBe("pending");
    expect(await kindsIn(owner, group.id)).toEqual(["groups.moderation"]);
    expect(await kindsIn(moderator, group.id)).toEqual(["groups.moderation"]);
    expect(await kindsIn(member, group.id)).toEqual([]);
    expect(await kindsIn(outsider, group.id)).toEqual([]);

    const approved = await moderator.post(`/api/groups/queued/queue/${first.message.id}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(await kindsIn(member, first.message.topicId)).toEqual(["groups.moderated"]);

    const second = (
      await member.post("/api/groups/queued/topics", { subject: "Again", body: "Spam?" })
    ).json();
    const rejected = await owner.post(`/api/groups/queued/queue/${second.message.id}/reject`, {
      reason: "Off topic",
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(await kindsIn(member, second.message.topicId)).toEqual(["groups.moderated"]);
    expect(await kindsIn(moderator, second.message.topicId)).toEqual([]);
  });

  it("marks a reply read, with no e-mail left due, once its person opens the topic", async () => {
    await freshGroup("opened");
    const topicId = (
      await owner.post("/api/groups/opened/topics", { subject: "Seen", body: "Read me" })
    ).json().message.topicId;
    expect((await put(owner, "/api/groups/opened/membership", { delivery: "digest" })).statusCode).toBe(200);
    await owner.patch("/api/notifications/preferences", { kinds: { "groups.reply": "email_batch" } });
    await member.post(`/api/groups/opened/topics/${topicId}/messages`, { body: "A reply" });
    const rowOf = async () =>
      (await rowsAbout(topicId)).find((row) => row.userId === community.demo.people.northwindMember.id);
    expect(await rowOf()).toMatchObject({ readAt: null, emailDueAt: expect.any(Date) });

    const opened = await owner.get(`/api/groups/opened/topics/${topicId}`);
    expect(opened.statusCode, opened.body).toBe(200);
    expect(await rowOf()).toMatchObject({ readAt: expect.any(Date), emailDueAt: null });
  });

  it("marks what waits for moderation read, with no e-mail left due, for the moderator who opens the queue", async () => {
    await freshGroup("looked", { postingPolicy: "moderated" });
    const group = (await owner.get("/api/groups/looked")).json();
    await member.post("/api/groups/looked/topics", { subject: "Waiting", body: "Let me in" });
    const rowFor = async (userId: string) => (await rowsAbout(group.id)).find((row) => row.userId === userId);
    const { contosoMember, northwindMember } = community.demo.people;
    expect(await rowFor(contosoMember.id)).toMatchObject({ readAt: null, emailDueAt: expect.any(Date) });

    const queue = await moderator.get("/api/groups/looked/queue");
    expect(queue.statusCode, queue.body).toBe(200);
    expect(await rowFor(contosoMember.id)).toMatchObject({ readAt: expect.any(Date), emailDueAt: null });
    // Only the moderator who opened it has seen it.
    expect(await rowFor(northwindMember.id)).toMatchObject({ readAt: null });
  });
});
