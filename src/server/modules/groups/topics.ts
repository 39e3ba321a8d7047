import { and, asc, count, desc, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { readTogether } from "../../db/together.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, notFound } from "../../platform/errors.js";
import { publishEvent } from "../../platform/events/publish.js";
import { files } from "../../platform/files/schema.js";
import { type FileUpload, type StoredFile, storeFile } from "../../platform/files/store.js";
import { renderMarkdown } from "../../platform/markdown.js";
import type {
  GroupMessage,
  MessageSource,
  Posted,
  ReplyFields,
  TaggedMessage,
} from "./contracts/messages.js";
import {
  groupTopicChanged,
  type Topic,
  type TopicChanges,
  type TopicFields,
  type TopicSummary,
} from "./contracts/topics.js";
import { announceModerationChange, groupPeople, recordModeration, someone } from "./log.js";
import { activeMemberIds } from "./members.js";
import {
  markQueueSeen,
  markTopicSeen,
  notifyAuthorOfModeration,
  notifyModerators,
  notifyReply,
} from "./notifications.js";
import { queueGroupMessageMail } from "./outbound.js";
import {
  type GroupRow,
  isModerator,
  type MemberRow,
  moderatesGroup,
  postingDecision,
  readsGroup,
  requireModerator,
  requireReader,
  type TopicRow,
} from "./policy.js";
import {
  groupHashtags,
  groupMembers,
  groupMessageAttachments,
  groupMessages,
  groups,
  groupTopics,
} from "./schema.js";
import { groupByHandleOrThrow, groupById, membershipOf, topicById } from "./store.js";

type MessageRow = typeof groupMessages.$inferSelect;
export type GroupUpload = FileUpload;
export type NewTopicInput = {
  subject: string;
  body: string;
  source: MessageSource;
  emailMessageId?: string | null;
  /** Files sent with the message; stored in its transaction (type and size checked by platform files). */
  attachments?: GroupUpload[];
};
export type ReplyInput = Omit<NewTopicInput, "subject">;

/** #hashtags in a text: letters, digits, `_` and `-`, lower-cased, each once. */
export function hashtagsOf(body: string): string[] {
  const tags = [...body.matchAll(/(?:^|[\s(])#([\p{L}\p{N}][\p{L}\p{N}_-]{0,49})/gu)].map(([, tag = ""]) =>
    tag.toLowerCase(),
  );
  return [...new Set(tags)];
}

/** Tells the open pages of the group's readers (its active members) that a topic changed. */
async function announceTopicChange(ctx: Ctx, groupId: string, topicId: string): Promise<void> {
  const readers = await activeMemberIds(ctx.db, groupId);
  await publishEvent(ctx, groupTopicChanged, { userIds: readers }, { groupId, topicId });
}

/**
 * What happens when a message becomes visible to the group (posted, or approved from the queue): the
 * topic moves up, its hashtags are indexed, members with an open page hear of it and members who take
 * every message get it by e-mail, all in the caller's transaction.
 */
async function onPublished(ctx: Ctx, message: MessageRow): Promise<void> {
  await ctx.db
    .update(groupTopics)
    .set({ lastMessageAt: message.createdAt })
    .where(eq(groupTopics.id, message.topicId));
  const tags = hashtagsOf(message.body);
  if (tags.length > 0)
    await ctx.db
      .insert(groupHashtags)
      .values(tags.map((tag) => ({ messageId: message.id, groupId: message.groupId, tag })))
      .onConflictDoNothing();
  await announceTopicChange(ctx, message.groupId, message.topicId);
  await queueGroupMessageMail(ctx, message.id);
  await notifyReply(ctx, message);
}

/** A mail seen before (same Message-ID into the same group) is not stored twice. */
async function refuseDuplicateMail(
  db: Db,
  groupId: string,
  emailMessageId: string | null | undefined,
): Promise<void> {
  if (!emailMessageId) return;
  const [seen] = await db
    .select({ id: groupMessages.id })
    .from(groupMessages)
    .where(and(eq(groupMessages.groupId, groupId), eq(groupMessages.emailMessageId, emailMessageId)));
  if (seen)
    throw new AppError("conflict", "This e-mail was received already.", undefined, { messageId: seen.id });
}

async function writeMessage(
  ctx: ActorCtx,
  group: GroupRow,
  topic: TopicRow,
  status: Posted["status"],
  input: ReplyInput,
): Promise<MessageRow> {
  const [message] = await ctx.db
    .insert(groupMessages)
    .values({
      groupId: group.id,
      topicId: topic.id,
      authorId: ctx.actor.id,
      body: input.body,
      status,
      source: input.source,
      emailMessageId: input.emailMessageId ?? null,
    })
    .returning();
  if (!message) throw new Error("message row was not written");
  for (const upload of input.attachments ?? []) {
    const file = await storeFile(ctx, { ...upload, field: "file" });
    // The same bytes attached twice are one stored file, so one link.
    await ctx.db
      .insert(groupMessageAttachments)
      .values({ messageId: message.id, fileId: file.id })
      .onConflictDoNothing();
  }
  if (status === "published") await onPublished(ctx, message);
  else {
    await notifyModerators(ctx, message, { id: ctx.actor.id, name: ctx.actor.name });
    await announceModerationChange(ctx, group.id);
  }
  return message;
}

/**
 * Starts a topic, from the web or from mail: the group's posting policy decides whether the first
 * message is published or waits for a moderator; refusals are 403 with the reason.
 */
export async function startTopic(ctx: ActorCtx, groupId: string, input: NewTopicInput): Promise<Posted> {
  const messageId = await inTransaction(ctx, async (tx) => {
    const group = await groupById(tx.db, groupId);
    const status = postingDecision(group, await membershipOf(tx.db, group.id, ctx.actor.id), null);
    await refuseDuplicateMail(tx.db, group.id, input.emailMessageId);
    const [topic] = await tx.db
      .insert(groupTopics)
      .values({ groupId: group.id, subject: input.subject, authorId: ctx.actor.id })
      .returning();
    if (!topic) throw new Error("topic row was not written");
    return (await writeMessage(tx, group, topic, status, input)).id;
  });
  return postedView(ctx, messageId);
}

/** Replies in a topic, from the web or from mail; a deleted topic is 410, a locked one 403. */
export async function replyToTopic(ctx: ActorCtx, topicId: string, input: ReplyInput): Promise<Posted> {
  const messageId = await inTransaction(ctx, async (tx) => {
    const topic = await topicById(tx.db, topicId);
    if (!topic) throw notFound("The topic");
    const group = await groupById(tx.db, topic.groupId);
    const member = await membershipOf(tx.db, group.id, ctx.actor.id);
    requireReader(group, member);
    if (topic.removedAt) throw new AppError("gone", "This topic was deleted by a moderator.");
    const status = postingDecision(group, member, topic);
    await refuseDuplicateMail(tx.db, group.id, input.emailMessageId);
    return (await writeMessage(tx, group, topic, status, input)).id;
  });
  return postedView(ctx, messageId);
}

async function postedView(ctx: Ctx, messageId: string): Promise<Posted> {
  const [message] = await presentMessages(ctx.db, await messagesByIds(ctx.db, [messageId]));
  if (!message) throw notFound("The message");
  return { message, status: message.status === "published" ? "published" : "pending" };
}

async function messagesByIds(db: Db, ids: string[]): Promise<MessageRow[]> {
  return ids.length === 0 ? [] : db.select().from(groupMessages).where(inArray(groupMessages.id, ids));
}

function attachmentUrl(handle: string, messageId: string, fileId: string) {
  return `/api/groups/${handle}/messages/${messageId}/attachments/${fileId}`;
}

async function presentMessages(db: Db, rows: MessageRow[]): Promise<GroupMessage[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [people, tags, attachments, handles] = await readTogether(db, [
    () =>
      groupPeople(
        db,
        rows.map((row) => row.authorId),
      ),
    () => db.select().from(groupHashtags).where(inArray(groupHashtags.messageId, ids)),
    () =>
      db
        .select({ messageId: groupMessageAttachments.messageId, file: files })
        .from(groupMessageAttachments)
        .innerJoin(files, eq(files.id, groupMessageAttachments.fileId))
        .where(inArray(groupMessageAttachments.messageId, ids))
        .orderBy(asc(groupMessageAttachments.createdAt)),
    () =>
      groupHandles(
        db,
        rows.map((row) => row.groupId),
      ),
  ]);
  return rows.map((row) => ({
    id: row.id,
    topicId: row.topicId,
    author: people.get(row.authorId) ?? someone(row.authorId),
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    status: row.status,
    source: row.source,
    rejectionReason: row.rejectionReason,
    hashtags: tags.filter((tag) => tag.messageId === row.id).map((tag) => tag.tag),
    attachments: attachments
      .filter((a) => a.messageId === row.id)
      .map(({ file }) => ({
        id: file.id,
        filename: file.filename,
        contentType: file.contentType,
        size: file.size,
        url: attachmentUrl(handles.get(row.groupId) ?? "", row.id, file.id),
      })),
    createdAt: row.createdAt.toISOString(),
  }));
}

async function groupHandles(db: Db, ids: string[]): Promise<Map<string, string>> {
  const rows = await db
    .select({ id: groups.id, handle: groups.handle })
    .from(groups)
    .where(inArray(groups.id, [...new Set(ids)]));
  return new Map(rows.map((row) => [row.id, row.handle]));
}

/**
 * Readers see a topic once one of its messages is published; its author and the group's moderators
 * (`moderates`: for one group a boolean, across groups a condition on the topic's group) see it at once.
 */
function shownTopics(viewerId: string, moderates: boolean | SQL) {
  const hasPublished = sql`exists (select 1 from ${groupMessages} where ${groupMessages.topicId} = ${groupTopics.id} and ${groupMessages.status} = 'published')`;
  return and(
    isNull(groupTopics.removedAt),
    moderates === true
      ? undefined
      : or(moderates || undefined, hasPublished, eq(groupTopics.authorId, viewerId)),
  );
}

function visibleTopics(group: GroupRow, viewer: MemberRow) {
  return and(eq(groupTopics.groupId, group.id), shownTopics(viewer.userId, isModerator(viewer)));
}

/** The topics a person may open in any group: in the groups they read, as visibleTopics shows them. */
export const readableTopics = (userId: string) =>
  and(
    readsGroup(groupTopics.groupId, userId),
    shownTopics(userId, moderatesGroup(groupTopics.groupId, userId)),
  );

async function summarise(db: Db, rows: TopicRow[]): Promise<TopicSummary[]> {
  if (rows.length === 0) return [];
  const counts = await db
    .select({ topicId: groupMessages.topicId, n: count() })
    .from(groupMessages)
    .where(
      and(
        inArray(
          groupMessages.topicId,
          rows.map((row) => row.id),
        ),
        eq(groupMessages.status, "published"),
        isNull(groupMessages.removedAt),
      ),
    )
    .groupBy(groupMessages.topicId);
  const byTopic = new Map(counts.map((c) => [c.topicId, c.n]));
  const people = await groupPeople(
    db,
    rows.map((row) => row.authorId),
  );
  return rows.map((row) => ({
    id: row.id,
    groupId: row.groupId,
    subject: row.subject,
    author: people.get(row.authorId) ?? someone(row.authorId),
    pinned: row.pinned,
    locked: row.locked,
    messageCount: byTopic.get(row.id) ?? 0,
    createdAt: row.createdAt.toISOString(),
    lastMessageAt: row.lastMessageAt.toISOString(),
  }));
}

/** The group home: pinned topics first, then the most recently active. */
export async function listTopics(ctx: ActorCtx, handle: string): Promise<TopicSummary[]> {
  const group = await groupByHandleOrThrow(ctx.db, handle);
  const viewer = await membershipOf(ctx.db, group.id, ctx.actor.id);
  requireReader(group, viewer);
  const rows = await ctx.db
    .select()
    .from(groupTopics)
    .where(visibleTopics(group, viewer))
    .orderBy(desc(groupTopics.pinned), desc(groupTopics.lastMessageAt))
    .limit(500);
  return summarise(ctx.db, rows);
}

async function readableTopic(ctx: ActorCtx, handle: string, topicId: string) {
  const group = await groupByHandleOrThrow(ctx.db, handle);
  const viewer = await membershipOf(ctx.db, group.id, ctx.actor.id);
  requireReader(group, viewer);
  const [topic] = await ctx.db
    .select()
    .from(groupTopics)
    .where(and(eq(groupTopics.id, topicId), visibleTopics(group, viewer)));
  if (!topic) throw notFound("The topic");
  return { group, viewer, topic };
}

/** A topic with its published messages, plus the viewer's own pending (or rejected) ones. */
export async function getTopic(ctx: ActorCtx, handle: string, topicId: string): Promise<Topic> {
  const { topic } = await readableTopic(ctx, handle, topicId);
  const rows = await ctx.db
    .select()
    .from(groupMessages)
    .where(
      and(
        eq(groupMessages.topicId, topic.id),
        isNull(groupMessages.removedAt),
        or(eq(groupMessages.status, "published"), eq(groupMessages.authorId, ctx.actor.id)),
      ),
    )
    .orderBy(asc(groupMessages.createdAt));
  const [summary] = await summarise(ctx.db, [topic]);
  if (!summary) throw notFound("The topic");
  return { ...summary, messages: await presentMessages(ctx.db, rows) };
}

/** The topic as its page opens it: what the person was notified of about it counts as seen. */
export async function viewTopic(ctx: ActorCtx, handle: string, topicId: string): Promise<Topic> {
  const topic = await getTopic(ctx, handle, topicId);
  await markTopicSeen(ctx, ctx.actor.id, topic.id);
  return topic;
}

/** The web's way in: the same service as mail, with the group named by its handle. */
export async function startTopicIn(
  ctx: ActorCtx,
  handle: string,
  input: TopicFields,
  uploads: GroupUpload[] = [],
): Promise<Posted> {
  const group = await groupByHandleOrThrow(ctx.db, handle);
  return startTopic(ctx, group.id, { ...input, source: "web", attachments: uploads });
}

export async function replyIn(
  ctx: ActorCtx,
  handle: string,
  topicId: string,
  input: ReplyFields,
  uploads: GroupUpload[] = [],
): Promise<Posted> {
  const { topic } = await readableTopic(ctx, handle, topicId);
  return replyToTopic(ctx, topic.id, { ...input, source: "web", attachments: uploads });
}

/** Moderators pin and lock topics; each change is logged. */
export async function updateTopic(
  ctx: ActorCtx,
  handle: string,
  topicId: string,
  changes: TopicChanges,
): Promise<Topic> {
  await inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    requireModerator(group, await membershipOf(tx.db, group.id, ctx.actor.id));
    const topic = await liveTopic(tx.db, group, topicId);
    await tx.db.update(groupTopics).set(changes).where(eq(groupTopics.id, topic.id));
    for (const [flag, value] of Object.entries(changes)) {
      if (topic[flag as "pinned" | "locked"] === value) continue;
      const action = {
        pinned: value ? "topic_pinned" : "topic_unpinned",
        locked: value ? "topic_locked" : "topic_unlocked",
      }[flag as "pinned" | "locked"];
      await recordModeration(tx, {
        groupId: group.id,
        action,
        targetType: "topic",
        targetId: topic.id,
      });
    }
    await announceTopicChange(tx, group.id, topic.id);
  });
  return getTopic(ctx, handle, topicId);
}

async function liveTopic(db: Db, group: GroupRow, topicId: string): Promise<TopicRow> {
  const [topic] = await db
    .select()
    .from(groupTopics)
    .where(
      and(eq(groupTopics.id, topicId), eq(groupTopics.groupId, group.id), isNull(groupTopics.removedAt)),
    );
  if (!topic) throw notFound("The topic");
  return topic;
}

/** Moderators delete a topic: it is hidden (kept, with who removed it), and mail replies to it are refused. */
export async function removeTopic(
  ctx: ActorCtx,
  handle: string,
  topicId: string,
  reason: string | null,
): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    requireModerator(group, await membershipOf(tx.db, group.id, ctx.actor.id));
    const topic = await liveTopic(tx.db, group, topicId);
    await tx.db
      .update(groupTopics)
      .set({ removedAt: new Date(), removedBy: ctx.actor.id })
      .where(eq(groupTopics.id, topic.id));
    await recordModeration(tx, {
      groupId: group.id,
      action: "topic_deleted",
      targetType: "topic",
      targetId: topic.id,
      reason,
    });
    await announceTopicChange(tx, group.id, topic.id);
  });
}

