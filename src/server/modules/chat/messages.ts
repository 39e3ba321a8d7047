import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type Actor, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, forbidden, invalid, notFound } from "../../platform/errors.js";
import { lockEventOrder, publishEvent } from "../../platform/events/publish.js";
import { files } from "../../platform/files/schema.js";
import { activeUsersByEmail, peopleByIds } from "../accounts/index.js";
import { canRead, isMember, loadReadableChannel, postingRefusal } from "./channels.js";
import { type MessageRow, type MessageView, unknownPerson } from "./present.js";
import { mentionedHandles, renderMessageBody } from "./render.js";
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

export const MAX_MESSAGE_LENGTH = 40_000;

/** Messages with everything a reader sees: author, rendered body, reactions, files, mentions. */
export async function presentMessages(db: Db, rows: MessageRow[]): Promise<MessageView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [reactions, attachments, mentions] = await Promise.all([
    db
      .select()
      .from(messageReactions)
      .where(inArray(messageReactions.messageId, ids))
      .orderBy(asc(messageReactions.createdAt)),
    db
      .select({ messageId: messageAttachments.messageId, id: messageAttachments.id, file: files })
      .from(messageAttachments)
      .innerJoin(files, eq(files.id, messageAttachments.fileId))
      .where(inArray(messageAttachments.messageId, ids)),
    db.select().from(messageMentions).where(inArray(messageMentions.messageId, ids)),
  ]);
  const mentionedEmails = rows.flatMap((r) => mentionedHandles(r.body).emails);
  const mentionedIds = await activeUsersByEmail(db, [...new Set(mentionedEmails)]);
  const people = await peopleByIds(db, [...rows.map((r) => r.authorId), ...mentionedIds.values()]);
  const namesByEmail = new Map(
    [...mentionedIds].flatMap(([email, id]) => {
      const person = people.get(id);
      return person ? [[email, { id, name: person.name }] as const] : [];
    }),
  );
  return rows.map((row) => {
    const deleted = row.deletedAt !== null;
    const byEmoji = new Map<string, string[]>();
    for (const reaction of reactions.filter((r) => r.messageId === row.id)) {
      byEmoji.set(reaction.emoji, [...(byEmoji.get(reaction.emoji) ?? []), reaction.userId]);
    }
    const author = people.get(row.authorId);
    return {
      id: row.id,
      seq: Number(row.seq),
      channelId: row.channelId,
      clientId: row.clientId,
      author: author
        ? { id: author.id, name: author.name, isStaff: author.isStaff, organisation: author.organisation }
        : unknownPerson(row.authorId),
      body: deleted ? "" : row.body,
      bodyHtml: deleted ? "" : renderMessageBody(row.body, namesByEmail),
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
        : attachments
            .filter((a) => a.messageId === row.id)
            .map((a) => ({
              id: a.id,
              filename: a.file.filename,
              contentType: a.file.contentType,
              size: a.file.size,
              url: `/api/chat/attachments/${a.id}`,
              isImage: a.file.contentType.startsWith("image/"),
            })),
      mentions: mentions.filter((m) => m.messageId === row.id).map((m) => m.userId),
      supportLike: !deleted && detectSupportRequest(row.body).supportLike,
      ticketId: row.ticketId,
      createdAt: row.createdAt.toISOString(),
    };
  });
}

async function presentOne(db: Db, row: MessageRow): Promise<MessageView> {
  const [view] = await presentMessages(db, [row]);
  if (!view) throw notFound("The message");
  return view;
}

/** Loads a message whose channel the actor may read. */
export async function loadReadableMessage(db: Db, actor: Actor, id: string, lock = false) {
  const query = db.select().from(messages).where(eq(messages.id, id));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound("The message");
  const channel = await loadReadableChannel(db, actor, row.channelId).catch(() => {
    throw notFound("The message");
  });
  return { message: row, channel };
}

async function publishMessage(ctx: Ctx, topic: string, view: MessageView): Promise<void> {
  await publishEvent(ctx, { topic, audience: { channelId: view.channelId }, payload: { message: view } });
}

export type PostInput = {
  clientId: string;
  body: string;
  threadRootId?: string;
  alsoToChannel?: boolean;
  attachmentIds?: string[];
};

/**
 * Posts a message, once per client id: a retry of the same post returns the first one. The event
 * order lock is taken first, so message seq order and event order are the same everywhere.
 */
