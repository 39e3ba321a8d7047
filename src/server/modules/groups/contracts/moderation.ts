import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { groupPerson, handleParam, tag } from "./groups.js";
import { reasonField } from "./members.js";
import { groupMessage, messageParams, posted, taggedMessage } from "./messages.js";

/**
 * The group's moderation queue or log changed: a message came to wait, or was approved or rejected, or
 * a topic was pinned, locked or deleted. To the group's active owners and moderators alone.
 */
export const groupModerationChanged = defineEvent<{ groupId: string }>("groups.moderation");

// --- output ---

export const moderationLogEntry = z.object({
  id: z.number(),
  actor: groupPerson,
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  /** What was acted on, as people name it: a topic's subject, a person's name, the group's name. */
  target: z.string().nullable(),
  reason: z.string().nullable(),
  at: z.string(),
});
export type ModerationLogEntry = z.infer<typeof moderationLogEntry>;

// --- operations ---

export const listGroupQueue = operation({
  operationId: "listGroupQueue",
  summary: "Messages waiting for approval (moderators)",
  method: "GET",
  path: "/api/groups/:handle/queue",
  access: "member",
  tag,
  params: handleParam,
  response: z.object({ messages: z.array(taggedMessage) }),
});

export const approveGroupMessage = operation({
  operationId: "approveGroupMessage",
  summary: "Publish a waiting message (moderators)",
  method: "POST",
  path: "/api/groups/:handle/queue/:messageId/approve",
  access: "member",
  tag,
  params: messageParams,
  response: posted,
});

export const rejectGroupMessage = operation({
  operationId: "rejectGroupMessage",
  summary: "Reject a waiting message with a reason for its author (moderators)",
  method: "POST",
  path: "/api/groups/:handle/queue/:messageId/reject",
  access: "member",
  tag,
  params: messageParams,
  body: z.object({ reason: reasonField }),
  response: groupMessage,
});

export const listGroupModerationLog = operation({
  operationId: "listGroupModerationLog",
  summary: "What a group's moderators did, newest first (moderators)",
  method: "GET",
  path: "/api/groups/:handle/log",
  access: "member",
  tag,
  params: handleParam,
  response: z.object({ entries: z.array(moderationLogEntry) }),
});
