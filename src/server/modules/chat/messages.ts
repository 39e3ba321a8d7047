import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, forbidden, invalid, notFound } from "../../platform/errors.js";
import { lockEventOrder, publishEvent } from "../../platform/events/publish.js";
import { files } from "../../platform/files/schema.js";
import { mentionedHandles, renderWithMentions } from "../../platform/mentions.js";
import { markItemSeen } from "../../platform/notifications/service.js";
import { activeUsersByEmail, mentionedPeople, peopleByIds } from "../accounts/index.js";
import {
  canRead,
  isMember,
  loadReadableChannel,
  loadReadableChannelAndMembership,
  postingRefusalFor,
} from "./channels.js";
import type { Person } from "./contracts/channels.js";
import {
  type Message,
  type MessagePage,
  type MessagesPage,
  mentioned,
  messageCreated,
  messageDeleted,
  messageUpdated,
  type PostInput,
  type Thread,
} from "./contracts/messages.js";
import { reactionsChanged } from "./contracts/reactions.js";
import { messageItem, newMessageAudience, notifyNewMessage, threadRef } from "./notifications.js";
import { type MessageRow, unknownPerson } from "./present.js";
import {
  channelMembers,
  channels,
  messageAttachments,
  messageMentions,
  messageReactions,
  messageRevisions,
  messages,
} from "./schema.js";
import { detectSupportRequest } from "./support-detector.js";

type Related = {
  reactions: { messageId: string; userId: string; emoji: string }[];
  attachments: { messageId: string; id: string; file: typeof files.$inferSelect }[];
  mentions: { messageId: string; userId: string }[];
  people: Map<string, Person>;
  namesByEmail: Map<string, { id: string; name: string }>;
};

/** Who the mentions in these bodies name, and everyone to show: authors and the mentioned. */
async function loadPeople(db: Db, bodies: string[], authorIds: string[]) {
  const mentionedEmails = [...new Set(bodies.flatMap((body) => mentionedHandles(body).emails))];
  const namesByEmail = await mentionedPeople(db, mentionedEmails);
  const people = await peopleByIds(db, [
    ...authorIds,
    ...[...namesByEmail.values()].map((person) => person.id),
  ]);
  return { people, namesByEmail };
}

