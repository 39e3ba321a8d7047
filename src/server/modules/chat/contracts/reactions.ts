import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { idParam } from "../../../../shared/fields.js";
import { message, type Reaction } from "./messages.js";

const tag = "chat";

const emojiField = z
  .string()
  .min(1, "Choose an emoji.")
  .max(32, "Choose one emoji.")
  .refine((text) => !/[\s<>]/.test(text), "Choose one emoji.");

export const addReaction = operation({
  operationId: "addChatReaction",
  summary: "React to a message with an emoji",
  method: "POST",
  path: "/api/chat/messages/:id/reactions",
  access: "member",
  tag,
  params: idParam,
  body: z.object({ emoji: emojiField }),
  response: message,
});

export const removeReaction = operation({
  operationId: "removeChatReaction",
  summary: "Take back one's reaction to a message",
  method: "DELETE",
  path: "/api/chat/messages/:id/reactions/:emoji",
  access: "member",
  tag,
  params: idParam.extend({ emoji: emojiField }),
  response: message,
});

/** A message's reactions changed: all of them, to the channel's members. */
export const reactionsChanged = defineEvent<{ messageId: string; channelId: string; reactions: Reaction[] }>(
  "reaction.changed",
);
