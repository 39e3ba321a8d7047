import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { idParam } from "../../../../shared/fields.js";
import { person } from "./channels.js";

export const MAX_MESSAGE_LENGTH = 40_000;

const tag = "chat";

// --- input ---

const bodyText = z
  .string({ error: "Write a message." })
  .max(MAX_MESSAGE_LENGTH, `A message has at most ${MAX_MESSAGE_LENGTH.toLocaleString("en")} characters.`);
const bodyField = bodyText.refine((text) => text.trim().length > 0, "Write a message.");
export const postInput = z
  .object({
    clientId: z
      .string()
      .trim()
      .min(8, "Send a client id of 8 to 64 characters.")
      .max(64, "Send a client id of 8 to 64 characters."),
    body: bodyText,
    threadRootId: z.uuid("Not a message id.").optional(),
    alsoToChannel: z.boolean().optional(),
    attachmentIds: z.array(z.uuid()).max(10, "At most 10 files per message.").optional(),
  })
  // A message may be only files; otherwise it needs words.
  .refine((post) => post.body.trim().length > 0 || (post.attachmentIds?.length ?? 0) > 0, {
    message: "Write a message or attach a file.",
    path: ["body"],
  });
export type PostInput = z.output<typeof postInput>;
const pageQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type MessagePage = z.output<typeof pageQuery>;

// --- output ---

export const attachment = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  url: z.string(),
  isImage: z.boolean(),
});
export type Attachment = z.infer<typeof attachment>;
export const reaction = z.object({ emoji: z.string(), userIds: z.array(z.string()) });
export type Reaction = z.infer<typeof reaction>;
export const message = z.object({
  id: z.string(),
  seq: z.number(),
  channelId: z.string(),
  clientId: z.string(),
  author: person,
  body: z.string(),
  bodyHtml: z.string(),
  threadRootId: z.string().nullable(),
  alsoToChannel: z.boolean(),
  replyCount: z.number(),
  lastReplyAt: z.string().nullable(),
  editedAt: z.string().nullable(),
  deleted: z.boolean(),
  pinned: z.boolean(),
  reactions: z.array(reaction),
  attachments: z.array(attachment),
  /** The members named with their address (ids). */
  mentions: z.array(z.string()),
  /** Written with @channel or @here: it mentions every member of the channel but its author. */
  mentionsChannel: z.boolean(),
  supportLike: z.boolean(),
  ticketId: z.string().nullable(),
  createdAt: z.string(),
});
export type Message = z.infer<typeof message>;
export const thread = z.object({ root: message, replies: z.array(message) });
export type Thread = z.infer<typeof thread>;
export const messagePageAnswer = z.object({ messages: z.array(message), hasMore: z.boolean() });
export type MessagesPage = z.infer<typeof messagePageAnswer>;
const ticketLink = z.object({ ticketId: z.string(), ticketNumber: z.number() });
export type TicketLink = z.infer<typeof ticketLink>;

// --- operations ---

export const listMessages = operation({
  operationId: "listChannelMessages",
  summary: "A page of a channel's history, oldest first",
  method: "GET",
  path: "/api/chat/channels/:id/messages",
  access: "member",
  tag,
  params: idParam,
  query: pageQuery,
  response: messagePageAnswer,
});

export const postMessage = operation({
  operationId: "postChatMessage",
  summary: "Post a message or a thread reply, once per client id",
  description:
    "Answers 201 with the new message; a retry with a client id already used answers 200 with the first one.",
  method: "POST",
  path: "/api/chat/channels/:id/messages",
  access: "member",
  tag,
  params: idParam,
  body: postInput,
  response: message,
  status: 201,
  errors: ["rate_limited"],
});

export const getThread = operation({
  operationId: "getChatThread",
  summary: "The thread a message belongs to",
  method: "GET",
  path: "/api/chat/messages/:id/thread",
  access: "member",
  tag,
  params: idParam,
  response: thread,
});

export const editMessage = operation({
  operationId: "editChatMessage",
  summary: "Change the text of one's own message",
  method: "PATCH",
  path: "/api/chat/messages/:id",
  access: "member",
  tag,
  params: idParam,
  body: z.object({ body: bodyField }),
  response: message,
});

export const deleteMessage = operation({
  operationId: "deleteChatMessage",
  summary: "Hide a message from everyone",
  method: "DELETE",
  path: "/api/chat/messages/:id",
  access: "member",
  tag,
  params: idParam,
});

export const openTicketFromMessage = operation({
  operationId: "openTicketFromChatMessage",
  summary: "Turn one's own message into a service desk ticket",
  method: "POST",
  path: "/api/chat/messages/:id/ticket",
  access: "member",
  tag,
  params: idParam,
  response: ticketLink,
  status: 201,
});

// --- live events (to the channel's members) ---

export const messageCreated = defineEvent<{ message: Message }>("message.created");
/** Edited, pinned, given a reply or a ticket link: the whole message again. */
export const messageUpdated = defineEvent<{ message: Message }>("message.updated");
export const messageDeleted = defineEvent<{
  messageId: string;
  channelId: string;
  threadRootId: string | null;
}>("message.deleted");
/** To the people a message names (and, for @channel, the channel's members), whichever page they are on. */
export const mentioned = defineEvent<{
  channelId: string;
  messageId: string;
  by: { id: string; name: string };
}>("mention");