/**
 * The moderation queue, as its page opens it: pending messages, oldest first. What the moderator was
 * notified of waiting in it counts as seen.
 */
export async function listQueue(ctx: ActorCtx, handle: string): Promise<TaggedMessage[]> {
  const group = await groupByHandleOrThrow(ctx.db, handle);
  requireModerator(group, await membershipOf(ctx.db, group.id, ctx.actor.id));
  await markQueueSeen(ctx, ctx.actor.id, group.id);
  const rows = await ctx.db
    .select({ message: groupMessages, subject: groupTopics.subject })
    .from(groupMessages)
    .innerJoin(groupTopics, eq(groupTopics.id, groupMessages.topicId))
    .where(
      and(
        eq(groupMessages.groupId, group.id),
        eq(groupMessages.status, "pending"),
        isNull(groupTopics.removedAt),
      ),
    )
    .orderBy(asc(groupMessages.createdAt))
    .limit(500);
  const views = await presentMessages(
    ctx.db,
    rows.map((row) => row.message),
  );
  return views.map((view, index) => ({ ...view, topicSubject: rows[index]?.subject ?? "" }));
}

async function pendingMessage(db: Db, group: GroupRow, messageId: string): Promise<MessageRow> {
  const [message] = await db
    .select()
    .from(groupMessages)
    .where(and(eq(groupMessages.id, messageId), eq(groupMessages.groupId, group.id)));
  if (!message) throw notFound("The message");
  if (message.status !== "pending")
    throw new AppError("conflict", `This message was already ${message.status}.`);
  return message;
}

