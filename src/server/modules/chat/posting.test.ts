import { randomUUID } from "node:crypto";
import { and, asc, eq, gt, inArray, max } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, type ActorCtx, actingAs } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import { events } from "../../platform/events/schema.js";
import { startTestCommunity, type TestCommunity } from "../../testing/harness.js";
import { createChannel, joinChannel } from "./channels.js";
import { messageCreated, messageUpdated } from "./contracts/messages.js";
import { deleteMessage, postMessage } from "./messages.js";
import { messages } from "./schema.js";

let community: TestCommunity;
let people: ActorCtx[];
let channelIds: string[];

const actor = (key: keyof TestCommunity["demo"]["people"]): Actor => {
  const person = community.demo.people[key];
  return {
    id: person.id,
    email: person.email,
    name: person.name,
    organisationId: person.organisationId,
    isStaff: person.isStaff,
    isOrgAdmin: person.isOrgAdmin,
  };
};

beforeAll(async () => {
  community = await startTestCommunity();
  people = (["staff", "northwindMember", "contosoMember"] as const).map((key) =>
    actingAs(community.ctx, actor(key)),
  );
  const [staff, ...others] = people as [ActorCtx, ...ActorCtx[]];
  channelIds = [];
  for (const name of ["batch-one", "batch-two", "batch-three"]) {
    const channel = await createChannel(staff, { name, kind: "public", topic: "", description: "" });
    for (const person of others) await joinChannel(person, channel.id);
    channelIds.push(channel.id);
  }
});
afterAll(() => community.close());

const lastEventId = async () => (await community.db.select({ id: max(events.id) }).from(events))[0]?.id ?? 0;

/** The messageCreated/messageUpdated events since `after`, in id order, as (topic, message). */
async function messageEventsSince(after: number) {
  const rows = await community.db
    .select({ topic: events.topic, payload: events.payload })
    .from(events)
    .where(and(gt(events.id, after), inArray(events.topic, [messageCreated.topic, messageUpdated.topic])))
    .orderBy(asc(events.id));
  return rows.map((row) => ({
    topic: row.topic,
    message: (row.payload as { message: { id: string; seq: number; replyCount: number } }).message,
  }));
}

describe("posting many messages at once", () => {
  it("stores each concurrent post once, in event order, and answers every copy of a post with the first message", async () => {
    const roots = await Promise.all(
      channelIds.map(
        async (channelId, i) =>
          (
            await postMessage(people[i] as ActorCtx, channelId, {
              clientId: randomUUID(),
              body: `root ${i}`,
            })
          ).message,
      ),
    );
    const since = await lastEventId();
    const posts = Array.from({ length: 45 }, (_, i) => ({
      author: people[i % 3] as ActorCtx,
      channelId: channelIds[i % 3] as string,
      input: {
        clientId: randomUUID(),
        body: `post ${i}`,
        ...(i % 5 === 0 ? { threadRootId: roots[i % 3]?.id } : {}),
      },
    }));
    // Five posts sent twice at once, as a client retrying on a flaky connection does.
    const sent = [...posts, ...posts.slice(0, 5)];
    const results = await Promise.all(
      sent.map((post) => postMessage(post.author, post.channelId, post.input)),
    );

    const ids = results.map((result) => result.message.id);
    expect(new Set(ids).size).toBe(45);
    for (let i = 0; i < 5; i++) expect(ids[45 + i]).toBe(ids[i]);
    expect(results.filter((result) => result.created)).toHaveLength(45);
    const stored = await community.db
      .select({ id: messages.id })
      .from(messages)
      .where(
        inArray(
          messages.clientId,
          posts.map((post) => post.input.clientId),
        ),
      );
    expect(stored.map((row) => row.id).sort()).toEqual([...new Set(ids)].sort());

    const seen = await messageEventsSince(since);
    const created = seen.filter((event) => event.topic === messageCreated.topic).map((e) => e.message);
    expect(created.map((message) => message.id).sort()).toEqual([...new Set(ids)].sort());
    const seqs = created.map((message) => message.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    // Each reply updated its root once, counting up.
    const updates = seen.filter((event) => event.topic === messageUpdated.topic).map((e) => e.message);
    expect(updates).toHaveLength(9);
    for (const root of roots) {
      const counts = updates.filter((message) => message.id === root.id).map((m) => m.replyCount);
      expect(counts).toEqual(counts.map((_, i) => i + 1));
      const [row] = await community.db.select().from(messages).where(eq(messages.id, root.id));
      expect(row?.replyCount).toBe(counts.length);
    }

    const again = await postMessage(
      posts[7]?.author as ActorCtx,
      posts[7]?.channelId as string,
      posts[7]?.input as never,
    );
    expect(again).toMatchObject({ created: false, message: { id: ids[7] } });
  });

  it("refuses only the reply whose thread was deleted between its checks and its write; the others land", async () => {
    const [staff] = people as [ActorCtx];
    const root = (
      await postMessage(staff, channelIds[0] as string, { clientId: randomUUID(), body: "soon gone" })
    ).message;
    const since = await lastEventId();
    const posts = Array.from({ length: 20 }, (_, i) => ({
      author: people[i % 3] as ActorCtx,
      channelId: channelIds[i % 3] as string,
      input: { clientId: randomUUID(), body: `post ${i}` },
    }));
    const doomed = {
      clientId: randomUUID(),
      body: "a reply to a message being deleted",
      threadRootId: root.id,
    };
    // The posting allowance is asked after the thread was checked and before anything is written.
    const deleteRootMeanwhile = async () => {
      await deleteMessage(staff, root.id);
      return true;
    };
    const results = await Promise.allSettled([
      ...posts.slice(0, 10).map((post) => postMessage(post.author, post.channelId, post.input)),
      postMessage(staff, channelIds[0] as string, doomed, deleteRootMeanwhile),
      ...posts.slice(10).map((post) => postMessage(post.author, post.channelId, post.input)),
    ]);

    const refused = results[10];
    expect(refused?.status).toBe("rejected");
    const reason = refused?.status === "rejected" ? refused.reason : null;
    expect(reason).toBeInstanceOf(AppError);
    expect((reason as AppError).code).toBe("validation");
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(20);
    const stored = await community.db
      .select({ clientId: messages.clientId })
      .from(messages)
      .where(inArray(messages.clientId, [...posts.map((post) => post.input.clientId), doomed.clientId]));
    expect(stored.map((row) => row.clientId).sort()).toEqual(posts.map((post) => post.input.clientId).sort());
    const created = (await messageEventsSince(since)).filter((event) => event.topic === messageCreated.topic);
    expect(created).toHaveLength(20);
    const [rootRow] = await community.db.select().from(messages).where(eq(messages.id, root.id));
    expect(rootRow?.replyCount).toBe(0);
  });
});
