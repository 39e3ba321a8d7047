import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { ActorCtx } from "../../platform/context.js";
import { notFound } from "../../platform/errors.js";
import { defineReplyTarget } from "../../platform/notifications/replies.js";
import { isMember, loadReadableChannel, postingRefusal } from "./channels.js";
import { postInput } from "./contracts/messages.js";
import { postMessage } from "./messages.js";
import { messages } from "./schema.js";

/** An e-mailed answer is held to the rules of a message's text. */
const body = postInput.shape.body;

/** Each e-mailed answer is a new post: the client id only has to be unique. */
const mailClientId = () => `mail-${randomUUID()}`;

/** The thread a message belongs to: its root, or the message itself when it is one. */
async function threadOf(ctx: ActorCtx, messageId: string) {
  const [message] = await ctx.db.select().from(messages).where(eq(messages.id, messageId));
  if (!message || message.deletedAt) throw notFound("The message");
  const rootId = message.threadRootId ?? message.id;
  return { rootId, message, channel: await loadReadableChannel(ctx, message.channelId) };
}

/** Who may answer in a message's thread: a member of its channel while it is not archived. */
async function threadRefusal(ctx: ActorCtx, messageId: string): Promise<string | null> {
  const { channel } = await threadOf(ctx, messageId);
  if (channel.archivedAt) return "This channel is archived.";
  if (!channel.isAnnouncements && !(await isMember(ctx.db, channel, ctx.actor.id)))
    return "Join the channel to reply.";
  return null;
}

/**
 * An answer to a message's e-mail goes where a reply on the web would: a direct message's answer is the
 * next message of the conversation, any other's a reply in its thread.
 */
defineReplyTarget({
  type: "chat_message",
  code: "m",
  body,
  refusal: threadRefusal,
  post: async (ctx, messageId, text) => {
    const { rootId, channel, message } = await threadOf(ctx, messageId);
    const inConversation = channel.kind === "dm" && message.threadRootId === null;
    await postMessage(ctx, channel.id, {
      clientId: mailClientId(),
      body: text,
      ...(inConversation ? {} : { threadRootId: rootId }),
    });
  },
});

/** An answer to a thread's e-mail (replies in it) is a reply in that thread. */
defineReplyTarget({
  type: "chat_thread",
  code: "h",
  body,
  refusal: threadRefusal,
  post: async (ctx, rootId, text) => {
    const { channel } = await threadOf(ctx, rootId);
    await postMessage(ctx, channel.id, { clientId: mailClientId(), body: text, threadRootId: rootId });
  },
});

/** An answer to a channel's e-mail (a direct message, a mention) is a message in the channel. */
defineReplyTarget({
  type: "chat_channel",
  code: "c",
  body,
  refusal: async (ctx, channelId) =>
    postingRefusal(ctx.db, await loadReadableChannel(ctx, channelId), ctx.actor),
  post: async (ctx, channelId, text) => {
    await postMessage(ctx, channelId, { clientId: mailClientId(), body: text });
  },
});
