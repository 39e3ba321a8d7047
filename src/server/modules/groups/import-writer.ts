/**
 * Writing an imported group archive (Groups.io) into the groups tables, in bulk: the rows are
 * written as they are, with their original dates, and nothing else happens. None of what a post
 * does when it is published through topics.ts runs here: no live event, no notification, no list
 * mail, no moderation. Every row has an id the importer made from the export (importedId), and
 * every insert skips what is there already, so importing the same archive twice writes nothing new
 * and a run stopped half way is run again from the start.
 */

import { and, eq, inArray, or, sql } from "drizzle-orm";
import { type ActorCtx, type Ctx, inTransaction } from "../../platform/context.js";
import { AppError } from "../../platform/errors.js";
import type { DeliveryMode, GroupRole } from "./contracts/groups.js";
import { createGroup } from "./groups.js";
import {
  groupHashtags,
  groupMembers,
  groupMessageAttachments,
  groupMessages,
  groupTopics,
} from "./schema.js";
import { groupByHandle } from "./store.js";

/** Rows a bulk statement carries at most (each row is a handful of bound values). */
export const IMPORT_BATCH_ROWS = 500;

export type ImportedGroupMember = {
  userId: string;
  role: GroupRole;
  delivery: DeliveryMode;
  joinedAt: Date | null;
};

export type ImportedTopic = {
  id: string;
  subject: string;
  authorId: string;
  createdAt: Date;
  lastMessageAt: Date;
};

export type ImportedMessage = {
  id: string;
  topicId: string;
  authorId: string;
  body: string;
  createdAt: Date;
  /** The Message-ID of the original mail: a later mail with the same id is not stored twice. */
  emailMessageId: string | null;
  hashtags: string[];
  /** Files already stored (files.id), linked to the message. */
  fileIds: string[];
};

export type ImportTargetGroup = { id: string; handle: string; name: string; created: boolean };

const chunks = <T>(items: readonly T[], size = IMPORT_BATCH_ROWS): T[][] => {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
};

/**
 * The group an archive goes into: the one with this handle, or a new one made by the actor (who
 * becomes its owner, as for any group made on the web). createGroup writes the group and its owner
 * and nothing else: it publishes no event, notifies no one and queues no mail.
 */
export async function groupForImport(
  ctx: ActorCtx,
  handle: string,
  name: string,
): Promise<ImportTargetGroup> {
  const existing = await groupByHandle(ctx.db, handle);
  if (existing) return { id: existing.id, handle: existing.handle, name: existing.name, created: false };
  try {
    const group = await createGroup(ctx, { handle, name });
    return { id: group.id, handle: group.handle, name: group.name, created: true };
  } catch (error) {
    // Made by someone else between the look-up and the insert: the archive goes into that one.
    if (!(error instanceof AppError) || error.code !== "conflict") throw error;
    const made = await groupByHandle(ctx.db, handle);
    if (!made) throw error;
    return { id: made.id, handle: made.handle, name: made.name, created: false };
  }
}

const roleRank: Record<GroupRole, number> = { member: 0, moderator: 1, owner: 2 };

/**
 * Adds members, active, with their role and delivery choice; a person who is a member already keeps
 * their membership as it is. Several entries for one account (two addresses of one person, or the
 * people an import leaves out, who all write as one shared account) make one row: the strongest role
 * and the first delivery choice. Returns how many rows were written.
 */
export async function writeImportedMembers(
  ctx: Ctx,
  groupId: string,
  members: readonly ImportedGroupMember[],
): Promise<number> {
  const byUser = new Map<string, ImportedGroupMember>();
  for (const member of members) {
    const seen = byUser.get(member.userId);
    if (!seen) byUser.set(member.userId, member);
    else if (roleRank[member.role] > roleRank[seen.role])
      byUser.set(member.userId, { ...seen, role: member.role });
  }
  let written = 0;
  for (const batch of chunks([...byUser.values()])) {
    const rows = await ctx.db
      .insert(groupMembers)
      .values(
        batch.map((member) => ({
          groupId,
          userId: member.userId,
          role: member.role,
          status: "active" as const,
          delivery: member.delivery,
          joinedAt: member.joinedAt ?? new Date(),
        })),
      )
      .onConflictDoNothing()
      .returning({ userId: groupMembers.userId });
    written += rows.length;
  }
  return written;
}