export async function postMessage(
  ctx: Ctx,
  actor: Actor,
  channelId: string,
  input: PostInput,
  /** Asked only for a new message: a retried post never spends the person's posting allowance. */
  allowance: () => boolean = () => true,
): Promise<{ message: MessageView; created: boolean }> {
  return inTransaction(ctx, async (tx) => {
    await lockEventOrder(tx);
    const [existing] = await tx.db
      .select()
      .from(messages)
      .where(and(eq(messages.authorId, actor.id), eq(messages.clientId, input.clientId)));
    if (existing) {
      if (existing.channelId !== channelId)
        throw invalid({ clientId: "This client id was used for another message." });
      return { message: await presentOne(tx.db, existing), created: false };
    }
    const channel = await loadReadableChannel(tx.db, actor, channelId);
    let root: MessageRow | undefined;
    if (input.threadRootId) {
      [root] = await tx.db.select().from(messages).where(eq(messages.id, input.threadRootId)).for("update");
      if (!root || root.channelId !== channelId || root.threadRootId !== null) {
        throw invalid({ threadRootId: "Reply to a message in this channel." });
      }
      if (root.deletedAt) throw invalid({ threadRootId: "That message was deleted." });
      if (channel.archivedAt) throw forbidden("This channel is archived.");
      // Everyone may reply in #announcements threads; elsewhere replying takes membership.
      if (!channel.isAnnouncements && !(await isMember(tx.db, channel, actor.id)))
        throw forbidden("Join the channel to reply.");
    } else {
      const refusal = await postingRefusal(tx.db, channel, actor);
      if (refusal) throw forbidden(refusal);
    }
    if (!allowance())
      throw new AppError("rate_limited", "You are posting too fast. Wait a moment and send again.");

    const [row] = await tx.db
      .insert(messages)
      .values({
        channelId,
        authorId: actor.id,
        clientId: input.clientId,
        body: input.body,
        threadRootId: root?.id ?? null,
        alsoToChannel: root ? (input.alsoToChannel ?? false) : false,
      })
      .returning();
    if (!row) throw new Error("message row was not written");
    await attachUploads(tx, actor, row.id, input.attachmentIds ?? []);
    const mentioned = await recordMentions(tx, channel, row);

    const view = await presentOne(tx.db, row);
    await publishMessage(tx, "message.created", view);
    if (root) {
      const [updatedRoot] = await tx.db
        .update(messages)
        .set({ replyCount: sql`${messages.replyCount} + 1`, lastReplyAt: row.createdAt })
        .where(eq(messages.id, root.id))
        .returning();
      if (updatedRoot) await publishMessage(tx, "message.updated", await presentOne(tx.db, updatedRoot));
    }
    if (mentioned.length > 0) {
      await publishEvent(tx, {
        topic: "mention",
        audience: { userIds: mentioned },
        payload: { channelId, messageId: row.id, by: { id: actor.id, name: actor.name } },
      });
    }
    return { message: view, created: true };
  });
}

/** Writes a mention row per person named (members only) or per member for @channel. */
async function recordMentions(
  ctx: Ctx,
  channel: typeof channels.$inferSelect,
  row: MessageRow,
): Promise<string[]> {
  const { emails, everyone } = mentionedHandles(row.body);
  const byEmail = await activeUsersByEmail(ctx.db, emails);
  let userIds = [...byEmail.values()];
  if (everyone && !channel.isAnnouncements) {
    const members = await ctx.db
      .select({ userId: channelMembers.userId })
      .from(channelMembers)
      .where(eq(channelMembers.channelId, channel.id));
    userIds.push(...members.map((m) => m.userId));
  }
  const candidates = [...new Set(userIds)].filter((id) => id !== row.authorId);
  userIds = [];
  for (const id of candidates) if (await isMember(ctx.db, channel, id)) userIds.push(id);
  if (userIds.length > 0) {
    await ctx.db
      .insert(messageMentions)
      .values(
        userIds.map((userId) => ({ messageId: row.id, userId, channelId: channel.id, seq: Number(row.seq) })),
      )
      .onConflictDoNothing();
  }
  return userIds;
}

async function attachUploads(ctx: Ctx, actor: Actor, messageId: string, fileIds: string[]): Promise<void> {
  if (fileIds.length === 0) return;
  const owned = await ctx.db
    .select({ id: files.id })
    .from(files)
    .where(and(inArray(files.id, fileIds), eq(files.uploadedBy, actor.id)));
  const used = await ctx.db
    .select({ fileId: messageAttachments.fileId })
    .from(messageAttachments)
    .where(inArray(messageAttachments.fileId, fileIds));
  if (owned.length !== new Set(fileIds).size || used.length > 0) {
    throw invalid({ attachmentIds: "Attach files you uploaded and have not sent yet." });
  }
  await ctx.db
    .insert(messageAttachments)
    .values([...new Set(fileIds)].map((fileId) => ({ messageId, fileId })));
}

