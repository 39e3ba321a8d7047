import { aliasedTable, and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { uuidArray } from "../../db/arrays.js";
import type { Db } from "../../db/client.js";
import { preparedQuery } from "../../db/prepared.js";
import { isTransaction } from "../../db/together.js";
import { recordAudit } from "../../platform/audit/service.js";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError, forbidden, invalid, notFound } from "../../platform/errors.js";
import { lockEventOrder, publishEvent, publishEvents } from "../../platform/events/publish.js";
import { files } from "../../platform/files/schema.js";
import { mentionedHandles, renderWithMentions } from "../../platform/mentions.js";
import { markItemSeen } from "../../platform/notifications/service.js";
import {
  activeUsersByEmail,
  mentionedPeople,
  organisationNameValue,
  peopleByIds,
} from "../accounts/index.js";
import { canRead, isMember, loadReadableChannel, postingRefusalFor, readableChannel } from "./channels.js";
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
import { GroupCommit, type Outcome } from "./group-commit.js";
import {
  channelFollowersValue,
  messageItem,
  type NewMessageAudience,
  newMessageAudience,
  notifyNewMessage,
  threadRef,
} from "./notifications.js";
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
import { readsLikeSupportRequest } from "./support-detector.js";

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
    supportLike: !deleted && readsLikeSupportRequest(row.body),
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

type PostResult = { message: Message; created: boolean };

/** What a post's reads decided: everything its writes need. */
type PreparedPost = {
  ctx: ActorCtx;
  input: PostInput;
  channel: typeof channels.$inferSelect;
  root: MessageRow | undefined;
  alsoToChannel: boolean;
  uploads: (typeof files.$inferSelect)[];
  named: string[];
  everyone: string[];
  toChannel: boolean;
  people: Map<string, Person>;
  namesByEmail: Map<string, { id: string; name: string }>;
  audience: NewMessageAudience;
};

/**
 * Posts a message, once per client id: a retry of the same post returns the first one. Everything
 * that only reads (permissions, mentions, files, names) happens first, outside any transaction; the
 * writes then go through the database's post writer, which writes the posts that queued up meanwhile
 * in one transaction under one event-order lock, so message seq order and event order are the same
 * everywhere and the lock is held once per batch rather than once per post. Inside a caller's
 * transaction the post is part of that transaction's work and is written there.
 */
export async function postMessage(
  ctx: ActorCtx,
  channelId: string,
  input: PostInput,
  /** Asked only for a new message: a retried post never spends the person's posting allowance. */
  allowance: () => Promise<boolean> = async () => true,
): Promise<PostResult> {
  const prepared = await preparePost(ctx, channelId, input, allowance);
  if ("created" in prepared) return prepared;
  if (isTransaction(ctx.db)) return answer((await writePosts(ctx, [prepared]))[0]);
  return postWriterFor(ctx.db).write(prepared);
}

const earlierPost = aliasedTable(messages, "earlier");

/**
 * Every post's first read, in one statement: the channel, whether the poster is a member, the
 * message an earlier try of this post wrote (by the poster's client id), so a retry is answered
 * with it and never spends the posting allowance, who follows the channel's every message, and the
 * name of the poster's organisation (the rest of how a post shows its author is in the actor).
 */
const postingPlace = preparedQuery((db) =>
  db
    .select({
      channel: channels,
      joined: sql<boolean>`${channelMembers.userId} is not null`,
      earlier: earlierPost,
      channelFollowers: channelFollowersValue(),
      authorOrganisation: organisationNameValue(sql.placeholder("organisationId")),
    })
    .from(channels)
    .leftJoin(
      channelMembers,
      and(eq(channelMembers.channelId, channels.id), eq(channelMembers.userId, sql.placeholder("userId"))),
    )
    .leftJoin(
      earlierPost,
      and(
        eq(earlierPost.authorId, sql.placeholder("userId")),
        eq(earlierPost.clientId, sql.placeholder("clientId")),
      ),
    )
    .where(eq(channels.id, sql.placeholder("channelId")))
    .prepare("posting_place"),
);

