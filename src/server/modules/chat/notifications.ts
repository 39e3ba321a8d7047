import { and, eq, isNull, sql } from "drizzle-orm";
import { uuidArray } from "../../db/arrays.js";
import type { Db } from "../../db/client.js";
import type { Ctx } from "../../platform/context.js";
import { excerptWithMentions } from "../../platform/mentions.js";
import { defineNotificationItem } from "../../platform/notifications/items.js";
import {
  type ItemRef,
  markItemsSeen,
  notify,
  peopleAtLevel,
  peopleAtLevelValue,
} from "../../platform/notifications/service.js";
import { channelMembers, channels, messages } from "./schema.js";

type ChannelRow = typeof channels.$inferSelect;
type MessageRow = typeof messages.$inferSelect;

/** Of these people, who may read the channel: anyone for a public channel, its members otherwise. */
async function channelReaders(db: Db, channelId: string, userIds: string[]): Promise<string[]> {
  const [channel] = await db
    .select({ kind: channels.kind, isAnnouncements: channels.isAnnouncements })
    .from(channels)
    .where(eq(channels.id, channelId));
  if (!channel) return [];
  if (channel.kind === "public" || channel.isAnnouncements) return userIds;
  if (userIds.length === 0) return [];
  const members = await db
    .select({ userId: channelMembers.userId })
    .from(channelMembers)
    .where(
      and(
        eq(channelMembers.channelId, channelId),
        sql`${channelMembers.userId} = any(${uuidArray(userIds)})`,
      ),
    );
  return members.map((member) => member.userId);
}

/** Who may read a message that is not deleted (for a thread, its root). */
async function messageReaders(db: Db, messageId: string, userIds: string[]): Promise<string[]> {
  const [message] = await db
    .select({ channelId: messages.channelId })
    .from(messages)
    .where(and(eq(messages.id, messageId), isNull(messages.deletedAt)));
  return message ? channelReaders(db, message.channelId, userIds) : [];
}

/** A channel: what a person follows (all messages), sets to mentions only (the default), or mutes. */
export const channelItem = defineNotificationItem({
  type: "chat_channel",
  audience: channelReaders,
});

/** A top-level message: a mention, an @channel, a direct message each open as their own entry. */
export const messageItem = defineNotificationItem({
  type: "chat_message",
  audience: messageReaders,
});

/**
 * A thread, by its root's id: every reply's notification groups under it, apart from the root's own
 * (a mention in the root is one entry, the conversation under it another). Followed or muted here.
 */
export const threadItem = defineNotificationItem({
  type: "chat_thread",
  audience: messageReaders,
});

const channelRef = (channelId: string): ItemRef => ({ type: channelItem.type, id: channelId });

/** The people who follow a channel (all its messages), as one value a statement on `channels` selects. */
export const channelFollowersValue = () =>
  peopleAtLevelValue({ type: channelItem.type, id: sql`${channels.id}::text` }, "follow");
export const threadRef = (rootId: string): ItemRef => ({ type: threadItem.type, id: rootId });

type NewMessagePlace = {
  channel: ChannelRow;
  root: MessageRow | undefined;
  /** A thread reply also shown in the channel. */
  alsoToChannel: boolean;
  authorId: string;
  /** Named with @address, members of the channel. */
  named: string[];
  /** Reached only by @channel. */
  everyone: string[];
  /** Those who set the channel to all messages (`channelFollowersValue`, read with the channel). */
  channelFollowers: string[];
};

type NotificationKind = Parameters<typeof notify>[1]["kind"];

/** Who a new message notifies, by kind, each person once; what `notifyNewMessage` then tells. */
export type NewMessageAudience = { kind: NotificationKind; recipients: string[] }[];

/**
 * Everyone a new message notifies, each once, by the first kind that applies: mentioned by name,
 * a direct message, a reply in a thread they follow, then @channel or a channel they follow "all".
 * Muting the channel or the thread (and turning a kind off) is the notification service's to apply.
 * Only reads, so a post asks it before it takes the event-order lock every post waits for.
 */
