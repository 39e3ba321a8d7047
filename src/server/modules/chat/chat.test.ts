import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { connectRealtime, type Frame } from "../../testing/realtime.js";
import { createUser } from "../accounts/index.js";
import { messageCreated } from "./contracts/messages.js";

let community: TestCommunity;
let baseUrl: string;
let staff: Client;
let ned: Client;
let nora: Client;
let cora: Client;

type Channel = {
  id: string;
  slug: string | null;
  name: string;
  kind: string;
  isMember: boolean;
  canPost: boolean;
  unread: number;
  mentions: number;
};
type Message = {
  id: string;
  seq: number;
  body: string;
  bodyHtml: string;
  deleted: boolean;
  replyCount: number;
  reactions: { emoji: string; userIds: string[] }[];
  supportLike: boolean;
  ticketId: string | null;
  mentions: string[];
  mentionsChannel: boolean;
};

const messageOf = (frame: Frame) => frame.payload?.message as Message | undefined;

beforeAll(async () => {
  community = await startTestCommunity({ chatPostsPerSecond: 1000, chatPostBurst: 1000 });
  baseUrl = await community.listen();
  staff = await community.signIn("staff@vendor.example");
  ned = await community.signIn("member@northwind.example");
  nora = await community.signIn("admin@northwind.example");
  cora = await community.signIn("member@contoso.example");
});
afterAll(() => community.close());

const channelsOf = async (client: Client): Promise<Channel[]> =>
  (await client.get("/api/chat/channels")).json().channels;
const announcements = async (client: Client) =>
  (await channelsOf(client)).find((c) => c.slug === "announcements") as Channel;

async function newChannel(
  client: Client,
  name: string,
  kind: "public" | "private" = "public",
): Promise<Channel> {
  const response = await client.post("/api/chat/channels", { name, kind });
  expect(response.statusCode).toBe(201);
  return response.json();
}