/** A message as every reader sees it, from its row and its related rows. */
function toView(row: MessageRow, related: Related): Message {
  const deleted = row.deletedAt !== null;
  const byEmoji = new Map<string, string[]>();
  for (const reaction of related.reactions.filter((r) => r.messageId === row.id)) {
    byEmoji.set(reaction.emoji, [...(byEmoji.get(reaction.emoji) ?? []), reaction.userId]);
  }
  const author = related.people.get(row.authorId);
  return {
    id: row.id,
    seq: Number(row.seq),
    channelId: row.channelId,
    clientId: row.clientId,
    author: author
      ? { id: author.id, name: author.name, isStaff: author.isStaff, organisation: author.organisation }
      : unknownPerson(row.authorId),
    body: deleted ? "" : row.body,
    bodyHtml: deleted ? "" : renderWithMentions(row.body, related.namesByEmail),
    threadRootId: row.threadRootId,
    alsoToChannel: row.alsoToChannel,
    replyCount: row.replyCount,
    lastReplyAt: row.lastReplyAt?.toISOString() ?? null,
    editedAt: row.editedAt?.toISOString() ?? null,
    deleted,
    pinned: row.pinnedAt !== null,
    reactions: deleted ? [] : [...byEmoji].map(([emoji, userIds]) => ({ emoji, userIds })),
    attachments: deleted
      ? []
      : related.attachments
          .filter((a) => a.messageId === row.id)
          .map((a) => ({
            id: a.id,
            filename: a.file.filename,
            contentType: a.file.contentType,
            size: a.file.size,
            url: `/api/chat/attachments/${a.id}`,
            isImage: a.file.contentType.startsWith("image/"),
          })),
    mentions: related.mentions.filter((m) => m.messageId === row.id).map((m) => m.userId),
    mentionsChannel: row.mentionsChannel,
    supportLike: !deleted && detectSupportRequest(row.body).supportLike,
    ticketId: row.ticketId,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Messages with everything a reader sees: author, rendered body, reactions, files, mentions. */
export async function presentMessages(db: Db, rows: MessageRow[]): Promise<Message[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  // One after another: inside a transaction the queries share one connection anyway.
  const reactions = await db
    .select()
    .from(messageReactions)
    .where(inArray(messageReactions.messageId, ids))
    .orderBy(asc(messageReactions.createdAt));
  const attachments = await db
    .select({ messageId: messageAttachments.messageId, id: messageAttachments.id, file: files })
    .from(messageAttachments)
    .innerJoin(files, eq(files.id, messageAttachments.fileId))
    .where(inArray(messageAttachments.messageId, ids));
  const mentions = await db.select().from(messageMentions).where(inArray(messageMentions.messageId, ids));
  const { people, namesByEmail } = await loadPeople(
    db,
    rows.map((r) => r.body),
    rows.map((r) => r.authorId),
  );
  return rows.map((row) => toView(row, { reactions, attachments, mentions, people, namesByEmail }));
}

async function presentOne(db: Db, row: MessageRow): Promise<Message> {
  const [view] = await presentMessages(db, [row]);
  if (!view) throw notFound("The message");
  return view;
}

/** Loads a message whose channel the actor may read. */
export async function loadReadableMessage(ctx: ActorCtx, id: string, lock = false) {
  const query = ctx.db.select().from(messages).where(eq(messages.id, id));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound("The message");
  const channel = await loadReadableChannel(ctx, row.channelId).catch(() => {
    throw notFound("The message");
  });
  return { message: row, channel };
}

async function publishMessage(
  ctx: Ctx,
  event: typeof messageCreated | typeof messageUpdated,
  view: Message,
): Promise<void> {
  await publishEvent(ctx, event, { channelId: view.channelId }, { message: view });
}

/**
 * Posts a message, once per client id: a retry of the same post returns the first one. Everything
 * that only reads (permissions, mentions, files, names) happens first; the event-order lock is then
 * held just for the writes, so message seq order and event order are the same everywhere while
 * posts in different channels barely wait for each other.
 */
export async function postMessage(
  ctx: ActorCtx,
  channelId: string,
  input: PostInput,
  /** Asked only for a new message: a retried post never spends the person's posting allowance. */
  allowance: () => Promise<boolean> = async () => true,
): Promise<{ message: Message; created: boolean }> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    const earlier = await findByClientId(tx.db, actor.id, input.clientId);
    if (earlier) return { message: await presentRetry(tx.db, earlier, channelId), created: false };
    const { channel, member } = await loadReadableChannelAndMembership(tx, channelId);
    const root = await checkPostingPlace(tx, channel, member, input.threadRootId);
    if (!(await allowance()))
      throw new AppError("rate_limited", "You are posting too fast. Wait a moment and send again.");
    const uploads = await checkUploads(tx, input.attachmentIds ?? []);
    const { named, everyone, toChannel } = await mentionedMembers(tx, channel, actor.id, input.body);
    const { people, namesByEmail } = await loadPeople(tx.db, [input.body], [actor.id]);
    const alsoToChannel = root ? (input.alsoToChannel ?? false) : false;
    const audience = await newMessageAudience(tx, {
      channel,
      root,
      alsoToChannel,
      authorId: actor.id,
      named,
      everyone,
    });

    await lockEventOrder(tx);
    const [row] = await tx.db
      .insert(messages)
      .values({
        channelId,
        authorId: actor.id,
        clientId: input.clientId,
        body: input.body,
        threadRootId: root?.id ?? null,
        alsoToChannel,
        mentionsChannel: toChannel,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      // The same post arrived twice at once and the other copy won.
      const winner = await findByClientId(tx.db, actor.id, input.clientId);
      if (!winner) throw new Error("message row was neither written nor found");
      return { message: await presentRetry(tx.db, winner, channelId), created: false };
    }
    const attachments =
      uploads.length > 0
        ? await tx.db
            .insert(messageAttachments)
            .values(uploads.map((file) => ({ messageId: row.id, fileId: file.id })))
            .returning()
        : [];
    if (named.length > 0) {
      await tx.db
        .insert(messageMentions)
        .values(named.map((userId) => ({ messageId: row.id, userId, channelId, seq: row.seq })));
    }
    const view = toView(row, {
      reactions: [],
      attachments: attachments.map((a) => ({
        messageId: row.id,
        id: a.id,
        file: uploads.find((file) => file.id === a.fileId) as typeof files.$inferSelect,
      })),
      mentions: named.map((userId) => ({ messageId: row.id, userId })),
      people,
      namesByEmail,
    });
    await publishMessage(tx, messageCreated, view);
    if (root) {
      const [updatedRoot] = await tx.db
        .update(messages)
        .set({ replyCount: sql`${messages.replyCount} + 1`, lastReplyAt: row.createdAt })
        .where(eq(messages.id, root.id))
        .returning();
      if (updatedRoot) await publishMessage(tx, messageUpdated, await presentOne(tx.db, updatedRoot));
    }
    if (named.length > 0 || everyone.length > 0) {
      await publishEvent(
        tx,
        mentioned,
        { userIds: [...named, ...everyone] },
        { channelId, messageId: row.id, by: { id: actor.id, name: actor.name } },
      );
    }
    await notifyNewMessage(tx, { row, channel, root, author: actor, namesByEmail }, audience);
    return { message: view, created: true };
  });
}