/**
 * Approves a pending message: it is published (indexed, announced, mailed). Approving a message of a
 * member under new-members-moderated clears their flag, so their next posts go straight out.
 */
export async function approveMessage(ctx: ActorCtx, handle: string, messageId: string): Promise<Posted> {
  await inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    requireModerator(group, await membershipOf(tx.db, group.id, ctx.actor.id));
    const pending = await pendingMessage(tx.db, group, messageId);
    const [message] = await tx.db
      .update(groupMessages)
      .set({ status: "published", moderatedBy: ctx.actor.id, moderatedAt: new Date() })
      .where(eq(groupMessages.id, pending.id))
      .returning();
    if (!message) throw notFound("The message");
    await tx.db
      .update(groupMembers)
      .set({ moderated: false, updatedAt: new Date() })
      .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, message.authorId)));
    await onPublished(tx, message);
    await notifyAuthorOfModeration(tx, message, tx.actor, { approved: true });
    await recordModeration(tx, {
      groupId: group.id,
      action: "message_approved",
      targetType: "message",
      targetId: message.id,
    });
  });
  return postedView(ctx, messageId);
}

/** Rejects a pending message with a reason, which reaches its sender as a notification; the message is kept. */
export async function rejectMessage(
  ctx: ActorCtx,
  handle: string,
  messageId: string,
  reason: string,
): Promise<GroupMessage> {
  await inTransaction(ctx, async (tx) => {
    const group = await groupByHandleOrThrow(tx.db, handle);
    requireModerator(group, await membershipOf(tx.db, group.id, ctx.actor.id));
    const pending = await pendingMessage(tx.db, group, messageId);
    const [rejected] = await tx.db
      .update(groupMessages)
      .set({
        status: "rejected",
        rejectionReason: reason,
        moderatedBy: ctx.actor.id,
        moderatedAt: new Date(),
      })
      .where(eq(groupMessages.id, pending.id))
      .returning();
    if (rejected) await notifyAuthorOfModeration(tx, rejected, tx.actor, { approved: false, reason });
    await recordModeration(tx, {
      groupId: group.id,
      action: "message_rejected",
      targetType: "message",
      targetId: pending.id,
      reason,
    });
    // The rejected message stays on the topic page of its author, its one reader.
    await publishEvent(
      tx,
      groupTopicChanged,
      { userIds: [pending.authorId] },
      { groupId: group.id, topicId: pending.topicId },
    );
  });
  const [view] = await presentMessages(ctx.db, await messagesByIds(ctx.db, [messageId]));
  if (!view) throw notFound("The message");
  return view;
}