async function post(
  client: Client,
  channel: { id: string },
  body: string,
  extra: object = {},
): Promise<Message> {
  const response = await client.post(`/api/chat/channels/${channel.id}/messages`, {
    clientId: randomUUID(),
    body,
    ...extra,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

describe("channels", () => {
  it("puts every member in #announcements, where only staff post and nobody can leave", async () => {
    const channel = await announcements(cora);
    expect(channel).toMatchObject({ isMember: true, canPost: false });
    expect((await announcements(staff)).canPost).toBe(true);
    const refused = await cora.post(`/api/chat/channels/${channel.id}/messages`, {
      clientId: randomUUID(),
      body: "hello",
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/product team/);
    expect((await cora.post(`/api/chat/channels/${channel.id}/leave`)).statusCode).toBe(403);
  });

  it("lets members browse and join public channels; private ones stay hidden from non-members", async () => {
    const open = await newChannel(ned, "pharmacy-users");
    const secret = await newChannel(ned, "northwind-only", "private");
    const seenByCora = await channelsOf(cora);
    expect(seenByCora.find((c) => c.id === open.id)).toMatchObject({ isMember: false });
    expect(seenByCora.find((c) => c.id === secret.id)).toBeUndefined();
    expect((await cora.get(`/api/chat/channels/${secret.id}/messages`)).statusCode).toBe(404);
    expect((await cora.post(`/api/chat/channels/${secret.id}/join`)).statusCode).toBe(404);
    expect((await cora.post(`/api/chat/channels/${open.id}/join`)).statusCode).toBe(200);
    expect((await channelsOf(cora)).find((c) => c.id === open.id)).toMatchObject({
      isMember: true,
      canPost: true,
    });
  });

  it("refuses a duplicate channel name and a nameless one, naming the field", async () => {
    await newChannel(ned, "site-ops");
    const duplicate = await ned.post("/api/chat/channels", { name: "Site Ops", kind: "public" });
    expect(duplicate.statusCode).toBe(409);
    const nameless = await ned.post("/api/chat/channels", { name: " ", kind: "public" });
    expect(nameless.statusCode).toBe(400);
    expect(nameless.json().error.fields.name).toBeTruthy();
  });

  it("opens one direct message per set of people and refuses more than eight", async () => {
    const coraId = (await cora.get("/api/me")).json().id;
    const first = (await ned.post("/api/chat/dms", { userIds: [coraId] })).json();
    const again = (
      await cora.post("/api/chat/dms", { userIds: [(await ned.get("/api/me")).json().id] })
    ).json();
    expect(again.id).toBe(first.id);
    expect(first.kind).toBe("dm");
    expect((await staff.get(`/api/chat/channels/${first.id}/messages`)).statusCode).toBe(404);
    const tooMany = await ned.post("/api/chat/dms", {
      userIds: Array.from({ length: 8 }, () => randomUUID()),
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it("puts a newcomer in the channels staff chose, with a welcome on the first visit only", async () => {
    const lab = await newChannel(staff, "lab-newcomers");
    const chosen = await staff.patch(`/api/chat/channels/${lab.id}`, { newcomersJoin: true });
    expect(chosen.json()).toMatchObject({ newcomersJoin: true });
    const archived = await newChannel(staff, "old-newcomers");
    await staff.patch(`/api/chat/channels/${archived.id}`, { newcomersJoin: true });
    await staff.patch(`/api/chat/channels/${archived.id}`, { archived: true });

    const email = `newcomer-${randomUUID().slice(0, 8)}@northwind.example`;
    await createUser(community.ctx, {
      email,
      name: "New Comer",
      password: "convene-demo",
      organisationId: community.demo.organisations.northwind.id,
    });
    const newcomer = await community.signIn(email);
    const first = (await newcomer.post("/api/chat/arrival")).json();
    expect(first.welcome.joined.map((c: { name: string }) => c.name)).toEqual(["general", "lab-newcomers"]);
    const joined = (await channelsOf(newcomer)).filter((c) => c.isMember).map((c) => c.name);
    expect(joined.sort()).toEqual(["announcements", "general", "lab-newcomers"]);
    expect((await newcomer.post("/api/chat/arrival")).json()).toEqual({ welcome: null });
    // Someone who was here before gets no welcome and no new channel.
    expect((await ned.post("/api/chat/arrival")).json()).toEqual({ welcome: null });
  });

  it("lets only staff choose newcomer channels, and only open public ones", async () => {
    const mine = await newChannel(ned, "ned-newcomers");
    const refused = await ned.patch(`/api/chat/channels/${mine.id}`, { newcomersJoin: true });
    expect(refused.statusCode).toBe(403);
    const secret = await newChannel(staff, "staff-private-newcomers", "private");
    const notPublic = await staff.patch(`/api/chat/channels/${secret.id}`, { newcomersJoin: true });
    expect(notPublic.statusCode).toBe(400);
    expect(notPublic.json().error.fields.newcomersJoin).toBeTruthy();
    const malformed = await staff.patch(`/api/chat/channels/${mine.id}`, { newcomersJoin: "yes" });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.fields.newcomersJoin).toBeTruthy();
  });

  it("refuses posts to an archived channel", async () => {
    const channel = await newChannel(ned, "old-project");
    expect((await ned.patch(`/api/chat/channels/${channel.id}`, { archived: true })).statusCode).toBe(200);
    const refused = await ned.post(`/api/chat/channels/${channel.id}/messages`, {
      clientId: randomUUID(),
      body: "anyone?",
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/archived/);
  });
});

describe("messages", () => {
  it("stores a post once however often the same client id is sent", async () => {
    const channel = await newChannel(ned, "idempotent");
    const clientId = randomUUID();
    const first = await ned.post(`/api/chat/channels/${channel.id}/messages`, { clientId, body: "once" });
    const retry = await ned.post(`/api/chat/channels/${channel.id}/messages`, { clientId, body: "once" });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().id).toBe(first.json().id);
    expect((await ned.get(`/api/chat/channels/${channel.id}/messages`)).json().messages).toHaveLength(1);
  });

  it("stores one message when the same post arrives several times at once", async () => {
    const channel = await newChannel(ned, "idempotent-race");
    const clientId = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        ned.post(`/api/chat/channels/${channel.id}/messages`, { clientId, body: "race" }),
      ),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect((await ned.get(`/api/chat/channels/${channel.id}/messages`)).json().messages).toHaveLength(1);
  });

  it("refuses empty, oversized and malformed posts, naming the field", async () => {
    const channel = await newChannel(ned, "validation");
    const url = `/api/chat/channels/${channel.id}/messages`;
    const empty = await ned.post(url, { clientId: randomUUID(), body: "   " });
    expect(empty.json().error.fields.body).toBeTruthy();
    const huge = await ned.post(url, { clientId: randomUUID(), body: "x".repeat(40_001) });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error.fields.body).toMatch(/40,000/);
    const malformed = await ned.post(url, { body: 42 });
    expect(Object.keys(malformed.json().error.fields)).toEqual(expect.arrayContaining(["clientId", "body"]));
  });

  it("refuses a post to a channel one is not in", async () => {
    const channel = await newChannel(ned, "members-only-post");
    const refused = await cora.post(`/api/chat/channels/${channel.id}/messages`, {
      clientId: randomUUID(),
      body: "hi",
    });
    expect(refused.statusCode).toBe(403);
  });

  it("renders Markdown inert: no script, no onerror, no javascript: link", async () => {
    const channel = await newChannel(ned, "xss");
    const message = await post(
      ned,
      channel,
      '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)"> [x](javascript:alert(3))\n\n**bold**',
    );
    expect(message.bodyHtml).not.toMatch(/<script|onerror|href="javascript:/i);
    expect(message.bodyHtml).toContain("<strong>bold</strong>");
  });

  it("edits (marked edited) and deletes (shown as deleted, kept in the audit log)", async () => {
    const channel = await newChannel(ned, "edits");
    const message = await post(ned, channel, "frist");
    // Cora can read the public channel, so she is told no rather than that it does not exist.
    expect((await cora.patch(`/api/chat/messages/${message.id}`, { body: "hacked" })).statusCode).toBe(403);
    const edited = (await ned.patch(`/api/chat/messages/${message.id}`, { body: "first" })).json();
    expect(edited.editedAt).toBeTruthy();
    expect((await ned.delete(`/api/chat/messages/${message.id}`)).statusCode).toBe(204);
    const [shown] = (await ned.get(`/api/chat/channels/${channel.id}/messages`)).json().messages;
    expect(shown).toMatchObject({ deleted: true, body: "", bodyHtml: "" });
    const audit = (await staff.get("/api/admin/audit?action=chat.message_deleted")).json().entries;
    expect(audit[0].details.body).toBe("first");
  });

  it("threads replies, counts them, and can also send a reply to the channel", async () => {
    const channel = await newChannel(ned, "threads");
    await nora.post(`/api/chat/channels/${channel.id}/join`);
    const root = await post(ned, channel, "Who uses the dosing calculator?");
    await post(nora, channel, "We do", { threadRootId: root.id });
    await post(nora, channel, "Daily, actually", { threadRootId: root.id, alsoToChannel: true });
    const thread = (await ned.get(`/api/chat/messages/${root.id}/thread`)).json();
    expect(thread.root.replyCount).toBe(2);
    expect(thread.replies.map((r: Message) => r.body)).toEqual(["We do", "Daily, actually"]);
    const inChannel = (await ned.get(`/api/chat/channels/${channel.id}/messages`))
      .json()
      .messages.map((m: Message) => m.body);
    expect(inChannel).toEqual(["Who uses the dosing calculator?", "Daily, actually"]);
  });

  it("lets everyone reply in #announcements threads and react there", async () => {
    const channel = await announcements(staff);
    const root = await post(staff, channel, "Convene 26.3 is out");
    await post(cora, channel, "Great news", { threadRootId: root.id });
    const reacted = await cora.post(`/api/chat/messages/${root.id}/reactions`, { emoji: "🎉" });
    expect(reacted.json().reactions).toEqual([{ emoji: "🎉", userIds: [expect.any(String)] }]);
  });

  it("counts unread messages and mentions until the reader marks the channel read", async () => {
    const channel = await newChannel(ned, "unread");
    await nora.post(`/api/chat/channels/${channel.id}/join`);
    await post(ned, channel, "one");
    const mention = await post(ned, channel, "two for @admin@northwind.example");
    expect(mention.bodyHtml).toContain('class="mention"');
    expect(mention.bodyHtml).toContain("@Nora Admin");
    let seen = (await channelsOf(nora)).find((c) => c.id === channel.id);
    expect(seen).toMatchObject({ unread: 2, mentions: 1 });
    const read = await nora.post(`/api/chat/channels/${channel.id}/read`, { seq: mention.seq });
    expect(read.json()).toMatchObject({ unread: 0, mentions: 0 });
    seen = (await channelsOf(nora)).find((c) => c.id === channel.id);
    expect(seen).toMatchObject({ unread: 0, mentions: 0 });
  });

  it("counts an @channel once in each member's mention badge, never the author's or a later joiner's, until each reads it", async () => {
    const channel = await newChannel(ned, "all-hands");
    for (const client of [nora, cora]) await client.post(`/api/chat/channels/${channel.id}/join`);
    const noraId = (await nora.get("/api/me")).json().id;
    const message = await post(ned, channel, "@channel and @admin@northwind.example: stand-up at 10");
    expect(message).toMatchObject({ mentionsChannel: true, mentions: [noraId] });
    await post(ned, channel, "see you there");
    await staff.post(`/api/chat/channels/${channel.id}/join`);

    const badge = async (client: Client) =>
      (await channelsOf(client)).find((c) => c.id === channel.id)?.mentions;
    expect(await badge(nora)).toBe(1);
    expect(await badge(cora)).toBe(1);
    expect(await badge(ned)).toBe(0);
    expect(await badge(staff)).toBe(0);

    const read = await nora.post(`/api/chat/channels/${channel.id}/read`, { seq: message.seq });
    expect(read.json()).toMatchObject({ unread: 1, mentions: 0 });
    expect(await badge(nora)).toBe(0);
    expect(await badge(cora)).toBe(1);

    const again = await post(staff, channel, "@here one more thing");
    expect(again).toMatchObject({ mentionsChannel: true, mentions: [] });
    expect(await badge(nora)).toBe(1);
    expect(await badge(cora)).toBe(2);
    expect(await badge(ned)).toBe(1);
    expect(await badge(staff)).toBe(0);
  });

  it("pages back through history by seq", async () => {
    const channel = await newChannel(ned, "history");
    for (let i = 1; i <= 7; i++) await post(ned, channel, `m${i}`);
    const newest = (await ned.get(`/api/chat/channels/${channel.id}/messages?limit=3`)).json();
    expect(newest.messages.map((m: Message) => m.body)).toEqual(["m5", "m6", "m7"]);
    expect(newest.hasMore).toBe(true);
    const older = (
      await ned.get(`/api/chat/channels/${channel.id}/messages?limit=3&before=${newest.messages[0].seq}`)
    ).json();
    expect(older.messages.map((m: Message) => m.body)).toEqual(["m2", "m3", "m4"]);
  });
});

describe("details", () => {
  it("accepts a message that is only a file, and still refuses one with neither words nor files", async () => {
    const channel = await newChannel(ned, "files-only");
    const upload = await ned.upload("/api/chat/uploads", {
      filename: "notes.txt",
      contentType: "text/plain",
      data: Buffer.from("dosing notes"),
    });
    expect(upload.statusCode).toBe(201);
    const withFile = await post(ned, channel, "", { attachmentIds: [upload.json().id] });
    expect(withFile).toMatchObject({ body: "" });
    const fileUrl = (withFile as unknown as { attachments: { url: string }[] }).attachments[0]?.url ?? "";
    expect((await ned.get(fileUrl)).body).toBe("dosing notes");
    expect((await cora.get(fileUrl)).statusCode).toBe(200);
    const reused = await ned.post(`/api/chat/channels/${channel.id}/messages`, {
      clientId: randomUUID(),
      body: "again",
      attachmentIds: [upload.json().id],
    });
    expect(reused.statusCode).toBe(400);
    const nothing = await ned.post(`/api/chat/channels/${channel.id}/messages`, {
      clientId: randomUUID(),
      body: "",
    });
    expect(nothing.json().error.fields.body).toBeTruthy();
  });

  it("opens the whole thread when asked with a reply's id", async () => {
    const channel = await newChannel(ned, "thread-by-reply");
    const root = await post(ned, channel, "root");
    const reply = await post(ned, channel, "reply", { threadRootId: root.id });
    const thread = (await ned.get(`/api/chat/messages/${reply.id}/thread`)).json();
    expect(thread.root.id).toBe(root.id);
    expect(thread.replies.map((m: Message) => m.id)).toEqual([reply.id]);
  });

  it("tells the creator and staff, not other members, that they may manage a channel", async () => {
    const channel = await newChannel(ned, "manage-me");
    await cora.post(`/api/chat/channels/${channel.id}/join`);
    const view = async (client: Client) =>
      (await channelsOf(client)).find((c) => c.id === channel.id) as Channel & { canManage: boolean };
    expect((await view(ned)).canManage).toBe(true);
    expect((await view(staff)).canManage).toBe(true);
    expect((await view(cora)).canManage).toBe(false);
    expect((await cora.patch(`/api/chat/channels/${channel.id}`, { topic: "mine now" })).statusCode).toBe(
      403,
    );
  });

  it("counts everyone as a member of #announcements", async () => {
    const channel = await announcements(cora);
    const members = (await cora.get(`/api/chat/channels/${channel.id}/members`)).json().members;
    expect(members.length).toBeGreaterThanOrEqual(5);
  });
});

describe("chat is not support", () => {
  it("flags a support-like message and turns it into a desk ticket in one click, linked both ways", async () => {
    const channel = await newChannel(ned, "help-me");
    const message = await post(ned, channel, "Scheduling page gives 500 when I open cohort B, urgent");
    expect(message.supportLike).toBe(true);
    expect((await cora.post(`/api/chat/messages/${message.id}/ticket`)).statusCode).toBe(403);
    const opened = await ned.post(`/api/chat/messages/${message.id}/ticket`);
    expect(opened.statusCode).toBe(201);
    const ticket = (await ned.get(`/api/desk/tickets/${opened.json().ticketId}`)).json();
    expect(ticket.subject).toContain("Scheduling page gives 500");
    expect(ticket.description).toContain(`/chat/${channel.id}?message=${message.id}`);
    const [linked] = (await ned.get(`/api/chat/channels/${channel.id}/messages`)).json().messages;
    expect(linked.ticketId).toBe(ticket.id);
    expect((await ned.post(`/api/chat/messages/${message.id}/ticket`)).statusCode).toBe(409);
  });

  it("does not flag ordinary conversation", async () => {
    const channel = await newChannel(ned, "chit-chat");
    expect((await post(ned, channel, "Thanks for the release notes, great work!")).supportLike).toBe(false);
  });
});

describe("search", () => {
  it("finds messages one may see, with in:, from: and date filters, and never others' private ones", async () => {
    const open = await newChannel(ned, "search-open");
    const secret = await newChannel(cora, "search-secret", "private");
    await post(ned, open, "The randomisation export works nicely");
    await post(cora, secret, "Randomisation export secret plan");
    const results = (await ned.get("/api/chat/search?q=randomisation")).json().results;
    expect(results.map((r: { message: Message }) => r.message.body)).toEqual([
      "The randomisation export works nicely",
    ]);
    const filtered = (
      await cora.get(
        `/api/chat/search?q=${encodeURIComponent("randomis in:#search-secret from:@member@contoso.example")}`,
      )
    ).json().results;
    expect(filtered).toHaveLength(1);
    const future = (
      await ned.get(`/api/chat/search?q=${encodeURIComponent("randomisation after:2999-01-01")}`)
    ).json().results;
    expect(future).toEqual([]);
    const badDate = await ned.get(`/api/chat/search?q=${encodeURIComponent("x before:yesterday")}`);
    expect(badDate.statusCode).toBe(400);
  });
});

describe("real time over the WebSocket", () => {
  it("refuses a handshake without a session or from another origin", async () => {
    await expect(connectRealtime({ baseUrl, cookie: "" })).rejects.toThrow(/401/);
    await expect(
      connectRealtime({ baseUrl, cookie: ned.cookie ?? "", origin: "https://evil.example" }),
    ).rejects.toThrow(/403/);
  });

  it("delivers a message to the other members live, and never to someone outside a private channel", async () => {
    const channel = await newChannel(ned, "live-private", "private");
    await ned.post(`/api/chat/channels/${channel.id}/members`, {
      userId: (await nora.get("/api/me")).json().id,
    });
    const noraSocket = await connectRealtime({ baseUrl, cookie: nora.cookie ?? "" });
    const coraSocket = await connectRealtime({ baseUrl, cookie: cora.cookie ?? "" });
    try {
      const sent = await post(ned, channel, "just for Northwind");
      const frame = await noraSocket.waitFor(
        (f) => f.topic === messageCreated.topic && messageOf(f)?.id === sent.id,
      );
      expect(messageOf(frame)?.body).toBe("just for Northwind");
      const marker = await post(staff, await announcements(staff), "marker after the private message");
      await coraSocket.waitFor((f) => messageOf(f)?.id === marker.id);
      expect(JSON.stringify(coraSocket.frames)).not.toContain("just for Northwind");
    } finally {
      await noraSocket.close();
      await coraSocket.close();
    }
  });

  it("replays every missed event after the last id, in order and without duplicates", async () => {
    const channel = await newChannel(ned, "replay");
    await nora.post(`/api/chat/channels/${channel.id}/join`);
    const first = await connectRealtime({ baseUrl, cookie: nora.cookie ?? "" });
    await post(ned, channel, "before the drop");
    await first.waitFor((f) => messageOf(f)?.body === "before the drop");
    const lastSeen = first.lastEventId;
    await first.close();
    for (let i = 0; i < 5; i++) await post(ned, channel, `missed ${i}`);
    const second = await connectRealtime({ baseUrl, cookie: nora.cookie ?? "", after: lastSeen });
    try {
      await post(ned, channel, "after the return");
      await second.waitFor((f) => messageOf(f)?.body === "after the return");
      const bodies = second.events(messageCreated).map((f) => f.payload.message.body);
      expect(bodies).toEqual([
        "missed 0",
        "missed 1",
        "missed 2",
        "missed 3",
        "missed 4",
        "after the return",
      ]);
      const ids = second.events().map((f) => f.id as number);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      await second.close();
    }
  });

  it("tells a client whose gap is older than the retention to reload", async () => {
    const socket = await connectRealtime({ baseUrl, cookie: ned.cookie ?? "", after: 10_000_000 });
    try {
      expect(socket.frames.some((f) => f.type === "reset")).toBe(true);
    } finally {
      await socket.close();
    }
  });

  it("counts the person who just connected among those online in the first frame", async () => {
    const socket = await connectRealtime({ baseUrl, cookie: ned.cookie ?? "" });
    try {
      const hello = await socket.waitFor((f) => f.type === "hello");
      expect(hello.online).toContain((await ned.get("/api/me")).json().id);
    } finally {
      await socket.close();
    }
  });

  it("shows who is typing to the other members of the channel", async () => {
    const channel = await newChannel(ned, "typing");
    await nora.post(`/api/chat/channels/${channel.id}/join`);
    const nedSocket = await connectRealtime({ baseUrl, cookie: ned.cookie ?? "" });
    const noraSocket = await connectRealtime({ baseUrl, cookie: nora.cookie ?? "" });
    try {
      nedSocket.send({ type: "typing", channelId: channel.id });
      const typing = await noraSocket.waitFor((f) => f.type === "typing");
      expect(typing).toMatchObject({ channelId: channel.id, name: "Ned Member" });
      const online = (await nora.get("/api/chat/presence")).json().online;
      expect(online).toContain((await ned.get("/api/me")).json().id);
    } finally {
      await nedSocket.close();
      await noraSocket.close();
    }
  });
});

// A community of its own: slow to start on a busy machine. The refill is one post a minute, so however
// slowly the posts go through, the burst is spent before a token comes back.
describe("posting rate limit", { timeout: 120_000 }, () => {
  it("refuses a burst beyond the per-person allowance with a clear error", async () => {
    const limited = await startTestCommunity({ chatPostsPerSecond: 1 / 60, chatPostBurst: 3 });
    try {
      const member = await limited.signIn("member@northwind.example");
      const channel = (await member.post("/api/chat/channels", { name: "fast", kind: "public" })).json();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push(
          (
            await member.post(`/api/chat/channels/${channel.id}/messages`, {
              clientId: randomUUID(),
              body: `m${i}`,
            })
          ).statusCode,
        );
      }
      expect(statuses.slice(0, 3)).toEqual([201, 201, 201]);
      expect(statuses).toContain(429);
    } finally {
      await limited.close();
    }
  });
});
