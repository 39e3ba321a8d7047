import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam } from "../../../../shared/fields.js";
import { message } from "./messages.js";

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