/** Published messages of a group carrying a #hashtag, newest first, for its members. */
export async function messagesWithHashtag(
  ctx: ActorCtx,
  handle: string,
  tag: string,
): Promise<TaggedMessage[]> {
  const group = await groupByHandleOrThrow(ctx.db, handle);
  requireReader(group, await membershipOf(ctx.db, group.id, ctx.actor.id));
  const rows = await ctx.db
    .select({ message: groupMessages, subject: groupTopics.subject })
    .from(groupHashtags)
    .innerJoin(groupMessages, eq(groupMessages.id, groupHashtags.messageId))
    .innerJoin(groupTopics, eq(groupTopics.id, groupMessages.topicId))
    .where(
      and(
        eq(groupHashtags.groupId, group.id),
        eq(groupHashtags.tag, tag.toLowerCase().replace(/^#/, "")),
        eq(groupMessages.status, "published"),
        isNull(groupMessages.removedAt),
        isNull(groupTopics.removedAt),
      ),
    )
    .orderBy(desc(groupMessages.createdAt))
    .limit(200);
  const views = await presentMessages(
    ctx.db,
    rows.map((row) => row.message),
  );
  return views.map((view, index) => ({ ...view, topicSubject: rows[index]?.subject ?? "" }));
}

/** An attachment of a message the person may read (published, or their own). */
export async function loadAttachment(
  ctx: ActorCtx,
  handle: string,
  messageId: string,
  fileId: string,
): Promise<StoredFile> {
  const group = await groupByHandleOrThrow(ctx.db, handle);
  requireReader(group, await membershipOf(ctx.db, group.id, ctx.actor.id));
  const [row] = await ctx.db
    .select({ file: files, message: groupMessages })
    .from(groupMessageAttachments)
    .innerJoin(groupMessages, eq(groupMessages.id, groupMessageAttachments.messageId))
    .innerJoin(files, eq(files.id, groupMessageAttachments.fileId))
    .where(
      and(
        eq(groupMessageAttachments.messageId, messageId),
        eq(groupMessageAttachments.fileId, fileId),
        eq(groupMessages.groupId, group.id),
        isNull(groupMessages.removedAt),
      ),
    );
  if (!row || (row.message.status !== "published" && row.message.authorId !== ctx.actor.id))
    throw notFound("The attachment");
  return row.file;
}