/**
 * Refuses a post the actor may not make here; for a thread reply, returns its root, locked so
 * concurrent replies count up one after another.
 */
async function checkPostingPlace(
  ctx: ActorCtx,
  channel: typeof channels.$inferSelect,
  member: boolean,
  threadRootId: string | undefined,
): Promise<MessageRow | undefined> {
  if (!threadRootId) {
    const refusal = postingRefusalFor(channel, ctx.actor, member);
    if (refusal) throw forbidden(refusal);
    return undefined;
  }
  const [root] = await ctx.db.select().from(messages).where(eq(messages.id, threadRootId)).for("update");
  if (!root || root.channelId !== channel.id || root.threadRootId !== null) {
    throw invalid({ threadRootId: "Reply to a message in this channel." });
  }
  if (root.deletedAt) throw invalid({ threadRootId: "That message was deleted." });
  if (channel.archivedAt) throw forbidden("This channel is archived.");
  // Everyone may reply in #announcements threads; elsewhere replying takes membership.
  if (!channel.isAnnouncements && !member) throw forbidden("Join the channel to reply.");
  return root;
}

async function findByClientId(db: Db, authorId: string, clientId: string) {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.authorId, authorId), eq(messages.clientId, clientId)));
  return row;
}

async function presentRetry(db: Db, earlier: MessageRow, channelId: string): Promise<Message> {
  if (earlier.channelId !== channelId)
    throw invalid({ clientId: "This client id was used for another message." });
  return presentOne(db, earlier);
}

/**
 * The people a post names who are in the channel, and (for @channel, `toChannel`) the other members,
 * never its author. Membership is asked once for all of them, so an @channel in a large channel stays
 * cheap.
 */
async function mentionedMembers(
  ctx: Ctx,
  channel: typeof channels.$inferSelect,
  authorId: string,
  body: string,
): Promise<{ named: string[]; everyone: string[]; toChannel: boolean }> {
  const { emails, everyone: toChannel } = mentionedHandles(body);
  const addressed = [...(await activeUsersByEmail(ctx.db, emails)).values()].filter((id) => id !== authorId);
  // Everyone is in #announcements without a membership row, and @channel does not reach them there.
  if (channel.isAnnouncements) return { named: addressed, everyone: [], toChannel: false };
  const wanted = toChannel ? undefined : addressed;
  if (wanted?.length === 0) return { named: [], everyone: [], toChannel: false };
  const members = await ctx.db
    .select({ userId: channelMembers.userId })
    .from(channelMembers)
    .where(
      and(
        eq(channelMembers.channelId, channel.id),
        wanted ? sql`${channelMembers.userId} = any(${`{${wanted.join(",")}}`}::uuid[])` : undefined,
      ),
    );
  const memberIds = new Set(members.map((member) => member.userId));
  memberIds.delete(authorId);
  const named = addressed.filter((id) => memberIds.has(id));
  const namedSet = new Set(named);
  return { named, everyone: toChannel ? [...memberIds].filter((id) => !namedSet.has(id)) : [], toChannel };
}

