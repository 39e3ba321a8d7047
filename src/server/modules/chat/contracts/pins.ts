import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { idParam } from "../../../../shared/fields.js";
import { message } from "./messages.js";

const tag = "chat";

export const pinMessage = operation({
  operationId: "pinChatMessage",
  summary: "Pin a message to its channel",
  method: "POST",
  path: "/api/chat/messages/:id/pin",
  access: "member",
  tag,
  params: idParam,
  response: message,
});

export const unpinMessage = operation({
  operationId: "unpinChatMessage",
  summary: "Unpin a message",
  method: "DELETE",
  path: "/api/chat/messages/:id/pin",
  access: "member",
  tag,
  params: idParam,
  response: message,
});

export const listPins = operation({
  operationId: "listChannelPins",
  summary: "A channel's pinned messages, latest pin first",
  method: "GET",
  path: "/api/chat/channels/:id/pins",
  access: "member",
  tag,
  params: idParam,
  response: z.object({ messages: z.array(message) }),
});