async function preparePost(
  ctx: ActorCtx,
  channelId: string,
  input: PostInput,
  allowance: () => Promise<boolean>,
): Promise<PreparedPost | PostResult> {
  const { actor } = ctx;
  const [row] = await postingPlace(ctx.db).execute({
    channelId,
    userId: actor.id,
    clientId: input.clientId,
    organisationId: actor.organisationId,
  });
  const place = readableChannel(row);
  const { channel, member } = place;
  if (place.earlier) return { message: await presentRetry(ctx.db, place.earlier, channelId), created: false };
  const root = await checkPostingPlace(ctx, channel, member, input.threadRootId);
  if (!(await allowance()))
    throw new AppError("rate_limited", "You are posting too fast. Wait a moment and send again.");
  const uploads = await checkUploads(ctx, input.attachmentIds ?? []);
  const { named, everyone, toChannel } = await mentionedMembers(ctx, channel, actor.id, input.body);
  const { people, namesByEmail } = await loadPeople(ctx.db, [input.body], []);
  people.set(actor.id, {
    id: actor.id,
    name: actor.name,
    email: actor.email,
    isStaff: actor.isStaff,
    organisation: { id: actor.organisationId, name: place.authorOrganisation },
  });
  const alsoToChannel = root ? (input.alsoToChannel ?? false) : false;
  const audience = await newMessageAudience(ctx, {
    channel,
    root,
    alsoToChannel,
    authorId: actor.id,
    named,
    everyone,
    channelFollowers: place.channelFollowers,
  });
  return {
    ctx,
    input,
    channel,
    root,
    alsoToChannel,
    uploads,
    named,
    everyone,
    toChannel,
    people,
    namesByEmail,
    audience,
  };
}

/** One post writer per database: the posts of this process queue on it. */
const postWriters = new WeakMap<Db, GroupCommit<PreparedPost, PostResult>>();

function postWriterFor(db: Db): GroupCommit<PreparedPost, PostResult> {
  let writer = postWriters.get(db);
  if (!writer) {
    writer = new GroupCommit(
      (posts) => inTransaction((posts[0] as PreparedPost).ctx, (tx) => writePosts(tx, posts)),
      (post) => inTransaction(post.ctx, async (tx) => answer((await writePosts(tx, [post]))[0])),
    );
    postWriters.set(db, writer);
  }
  return writer;
}