/** Files the author uploaded and has not sent yet; anything else is refused. */
async function checkUploads(ctx: ActorCtx, fileIds: string[]) {
  if (fileIds.length === 0) return [];
  const unique = [...new Set(fileIds)];
  const owned = await ctx.db
    .select()
    .from(files)
    .where(and(inArray(files.id, unique), eq(files.uploadedBy, ctx.actor.id)));
  const used = await ctx.db
    .select({ fileId: messageAttachments.fileId })
    .from(messageAttachments)
    .where(inArray(messageAttachments.fileId, unique));
  if (owned.length !== unique.length || used.length > 0) {
    throw invalid({ attachmentIds: "Attach files you uploaded and have not sent yet." });
  }
  return owned;
}

/** A channel's history, newest page first by `before`, returned oldest first. */
export async function listMessages(
  ctx: ActorCtx,
  channelId: string,
  page: MessagePage,
): Promise<MessagesPage> {
  const { db } = ctx;
  await loadReadableChannel(ctx, channelId);
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.channelId, channelId),
        or(isNull(messages.threadRootId), eq(messages.alsoToChannel, true)),
        page.before ? lt(messages.seq, page.before) : undefined,
      ),
    )
    .orderBy(desc(messages.seq))
    .limit(page.limit + 1);
  const hasMore = rows.length > page.limit;
  return { messages: await presentMessages(db, rows.slice(0, page.limit).reverse()), hasMore };
}

/** The thread a message belongs to; asked with a reply's id, the whole thread of its root. */
export async function getThread(ctx: ActorCtx, messageId: string): Promise<Thread> {
  const { db } = ctx;
  const { message: asked } = await loadReadableMessage(ctx, messageId);
  const message = asked.threadRootId ? (await loadReadableMessage(ctx, asked.threadRootId)).message : asked;
  const rootId = message.id;
  const replies = await db
    .select()
    .from(messages)
    .where(eq(messages.threadRootId, rootId))
    .orderBy(asc(messages.seq));
  const [root, ...rest] = await presentMessages(db, [message, ...replies]);
  if (!root) throw notFound("The message");
  // An opened thread has been seen, its root included: none of it is e-mailed later.
  await inTransaction(ctx, async (tx) => {
    await markItemSeen(tx, ctx.actor.id, threadRef(rootId));
    await markItemSeen(tx, ctx.actor.id, { type: messageItem.type, id: rootId });
  });
  return { root, replies: rest };
}

export async function editMessage(ctx: ActorCtx, id: string, body: string): Promise<Message> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    const { message } = await loadReadableMessage(tx, id, true);
    if (message.authorId !== actor.id) throw forbidden("Only the author edits a message.");
    if (message.deletedAt) throw new AppError("conflict", "This message was deleted.");
    if (message.body === body) return presentOne(tx.db, message);
    await tx.db
      .insert(messageRevisions)
      .values({ messageId: id, body: message.body, reason: "edited", changedBy: actor.id });
    const [row] = await tx.db
      .update(messages)
      .set({ body, editedAt: new Date() })
      .where(eq(messages.id, id))
      .returning();
    if (!row) throw notFound("The message");
    const view = await presentOne(tx.db, row);
    await publishMessage(tx, messageUpdated, view);
    return view;
  });
}

/** Hides a message from everyone; its text stays in the revisions and the audit log. */
export async function deleteMessage(ctx: ActorCtx, id: string): Promise<void> {
  const { actor } = ctx;
  await inTransaction(ctx, async (tx) => {
    const { message } = await loadReadableMessage(tx, id, true);
    if (message.authorId !== actor.id && !actor.isStaff)
      throw forbidden("Only the author or the product team deletes a message.");
    if (message.deletedAt) return;
    await tx.db
      .insert(messageRevisions)
      .values({ messageId: id, body: message.body, reason: "deleted", changedBy: actor.id });
    await tx.db.update(messages).set({ deletedAt: new Date(), pinnedAt: null }).where(eq(messages.id, id));
    await recordAudit(tx, {
      action: "chat.message_deleted",
      targetType: "message",
      targetId: id,
      details: { channelId: message.channelId, authorId: message.authorId, body: message.body },
    });
    await publishEvent(
      tx,
      messageDeleted,
      { channelId: message.channelId },
      { messageId: id, channelId: message.channelId, threadRootId: message.threadRootId },
    );
  });
}