export async function newMessageAudience(ctx: Ctx, place: NewMessagePlace): Promise<NewMessageAudience> {
  const { channel, root } = place;
  const told = new Set<string>([place.authorId]);
  const fresh = (ids: Iterable<string>) => {
    const chosen = [...new Set(ids)].filter((id) => !told.has(id));
    for (const id of chosen) told.add(id);
    return chosen;
  };
  const audience: NewMessageAudience = [{ kind: "chat.mention", recipients: fresh(place.named) }];
  if (channel.kind === "dm")
    audience.push({ kind: "chat.direct", recipients: fresh(await memberIds(ctx.db, channel.id)) });
  if (root)
    audience.push({ kind: "chat.thread_reply", recipients: fresh(await threadFollowers(ctx.db, root)) });
  const channelFollowers = !root || place.alsoToChannel ? place.channelFollowers : [];
  audience.push({ kind: "chat.channel", recipients: fresh([...place.everyone, ...channelFollowers]) });
  return audience.filter((part) => part.recipients.length > 0);
}

/** Tells a new message's audience (`newMessageAudience`), in the transaction that wrote it. */
export async function notifyNewMessage(
  ctx: Ctx,
  message: {
    row: MessageRow;
    channel: ChannelRow;
    root: MessageRow | undefined;
    author: { id: string; name: string };
    /** The people the body mentions, so the excerpt names them as the channel does. */
    namesByEmail: Map<string, { name: string }>;
  },
  audience: NewMessageAudience,
): Promise<void> {
  const { row, channel, root, author } = message;
  const inDm = channel.kind === "dm";
  const place = inDm ? "a direct message" : `#${channel.name}`;
  const item = root
    ? { ...threadRef(root.id), title: `Thread in ${place}`, url: messageUrl(channel.id, row.id, root.id) }
    : {
        type: messageItem.type,
        id: row.id,
        title: inDm ? `Direct message from ${author.name}` : place,
        url: messageUrl(channel.id, row.id),
      };
  const notice = {
    item,
    excerpt: excerptWithMentions(row.body, message.namesByEmail),
    actor: author,
    within: [channelRef(channel.id)],
  };
  for (const { kind, recipients } of audience) await notify(ctx, { ...notice, kind, recipients });
}

/** The page that opens the channel (and thread) scrolled to the message, highlighted. */
export function messageUrl(channelId: string, messageId: string, rootId?: string): string {
  return rootId
    ? `/chat/${channelId}?thread=${rootId}&message=${messageId}`
    : `/chat/${channelId}?message=${messageId}`;
}

async function memberIds(db: Db, channelId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: channelMembers.userId })
    .from(channelMembers)
    .where(eq(channelMembers.channelId, channelId));
  return rows.map((row) => row.userId);
}

/** Those in a thread: its root's author, everyone who replied, and whoever chose to follow it. */
async function threadFollowers(db: Db, root: MessageRow): Promise<string[]> {
  const repliers = await db
    .selectDistinct({ authorId: messages.authorId })
    .from(messages)
    .where(and(eq(messages.threadRootId, root.id), isNull(messages.deletedAt)));
  return [
    root.authorId,
    ...repliers.map((reply) => reply.authorId),
    ...(await peopleAtLevel(db, threadRef(root.id), "follow")),
  ];
}

/**
 * A person read a channel up to `lastReadSeq` (from `previousSeq`): the notifications of the
 * top-level messages they have now seen are read too, so none of them is e-mailed.
 */
export async function markChannelMessagesSeen(
  ctx: Ctx,
  userId: string,
  channelId: string,
  previousSeq: number,
  lastReadSeq: number,
): Promise<void> {
  if (lastReadSeq <= previousSeq) return;
  await markItemsSeen(
    ctx,
    userId,
    messageItem.type,
    sql`select ${messages.id}::text from ${messages}
      where ${messages.channelId} = ${channelId}
        and ${messages.seq} > ${previousSeq} and ${messages.seq} <= ${lastReadSeq}
        and ${messages.threadRootId} is null`,
  );
}
