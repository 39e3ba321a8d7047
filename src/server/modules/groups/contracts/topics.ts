import { z } from "zod";
import { operation } from "../../../../shared/contract.js";
import { defineEvent } from "../../../../shared/events.js";
import { requiredText, someChange } from "../../../../shared/fields.js";
import { groupPerson, handleParam, tag } from "./groups.js";
import { bodyField, groupMessage, posted, topicParams } from "./messages.js";

/**
 * Something the group's readers see in a topic changed: a message published in it (posted, or approved
 * from the queue), the topic pinned, locked or deleted. To the group's active members, who alone read
 * its topics (and to the author of a message rejected from the queue, the one reader of it).
 */
export const groupTopicChanged = defineEvent<{ groupId: string; topicId: string }>("groups.topic");

// --- input ---

export const topicInput = z.object({ subject: requiredText("Enter a subject.", 200), body: bodyField });
export type TopicFields = z.output<typeof topicInput>;
export const topicChanges = someChange({
  pinned: z.boolean({ error: "Give pinned as true or false." }).optional(),
  locked: z.boolean({ error: "Give locked as true or false." }).optional(),
});
export type TopicChanges = z.output<typeof topicChanges>;

// --- output ---

export const topicSummary = z.object({
  id: z.string(),
  groupId: z.string(),
  subject: z.string(),
  author: groupPerson,
  pinned: z.boolean(),
  locked: z.boolean(),
  messageCount: z.number(),
  createdAt: z.string(),
  lastMessageAt: z.string(),
});
export type TopicSummary = z.infer<typeof topicSummary>;
export const topic = topicSummary.extend({ messages: z.array(groupMessage) });
export type Topic = z.infer<typeof topic>;

// --- operations ---

export const listGroupTopics = operation({
  operationId: "listGroupTopics",
  summary: "A group's topics, pinned first, then by latest message",
  method: "GET",
  path: "/api/groups/:handle/topics",
  access: "member",
  tag,
  params: handleParam,
  response: z.object({ topics: z.array(topicSummary) }),
});

export const startGroupTopic = operation({
  operationId: "startGroupTopic",
  summary: "Start a topic, as JSON or as a multipart form with files",
  method: "POST",
  path: "/api/groups/:handle/topics",
  access: "member",
  tag,
  params: handleParam,
  body: topicInput,
  form: true,
  response: posted,
  status: 201,
});

export const getGroupTopic = operation({
  operationId: "getGroupTopic",
  summary: "One topic with its messages",
  method: "GET",
  path: "/api/groups/:handle/topics/:topicId",
  access: "member",
  tag,
  params: topicParams,
  response: topic,
});

export const updateGroupTopic = operation({
  operationId: "updateGroupTopic",
  summary: "Pin or lock a topic (moderators)",
  method: "PATCH",
  path: "/api/groups/:handle/topics/:topicId",
  access: "member",
  tag,
  params: topicParams,
  body: topicChanges,
  response: topic,
});

export const removeGroupTopic = operation({
  operationId: "removeGroupTopic",
  summary: "Remove a topic (moderators)",
  method: "DELETE",
  path: "/api/groups/:handle/topics/:topicId",
  access: "member",
  tag,
  params: topicParams,
  body: z
    .object({
      reason: z
        .string({ error: "Give the reason as text." })
        .trim()
        .min(1, "Give a reason, or leave it out.")
        .max(500, "Use at most 500 characters.")
        .optional(),
    })
    // A DELETE without a payload reaches validation as null.
    .nullish(),
});
