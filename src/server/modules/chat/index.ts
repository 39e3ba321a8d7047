// What other modules may use of chat: service functions only, never its tables.
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import type { ActorCtx } from "../../platform/context.js";
import { notFound } from "../../platform/errors.js";
import { announcementsChannel, joinChannel } from "./channels.js";
import { loadReadableMessage, postMessage } from "./messages.js";
import { channels } from "./schema.js";

export { ensureAnnouncementsChannel, memberChannelIds, slugify } from "./channels.js";
export {
  finishImportedChannel,
  type ImportedChannel,
  type ImportedMessage,
  importChannel,
  importMessages,
} from "./import-writer.js";

/** Posts into #announcements as a member of the product team (a release being published, say). */
export async function postAnnouncement(
  ctx: ActorCtx,
  input: { clientId: string; body: string },
): Promise<{ messageId: string }> {
  const channel = await announcementsChannel(ctx.db);
  const { message } = await postMessage(ctx, channel.id, {
    clientId: input.clientId,
    body: input.body,
  });
  return { messageId: message.id };
}

/** #announcements, where notices go unless a module's settings name another channel. */
export async function announcementsChannelRef(db: Db): Promise<{ id: string; name: string }> {
  const channel = await announcementsChannel(db);
  return { id: channel.id, name: channel.name };
}

/** A public, unarchived channel (one that can carry notices for everyone), or null. */
export async function openPublicChannel(db: Db, id: string): Promise<{ id: string; name: string } | null> {
  const [row] = await db
    .select({ id: channels.id, name: channels.name, kind: channels.kind, archivedAt: channels.archivedAt })
    .from(channels)
    .where(eq(channels.id, id));
  return row && row.kind === "public" && !row.archivedAt ? { id: row.id, name: row.name } : null;
}

/**
 * Posts a notice from the product team into a public channel (a sandbox deployment, say), joining the
 * author to it first: a notice must not fail because the staff member never joined the channel.
 */
export async function postNotice(
  ctx: ActorCtx,
  input: { channelId: string; clientId: string; body: string },
): Promise<{ messageId: string }> {
  const announcements = await announcementsChannel(ctx.db);
  if (announcements.id !== input.channelId) await joinChannel(ctx, input.channelId);
  const { message } = await postMessage(ctx, input.channelId, {
    clientId: input.clientId,
    body: input.body,
  });
  return { messageId: message.id };
}

/**
 * A message as the actor may read it (chat's own rule: a channel they may read; a deleted message
 * is gone), with who posted it, when and where: what the knowledge base drafts an article from and an
 * idea quotes as evidence.
 */
export async function readChatMessage(
  ctx: ActorCtx,
  messageId: string,
): Promise<{
  body: string;
  authorId: string;
  postedAt: Date;
  channelName: string;
  isDirect: boolean;
  path: string;
}> {
  const { message, channel } = await loadReadableMessage(ctx, messageId);
  if (message.deletedAt) throw notFound("The message");
  const thread = message.threadRootId ? `thread=${message.threadRootId}&` : "";
  return {
    body: message.body,
    authorId: message.authorId,
    postedAt: message.createdAt,
    channelName: channel.name,
    isDirect: channel.kind === "dm",
    path: `/chat/${channel.id}?${thread}message=${message.id}`,
  };
}
