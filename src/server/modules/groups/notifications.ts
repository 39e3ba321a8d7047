import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import type { Ctx } from "../../platform/context.js";
import { markdownExcerpt } from "../../platform/markdown.js";
import { defineNotificationItem } from "../../platform/notifications/items.js";
import { markItemSeen, notify, peopleAtLevel } from "../../platform/notifications/service.js";
import { userSummaries } from "../accounts/index.js";
import { isModerator } from "./policy.js";
import { groupMembers, groupMessages, groups, groupTopics } from "./schema.js";

/** Of these people, the group's members whose membership lets them (policy.ts) read, or moderate. */
async function membersWho(
  db: Db,
  groupId: string,
  userIds: string[],
  may: (member: typeof groupMembers.$inferSelect) => boolean,
): Promise<string[]> {
  const rows = await db
    .select()
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), inArray(groupMembers.userId, userIds)));
  return rows.filter(may).map((row) => row.userId);
}

const readsTopics = (member: typeof groupMembers.$inferSelect) => member.status === "active";

/** A topic: read by the group's active members, while a moderator has not deleted it. */
export const topicItem = defineNotificationItem({
  type: "group_topic",
  audience: async (db, topicId, userIds) => {
    const [topic] = await db
      .select({ groupId: groupTopics.groupId })
      .from(groupTopics)
      .where(and(eq(groupTopics.id, topicId), isNull(groupTopics.removedAt)));
    return topic ? membersWho(db, topic.groupId, userIds, readsTopics) : [];
  },
});

/** A group's moderation queue: its active owners and moderators. */
export const queueItem = defineNotificationItem({
  type: "group_queue",
  audience: (db, groupId, userIds) => membersWho(db, groupId, userIds, isModerator),
});

type Message = typeof groupMessages.$inferSelect;

const topicUrl = (handle: string, message: Message) =>
  `/groups/${handle}/topics/${message.topicId}?message=${message.id}`;

async function contextOf(db: Db, message: Message) {
  const [row] = await db
    .select({ group: groups, topic: groupTopics })
    .from(groupTopics)
    .innerJoin(groups, eq(groups.id, groupTopics.groupId))
    .where(eq(groupTopics.id, message.topicId));
  if (!row) throw new Error("the message's topic is gone");
  return row;
}

/**
 * A message waits in the queue: the group's moderators hear of it. The notification is the only
 * e-mail about the queue (the group sends none of its own): it alone follows each moderator's choice
 * for the kind (off, in the app only, at once or if still unread after their delay) and their quiet
 * hours, where a second e-mail of the group's would reach them whatever they chose.
 */
export async function notifyModerators(ctx: Ctx, message: Message, author: { id: string; name: string }) {
  const { group, topic } = await contextOf(ctx.db, message);
  const moderators = await ctx.db
    .select({ userId: groupMembers.userId })
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, group.id), inArray(groupMembers.role, ["owner", "moderator"])));
  await notify(ctx, {
    kind: "groups.moderation",
    recipients: moderators.map((row) => row.userId),
    item: {
      type: queueItem.type,
      id: group.id,
      title: `${group.name}: waiting for approval`,
      url: `/groups/${group.handle}/moderation`,
    },
    excerpt: `${topic.subject}: ${markdownExcerpt(message.body)}`,
    actor: author,
  });
}

/**
 * A moderator approved or rejected a message: its author hears of it, with a rejection's reason. As for
 * the queue, the notification is the only e-mail of it, so the author's choice for the kind governs;
 * the rejected message itself stays on the topic page for its author, where the link leads.
 */
export async function notifyAuthorOfModeration(
  ctx: Ctx,
  message: Message,
  moderator: { id: string; name: string },
  outcome: { approved: true } | { approved: false; reason: string },
) {
  const { group, topic } = await contextOf(ctx.db, message);
  await notify(ctx, {
    kind: "groups.moderated",
    recipients: [message.authorId],
    item: { type: topicItem.type, id: topic.id, title: topic.subject, url: topicUrl(group.handle, message) },
    excerpt: outcome.approved
      ? "Your message was approved."
      : `Your message was not published: ${outcome.reason}`,
    actor: moderator,
  });
}

/**
 * A reply is published: the topic's starter, those who wrote in it and those who follow it hear of it,
 * unless they set it to mentions or muted it. A member who takes every message by group e-mail has
 * this reply in their mailbox already, so theirs is in the inbox only.
 */
export async function notifyReply(ctx: Ctx, message: Message) {
  const { group, topic } = await contextOf(ctx.db, message);
  const [first] = await ctx.db
    .select({ id: groupMessages.id })
    .from(groupMessages)
    .where(eq(groupMessages.topicId, topic.id))
    .orderBy(asc(groupMessages.createdAt))
    .limit(1);
  if (first?.id === message.id) return;
  const item = { type: topicItem.type, id: topic.id };
  const writers = await ctx.db
    .selectDistinct({ userId: groupMessages.authorId })
    .from(groupMessages)
    .where(and(eq(groupMessages.topicId, topic.id), eq(groupMessages.status, "published")));
  const notFollowing = new Set([
    ...(await peopleAtLevel(ctx.db, item, "mentions")),
    ...(await peopleAtLevel(ctx.db, item, "mute")),
  ]);
  const followers = [
    ...new Set([
      topic.authorId,
      ...writers.map((writer) => writer.userId),
      ...(await peopleAtLevel(ctx.db, item, "follow")),
    ]),
  ].filter((id) => !notFollowing.has(id));
  if (followers.length === 0) return;
  const takingEveryMessage = await ctx.db
    .select({ userId: groupMembers.userId })
    .from(groupMembers)
    .where(
      and(
        eq(groupMembers.groupId, group.id),
        eq(groupMembers.delivery, "all"),
        inArray(groupMembers.userId, followers),
      ),
    );
  const mailed = new Set(takingEveryMessage.map((row) => row.userId));
  const author = (await userSummaries(ctx.db, [message.authorId])).get(message.authorId);
  const notice = {
    kind: "groups.reply" as const,
    item: { ...item, title: topic.subject, url: topicUrl(group.handle, message) },
    excerpt: markdownExcerpt(message.body),
    actor: author ? { id: author.id, name: author.name } : null,
  };
  await notify(ctx, { ...notice, recipients: followers.filter((id) => mailed.has(id)), ownEmail: true });
  await notify(ctx, { ...notice, recipients: followers.filter((id) => !mailed.has(id)) });
}

/** A person opened a topic: what they were told about it has been seen. */
export async function markTopicSeen(ctx: Ctx, userId: string, topicId: string): Promise<void> {
  await markItemSeen(ctx, userId, { type: topicItem.type, id: topicId });
}

/** A moderator opened the group's queue: what they were told waits in it has been seen. */
export async function markQueueSeen(ctx: Ctx, userId: string, groupId: string): Promise<void> {
  await markItemSeen(ctx, userId, { type: queueItem.type, id: groupId });
}