/**
 * The messages (of `items`) this group holds already: by their id (imported before) or by the
 * Message-ID of their mail (came in by mail, or imported from another archive). Lets an importer skip
 * reading again what a previous run wrote.
 */
export async function importedMessagesOf(
  ctx: Ctx,
  groupId: string,
  items: readonly { id: string; emailMessageId: string | null }[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const batch of chunks(items, 1000)) {
    const ids = batch.map((item) => item.id);
    const mailIds = batch.flatMap((item) => (item.emailMessageId ? [item.emailMessageId] : []));
    const rows = await ctx.db
      .select({ id: groupMessages.id, emailMessageId: groupMessages.emailMessageId })
      .from(groupMessages)
      .where(
        and(
          eq(groupMessages.groupId, groupId),
          mailIds.length > 0
            ? or(inArray(groupMessages.id, ids), inArray(groupMessages.emailMessageId, mailIds))
            : inArray(groupMessages.id, ids),
        ),
      );
    const rowIds = new Set(rows.map((row) => row.id));
    const rowMailIds = new Set(rows.flatMap((row) => (row.emailMessageId ? [row.emailMessageId] : [])));
    for (const item of batch)
      if (rowIds.has(item.id) || (item.emailMessageId && rowMailIds.has(item.emailMessageId)))
        found.add(item.id);
  }
  return found;
}

/**
 * Writes one batch of an archive in one transaction: the topics its messages open (a topic that is
 * there already only moves its last activity later, when the archive's is), the messages, published,
 * as mail brought them, with their dates, and their hashtags and files. A message that is there
 * already (its id, or its Message-ID in this group) is skipped with its hashtags and files, which its
 * own run wrote with it. Returns how many messages were written.
 */
export async function writeImportedMessages(
  ctx: Ctx,
  groupId: string,
  batch: { topics: readonly ImportedTopic[]; messages: readonly ImportedMessage[] },
): Promise<number> {
  return inTransaction(ctx, async (tx) => {
    for (const topics of chunks(batch.topics)) {
      await tx.db
        .insert(groupTopics)
        .values(
          topics.map((topic) => ({
            id: topic.id,
            groupId,
            subject: topic.subject,
            authorId: topic.authorId,
            createdAt: topic.createdAt,
            lastMessageAt: topic.lastMessageAt,
          })),
        )
        .onConflictDoUpdate({
          target: groupTopics.id,
          set: { lastMessageAt: sql`excluded.last_message_at` },
          setWhere: sql`${groupTopics.lastMessageAt} < excluded.last_message_at`,
        });
    }
    let written = 0;
    for (const messages of chunks(batch.messages)) {
      const rows = await tx.db
        .insert(groupMessages)
        .values(
          messages.map((message) => ({
            id: message.id,
            groupId,
            topicId: message.topicId,
            authorId: message.authorId,
            body: message.body,
            status: "published" as const,
            source: "import" as const,
            emailMessageId: message.emailMessageId,
            createdAt: message.createdAt,
          })),
        )
        .onConflictDoNothing()
        .returning({ id: groupMessages.id });
      written += rows.length;
      const fresh = new Set(rows.map((row) => row.id));
      const tags = messages.flatMap((message) =>
        fresh.has(message.id)
          ? [...new Set(message.hashtags)].map((tag) => ({ messageId: message.id, groupId, tag }))
          : [],
      );
      for (const part of chunks(tags)) await tx.db.insert(groupHashtags).values(part).onConflictDoNothing();
      const links = messages.flatMap((message) =>
        fresh.has(message.id)
          ? [...new Set(message.fileIds)].map((fileId) => ({
              messageId: message.id,
              fileId,
              createdAt: message.createdAt,
            }))
          : [],
      );
      for (const part of chunks(links))
        await tx.db.insert(groupMessageAttachments).values(part).onConflictDoNothing();
    }
    return written;
  });
}
