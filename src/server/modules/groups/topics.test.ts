import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let owner: Client;
let moderator: Client;
let member: Client;
let outsider: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  owner = await community.signIn("member@northwind.example");
  moderator = await community.signIn("member@contoso.example");
  member = await community.signIn("admin@northwind.example");
  outsider = await community.signIn("dev@fabrikam.example");
});
afterAll(() => community?.close());

/** A fresh group owned by the Northwind member, moderated by the Contoso member, with the Northwind admin in it. */
async function freshGroup(handle: string, settings: Record<string, unknown> = {}) {
  await owner.post("/api/groups", { handle, name: `Group ${handle}`, ...settings });
  await moderator.post(`/api/groups/${handle}/join`);
  await member.post(`/api/groups/${handle}/join`);
  await owner.patch(`/api/groups/${handle}/members/${community.demo.people.contosoMember.id}`, {
    role: "moderator",
  });
}

describe("topics", () => {
  it("lists pinned topics first, then the latest activity", async () => {
    await freshGroup("ordering");
    const first = (
      await member.post("/api/groups/ordering/topics", { subject: "First", body: "one" })
    ).json();
    await member.post("/api/groups/ordering/topics", { subject: "Second", body: "two" });
    await moderator.patch(`/api/groups/ordering/topics/${first.message.topicId}`, { pinned: true });
    await member.post("/api/groups/ordering/topics", { subject: "Third", body: "three" });
    const topics = (await member.get("/api/groups/ordering/topics")).json().topics;
    expect(topics.map((t: { subject: string }) => t.subject)).toEqual(["First", "Third", "Second"]);
  });

  it("renders Markdown and indexes #hashtags for browsing", async () => {
    await freshGroup("tagged");
    const posted = await member.post("/api/groups/tagged/topics", {
      subject: "Fridges",
      body: "**Check** the fridge log #Temperature",
    });
    expect(posted.statusCode, posted.body).toBe(201);
    expect(posted.json().message.bodyHtml).toContain("<strong>Check</strong>");
    const tagged = (await outsider.get("/api/groups/tagged/hashtags/temperature")).statusCode;
    expect(tagged).toBe(403);
    const messages = (await member.get("/api/groups/tagged/hashtags/temperature")).json().messages;
    expect(messages.map((m: { topicSubject: string }) => m.topicSubject)).toEqual(["Fridges"]);
  });

  it("refuses a reply in a locked topic with 403, but lets a moderator answer", async () => {
    await freshGroup("locking");
    const topicId = (
      await member.post("/api/groups/locking/topics", { subject: "Lock me", body: "x" })
    ).json().message.topicId;
    await moderator.patch(`/api/groups/locking/topics/${topicId}`, { locked: true });
    const refused = await member.post(`/api/groups/locking/topics/${topicId}/messages`, { body: "y" });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain("locked");
    expect(
      (await moderator.post(`/api/groups/locking/topics/${topicId}/messages`, { body: "z" })).statusCode,
    ).toBe(201);
  });

  it("refuses a member's post in an announce-only group with 403", async () => {
    await freshGroup("news", { postingPolicy: "announce_only" });
    const refused = await member.post("/api/groups/news/topics", { subject: "Me too", body: "x" });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain("announce-only");
    expect((await moderator.post("/api/groups/news/topics", { subject: "News", body: "x" })).statusCode).toBe(
      201,
    );
  });

  it("hides a deleted topic and answers replies to it 404", async () => {
    await freshGroup("deleting");
    const topicId = (await member.post("/api/groups/deleting/topics", { subject: "Gone", body: "x" })).json()
      .message.topicId;
    expect((await member.delete(`/api/groups/deleting/topics/${topicId}`)).statusCode).toBe(403);
    expect((await moderator.delete(`/api/groups/deleting/topics/${topicId}`)).statusCode).toBe(204);
    expect((await member.get(`/api/groups/deleting/topics/${topicId}`)).statusCode).toBe(404);
    expect(
      (await member.post(`/api/groups/deleting/topics/${topicId}/messages`, { body: "y" })).statusCode,
    ).toBe(404);
  });

  it("records a moderator's reason for deleting a topic in the log, and refuses one over 500 characters", async () => {
    await freshGroup("deleting-why");
    const topicId = (
      await member.post("/api/groups/deleting-why/topics", { subject: "Spam", body: "x" })
    ).json().message.topicId;
    const tooLong = await moderator.delete(`/api/groups/deleting-why/topics/${topicId}`, {
      reason: "x".repeat(501),
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.fields.reason).toBeDefined();
    const deleted = await moderator.delete(`/api/groups/deleting-why/topics/${topicId}`, {
      reason: "Advertising.",
    });
    expect(deleted.statusCode).toBe(204);
    const log = (await owner.get("/api/groups/deleting-why/log")).json().entries;
    expect(log[0]).toMatchObject({ action: "topic_deleted", targetId: topicId, reason: "Advertising." });
    expect(log[0].target).toEqual(expect.any(String));
  });
});

describe("moderation", () => {
  it("holds a moderated post until a moderator approves it, then publishes it", async () => {
    await freshGroup("held", { postingPolicy: "moderated" });
    const posted = (
      await member.post("/api/groups/held/topics", { subject: "Waiting", body: "please" })
    ).json();
    expect(posted.status).toBe("pending");
    const topicId = posted.message.topicId;
    expect((await outsider.post("/api/groups/held/join")).statusCode).toBe(200);
    expect((await outsider.get(`/api/groups/held/topics/${topicId}`)).statusCode).toBe(404);
    const mine = (await member.get(`/api/groups/held/topics/${topicId}`)).json();
    expect(mine.messages.map((m: { status: string }) => m.status)).toEqual(["pending"]);
    const queue = (await moderator.get("/api/groups/held/queue")).json().messages;
    expect(queue.map((m: { id: string }) => m.id)).toEqual([posted.message.id]);
    const approved = await moderator.post(`/api/groups/held/queue/${posted.message.id}/approve`);
    expect(approved.json().status).toBe("published");
    expect((await outsider.get(`/api/groups/held/topics/${topicId}`)).json().messages).toHaveLength(1);
    const log = (await owner.get("/api/groups/held/log")).json().entries;
    expect(log[0]).toMatchObject({
      action: "message_approved",
      targetId: posted.message.id,
      target: 'a message in "Waiting"',
    });
  });

  it("logs a settings change with the settings that changed, named as the form names them", async () => {
    await freshGroup("settled", { postingPolicy: "all" });
    const changed = await owner.patch("/api/groups/settled", {
      postingPolicy: "moderated",
      visibility: "listed",
      description: "Unchanged? No: a new description.",
    });
    expect(changed.statusCode).toBe(200);
    const log = (await owner.get("/api/groups/settled/log")).json().entries;
    const entry = log.find((e: { action: string }) => e.action === "settings_changed");
    expect(entry.reason).toBe("description, posting");
    expect(entry.target).toBe(changed.json().name);
    // Saving the form again with nothing changed logs nothing.
    await owner.patch("/api/groups/settled", { postingPolicy: "moderated" });
    const again = (await owner.get("/api/groups/settled/log")).json().entries;
    expect(again.filter((e: { action: string }) => e.action === "settings_changed")).toHaveLength(1);
  });

  it("clears a new member's moderated flag when a moderator approves their post", async () => {
    await freshGroup("newbies", { postingPolicy: "new_members_moderated" });
    const first = (
      await member.post("/api/groups/newbies/topics", { subject: "Hi", body: "new here" })
    ).json();
    expect(first.status).toBe("pending");
    await moderator.post(`/api/groups/newbies/queue/${first.message.id}/approve`);
    const second = (await member.post("/api/groups/newbies/topics", { subject: "Again", body: "hi" })).json();
    expect(second.status).toBe("published");
  });

  it("tells the sender the reason of a rejection, and requires one", async () => {
    await freshGroup("rejects", { postingPolicy: "moderated" });
    const posted = (
      await member.post("/api/groups/rejects/topics", { subject: "Off topic", body: "x" })
    ).json();
    const noReason = await moderator.post(`/api/groups/rejects/queue/${posted.message.id}/reject`, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.fields.reason).toBeDefined();
    const rejected = await moderator.post(`/api/groups/rejects/queue/${posted.message.id}/reject`, {
      reason: "Please post this in the pharmacy group.",
    });
    expect(rejected.json()).toMatchObject({
      status: "rejected",
      rejectionReason: "Please post this in the pharmacy group.",
    });
    const inbox = (await member.get("/api/notifications")).json();
    const entry = inbox.entries.find((e: { item: { id: string } }) => e.item.id === posted.message.topicId);
    expect(entry?.notifications[0]?.excerpt).toBe(
      "Your message was not published: Please post this in the pharmacy group.",
    );
    const topic = (await member.get(`/api/groups/rejects/topics/${posted.message.topicId}`)).json();
    expect(topic.messages).toMatchObject([
      { status: "rejected", rejectionReason: "Please post this in the pharmacy group." },
    ]);
  });

  it("refuses staff who are not moderators the queue and its decisions (403)", async () => {
    const staff = await community.signIn("staff@vendor.example");
    await freshGroup("staff-queue", { postingPolicy: "moderated" });
    const posted = (await member.post("/api/groups/staff-queue/topics", { subject: "S", body: "x" })).json();
    expect((await staff.get("/api/groups/staff-queue/queue")).statusCode).toBe(403);
    expect((await staff.post(`/api/groups/staff-queue/queue/${posted.message.id}/approve`)).statusCode).toBe(
      403,
    );
    expect((await staff.get("/api/groups/staff-queue/log")).statusCode).toBe(403);
  });
});