async function requireParticipant(ctx: ActorCtx, channel: typeof channels.$inferSelect): Promise<void> {
  if (!(await isMember(ctx.db, channel, ctx.actor.id))) throw forbidden("Join the channel first.");
}

export async function setReaction(ctx: ActorCtx, id: string, emoji: string, on: boolean): Promise<Message> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    const { message, channel } = await loadReadableMessage(tx, id);
    await requireParticipant(tx, channel);
    if (message.deletedAt) throw new AppError("conflict", "This message was deleted.");
    if (on) {
      await tx.db
        .insert(messageReactions)
        .values({ messageId: id, userId: actor.id, emoji })
        .onConflictDoNothing();
    } else {
      await tx.db
        .delete(messageReactions)
        .where(
          and(
            eq(messageReactions.messageId, id),
            eq(messageReactions.userId, actor.id),
            eq(messageReactions.emoji, emoji),
          ),
        );
    }
    const view = await presentOne(tx.db, message);
    await publishEvent(
      tx,
      reactionsChanged,
      { channelId: message.channelId },
      { messageId: id, channelId: message.channelId, reactions: view.reactions },
    );
    return view;
  });
}

export async function setPinned(ctx: ActorCtx, id: string, pinned: boolean): Promise<Message> {
  const { actor } = ctx;
  return inTransaction(ctx, async (tx) => {
    const { message, channel } = await loadReadableMessage(tx, id, true);
    await requireParticipant(tx, channel);
    if (channel.isAnnouncements && !actor.isStaff)
      throw forbidden("Only the product team pins in #announcements.");
    if (message.deletedAt) throw new AppError("conflict", "This message was deleted.");
    const [row] = await tx.db
      .update(messages)
      .set(pinned ? { pinnedAt: new Date(), pinnedBy: actor.id } : { pinnedAt: null, pinnedBy: null })
      .where(eq(messages.id, id))
      .returning();
    if (!row) throw notFound("The message");
    const view = await presentOne(tx.db, row);
    await publishMessage(tx, messageUpdated, view);
    return view;
  });
}

export async function listPins(ctx: ActorCtx, channelId: string): Promise<Message[]> {
  await loadReadableChannel(ctx, channelId);
  const rows = await ctx.db
    .select()
    .from(messages)
    .where(and(eq(messages.channelId, channelId), sql`${messages.pinnedAt} is not null`))
    .orderBy(desc(messages.pinnedAt));
  return presentMessages(ctx.db, rows);
}

/** Links a message to the desk ticket opened from it, and tells the channel. */
export async function linkTicket(ctx: Ctx, messageId: string, ticketId: string): Promise<void> {
  const [row] = await ctx.db.update(messages).set({ ticketId }).where(eq(messages.id, messageId)).returning();
  if (row) await publishMessage(ctx, messageUpdated, await presentOne(ctx.db, row));
}

export async function canReadMessageFile(ctx: ActorCtx, attachmentId: string) {
  const { db } = ctx;
  const [row] = await db
    .select({ file: files, channelId: messages.channelId, deletedAt: messages.deletedAt })
    .from(messageAttachments)
    .innerJoin(files, eq(files.id, messageAttachments.fileId))
    .innerJoin(messages, eq(messages.id, messageAttachments.messageId))
    .where(eq(messageAttachments.id, attachmentId));
  if (!row || row.deletedAt) throw notFound("The attachment");
  const [channel] = await db.select().from(channels).where(eq(channels.id, row.channelId));
  if (!channel || !(await canRead(db, channel, ctx.actor))) throw notFound("The attachment");
  return row.file;
}