/** A channel's history, newest page first by `before`, returned oldest first. */
export async function listMessages(
  db: Db,
  actor: Actor,
  channelId: string,
  page: { before?: number; limit: number },
) {
  await loadReadableChannel(db, actor, channelId);
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
export async function getThread(db: Db, actor: Actor, messageId: string) {
  const { message: asked } = await loadReadableMessage(db, actor, messageId);
  const message = asked.threadRootId
    ? (await loadReadableMessage(db, actor, asked.threadRootId)).message
    : asked;
  const rootId = message.id;
  const replies = await db
    .select()
    .from(messages)
    .where(eq(messages.threadRootId, rootId))
    .orderBy(asc(messages.seq));
  const [root, ...rest] = await presentMessages(db, [message, ...replies]);
  if (!root) throw notFound("The message");
  return { root, replies: rest };
}

export async function editMessage(ctx: Ctx, actor: Actor, id: string, body: string): Promise<MessageView> {
  return inTransaction(ctx, async (tx) => {
    const { message } = await loadReadableMessage(tx.db, actor, id, true);
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
    await publishMessage(tx, "message.updated", view);
    return view;
  });
}

/** Hides a message from everyone; its text stays in the revisions and the audit log. */
export async function deleteMessage(ctx: Ctx, actor: Actor, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const { message } = await loadReadableMessage(tx.db, actor, id, true);
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
    await publishEvent(tx, {
      topic: "message.deleted",
      audience: { channelId: message.channelId },
      payload: { messageId: id, channelId: message.channelId, threadRootId: message.threadRootId },
    });
  });
}

async function requireParticipant(
  db: Db,
  actor: Actor,
  channel: typeof channels.$inferSelect,
): Promise<void> {
  if (!(await isMember(db, channel, actor.id))) throw forbidden("Join the channel first.");
}

export async function setReaction(
  ctx: Ctx,
  actor: Actor,
  id: string,
  emoji: string,
  on: boolean,
): Promise<MessageView> {
  return inTransaction(ctx, async (tx) => {
    const { message, channel } = await loadReadableMessage(tx.db, actor, id);
    await requireParticipant(tx.db, actor, channel);
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
    await publishEvent(tx, {
      topic: "reaction.changed",
      audience: { channelId: message.channelId },
      payload: { messageId: id, channelId: message.channelId, reactions: view.reactions },
    });
    return view;
  });
}

export async function setPinned(ctx: Ctx, actor: Actor, id: string, pinned: boolean): Promise<MessageView> {
  return inTransaction(ctx, async (tx) => {
    const { message, channel } = await loadReadableMessage(tx.db, actor, id, true);
    await requireParticipant(tx.db, actor, channel);
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
    await publishMessage(tx, "message.updated", view);
    return view;
  });
}

export async function listPins(db: Db, actor: Actor, channelId: string): Promise<MessageView[]> {
  await loadReadableChannel(db, actor, channelId);
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.channelId, channelId), sql`${messages.pinnedAt} is not null`))
    .orderBy(desc(messages.pinnedAt));
  return presentMessages(db, rows);
}

/** Links a message to the desk ticket opened from it, and tells the channel. */
export async function linkTicket(ctx: Ctx, messageId: string, ticketId: string): Promise<void> {
  const [row] = await ctx.db.update(messages).set({ ticketId }).where(eq(messages.id, messageId)).returning();
  if (row) await publishMessage(ctx, "message.updated", await presentOne(ctx.db, row));
}

export async function canReadMessageFile(db: Db, actor: Actor, attachmentId: string) {
  const [row] = await db
    .select({ file: files, channelId: messages.channelId, deletedAt: messages.deletedAt })
    .from(messageAttachments)
    .innerJoin(files, eq(files.id, messageAttachments.fileId))
    .innerJoin(messages, eq(messages.id, messageAttachments.messageId))
    .where(eq(messageAttachments.id, attachmentId));
  if (!row || row.deletedAt) throw notFound("The attachment");
  const [channel] = await db.select().from(channels).where(eq(channels.id, row.channelId));
  if (!channel || !(await canRead(db, channel, actor))) throw notFound("The attachment");
  return row.file;
}