function answer(outcome: Outcome<PostResult> | undefined): PostResult {
  if (!outcome) throw new Error("the post was not written");
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

const clientKey = (authorId: string, clientId: string) => `${authorId} ${clientId}`;

/**
 * Writes prepared posts in the caller's transaction under the event-order lock: their messages in
 * one insert, then for each in seq order its related rows, events and notifications. A post whose
 * client id was already written (earlier, or by a copy before it in these posts) answers as a retry.
 * A refusal that writes nothing is that post's outcome; anything else fails them all.
 */
async function writePosts(ctx: Ctx, posts: PreparedPost[]): Promise<Outcome<PostResult>[]> {
  await lockEventOrder(ctx);
  const firsts = new Map<string, PreparedPost>();
  for (const post of posts) {
    const key = clientKey(post.ctx.actor.id, post.input.clientId);
    if (!firsts.has(key)) firsts.set(key, post);
  }
  const inserted = await ctx.db
    .insert(messages)
    .values(
      [...firsts.values()].map((post) => ({
        channelId: post.channel.id,
        authorId: post.ctx.actor.id,
        clientId: post.input.clientId,
        body: post.input.body,
        threadRootId: post.root?.id ?? null,
        alsoToChannel: post.alsoToChannel,
        mentionsChannel: post.toChannel,
      })),
    )
    .onConflictDoNothing()
    .returning();
  const rows = new Map(inserted.map((row) => [clientKey(row.authorId, row.clientId), row]));
  const outcomes = new Map<PreparedPost, Outcome<PostResult>>();
  const written: { post: PreparedPost; row: MessageRow }[] = [];
  for (const [key, post] of firsts) {
    const row = rows.get(key);
    if (row) written.push({ post, row });
  }
  // Events follow seq, whatever order the insert numbered the rows in.
  written.sort((a, b) => Number(a.row.seq) - Number(b.row.seq));
  const viewed: { post: PreparedPost; row: MessageRow; view: Message }[] = [];
  for (const { post, row } of written)
    viewed.push({ post, row, view: await writeAttached(ctx.db, post, row) });
  // Every new message announced in one statement, in seq order, before anything each one causes.
  await publishEvents(
    ctx,
    viewed.map(({ view }) => ({
      event: messageCreated,
      audience: { channelId: view.channelId },
      payload: { message: view },
    })),
  );
  for (const { post, row, view } of viewed) {
    await announceConsequences({ ...post.ctx, db: ctx.db }, post, row);
    outcomes.set(post, { ok: true, value: { message: view, created: true } });
  }
  for (const post of posts) {
    if (outcomes.has(post)) continue;
    // Written before, or by an earlier copy of the same post here: the first one is the answer.
    const winner = await findByClientId(ctx.db, post.ctx.actor.id, post.input.clientId);
    if (!winner) throw new Error("message row was neither written nor found");
    try {
      outcomes.set(post, {
        ok: true,
        value: { message: await presentRetry(ctx.db, winner, post.channel.id), created: false },
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      outcomes.set(post, { ok: false, error });
    }
  }
  return posts.map((post) => outcomes.get(post) as Outcome<PostResult>);
}

/** A new message's attachments and mentions; its view as every reader sees it. */
async function writeAttached(db: Db, post: PreparedPost, row: MessageRow): Promise<Message> {
  const { uploads, named, channel, people, namesByEmail } = post;
  const attachments =
    uploads.length > 0
      ? await db
          .insert(messageAttachments)
          .values(uploads.map((file) => ({ messageId: row.id, fileId: file.id })))
          .returning()
      : [];
  if (named.length > 0) {
    await db
      .insert(messageMentions)
      .values(named.map((userId) => ({ messageId: row.id, userId, channelId: channel.id, seq: row.seq })));
  }
  return toView(row, {
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
}

/** What a new message causes, once it is announced: the thread's count, mention events, notifications. */
async function announceConsequences(ctx: ActorCtx, post: PreparedPost, row: MessageRow): Promise<void> {
  const { named, everyone, root, channel, namesByEmail } = post;
  if (root) {
    // Atomic, so concurrent replies all count; a root deleted since the post's reads refuses it.
    const [updatedRoot] = await ctx.db
      .update(messages)
      .set({ replyCount: sql`${messages.replyCount} + 1`, lastReplyAt: row.createdAt })
      .where(and(eq(messages.id, root.id), isNull(messages.deletedAt)))
      .returning();
    if (!updatedRoot) throw invalid({ threadRootId: "That message was deleted." });
    await publishMessage(ctx, messageUpdated, await presentOne(ctx.db, updatedRoot));
  }
  if (named.length > 0 || everyone.length > 0) {
    await publishEvent(
      ctx,
      mentioned,
      { userIds: [...named, ...everyone] },
      { channelId: channel.id, messageId: row.id, by: { id: ctx.actor.id, name: ctx.actor.name } },
    );
  }
  await notifyNewMessage(ctx, { row, channel, root, author: ctx.actor, namesByEmail }, post.audience);
}

/**
 * Refuses a post the actor may not make here; for a thread reply, returns its root. Not locked: the
 * write counts the reply atomically and refuses it if the root was deleted meanwhile.
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
  const [root] = await ctx.db.select().from(messages).where(eq(messages.id, threadRootId));
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
        wanted ? sql`${channelMembers.userId} = any(${uuidArray(wanted)})` : undefined,
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
