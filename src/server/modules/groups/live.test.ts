/**
 * Live group pages over the real WebSocket: what changes in a group's topics reaches its active
 * members, who alone read them; what changes in its moderation queue and log reaches its owners and
 * moderators alone; nobody outside the group hears of either.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { connectRealtime, type RealtimeClient } from "../../testing/realtime.js";
import { ticketChanged } from "../desk/contracts/tickets.js";
import { groupModerationChanged } from "./contracts/moderation.js";
import { groupTopicChanged } from "./contracts/topics.js";

let community: TestCommunity;
/** The Northwind member owns the group, the Contoso member moderates it, the Northwind admin and staff are members. */
let owner: Client;
let moderator: Client;
let member: Client;
let plainMember: Client;
/** Fabrikam's developer never joins. */
let outsider: Client;
const sockets = new Map<Client, RealtimeClient>();
const socketOf = (client: Client): RealtimeClient => {
  const socket = sockets.get(client);
  if (!socket) throw new Error("no socket for this client");
  return socket;
};

async function moderatedGroup(handle: string): Promise<string> {
  const created = await owner.post("/api/groups", {
    handle,
    name: `Group ${handle}`,
    postingPolicy: "moderated",
  });
  expect(created.statusCode, created.body).toBe(201);
  for (const client of [moderator, member, plainMember])
    expect((await client.post(`/api/groups/${handle}/join`)).statusCode).toBe(200);
  const promoted = await owner.patch(
    `/api/groups/${handle}/members/${community.demo.people.contosoMember.id}`,
    {
      role: "moderator",
    },
  );
  expect(promoted.statusCode, promoted.body).toBe(200);
  return created.json().id;
}

/** A change the person is told of: events reach a socket in order, so anything before it would be in. */
async function markerFor(client: Client): Promise<void> {
  const created = await client.post("/api/desk/tickets", {
    type: "support_question",
    subject: "A marker for the live tests",
    description: "Only its event matters here.",
  });
  expect(created.statusCode, created.body).toBe(201);
  const ticketId = created.json().id;
  await socketOf(client).waitForEvent(ticketChanged, (payload) => payload.ticketId === ticketId);
}

beforeAll(async () => {
  community = await startTestCommunity();
  owner = await community.signIn("member@northwind.example");
  moderator = await community.signIn("member@contoso.example");
  member = await community.signIn("admin@northwind.example");
  plainMember = await community.signIn("staff@vendor.example");
  outsider = await community.signIn("dev@fabrikam.example");
  const baseUrl = await community.listen();
  for (const client of [owner, moderator, member, plainMember, outsider])
    sockets.set(client, await connectRealtime({ baseUrl, cookie: client.cookie ?? "" }));
});
afterAll(async () => {
  for (const socket of sockets.values()) await socket.close();
  await community?.close();
});

describe("live group pages", () => {
  it("tell the moderators alone of a post waiting in the queue, and the members once it is approved", async () => {
    const groupId = await moderatedGroup("live-queue");
    const posted = await member.post("/api/groups/live-queue/topics", { subject: "Waiting", body: "please" });
    expect(posted.json().status).toBe("pending");
    const { id: messageId, topicId } = posted.json().message;
    for (const client of [owner, moderator])
      await socketOf(client).waitForEvent(groupModerationChanged, (payload) => payload.groupId === groupId);

    const approved = await moderator.post(`/api/groups/live-queue/queue/${messageId}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    for (const client of [owner, member, plainMember])
      await socketOf(client).waitForEvent(groupTopicChanged, (payload) => payload.topicId === topicId);
    // The approval's topic event came after anything the queue told: a plain member heard none of it.
    expect(socketOf(plainMember).events(groupModerationChanged)).toEqual([]);
    expect(socketOf(member).events(groupModerationChanged)).toEqual([]);

    await markerFor(outsider);
    expect(socketOf(outsider).events(groupTopicChanged)).toEqual([]);
    expect(socketOf(outsider).events(groupModerationChanged)).toEqual([]);
  });

  it("tell the author alone of their rejected post, and the members of a pinned topic", async () => {
    const groupId = await moderatedGroup("live-reject");
    const first = await moderator.post("/api/groups/live-reject/topics", {
      subject: "Rules",
      body: "Be kind.",
    });
    expect(first.json().status).toBe("published");
    const rulesTopic = first.json().message.topicId;
    const posted = await member.post(`/api/groups/live-reject/topics/${rulesTopic}/messages`, {
      body: "Buy now!",
    });
    expect(posted.json().status).toBe("pending");
    const rejected = await moderator.post(
      `/api/groups/live-reject/queue/${posted.json().message.id}/reject`,
      {
        reason: "Advertising.",
      },
    );
    expect(rejected.statusCode, rejected.body).toBe(200);
    const about = (client: Client) =>
      socketOf(client)
        .events(groupTopicChanged)
        .filter((frame) => frame.payload.topicId === rulesTopic);
    await socketOf(member).waitFor(() => about(member).length === 2);

    const pinned = await moderator.patch(`/api/groups/live-reject/topics/${rulesTopic}`, { pinned: true });
    expect(pinned.statusCode, pinned.body).toBe(200);
    await socketOf(plainMember).waitFor(() => about(plainMember).length === 2);
    // Published, then pinned: the rejection went to its author alone.
    expect(about(member)).toHaveLength(3);
    expect(about(plainMember)).toHaveLength(2);
    await socketOf(owner).waitForEvent(groupModerationChanged, (payload) => payload.groupId === groupId);
  });
});
