/**
 * Chat history brought in by an import: channels, members, messages with their threads, reactions,
 * mentions, pins and files, written set-based and with the ids the import chose, so the same export
 * imported twice writes nothing new (every statement skips the rows it already holds). Nothing here
 * notifies or publishes: the history is old news, and its channels' members have read it.
 */

import { eq, sql } from "drizzle-orm";
import { type ArrayElement, arrayLiteral } from "../../db/arrays.js";
import type { Db } from "../../db/client.js";
import { rowsOf } from "../../db/rows.js";
import type { ChannelKind } from "./contracts/channels.js";
import { channelMembers, channels, messageAttachments } from "./schema.js";

export type ImportedChannel = {
  id: string;
  slug: string | null;
  name: string;
  kind: ChannelKind;
  topic: string;
  description: string;
  /** The sorted member ids of a direct message. */
  dmKey: string | null;
  /** History for #announcements goes into the one that exists. */
  isAnnouncements: boolean;
  createdBy: string;
  createdAt: Date;
  archivedAt: Date | null;
};

/**
 * The channel the history goes into: #announcements, a channel or DM that already has the handle or
 * the same people (history joins it), or a new one with the import's id. Returns its id.
 */
export async function importChannel(db: Db, channel: ImportedChannel): Promise<string> {
  const existing = channel.isAnnouncements
    ? await db.select({ id: channels.id }).from(channels).where(eq(channels.isAnnouncements, true))
    : channel.dmKey
      ? await db.select({ id: channels.id }).from(channels).where(eq(channels.dmKey, channel.dmKey))
      : await db
          .select({ id: channels.id })
          .from(channels)
          .where(eq(channels.slug, channel.slug ?? ""));
  if (existing[0]) return existing[0].id;
  await db
    .insert(channels)
    .values({
      id: channel.id,
      slug: channel.slug,
      name: channel.name,
      kind: channel.kind,
      topic: channel.topic,
      description: channel.description,
      dmKey: channel.dmKey,
      createdBy: channel.createdBy,
      createdAt: channel.createdAt,
      archivedAt: channel.archivedAt,
    })
    .onConflictDoNothing();
  return channel.id;
}

export type ImportedMessage = {
  id: string;
  channelId: string;
  authorId: string;
  /** The message's id in its source (`slack:C024BE91L:1355517523.000005`): it is remembered here. */
  clientId: string;
  body: string;
  threadRootId: string | null;
  alsoToChannel: boolean;
  createdAt: Date;
  editedAt: Date | null;
  pinnedAt: Date | null;
  pinnedBy: string | null;
  mentionsChannel: boolean;
  reactions: { userId: string; emoji: string }[];
  mentions: string[];
  fileIds: string[];
};

const iso = (at: Date | null) => (at ? at.toISOString() : null);

/**
 * Writes a batch of one channel's messages in their order (seq follows the batch), then their
 * reactions, mentions and files. Returns how many messages were new.
 */
export async function importMessages(db: Db, batch: ImportedMessage[]): Promise<number> {
  if (batch.length === 0) return 0;
  const column = (pick: (m: ImportedMessage) => ArrayElement) => arrayLiteral(batch.map(pick));
  const rows = await rowsOf<{ id: string; seq: string }>(
    db,
    sql`
    insert into messages (id, channel_id, author_id, client_id, body, thread_root_id, also_to_channel,
      created_at, edited_at, pinned_at, pinned_by, mentions_channel)
    select * from unnest(
      ${column((m) => m.id)}::uuid[], ${column((m) => m.channelId)}::uuid[], ${column((m) => m.authorId)}::uuid[],
      ${column((m) => m.clientId)}::text[], ${column((m) => m.body)}::text[], ${column((m) => m.threadRootId)}::uuid[],
      ${column((m) => m.alsoToChannel)}::boolean[], ${column((m) => iso(m.createdAt))}::timestamptz[],
      ${column((m) => iso(m.editedAt))}::timestamptz[], ${column((m) => iso(m.pinnedAt))}::timestamptz[],
      ${column((m) => m.pinnedBy)}::uuid[], ${column((m) => m.mentionsChannel)}::boolean[])
    on conflict do nothing
    returning id, seq`,
  );
  if (rows.length === 0) return 0;
  const seqOf = new Map(rows.map((row) => [row.id, row.seq]));
  const fresh = batch.filter((message) => seqOf.has(message.id));
  const reactions = fresh.flatMap((m) =>
    m.reactions.map((r) => ({ messageId: m.id, ...r, at: m.createdAt })),
  );
  if (reactions.length > 0) {
    await db.execute(sql`
      insert into message_reactions (message_id, user_id, emoji, created_at)
      select * from unnest(${arrayLiteral(reactions.map((r) => r.messageId))}::uuid[],
        ${arrayLiteral(reactions.map((r) => r.userId))}::uuid[], ${arrayLiteral(reactions.map((r) => r.emoji))}::text[],
        ${arrayLiteral(reactions.map((r) => r.at.toISOString()))}::timestamptz[])
      on conflict do nothing`);
  }
  const mentions = fresh.flatMap((m) =>
    [...new Set(m.mentions)].map((userId) => ({
      messageId: m.id,
      userId,
      channelId: m.channelId,
      seq: seqOf.get(m.id) ?? "0",
    })),
  );
  if (mentions.length > 0) {
    await db.execute(sql`
      insert into message_mentions (message_id, user_id, channel_id, seq)
      select * from unnest(${arrayLiteral(mentions.map((r) => r.messageId))}::uuid[],
        ${arrayLiteral(mentions.map((r) => r.userId))}::uuid[], ${arrayLiteral(mentions.map((r) => r.channelId))}::uuid[],
        ${arrayLiteral(mentions.map((r) => r.seq))}::bigint[])
      on conflict do nothing`);
  }
  const attachments = fresh.flatMap((m) => m.fileIds.map((fileId) => ({ messageId: m.id, fileId })));
  if (attachments.length > 0) await db.insert(messageAttachments).values(attachments);
  return rows.length;
}

/**
 * Ends a channel's import: its members (kept when they are there already), its threads' reply counts
 * and latest replies, and everyone's read position at its newest message, so imported history
 * arrives read rather than as thousands of unread messages and mentions.
 */
export async function finishImportedChannel(db: Db, channelId: string, memberIds: string[]): Promise<void> {
  if (memberIds.length > 0) {
    await db
      .insert(channelMembers)
      .values([...new Set(memberIds)].map((userId) => ({ channelId, userId })))
      .onConflictDoNothing();
  }
  await db.execute(sql`
    update messages root set reply_count = replies.count, last_reply_at = replies.latest
    from (select thread_root_id, count(*)::int as count, max(created_at) as latest
          from messages where channel_id = ${channelId} and thread_root_id is not null and deleted_at is null
          group by thread_root_id) replies
    where root.id = replies.thread_root_id
      and (root.reply_count, root.last_reply_at) is distinct from (replies.count, replies.latest)`);
  await db.execute(sql`
    update channel_members set last_read_seq = newest.seq
    from (select coalesce(max(seq), 0) as seq from messages where channel_id = ${channelId}) newest
    where channel_id = ${channelId} and last_read_seq < newest.seq`);
}
