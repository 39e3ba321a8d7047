import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { northwindChannel } from "../../testing/chat.js";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { notify } from "./service.js";

let community: TestCommunity;
let member: Client;
let colleague: Client;
let outsider: Client;

beforeAll(async () => {
  community = await startTestCommunity();
  member = await community.signIn("member@northwind.example");
  colleague = await community.signIn("admin@northwind.example");
  outsider = await community.signIn("member@contoso.example");
});
afterAll(() => community?.close());

const people = () => community.demo.people;

const noticeIn = (channel: { id: string; name: string }, recipients: string[]) => ({
  kind: "chat.channel" as const,
  recipients,
  item: { type: "chat_channel", id: channel.id, title: `#${channel.name}`, url: `/chat/${channel.id}` },
  excerpt: "Stand-up moved to 10:00\n\ntoday",
  actor: { id: people().northwindAdmin.id, name: people().northwindAdmin.name },
});

describe("the notification service", () => {
  it("notifies only those who may see the item, never the actor, and lists it grouped by item", async () => {
    const channel = await northwindChannel(community, "inbox-visibility");
    const notified = await notify(
      community.ctx,
      noticeIn(channel, [people().northwindMember.id, people().contosoMember.id, people().northwindAdmin.id]),
    );
    expect(notified).toEqual([people().northwindMember.id]);

    const inbox = (await member.get("/api/notifications")).json();
    const entry = inbox.entries.find((e: { item: { id: string } }) => e.item.id === channel.id);
    expect(entry).toMatchObject({
      unread: 1,
      item: { title: "#inbox-visibility", url: `/chat/${channel.id}` },
    });
    expect(entry.notifications[0]).toMatchObject({
      kind: "chat.channel",
      excerpt: "Stand-up moved to 10:00 today",
      actor: { name: people().northwindAdmin.name },
      readAt: null,
    });
    const elsewhere = (await outsider.get("/api/notifications")).json();
    expect(elsewhere.entries.some((e: { item: { id: string } }) => e.item.id === channel.id)).toBe(false);
  });

  it("marks an item read, counts what is left, and refuses a body that names nothing", async () => {
    const channel = await northwindChannel(community, "inbox-read");
    await notify(community.ctx, noticeIn(channel, [people().northwindMember.id]));
    await notify(community.ctx, noticeIn(channel, [people().northwindMember.id]));
    const before = (await member.get("/api/notifications/unread-count")).json().unreadCount;
    const read = await member.post("/api/notifications/read", {
      item: { type: "chat_channel", id: channel.id },
    });
    expect(read.json().unreadCount).toBe(before - 2);
    const bad = await member.post("/api/notifications/read", { ids: [] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("validation");
  });

  it("hides an item the person may no longer see, and stops counting it", async () => {
    const channel = await northwindChannel(community, "inbox-gone");
    await notify(community.ctx, noticeIn(channel, [people().northwindMember.id]));
    await member.post(`/api/chat/channels/${channel.id}/leave`);
    const inbox = (await member.get("/api/notifications")).json();
    expect(inbox.entries.some((e: { item: { id: string } }) => e.item.id === channel.id)).toBe(false);
    expect((await member.get("/api/notifications?unread=true")).json().unreadCount).toBe(inbox.unreadCount);
  });

  it("writes nothing for a muted item or a kind turned off", async () => {
    const channel = await northwindChannel(community, "inbox-muted");
    const muted = await colleague.put(`/api/notifications/follows/chat_channel/${channel.id}`, {
      level: "mute",
    });
    expect(muted.json()).toEqual({ level: "mute" });
    expect(
      await notify(community.ctx, { ...noticeIn(channel, [people().northwindAdmin.id]), actor: null }),
    ).toEqual([]);

    const other = await northwindChannel(community, "inbox-off");
    const off = await member.patch("/api/notifications/preferences", { kinds: { "chat.channel": "off" } });
    expect(off.json().kinds["chat.channel"]).toBe("off");
    expect(await notify(community.ctx, noticeIn(other, [people().northwindMember.id]))).toEqual([]);
    await member.patch("/api/notifications/preferences", { kinds: { "chat.channel": "app" } });
  });

  it("keeps preferences a person did not send, and names the field of a bad one", async () => {
    const changed = await colleague.patch("/api/notifications/preferences", {
      quietHours: { from: "22:00", to: "07:00" },
      timeZone: "Europe/London",
    });
    expect(changed.json()).toMatchObject({
      quietHours: { from: "22:00", to: "07:00" },
      timeZone: "Europe/London",
    });
    expect(changed.json().kinds["desk.ticket_reply"]).toBe("email_batch");
    const bad = await colleague.patch("/api/notifications/preferences", {
      timeZone: "Mars/Olympus",
      emailDelayMinutes: 0,
    });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(
      expect.arrayContaining(["timeZone", "emailDelayMinutes"]),
    );
    expect((await colleague.get("/api/notifications/preferences")).json().timeZone).toBe("Europe/London");
  });

  it("answers no time zone until the person chooses one, even once they set quiet hours", async () => {
    const pharmacist = await community.signIn("pharmacist@northwind.example");
    const preferences = () => pharmacist.get("/api/notifications/preferences");
    expect((await preferences()).json().timeZone).toBeNull();
    const quiet = await pharmacist.patch("/api/notifications/preferences", {
      quietHours: { from: "22:00", to: "07:00" },
    });
    expect(quiet.json()).toMatchObject({ quietHours: { from: "22:00", to: "07:00" }, timeZone: null });
    // Chosen, UTC is the person's zone like any other, and stays chosen.
    expect(
      (await pharmacist.patch("/api/notifications/preferences", { timeZone: "UTC" })).json().timeZone,
    ).toBe("UTC");
    await pharmacist.patch("/api/notifications/preferences", { emailDelayMinutes: 30 });
    expect((await preferences()).json().timeZone).toBe("UTC");
    const unchoose = await pharmacist.patch("/api/notifications/preferences", { timeZone: null });
    expect(unchoose.statusCode).toBe(400);
    expect(Object.keys(unchoose.json().error.fields)).toEqual(["timeZone"]);
  });
});
