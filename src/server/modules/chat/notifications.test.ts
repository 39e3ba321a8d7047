import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";

let community: TestCommunity;
let staff: Client;
let ned: Client;
let nora: Client;
let cora: Client;
let fay: Client;

type Notification = { kind: string; excerpt: string; actor: { name: string } | null; readAt: string | null };
type Entry = {
  item: { type: string; id: string; title: string; url: string };
  notifications: Notification[];
  unread: number;
};

beforeAll(async () => {
  community = await startTestCommunity({ chatPostsPerSecond: 1000, chatPostBurst: 1000 });
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
  nora = await community.signIn("admin@northwind.example");
  cora = await community.signIn("member@contoso.example");
  fay = await community.signIn("dev@fabrikam.example");
});
afterAll(() => community?.close());

const people = () => community.demo.people;

async function newChannel(client: Client, name: string, kind: "public" | "private", members: string[] = []) {
  const response = await client.post("/api/chat/channels", { name, kind });
  expect(response.statusCode, response.body).toBe(201);
  const channel: { id: string; name: string } = response.json();
  for (const userId of members) {
    const added = await client.post(`/api/chat/channels/${channel.id}/members`, { userId });
    expect(added.statusCode, added.body).toBeLessThan(300);
  }
  return channel;
}

async function post(client: Client, channel: { id: string }, body: string, extra: object = {}) {
  const response = await client.post(`/api/chat/channels/${channel.id}/messages`, {
    clientId: randomUUID(),
    body,
    ...extra,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; seq: number };
}

async function setLevel(client: Client, type: string, id: string, level: string | null) {
  const response = await client.put(`/api/notifications/follows/${type}/${id}`, { level });
  expect(response.statusCode, response.body).toBe(200);
}

async function inbox(client: Client): Promise<Entry[]> {
  const response = await client.get("/api/notifications");
  expect(response.statusCode).toBe(200);
  return response.json().entries;
}

/** The kinds of notification a person has about an item, oldest first. */
async function kindsAbout(client: Client, itemId: string): Promise<string[]> {
  const entry = (await inbox(client)).find((e) => e.item.id === itemId);
  return (entry?.notifications ?? []).map((n) => n.kind).reverse();
}

const unreadCount = async (client: Client): Promise<number> =>
  (await client.get("/api/notifications/unread-count")).json().unreadCount;

describe("chat notifications", () => {
  it("tell a person mentioned by name, with a link to the message, and never the author, a non-member or someone on mentions only", async () => {
    const channel = await newChannel(staff, "notify-mention", "private", [
      people().northwindMember.id,
      people().northwindAdmin.id,
    ]);
    const message = await post(
      staff,
      channel,
      "@member@northwind.example and @member@contoso.example: the **release** is out",
    );

    const entry = (await inbox(ned)).find((e) => e.item.id === message.id);
    expect(entry).toMatchObject({
      item: {
        type: "chat_message",
        title: "#notify-mention",
        url: `/chat/${channel.id}?message=${message.id}`,
      },
      unread: 1,
    });
    expect(entry?.notifications[0]).toMatchObject({
      kind: "chat.mention",
      // Named as the channel shows them: an inbox or e-mail never shows a person's address.
      excerpt: `@${people().northwindMember.name} and @${people().contosoMember.name}: the release is out`,
      actor: { name: people().staff.name },
    });
    expect(await kindsAbout(nora, message.id)).toEqual([]);
    expect(await kindsAbout(staff, message.id)).toEqual([]);
    expect(await kindsAbout(cora, message.id)).toEqual([]);
  });

  it("tell everyone in the channel of @channel once, the named as a mention, and nobody in another organisation", async () => {
    const channel = await newChannel(nora, "notify-at-channel", "private", [
      people().northwindMember.id,
      people().staff.id,
    ]);
    const message = await post(nora, channel, "@channel and @member@northwind.example: stand-up at 10");
    expect(await kindsAbout(ned, message.id)).toEqual(["chat.mention"]);
    expect(await kindsAbout(staff, message.id)).toEqual(["chat.channel"]);
    expect(await kindsAbout(nora, message.id)).toEqual([]);
    expect(await kindsAbout(cora, message.id)).toEqual([]);
    expect(await kindsAbout(fay, message.id)).toEqual([]);
  });

  it("tell nobody who muted the channel, and every message to whoever set it to all", async () => {
    const channel = await newChannel(staff, "notify-levels", "public");
    for (const client of [ned, nora, cora]) await client.post(`/api/chat/channels/${channel.id}/join`, {});
    await setLevel(ned, "chat_channel", channel.id, "mute");
    await setLevel(nora, "chat_channel", channel.id, "follow");

    const plain = await post(staff, channel, "Deploy window tonight");
    expect(await kindsAbout(nora, plain.id)).toEqual(["chat.channel"]);
    expect(await kindsAbout(cora, plain.id)).toEqual([]);
    expect(await kindsAbout(ned, plain.id)).toEqual([]);

    const loud = await post(staff, channel, "@channel @member@northwind.example read this");
    expect(await kindsAbout(ned, loud.id)).toEqual([]);
    expect(await kindsAbout(cora, loud.id)).toEqual(["chat.channel"]);
    expect(await kindsAbout(nora, loud.id)).toEqual(["chat.channel"]);
  });

  it("tell the other people of a direct message of every message", async () => {
    const dm = (
      await staff.post("/api/chat/dms", {
        userIds: [people().northwindMember.id, people().contosoMember.id],
      })
    ).json() as { id: string };
    const first = await post(staff, dm, "Hello both");
    const second = await post(staff, dm, "@member@northwind.example one for you");
    expect(await kindsAbout(ned, first.id)).toEqual(["chat.direct"]);
    expect(await kindsAbout(cora, first.id)).toEqual(["chat.direct"]);
    expect(await kindsAbout(ned, second.id)).toEqual(["chat.mention"]);
    expect(await kindsAbout(cora, second.id)).toEqual(["chat.direct"]);
    expect(await kindsAbout(staff, first.id)).toEqual([]);
    expect(await kindsAbout(nora, first.id)).toEqual([]);
    const entry = (await inbox(cora)).find((e) => e.item.id === first.id);
    expect(entry?.item.title).toBe(`Direct message from ${people().staff.name}`);
  });

  it("tell those in a thread of each reply under one entry, and whoever follows it, not whoever muted it", async () => {
    const channel = await newChannel(staff, "notify-thread", "public");
    for (const client of [ned, nora, cora]) await client.post(`/api/chat/channels/${channel.id}/join`, {});
    const root = await post(ned, channel, "Which build has the fix?");
    await setLevel(fay, "chat_thread", root.id, "follow");
    await setLevel(cora, "chat_thread", root.id, "mute");
    const first = await post(nora, channel, "The 2.4 one", { threadRootId: root.id });
    await post(staff, channel, "Yes, 2.4.1 @member@contoso.example", { threadRootId: root.id });

    expect(await kindsAbout(ned, root.id)).toEqual(["chat.thread_reply", "chat.thread_reply"]);
    expect(await kindsAbout(nora, root.id)).toEqual(["chat.thread_reply"]);
    expect(await kindsAbout(fay, root.id)).toEqual(["chat.thread_reply", "chat.thread_reply"]);
    expect(await kindsAbout(cora, root.id)).toEqual([]);
    expect(await kindsAbout(staff, root.id)).toEqual([]);
    const entry = (await inbox(ned)).find((e) => e.item.id === root.id);
    expect(entry?.item).toMatchObject({ type: "chat_thread", title: "Thread in #notify-thread" });
    expect(entry?.item.url).toMatch(new RegExp(`^/chat/${channel.id}\\?thread=${root.id}&message=`));
    expect(entry?.notifications.at(-1)?.excerpt).toBe("The 2.4 one");
    expect(first.id).not.toBe(root.id);
  });

  it("are read once the person reads the channel or opens the thread, so nothing seen is e-mailed", async () => {
    const channel = await newChannel(staff, "notify-read", "public");
    await ned.post(`/api/chat/channels/${channel.id}/join`, {});
    const root = await post(ned, channel, "Question");
    const mention = await post(staff, channel, "@member@northwind.example answer coming");
    await post(staff, channel, "In the thread", { threadRootId: root.id });
    const before = await unreadCount(ned);

    const read = await ned.post(`/api/chat/channels/${channel.id}/read`, { seq: mention.seq });
    expect(read.statusCode, read.body).toBe(200);
    expect(await unreadCount(ned)).toBe(before - 1);
    const entry = (await inbox(ned)).find((e) => e.item.id === mention.id);
    expect(entry?.unread).toBe(0);
    expect(entry?.notifications[0]?.readAt).not.toBeNull();

    expect((await ned.get(`/api/chat/messages/${root.id}/thread`)).statusCode).toBe(200);
    expect(await unreadCount(ned)).toBe(before - 2);
  });

  it("follows and mutes only a channel the person may read", async () => {
    const secret = await newChannel(nora, "notify-secret", "private");
    const refused = await cora.put(`/api/notifications/follows/chat_channel/${secret.id}`, {
      level: "follow",
    });
    expect(refused.statusCode).toBe(404);
  });
});
